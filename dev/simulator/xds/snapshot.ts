/**
 * What one sidecar would do for outbound traffic, as the xDS agent (../xds-agent/model.go) reports it from
 * istiod's pushes. Field names are Envoy's, in camelCase; the Go model is the source, this mirrors it.
 */

export interface Snapshot {
  /** istiod's version_info per type (cds, eds, lds, rds), for diagnostics. */
  versions?: Record<string, string>;
  listeners: Listener[];
  routeConfigs: Record<string, RouteConfig>;
  clusters: Record<string, Cluster>;
  /** Resources istiod had not sent when the agent gave up waiting. */
  incomplete?: string[];
}

export interface Listener {
  name: string;
  address: string;
  port: number;
  bindToPort: boolean;
  useOriginalDst?: boolean;
  filterChains: FilterChain[];
  defaultFilterChain?: FilterChain;
}

export interface FilterChain {
  name?: string;
  match?: ChainMatch;
  http?: HttpChain;
  tcp?: TcpChain;
  terminal?: string;
}

export interface ChainMatch {
  destinationPort?: number;
  prefixRanges?: string[];
  serverNames?: string[];
  transportProtocol?: string;
  applicationProtocols?: string[];
  directSourcePrefixRanges?: string[];
  /** LOCAL or EXTERNAL; absent is ANY. */
  sourceType?: string;
  sourcePrefixRanges?: string[];
  sourcePorts?: number[];
}

export interface HttpChain {
  routeConfigName?: string;
  routeConfig?: RouteConfig;
  stripAnyHostPort?: boolean;
  stripMatchingHostPort?: boolean;
  unsupported?: string;
}

export interface TcpChain {
  cluster?: string;
  weightedClusters?: WeightedCluster[];
}

export interface RouteConfig {
  name: string;
  ignorePortInHostMatching?: boolean;
  virtualHosts: VirtualHost[];
}

export interface VirtualHost {
  name: string;
  domains: string[];
  routes: Route[];
}

export interface Route {
  name?: string;
  match: RouteMatch;
  action: Action;
  /** Istio's VirtualService `fault`: delay first, then abort, each for `percent` of the requests. */
  fault?: { abort?: { status: number; percent: number }; delay?: { ms: number; percent: number } };
  /** Added to the answers of the requests this route forwards (a single destination's `headers.response` is here). */
  responseHeaders?: HeaderToAdd[];
}

/**
 * A header Envoy adds to a response (a HeaderValueOption). No `action` appends (Istio's `headers.response.add`);
 * `overwriteIfExistsOrAdd` is Istio's `set`.
 */
export interface HeaderToAdd {
  name: string;
  value: string;
  action?: 'addIfAbsent' | 'overwriteIfExistsOrAdd' | 'overwriteIfExists';
}

export interface PathMatch {
  kind: 'prefix' | 'path' | 'safeRegex' | 'pathSeparatedPrefix' | 'connect';
  value?: string;
}

export interface RouteMatch {
  path?: PathMatch;
  caseSensitive: boolean;
  headers?: HeaderMatch[];
  queryParameters?: QueryMatch[];
  cookies?: CookieMatch[];
  /** Conditions the simulator cannot evaluate: a route carrying one never matches. */
  unsupported?: string[];
}

export interface StringMatch {
  kind: 'exact' | 'prefix' | 'suffix' | 'contains' | 'safeRegex' | 'unsupported';
  value: string;
  ignoreCase?: boolean;
}

export interface HeaderMatch {
  name: string;
  string?: StringMatch;
  present?: boolean;
  /** [start, end) */
  range?: { start: number; end: number };
  invert?: boolean;
  treatMissingAsEmpty?: boolean;
  unsupported?: string;
}

export interface QueryMatch {
  name: string;
  string?: StringMatch;
  present?: boolean;
  unsupported?: string;
}

export interface CookieMatch {
  name: string;
  string: StringMatch;
  invert?: boolean;
}

export interface WeightedCluster {
  name: string;
  weight: number;
  /** Added to the answers of the requests sent to this choice (a destination's `headers.response`, when the route has several). */
  responseHeaders?: HeaderToAdd[];
}

/** A request mirror policy (Istio's `mirror` / `mirrors`): a shadow copy of `percent` of the forwarded requests goes to `cluster`, its answer dropped. */
export interface Mirror {
  cluster: string;
  percent: number;
}

export type Action =
  | { kind: 'cluster'; cluster: string; mirrors?: Mirror[] }
  | { kind: 'weightedClusters'; weightedClusters: WeightedCluster[]; mirrors?: Mirror[] }
  | { kind: 'directResponse' | 'redirect'; status: number }
  | { kind: 'nonForwarding' }
  | { kind: 'unsupported'; detail?: string };

export interface Cluster {
  name: string;
  /** EDS, STATIC, ORIGINAL_DST, STRICT_DNS, ... */
  type: string;
  /** Percent; absent means Envoy's default of 50. */
  healthyPanicThreshold?: number;
  endpoints: ClusterEndpoint[];
}

export interface ClusterEndpoint {
  address: string;
  port: number;
  /** Envoy's HealthStatus name: HEALTHY, UNHEALTHY, DRAINING, TIMEOUT, DEGRADED or UNKNOWN. */
  health: string;
  weight: number;
  priority?: number;
  /** istiod's "name;namespace;canonical service;canonical revision;cluster". */
  workload?: string;
}
