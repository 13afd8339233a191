/**
 * Istio's standard request metrics, as the destination sidecar would export them, plus per-version counts
 * since start for tests (`/split`). The metrics name the Service that answered (a backend Service, under
 * HTTPRoute or TrafficSplit routing; a ServiceEntry host by the host, in the entry's namespace); the counts
 * go by the Service the client called (a ServiceEntry host by the host), so a test can ask for the split of
 * `hello` while the metrics say `hello-v1` and `hello-v2`. A shadow copy (request mirroring) is in the
 * metrics, as the destination sidecar reports it, and in `/split` only as `mirrored`.
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { RequestOutcome } from './simulate-request.ts';

/** The histogram buckets Istio's proxies use for istio_request_duration_milliseconds. */
export const ISTIO_DURATION_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

const LABELS = [
  'reporter',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_workload',
  'destination_workload_namespace',
  'destination_version',
  'destination_canonical_revision',
  'response_code',
  'source_workload',
] as const;

interface Children {
  requests: { inc: () => void };
  duration: { observe: (value: number) => void };
}

export interface SplitCounts {
  total: number;
  versions: Record<string, number>;
  responseCodes: Record<string, number>;
  /** Versions per class of caller (gray, user, and any a test adds). */
  callers: Record<string, Record<string, number>>;
  /** Shadow copies per version that mirror policies sent; not in the counts above, which are what clients got. */
  mirrored: Record<string, number>;
}

const noCounts = (): SplitCounts => ({ total: 0, versions: {}, responseCodes: {}, callers: {}, mirrored: {} });

export class IstioMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;
  // prom-client hashes the label set on every call; keep each combination's child to make a request cheap.
  private readonly children = new Map<string, Children>();
  private readonly splits = new Map<string, SplitCounts>();

  constructor() {
    this.requests = new Counter({ name: 'istio_requests_total', help: 'Requests handled by the mesh (simulated)', labelNames: LABELS, registers: [this.registry] });
    this.duration = new Histogram({
      name: 'istio_request_duration_milliseconds',
      help: 'Request duration in milliseconds (simulated)',
      labelNames: LABELS,
      buckets: ISTIO_DURATION_BUCKETS,
      registers: [this.registry],
    });
  }

  /** Counts a request, as its destination reports it and for `/split`, and the shadow copies its route sent. */
  record(outcome: RequestOutcome): void {
    this.report(outcome);
    const split = this.splitOf(outcome);
    const version = outcome.destinationVersion;
    if (outcome.mirrored) {
      split.mirrored[version] = (split.mirrored[version] ?? 0) + 1;
    } else {
      split.total += 1;
      split.versions[version] = (split.versions[version] ?? 0) + 1;
      const code = String(outcome.responseCode);
      split.responseCodes[code] = (split.responseCodes[code] ?? 0) + 1;
      const caller = (split.callers[outcome.caller] ??= {});
      caller[version] = (caller[version] ?? 0) + 1;
    }
    for (const shadow of outcome.shadows ?? []) this.record(shadow);
  }

  private splitOf(outcome: RequestOutcome): SplitCounts {
    const key = `${outcome.calledService.namespace}/${outcome.calledService.name}`;
    let split = this.splits.get(key);
    if (!split) this.splits.set(key, (split = noCounts()));
    return split;
  }

  /** The destination sidecar's istio_requests_total and istio_request_duration_milliseconds: it reports a shadow copy like any request. */
  private report(outcome: RequestOutcome): void {
    const code = String(outcome.responseCode);
    const key = [outcome.destinationService, outcome.destinationWorkload, outcome.destinationWorkloadNamespace, outcome.destinationVersion, code, outcome.sourceWorkload].join('|');
    let children = this.children.get(key);
    if (!children) {
      const labels = {
        reporter: 'destination',
        destination_service: outcome.destinationService,
        destination_service_name: outcome.destinationServiceName,
        destination_service_namespace: outcome.destinationServiceNamespace,
        destination_workload: outcome.destinationWorkload,
        destination_workload_namespace: outcome.destinationWorkloadNamespace,
        destination_version: outcome.destinationVersion,
        destination_canonical_revision: outcome.destinationVersion,
        response_code: code,
        source_workload: outcome.sourceWorkload,
      };
      children = { requests: this.requests.labels(labels), duration: this.duration.labels(labels) };
      this.children.set(key, children);
    }
    children.requests.inc();
    children.duration.observe(outcome.latencyMs);
  }

  /** Requests per version (and per response code) that callers of a Service sent since the simulator started, and the copies mirrored per version. */
  split(namespace: string, service: string): SplitCounts {
    const split = this.splits.get(`${namespace}/${service}`);
    return split ? structuredClone(split) : noCounts();
  }
}
