/**
 * One synthetic request through the mesh, the way a sidecar would handle it: route with the VirtualService,
 * resolve the subset to healthy endpoints, answer with the chosen workload's behaviour. Pure given `random`.
 */
import { evaluateRequest, type MeshRequest } from '@/lib/providers/istio/evaluate';
import { sampleLatency } from './behaviour';
import type { RoutedService, RoutingTable } from './routing-table';

/** What the destination-side proxy would report for the request: the labels of Istio's standard metrics. */
export interface RequestOutcome {
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

/** The population of callers: a share carries the gray markers the demo rules match on. */
export interface ClientPopulation {
  requests: MeshRequest[];
}

/**
 * `size` callers, the first `grayShare` of them gray: cookie `gray=true` (first, so the usual
 * `^(.*?;)?(gray=true)(;.*)?$` rule matches without a space after `;`) and header `end-user: asm`.
 */
export function clientPopulation(grayShare: number, size = 1000): ClientPopulation {
  const gray = Math.round(Math.min(Math.max(grayShare, 0), 1) * size);
  const requests = Array.from({ length: size }, (_, index): MeshRequest => ({
    path: '/',
    method: 'GET',
    headers:
      index < gray
        ? { cookie: `gray=true; session=c${index}`, 'end-user': 'asm', 'user-agent': 'weir-simulator' }
        : { cookie: `session=c${index}`, 'end-user': `user-${index}`, 'user-agent': 'weir-simulator' },
  }));
  return { requests };
}

function unknownDestination(table: RoutingTable, host: string, fallbackVersion: string, code: number, source: string): RequestOutcome {
  const ref = table.service(host);
  return {
    destinationService: host,
    destinationServiceName: ref?.name ?? host.split('.')[0] ?? host,
    destinationServiceNamespace: ref?.namespace ?? host.split('.')[1] ?? 'unknown',
    destinationWorkload: 'unknown',
    destinationWorkloadNamespace: 'unknown',
    destinationVersion: fallbackVersion,
    responseCode: code,
    // Envoy answers these itself, without an upstream round trip.
    latencyMs: 0.5,
    sourceWorkload: source,
  };
}

/** Sends one request from `request` to `target` through the routing table and returns what Istio would record. */
export function simulateRequest(table: RoutingTable, target: RoutedService, request: MeshRequest, random: () => number): RequestOutcome {
  const decision = evaluateRequest(target.virtualService, request, random());
  if (!decision) return unknownDestination(table, target.fqdn, 'unknown', 404, target.source);
  if (!decision.destination) {
    // A redirect or direct response: Envoy answers with the route's status.
    const direct = decision.route.directResponse as { status?: number } | undefined;
    const redirect = decision.route.redirect as { redirectCode?: number } | undefined;
    return unknownDestination(table, target.fqdn, 'unknown', direct?.status ?? (redirect ? (redirect.redirectCode ?? 301) : 404), target.source);
  }
  const { host, subset } = decision.destination;
  const endpoints = table.endpointsOf(host, subset);
  // No cluster for the subset, or no healthy member in it: Envoy's 503 "no healthy upstream".
  if (endpoints === 'missing-subset' || endpoints.length === 0) return unknownDestination(table, host, subset ?? 'unknown', 503, target.source);
  const endpoint = endpoints[Math.floor(random() * endpoints.length)] ?? endpoints[0]!;
  const ref = table.service(host)!;
  const failed = random() < endpoint.behaviour.errorRate;
  return {
    destinationService: host,
    destinationServiceName: ref.name,
    destinationServiceNamespace: ref.namespace,
    destinationWorkload: endpoint.workload,
    destinationWorkloadNamespace: endpoint.workloadNamespace,
    destinationVersion: endpoint.version ?? subset ?? 'unknown',
    responseCode: failed ? 500 : 200,
    latencyMs: sampleLatency(endpoint.behaviour, random),
    sourceWorkload: target.source,
  };
}
