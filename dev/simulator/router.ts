/**
 * The seam between the routing APIs and the rest of the simulator: each API (istio/, gateway-api/, smi/)
 * turns its objects into one Router per Service it routes, and a Router says where one request goes.
 */
import type { DestinationRule, VirtualService, WorkloadEntry } from './istio/types.ts';
import type { HttpRoute, ReferenceGrant } from './gateway-api/types.ts';
import type { MeshRequest } from './mesh-request.ts';
import type { ServiceIndex, ServiceRef } from './services.ts';
import type { TrafficSplit } from './smi/types.ts';
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';

/** Everything the simulator watches, as plain lists. */
export interface MeshObjects {
  services: V1Service[];
  pods: V1Pod[];
  deployments: V1Deployment[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  workloadEntries: WorkloadEntry[];
  httpRoutes: HttpRoute[];
  referenceGrants: ReferenceGrant[];
  trafficSplits: TrafficSplit[];
}

/** The routing APIs, in the order that wins when several claim one Service (mixing them is undefined in Istio). */
export const ROUTING_APIS = ['VirtualService', 'HTTPRoute', 'TrafficSplit'] as const;
export type RoutingApi = (typeof ROUTING_APIS)[number];

/**
 * Where the data plane sends one request. `forward`: to the endpoints of `backend` that carry `labels`;
 * `version` labels a 503 when there is none. `answer`: the proxy replies itself, on behalf of `host`.
 */
export type RouteOutcome =
  | { kind: 'forward'; backend: ServiceRef; labels?: Record<string, string>; version?: string }
  | { kind: 'answer'; status: number; host: string; version: string };

/** Routes one request; `random` is in [0, 1) and drives the weighted choice. */
export type Router = (request: MeshRequest, random: number) => RouteOutcome;

/** What a routing API is given to build its routers. */
export interface RouterInputs {
  objects: MeshObjects;
  services: ServiceIndex;
}

/** The Services one API routes, each with its Router, keyed by FQDN. */
export type RoutersByService = Map<string, Router>;
