/**
 * Gateway API routing: for a Service, the HTTPRoutes attached to it (GAMMA); for a Gateway, the routes
 * attached to it, narrowed by their hostnames. The highest-precedence match across all of them wins.
 */
import type { MeshRequest } from '../mesh-request.ts';
import type { RouteOutcome, Router, RouterInputs, RoutersByService } from '../router.ts';
import type { ServiceIndex } from '../services.ts';
import { ruleOutcome } from './backends.ts';
import { routesByGateway, routesOfService } from './parents.ts';
import { rankMatches, winningMatch } from './precedence.ts';
import type { HttpRoute, ReferenceGrant } from './types.ts';

/** Routes requests addressed to `parentHost` through the given attached routes. */
export function httpRouteRouter(parentHost: string, routes: readonly HttpRoute[], services: ServiceIndex, referenceGrants: readonly ReferenceGrant[]): Router {
  const ranked = rankMatches(routes);
  return (request: MeshRequest, random: number): RouteOutcome => {
    const winner = winningMatch(ranked, request);
    // The API: no matching rule attached to the parent is a 404.
    if (!winner) return { kind: 'answer', status: 404, host: parentHost, version: 'unknown' };
    return ruleOutcome(winner.rule, { route: winner.route, parentHost, services, referenceGrants }, random);
  };
}

/** One Router per Service that an HTTPRoute with a Service parent routes. */
export function httpRouteRouters({ objects, services }: RouterInputs): RoutersByService {
  const routers: RoutersByService = new Map();
  for (const service of services.values()) {
    const routes = routesOfService(service, objects.httpRoutes);
    if (routes.length > 0) routers.set(service.fqdn, httpRouteRouter(service.fqdn, routes, services, objects.referenceGrants));
  }
  return routers;
}

/** True when an HTTPRoute hostname covers the request's host: `*.example.com` covers any name below it, not itself. */
export function hostnameCovers(hostname: string, host: string): boolean {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  if (hostname.startsWith('*.')) return name.endsWith(hostname.slice(1).toLowerCase());
  return name === hostname.toLowerCase();
}

/**
 * One Router per Gateway (`namespace/name`) with routes attached; the request's `host` header picks the
 * routes whose hostnames cover it (a route without hostnames takes every host).
 */
export function gatewayRouters({ objects, services }: RouterInputs): Map<string, Router> {
  const routers = new Map<string, Router>();
  for (const [gateway, routes] of routesByGateway(objects.httpRoutes)) {
    const byHost = new Map<string, Router>();
    routers.set(gateway, (request, random) => {
      const host = request.headers.host ?? '';
      let router = byHost.get(host);
      if (!router) {
        const covering = routes.filter((route) => (route.spec?.hostnames ?? []).length === 0 || route.spec!.hostnames!.some((name) => hostnameCovers(name, host)));
        byHost.set(host, (router = httpRouteRouter(gateway, covering, services, objects.referenceGrants)));
      }
      return router(request, random);
    });
  }
  return routers;
}
