/**
 * What the simulator sends traffic to, rebuilt from the watched objects whenever they change: the Services
 * some routing API routes and the ServiceEntry hosts a VirtualService names (the choice of targets, read
 * from the objects), and for each a Router. For VirtualService and HTTPRoute the Router follows the client
 * pod's sidecar config from istiod, looked up per request so that a push takes effect without a rebuild;
 * for TrafficSplit it is the simulator's own (smi/).
 */
import { clientPods, type ClientPod } from './client-pods.ts';
import { EndpointIndex } from './endpoints.ts';
import { routesOfService } from './gateway-api/parents.ts';
import { serviceOfHost } from './hosts.ts';
import { ServiceEntryHosts, serviceEntryTargets } from './istio/service-entries.ts';
import { virtualServiceFor } from './istio/virtual-service-for.ts';
import { ISTIOD_ROUTED, ROUTING_APIS, type MeshObjects, type Router, type RoutingApi } from './router.ts';
import { indexServices, type ServiceRef } from './services.ts';
import { trafficSplitFor, trafficSplitRouter } from './smi/router.ts';
import { sidecarCall } from './xds/sidecar-call.ts';
import { routeThroughSidecar } from './xds/sidecar-router.ts';
import type { Snapshot } from './xds/snapshot.ts';

/** The latest config istiod pushed to a client pod's sidecar, by the pod's key. */
export type SnapshotSource = (client: string) => Snapshot | undefined;

/** A Service some routing API routes, or a ServiceEntry host a VirtualService names: the simulator sends it traffic. */
export type RoutedService = ServiceRef & {
  api: RoutingApi;
  route: Router;
  /** The pod the calls come from; its sidecar's config routes them when istiod does the routing. */
  client?: ClientPod;
  /** `source_workload` of the calls: the client pod's workload. */
  source: string;
};

/** A Service more than one API claims, and the one the simulator follows. */
export interface RoutingConflict {
  fqdn: string;
  used: RoutingApi;
  ignored: RoutingApi[];
}

/** A Service istiod routes that the simulator cannot call: no Ready pod in its namespace to call from, or no port. */
export interface Uncallable {
  fqdn: string;
  name: string;
  namespace: string;
  reason: string;
}

const CLAIMS: Record<RoutingApi, (service: ServiceRef, objects: MeshObjects) => boolean> = {
  VirtualService: (service, objects) => virtualServiceFor(service, objects.virtualServices) !== undefined,
  // A ServiceEntry host is routed by a VirtualService only (GAMMA parents and SMI roots here are Services).
  HTTPRoute: (service, objects) => service.kind === 'Service' && routesOfService(service, objects.httpRoutes).length > 0,
  TrafficSplit: (service, objects) => service.kind === 'Service' && trafficSplitFor(service, objects.trafficSplits) !== undefined,
};

export class RoutingTable {
  readonly routed: RoutedService[] = [];
  readonly conflicts: RoutingConflict[] = [];
  readonly uncallable: Uncallable[] = [];
  readonly endpoints: EndpointIndex;
  private readonly serviceEntryHosts: ServiceEntryHosts;

  constructor(objects: MeshObjects, snapshots: SnapshotSource = () => undefined) {
    const services = indexServices(objects.services);
    this.endpoints = new EndpointIndex(objects);
    this.serviceEntryHosts = new ServiceEntryHosts(objects.serviceEntries, services);
    const clients = clientPods(objects.pods);
    const candidates: ServiceRef[] = [...services.values(), ...serviceEntryTargets(objects.serviceEntries, services)];
    for (const service of candidates) {
      const [chosen, ...ignored] = ROUTING_APIS.filter((api) => CLAIMS[api](service, objects));
      if (!chosen) continue;
      if (ignored.length > 0) this.conflicts.push({ fqdn: service.fqdn, used: chosen, ignored });
      const client = clients.get(service.namespace);
      const source = client?.workloadName ?? 'simulator';
      if (!ISTIOD_ROUTED.has(chosen)) {
        const split = trafficSplitFor(service, objects.trafficSplits)!;
        this.routed.push({ ...service, api: chosen, route: trafficSplitRouter(service, split, services), client, source });
        continue;
      }
      const call = client && sidecarCall(service, client);
      if (!client || !call) {
        this.uncallable.push({ fqdn: service.fqdn, name: service.name, namespace: service.namespace, reason: client ? 'it has no port' : `no Ready pod in ${service.namespace} to call it from` });
        continue;
      }
      const route: Router = (request, random) => {
        const snapshot = snapshots(client.key);
        return snapshot && routeThroughSidecar(snapshot, call, request, random);
      };
      this.routed.push({ ...service, api: chosen, route, client, source });
    }
  }

  /**
   * The name and namespace Istio's metrics give the service a cluster stands for: a ServiceEntry host is
   * named by itself, in its entry's namespace (the caller's when several namespaces have one); a cluster
   * Service by its FQDN's labels.
   */
  serviceOf(fqdn: string, callerNamespace: string): { name: string; namespace: string } {
    const entry = this.serviceEntryHosts.get(fqdn, callerNamespace);
    return entry ? { name: entry.name, namespace: entry.namespace } : serviceOfHost(fqdn);
  }
}

/** The client pods whose sidecar config the routers of `targets` need, once each. */
export function sidecarClients(targets: readonly RoutedService[]): ClientPod[] {
  const byKey = new Map<string, ClientPod>();
  for (const target of targets) if (target.client && ISTIOD_ROUTED.has(target.api)) byKey.set(target.client.key, target.client);
  return [...byKey.values()];
}
