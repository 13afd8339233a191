/**
 * One synthetic request through the mesh: routed by the target's Router (the client's sidecar config from
 * istiod, or SMI's own), answered by the workload at the chosen endpoint with its behaviour. Pure given
 * `random`.
 */
import { behaviourOf, sampleLatency } from './behaviour.ts';
import type { Endpoint } from './endpoints.ts';
import type { MeshRequest } from './mesh-request.ts';
import type { RouteOutcome } from './router.ts';
import type { RoutedService, RoutingTable } from './routing-table.ts';

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
  return { ...base(table, target, request, host), destinationWorkload: 'unknown', destinationWorkloadNamespace: 'unknown', destinationVersion: version, responseCode: code, latencyMs: 0.5 };
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

/** What the proxy (a 404, a 503, a fault) or the workload at the chosen endpoint answers. */
function respond(table: RoutingTable, target: RoutedService, request: MeshRequest, outcome: RouteOutcome, random: () => number): RequestOutcome {
  if (outcome.kind === 'answer') return proxyAnswer(table, target, request, outcome.host, outcome.version, outcome.status);
  if (outcome.kind === 'upstream') {
    // The service's namespace: a WorkloadEntry there wins when several share the address.
    const { namespace } = table.serviceOf(outcome.host, target.namespace);
    const endpoint = table.endpoints.at(outcome.address, namespace) ?? fromMetadata(outcome.workload, namespace);
    // A VM reported unhealthy: no healthy upstream at that endpoint, Envoy's 503.
    if (endpoint.unhealthy) return proxyAnswer(table, target, request, outcome.host, outcome.version ?? endpoint.version ?? 'unknown', 503);
    return answered(table, target, request, outcome.host, endpoint, outcome.version, random);
  }
  const endpoints = table.endpoints.of(outcome.backend, outcome.labels);
  // No healthy member in the backend (or, for a ServiceEntry, nothing at the address it was called at): Envoy's 503.
  if (endpoints.length === 0) return proxyAnswer(table, target, request, outcome.backend.fqdn, outcome.version ?? 'unknown', 503);
  const endpoint = endpoints[Math.floor(random() * endpoints.length)] ?? endpoints[0]!;
  return answered(table, target, request, outcome.backend.fqdn, endpoint, outcome.version, random);
}

/**
 * Sends one request from `request` to `target` and returns what Istio would record; undefined while the
 * target cannot be routed yet (its client's sidecar has no config from istiod).
 */
export function simulateRequest(table: RoutingTable, target: RoutedService, request: MeshRequest, random: () => number): RequestOutcome | undefined {
  const outcome = target.route(request, random);
  if (!outcome) return undefined;
  const recorded = respond(table, target, request, outcome, random);
  return outcome.delayMs ? { ...recorded, latencyMs: recorded.latencyMs + outcome.delayMs } : recorded;
}
