/**
 * Which HTTPRoutes attach to a Service (GAMMA: a parent with `group: ""`, `kind: Service`): the simulator
 * sends such a Service traffic, and istiod turns the routes into the sidecars' config. Only routes in the
 * Service's own namespace (its producer routes) count, since the calls come from a pod of that namespace;
 * Gateway parents get no synthetic traffic.
 */
import type { ServiceRef } from '../services.ts';
import type { HttpRoute, ParentReference } from './types.ts';

function isServiceParent(parent: ParentReference): boolean {
  // The group must be spelled "": left out, it defaults to the Gateway API group, and no Service lives there.
  return parent.group === '' && parent.kind === 'Service';
}

function routeNamespace(route: HttpRoute): string {
  return route.metadata?.namespace ?? 'default';
}

/** The HTTPRoutes attached to `service` from its own namespace. */
export function routesOfService(service: ServiceRef, routes: readonly HttpRoute[]): HttpRoute[] {
  return routes.filter(
    (route) =>
      routeNamespace(route) === service.namespace &&
      (route.spec?.parentRefs ?? []).some(
        (parent) => isServiceParent(parent) && parent.name === service.name && (parent.namespace ?? routeNamespace(route)) === service.namespace,
      ),
  );
}
