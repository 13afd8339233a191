/**
 * One synthetic request through the mesh: routed by the target's Router (the client's sidecar config from
 * istiod, or SMI's own), answered by the workload at the chosen endpoint with its behaviour (with the headers
 * the client's sidecar adds to that answer), and the shadow copies its route's mirror policies sent, answered
 * by theirs. Pure given `random`.
 */
import { behaviourOf, sampleLatency } from './behaviour.ts';
import type { Endpoint } from './endpoints.ts';
import type { MeshRequest } from './mesh-request.ts';
import type { RouteOutcome } from './router.ts';
import type { RoutedService, RoutingTable } from './routing-table.ts';
import type { ResponseHeader } from './xds/response-headers.ts';

/** What the destination-side proxy would report (the labels of Istio's standard metrics), and who was called. */
export interface RequestOutcome {
  /** The Service the client addressed, which `/split` counts by; the metrics name the backend. */
  calledService: { name: string; namespace: string };
  /** The caller's class (gray, user, ...), for `/split`'s per-caller counts. */
  caller: string;
  destinationService: string;
  destinationServiceName: string;
  destinationServiceNamespace: string;
  destinationWorkload: string;
  destinationWorkloadNamespace: string;
  destinationVersion: string;
  responseCode: number;
  latencyMs: number;
  sourceWorkload: string;
  /** A shadow copy a mirror policy sent: its destination reports it, the client never sees its answer. */
  mirrored?: boolean;
  /** The shadow copies this request's route sent, as their destinations report them. */
  shadows?: RequestOutcome[];
  /** Envoy answered itself (a 404, a 503, an abort fault, a direct response): no version did. */
  byProxy?: true;
  /** What the client's sidecar added to a workload's answer (its route's `response_headers_to_add`, e.g. Set-Cookie). */
  responseHeaders?: ResponseHeader[];
}

function base(table: RoutingTable, target: RoutedService, request: MeshRequest, host: string) {
  const { name, namespace } = table.serviceOf(host, target.namespace);
  return {
    calledService: { name: target.name, namespace: target.namespace },
    caller: request.caller ?? 'user',
    destinationService: host,
    destinationServiceName: name,
    destinationServiceNamespace: namespace,
    sourceWorkload: target.source,
  };
}

function proxyAnswer(table: RoutingTable, target: RoutedService, request: MeshRequest, host: string, version: string, code: number): RequestOutcome {
  // Envoy answers these itself, without an upstream round trip.
  return { ...base(table, target, request, host), destinationWorkload: 'unknown', destinationWorkloadNamespace: 'unknown', destinationVersion: version, responseCode: code, latencyMs: 0.5, byProxy: true };
}

function answered(table: RoutingTable, target: RoutedService, request: MeshRequest, host: string, endpoint: Endpoint, version: string | undefined, random: () => number): RequestOutcome {
  const failed = random() < endpoint.behaviour.errorRate;
  return {
    ...base(table, target, request, host),
    destinationWorkload: endpoint.workload,
    destinationWorkloadNamespace: endpoint.workloadNamespace,
    destinationVersion: endpoint.version ?? version ?? 'unknown',
    responseCode: failed ? 500 : 200,
    latencyMs: sampleLatency(endpoint.behaviour, random),
  };
}

/** The workload istiod names in an endpoint's metadata ("name;namespace;service;revision;cluster"). */
function fromMetadata(workload: string | undefined, serviceNamespace: string): Endpoint {
  const [name, namespace, , revision] = (workload ?? '').split(';');
  return { workload: name || 'unknown', workloadNamespace: namespace || serviceNamespace, version: revision || undefined, behaviour: behaviourOf(undefined) };
}

type Forwarded = Exclude<RouteOutcome, { kind: 'answer' }>;

/** Who answers a forwarded request: the workload at the chosen endpoint, or none (an unhealthy VM, an empty backend), with the version that labels Envoy's 503 then. */
function destinationOf(table: RoutingTable, target: RoutedService, outcome: Forwarded, random: () => number): { host: string; endpoint?: Endpoint; version?: string } {
  if (outcome.kind === 'upstream') {
    // The service's namespace: a WorkloadEntry there wins when several share the address.
    const { namespace } = table.serviceOf(outcome.host, target.namespace);
    const endpoint = table.endpoints.at(outcome.address, namespace) ?? fromMetadata(outcome.workload, namespace);
    // A VM reported unhealthy: no healthy upstream at that endpoint, Envoy's 503.
    if (endpoint.unhealthy) return { host: outcome.host, version: outcome.version ?? endpoint.version };
    return { host: outcome.host, endpoint, version: outcome.version };
  }
  const endpoints = table.endpoints.of(outcome.backend, outcome.labels);
  // No healthy member in the backend (or, for a ServiceEntry, nothing at the address it was called at): Envoy's 503.
  if (endpoints.length === 0) return { host: outcome.backend.fqdn, version: outcome.version };
  return { host: outcome.backend.fqdn, endpoint: endpoints[Math.floor(random() * endpoints.length)] ?? endpoints[0]!, version: outcome.version };
}

/** What the proxy (a 404, a 503, a fault) or the workload at the chosen endpoint answers; `reached` when a workload did. */
function respond(table: RoutingTable, target: RoutedService, request: MeshRequest, outcome: RouteOutcome, random: () => number): { recorded: RequestOutcome; reached: boolean } {
  if (outcome.kind === 'answer') return { recorded: proxyAnswer(table, target, request, outcome.host, outcome.version, outcome.status), reached: false };
  const { host, endpoint, version } = destinationOf(table, target, outcome, random);
  if (!endpoint) return { recorded: proxyAnswer(table, target, request, host, version ?? 'unknown', 503), reached: false };
  const recorded = answered(table, target, request, host, endpoint, version, random);
  // The sidecar adds its headers to whatever the workload answers, a 500 too.
  return { recorded: outcome.responseHeaders ? { ...recorded, responseHeaders: outcome.responseHeaders } : recorded, reached: true };
}

/** A shadow copy as its destination reports it; none when no workload is there to answer (Envoy drops the copy, and nobody reports it). */
function shadowAnswer(table: RoutingTable, target: RoutedService, request: MeshRequest, shadow: RouteOutcome, random: () => number): RequestOutcome | undefined {
  if (shadow.kind === 'answer') return undefined;
  const { host, endpoint, version } = destinationOf(table, target, shadow, random);
  return endpoint && { ...answered(table, target, request, host, endpoint, version, random), mirrored: true };
}

/**
 * Sends one request from `request` to `target` and returns what Istio would record; undefined while the
 * target cannot be routed yet (its client's sidecar has no config from istiod).
 */
export function simulateRequest(table: RoutingTable, target: RoutedService, request: MeshRequest, random: () => number): RequestOutcome | undefined {
  const outcome = target.route(request, random);
  if (!outcome) return undefined;
  const { recorded, reached } = respond(table, target, request, outcome, random);
  // Envoy mirrors only a request it forwards: none when its own host turns out to be down (an unhealthy VM).
  // A fault's delay holds the request before the router, so the shadows leave after it: it is not in their latency.
  const shadows = reached ? (outcome.shadows ?? []).flatMap((shadow) => shadowAnswer(table, target, request, shadow, random) ?? []) : [];
  const delayed = outcome.delayMs ? { ...recorded, latencyMs: recorded.latencyMs + outcome.delayMs } : recorded;
  return shadows.length > 0 ? { ...delayed, shadows } : delayed;
}
