/**
 * The seam between the routing APIs and the rest of the simulator. Istio (VirtualService) and Gateway API
 * (HTTPRoute) routing comes from istiod over xDS (xds/), whichever object expressed it; SMI (smi/) is
 * routed by the simulator's own code, since Istio does not implement it. A Router says where one request
 * goes.
 */
import type { ServiceEntry, WorkloadEntry, VirtualService } from './istio/types.ts';
import type { HttpRoute } from './gateway-api/types.ts';
import type { MeshRequest } from './mesh-request.ts';
import type { ServiceRef } from './services.ts';
import type { TrafficSplit } from './smi/types.ts';
import type { ResponseHeader } from './xds/response-headers.ts';
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';

/** Everything the simulator watches, as plain lists. */
export interface MeshObjects {
  services: V1Service[];
  pods: V1Pod[];
  deployments: V1Deployment[];
  virtualServices: VirtualService[];
  workloadEntries: WorkloadEntry[];
  serviceEntries: ServiceEntry[];
  httpRoutes: HttpRoute[];
  trafficSplits: TrafficSplit[];
}

/** The routing APIs, in the order that wins when several claim one Service (mixing them is undefined in Istio). */
export const ROUTING_APIS = ['VirtualService', 'HTTPRoute', 'TrafficSplit'] as const;
export type RoutingApi = (typeof ROUTING_APIS)[number];

/** The APIs whose routing istiod computes; the simulator learns it from the client's sidecar config. */
export const ISTIOD_ROUTED: ReadonlySet<RoutingApi> = new Set(['VirtualService', 'HTTPRoute']);

/**
 * Where the data plane sends one request.
 * `upstream`: the client's sidecar picked the endpoint at `address` of a cluster standing for `host`;
 * `version` is the cluster's subset, `workload` istiod's endpoint metadata (used when no pod is found there).
 * `forward`: to a Ready endpoint of `backend` carrying `labels`, picked by the simulator (SMI, and
 * passthrough, where kube-proxy picks); `version` labels a 503 when there is none.
 * `answer`: the proxy replies itself, on behalf of `host`.
 * `delayMs`: what an injected fault adds before the request goes on.
 * `shadows`: where the route's mirror policies sent copies of a forwarded request (never an `answer`: a
 * copy Envoy has nowhere to send is dropped). The client sees none of their answers.
 * `responseHeaders`: what the client's sidecar adds to the answer of a forwarded request (the chosen weighted
 * cluster's and the route's `response_headers_to_add`, e.g. a Set-Cookie); none on its own answers.
 */
export type RouteOutcome = (
  | { kind: 'upstream'; host: string; address: string; version?: string; workload?: string }
  | { kind: 'forward'; backend: ServiceRef; labels?: Record<string, string>; version?: string }
  | { kind: 'answer'; status: number; host: string; version: string }
) & { delayMs?: number; shadows?: RouteOutcome[]; responseHeaders?: ResponseHeader[] };

/** Routes one request; `random` returns numbers in [0, 1). Undefined while the route is not known yet (no config from istiod). */
export type Router = (request: MeshRequest, random: () => number) => RouteOutcome | undefined;
