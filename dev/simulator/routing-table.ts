/**
 * What the sidecars know, rebuilt from the watched objects whenever they change: which Services are routed
 * and by which API, how each routes a request, and which endpoints are healthy. Pure: no I/O.
 */
import { EndpointIndex } from './endpoints.ts';
import { gatewayRouters, httpRouteRouters } from './gateway-api/router.ts';
import { virtualServiceRouters } from './istio/router.ts';
import { ROUTING_APIS, type MeshObjects, type Router, type RouterInputs, type RoutersByService, type RoutingApi } from './router.ts';
import { indexServices, type ServiceIndex, type ServiceRef } from './services.ts';
import { trafficSplitRouters } from './smi/router.ts';

/** A Service some routing API routes: the simulator sends it traffic. */
export interface RoutedService extends ServiceRef {
  api: RoutingApi;
  route: Router;
  /** `source_workload` of its synthetic callers: the scenario's `sleep` client when the namespace has one. */
  source: string;
}

/** A Service more than one API claims, and the one the simulator follows. */
export interface RoutingConflict {
  fqdn: string;
  used: RoutingApi;
  ignored: RoutingApi[];
}

const BUILDERS: Record<RoutingApi, (inputs: RouterInputs) => RoutersByService> = {
  VirtualService: virtualServiceRouters,
  HTTPRoute: httpRouteRouters,
  TrafficSplit: trafficSplitRouters,
};

export class RoutingTable {
  readonly routed: RoutedService[] = [];
  readonly conflicts: RoutingConflict[] = [];
  /** Routers of the Gateways HTTPRoutes attach to, by `namespace/name`; the simulator sends them no traffic. */
  readonly gateways: Map<string, Router>;
  readonly endpoints: EndpointIndex;
  private readonly services: ServiceIndex;

  constructor(objects: MeshObjects) {
    this.services = indexServices(objects.services);
    this.endpoints = new EndpointIndex(objects);
    const inputs: RouterInputs = { objects, services: this.services };
    const routers = ROUTING_APIS.map((api) => ({ api, routers: BUILDERS[api](inputs) }));
    this.gateways = gatewayRouters(inputs);
    const clients = new Set(objects.deployments.filter((d) => d.metadata?.name === 'sleep').map((d) => d.metadata?.namespace));
    for (const service of this.services.values()) {
      const claims = routers.filter(({ routers: byService }) => byService.has(service.fqdn));
      const [chosen, ...ignored] = claims;
      if (!chosen) continue;
      this.routed.push({ ...service, api: chosen.api, route: chosen.routers.get(service.fqdn)!, source: clients.has(service.namespace) ? 'sleep' : 'simulator' });
      if (ignored.length > 0) this.conflicts.push({ fqdn: service.fqdn, used: chosen.api, ignored: ignored.map(({ api }) => api) });
    }
  }

  /** The Kubernetes Service behind an FQDN, if the cluster has one. */
  service(fqdn: string): ServiceRef | undefined {
    return this.services.get(fqdn);
  }
}
