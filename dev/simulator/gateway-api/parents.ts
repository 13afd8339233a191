/**
 * Which HTTPRoutes attach where. A route with a Service parent (GAMMA, `group: ""`, `kind: Service`) routes
 * mesh calls to that Service; a route with a Gateway parent routes what enters through that Gateway.
 * Routes in the Service's own namespace are its producer routes, which apply to every caller; a route in
 * another namespace is a consumer route that applies only to callers there, and the simulator's callers
 * live in the Service's namespace.
 */
import type { ServiceRef } from '../services.ts';
import type { HttpRoute, ParentReference } from './types.ts';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

function isServiceParent(parent: ParentReference): boolean {
  // The group must be spelled "": left out, it defaults to the Gateway API group, and no Service lives there.
  return parent.group === '' && parent.kind === 'Service';
}

function isGatewayParent(parent: ParentReference): boolean {
  return (parent.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (parent.kind ?? 'Gateway') === 'Gateway';
}

function routeNamespace(route: HttpRoute): string {
  return route.metadata?.namespace ?? 'default';
}

/** The HTTPRoutes that route mesh calls to `service` from callers in its namespace. */
export function routesOfService(service: ServiceRef, routes: readonly HttpRoute[]): HttpRoute[] {
  return routes.filter(
    (route) =>
      routeNamespace(route) === service.namespace &&
      (route.spec?.parentRefs ?? []).some(
        (parent) => isServiceParent(parent) && parent.name === service.name && (parent.namespace ?? routeNamespace(route)) === service.namespace,
      ),
  );
}

/** HTTPRoutes by the Gateway (`namespace/name`) they attach to. */
export function routesByGateway(routes: readonly HttpRoute[]): Map<string, HttpRoute[]> {
  const byGateway = new Map<string, HttpRoute[]>();
  for (const route of routes) {
    for (const parent of route.spec?.parentRefs ?? []) {
      if (!isGatewayParent(parent)) continue;
      const key = `${parent.namespace ?? routeNamespace(route)}/${parent.name}`;
      const attached = byGateway.get(key) ?? [];
      // A route naming one Gateway twice (two listeners) attaches once.
      if (!attached.includes(route)) byGateway.set(key, [...attached, route]);
    }
  }
  return byGateway;
}
