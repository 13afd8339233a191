/**
 * One synthetic request through the mesh, the way the sidecars would handle it: route with the Service's
 * routing API, pick a healthy endpoint of the chosen backend, answer with that workload's behaviour.
 * Pure given `random`.
 */
import { sampleLatency } from './behaviour.ts';
import { serviceOfHost } from './hosts.ts';
import type { MeshRequest } from './mesh-request.ts';
import type { RoutedService, RoutingTable } from './routing-table.ts';

/** What the destination-side proxy would report (the labels of Istio's standard metrics), and who was called. */
export interface RequestOutcome {
  /** The Service the client addressed, which `/split` counts by; the metrics name the backend. */
  calledService: { name: string; namespace: string };
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

function proxyAnswer(target: RoutedService, host: string, version: string, code: number): RequestOutcome {
  const { name, namespace } = serviceOfHost(host);
  return {
    calledService: { name: target.name, namespace: target.namespace },
    destinationService: host,
    destinationServiceName: name,
    destinationServiceNamespace: namespace,
    destinationWorkload: 'unknown',
    destinationWorkloadNamespace: 'unknown',
    destinationVersion: version,
    responseCode: code,
    // Envoy answers these itself, without an upstream round trip.
    latencyMs: 0.5,
    sourceWorkload: target.source,
  };
}

/** Sends one request from `request` to `target` through the routing table and returns what Istio would record. */
export function simulateRequest(table: RoutingTable, target: RoutedService, request: MeshRequest, random: () => number): RequestOutcome {
  const outcome = target.route(request, random());
  if (outcome.kind === 'answer') return proxyAnswer(target, outcome.host, outcome.version, outcome.status);
  const { backend } = outcome;
  const endpoints = table.endpoints.of(backend, outcome.labels);
  // No healthy member in the backend: Envoy's 503 "no healthy upstream".
  if (endpoints.length === 0) return proxyAnswer(target, backend.fqdn, outcome.version ?? 'unknown', 503);
  const endpoint = endpoints[Math.floor(random() * endpoints.length)] ?? endpoints[0]!;
  const failed = random() < endpoint.behaviour.errorRate;
  return {
    calledService: { name: target.name, namespace: target.namespace },
    destinationService: backend.fqdn,
    destinationServiceName: backend.name,
    destinationServiceNamespace: backend.namespace,
    destinationWorkload: endpoint.workload,
    destinationWorkloadNamespace: endpoint.workloadNamespace,
    destinationVersion: endpoint.version ?? outcome.version ?? 'unknown',
    responseCode: failed ? 500 : 200,
    latencyMs: sampleLatency(endpoint.behaviour, random),
    sourceWorkload: target.source,
  };
}
