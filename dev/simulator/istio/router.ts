/**
 * Istio routing for mesh callers: the Service's VirtualService, first matching `http` route, a destination
 * by weight, its subset resolved through the DestinationRule to endpoint labels.
 */
import { qualifyHost } from '../hosts.ts';
import type { MeshRequest } from '../mesh-request.ts';
import type { RouteOutcome, Router, RouterInputs, RoutersByService } from '../router.ts';
import type { ServiceIndex, ServiceRef } from '../services.ts';
import { pickByWeight } from '../weighted-pick.ts';
import { destinationRuleFor } from './destination-rule-for.ts';
import { routeApplies, type Caller } from './http-match.ts';
import type { DestinationRule, HttpRouteDestination, VirtualService, VirtualServiceHttpRoute } from './types.ts';
import { virtualServiceFor } from './virtual-service-for.ts';

/** The destination Istio picks on a route: a lone destination without weight gets everything, otherwise weights are relative. */
export function pickDestination(route: VirtualServiceHttpRoute, random: number): HttpRouteDestination | undefined {
  const destinations = route.route ?? [];
  return pickByWeight(destinations, (entry) => entry.weight ?? (destinations.length === 1 ? 100 : 0), random);
}

/** The status Envoy answers with itself for a route that forwards nowhere. */
function ownAnswer(route: VirtualServiceHttpRoute): number | undefined {
  if (route.directResponse) return route.directResponse.status;
  if (route.redirect) return route.redirect.redirectCode ?? 301;
  return undefined;
}

function forward(destination: HttpRouteDestination, namespace: string, caller: Caller, services: ServiceIndex, rules: readonly DestinationRule[]): RouteOutcome {
  const host = qualifyHost(destination.destination.host, namespace);
  const { subset } = destination.destination;
  const backend: ServiceRef | undefined = services.get(host);
  // No Service behind the host (or no such subset): Envoy has no cluster with endpoints, "no healthy upstream".
  if (!backend) return { kind: 'answer', status: 503, host, version: subset ?? 'unknown' };
  if (subset === undefined) return { kind: 'forward', backend };
  const labels = destinationRuleFor(host, caller.namespace, rules)?.spec?.subsets?.find((candidate) => candidate.name === subset)?.labels;
  if (!labels) return { kind: 'answer', status: 503, host, version: subset };
  return { kind: 'forward', backend, labels, version: subset };
}

/** Routes requests to `service` the way its sidecar-bound VirtualService says. */
export function virtualServiceRouter(service: ServiceRef, vs: VirtualService, services: ServiceIndex, rules: readonly DestinationRule[]): Router {
  const namespace = vs.metadata?.namespace ?? service.namespace;
  const caller: Caller = { namespace: service.namespace };
  const routes = vs.spec?.http ?? [];
  return (request: MeshRequest, random: number): RouteOutcome => {
    const route = routes.find((candidate) => routeApplies(candidate, request, caller));
    // No route for the request: Envoy's 404 "route not found".
    if (!route) return { kind: 'answer', status: 404, host: service.fqdn, version: 'unknown' };
    const own = ownAnswer(route);
    if (own !== undefined) return { kind: 'answer', status: own, host: service.fqdn, version: 'unknown' };
    const destination = pickDestination(route, random);
    if (!destination) return { kind: 'answer', status: 503, host: service.fqdn, version: 'unknown' };
    return forward(destination, namespace, caller, services, rules);
  };
}

/** One Router per Service that a sidecar-bound VirtualService routes. */
export function virtualServiceRouters({ objects, services }: RouterInputs): RoutersByService {
  const routers: RoutersByService = new Map();
  for (const service of services.values()) {
    const vs = virtualServiceFor(service, objects.virtualServices);
    if (vs) routers.set(service.fqdn, virtualServiceRouter(service, vs, services, objects.destinationRules));
  }
  return routers;
}
