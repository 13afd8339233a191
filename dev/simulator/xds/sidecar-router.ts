/**
 * One request through the client's sidecar, by the config istiod pushed to it (its snapshot), with
 * Envoy's semantics: the listener and filter chain for the Service's `ClusterIP:port`, the route
 * configuration, the virtual host by authority, the first matching route, a weighted cluster, a healthy
 * host, and a shadow copy for each mirror policy's share; the response headers the route adds to the answer
 * of a forwarded request (`response-headers.ts`). Envoy answers itself where it has nowhere to send:
 * 404 without a route, 503 without the cluster or a healthy host, a direct response's or redirect's own status.
 */
import type { MeshRequest } from '../mesh-request.ts';
import type { RouteOutcome } from '../router.ts';
import type { ServiceRef } from '../services.ts';
import { clusterService } from './cluster-name.ts';
import { httpRequest } from './http-request.ts';
import { selectFilterChain, selectListener } from './listener-select.ts';
import { responseHeadersAdded } from './response-headers.ts';
import { routeMatches } from './route-match.ts';
import type { HeaderToAdd, HttpChain, Mirror, Route, Snapshot } from './snapshot.ts';
import { pickHost, pickWeightedCluster } from './upstream.ts';
import { selectVirtualHost } from './virtual-host.ts';

/** A call from a client pod to a Service port (or a ServiceEntry host's port), as the client would make it. */
export interface SidecarCall {
  service: ServiceRef;
  /** The destination address: the ClusterIP or the entry's address; '' for none (the wildcard listener). */
  clusterIp: string;
  port: number;
  /** The Host header the client sends, `name.namespace.svc.cluster.local:port` (a ServiceEntry's `host:port`). */
  authority: string;
  clientIp: string;
}

/** The client's source port; no Istio config matches on it, so one stands for all. */
const EPHEMERAL_PORT = 40_000;

function answer(status: number, host: string, version = 'unknown'): RouteOutcome {
  return { kind: 'answer', status, host, version };
}

function toCluster(snapshot: Snapshot, call: SidecarCall, name: string | undefined, random: () => number): RouteOutcome {
  if (name === undefined) return answer(503, call.service.fqdn);
  const named = clusterService(name);
  const host = named?.fqdn ?? call.service.fqdn;
  const version = named?.subset || 'unknown';
  const cluster = snapshot.clusters[name];
  // A route to a cluster the sidecar does not have (a subset no DestinationRule defines): "cluster not found".
  if (!cluster) return answer(503, host, version);
  // Passthrough: the connection goes to the original destination, the ClusterIP, where kube-proxy picks a pod.
  if (cluster.type === 'ORIGINAL_DST') return { kind: 'forward', backend: call.service };
  const endpoint = pickHost(cluster, random);
  if (!endpoint) return answer(503, host, version);
  return { kind: 'upstream', host, address: endpoint.address, workload: endpoint.workload, version: named?.subset || undefined };
}

/**
 * Envoy's request mirroring: once the router forwards a request, each mirror policy, for its share, sends a
 * copy to its cluster, picking a host as for the request itself. A copy to a cluster the sidecar does not
 * have, or without a healthy host, is dropped: the client never notices.
 */
function withMirrors(snapshot: Snapshot, call: SidecarCall, mirrors: Mirror[] | undefined, primary: RouteOutcome, random: () => number): RouteOutcome {
  if (!mirrors?.length || primary.kind === 'answer') return primary;
  const shadows = mirrors.filter((mirror) => random() * 100 < mirror.percent).map((mirror) => toCluster(snapshot, call, mirror.cluster, random));
  const sent = shadows.filter((shadow) => shadow.kind !== 'answer');
  return sent.length > 0 ? { ...primary, shadows: sent } : primary;
}

/**
 * The headers the router adds to the answer of a request it forwards: the chosen weighted cluster's, then the
 * route's (istiod puts a single destination's there). Envoy's own answers (no cluster, no healthy host) are
 * left without them, a simplification: its router would add them to a 503 it answers after choosing the route.
 */
function withResponseHeaders(outcome: RouteOutcome, levels: (HeaderToAdd[] | undefined)[]): RouteOutcome {
  if (outcome.kind === 'answer') return outcome;
  const added = responseHeadersAdded(levels);
  return added.length > 0 ? { ...outcome, responseHeaders: added } : outcome;
}

function act(snapshot: Snapshot, call: SidecarCall, route: Route, random: () => number): RouteOutcome {
  const { action } = route;
  switch (action.kind) {
    case 'cluster': {
      const forwarded = withResponseHeaders(toCluster(snapshot, call, action.cluster, random), [route.responseHeaders]);
      return withMirrors(snapshot, call, action.mirrors, forwarded, random);
    }
    case 'weightedClusters': {
      const chosen = pickWeightedCluster(action.weightedClusters, random);
      const forwarded = withResponseHeaders(toCluster(snapshot, call, chosen?.name, random), [chosen?.responseHeaders, route.responseHeaders]);
      return withMirrors(snapshot, call, action.mirrors, forwarded, random);
    }
    case 'directResponse':
    case 'redirect':
      return answer(action.status, call.service.fqdn);
    case 'nonForwarding':
      return answer(404, call.service.fqdn);
    default:
      return answer(503, call.service.fqdn);
  }
}

function viaHttp(snapshot: Snapshot, call: SidecarCall, chain: HttpChain, request: MeshRequest, random: () => number): RouteOutcome {
  const config = chain.routeConfig ?? (chain.routeConfigName === undefined ? undefined : snapshot.routeConfigs[chain.routeConfigName]);
  if (!config || chain.unsupported) return answer(404, call.service.fqdn);
  const virtualHost = selectVirtualHost(config, call.authority, chain, call.port);
  const http = httpRequest(request, call.authority);
  const route = virtualHost?.routes.find((candidate) => routeMatches(candidate.match, http));
  if (!route) return answer(404, call.service.fqdn);
  return route.fault ? withFault(route, () => act(snapshot, call, route, random), call, random) : act(snapshot, call, route, random);
}

/** The fault filter: a delay for its share of requests, then an abort (answered by the proxy) for its share. */
function withFault({ fault }: Route, forward: () => RouteOutcome, call: SidecarCall, random: () => number): RouteOutcome {
  const delayMs = fault?.delay && random() * 100 < fault.delay.percent ? fault.delay.ms : 0;
  const outcome = fault?.abort && random() * 100 < fault.abort.percent ? answer(fault.abort.status, call.service.fqdn) : forward();
  return delayMs > 0 ? { ...outcome, delayMs } : outcome;
}

/** Where the client's sidecar sends `request` for `call`, by `snapshot`. */
export function routeThroughSidecar(snapshot: Snapshot, call: SidecarCall, request: MeshRequest, random: () => number): RouteOutcome {
  const listener = selectListener(snapshot.listeners, call.clusterIp, call.port);
  // No listener at all (not even 15001) means nothing intercepts: the call goes out as it is.
  if (!listener) return { kind: 'forward', backend: call.service };
  const chain = selectFilterChain(listener, {
    destinationIp: call.clusterIp,
    destinationPort: call.port,
    sourceIp: call.clientIp,
    sourcePort: EPHEMERAL_PORT,
  });
  // No chain takes the connection: Envoy closes it, which the client sees as a failed request.
  if (!chain) return answer(503, call.service.fqdn);
  if (chain.http) return viaHttp(snapshot, call, chain.http, request, random);
  if (chain.tcp) {
    const name = chain.tcp.cluster || (chain.tcp.weightedClusters && pickWeightedCluster(chain.tcp.weightedClusters, random)?.name);
    return toCluster(snapshot, call, name || undefined, random);
  }
  return answer(503, call.service.fqdn);
}
