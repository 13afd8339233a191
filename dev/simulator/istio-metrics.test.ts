import { describe, expect, it } from 'vitest';
import { IstioMetrics } from './istio-metrics.ts';
import type { RequestOutcome } from './simulate-request.ts';

function outcome(version: string, responseCode: number, latencyMs: number): RequestOutcome {
  return {
    calledService: { name: 'podinfo', namespace: 'test' },
    caller: 'user',
    destinationService: 'podinfo.test.svc.cluster.local',
    destinationServiceName: 'podinfo',
    destinationServiceNamespace: 'test',
    destinationWorkload: responseCode === 503 ? 'unknown' : `podinfo-${version}`,
    destinationWorkloadNamespace: 'test',
    destinationVersion: version,
    responseCode,
    latencyMs,
    sourceWorkload: 'sleep',
  };
}

/** Per version: the requests counted and the observations in the duration histogram. */
async function perVersion(metrics: IstioMetrics): Promise<Record<string, { requests: number; observed: number }>> {
  const result: Record<string, { requests: number; observed: number }> = {};
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const version = String(value.labels.destination_version);
      const entry = (result[version] ??= { requests: 0, observed: 0 });
      if (metric.name === 'istio_requests_total') entry.requests += value.value;
      if ((value as { metricName?: string }).metricName === 'istio_request_duration_milliseconds_count') entry.observed += value.value;
    }
  }
  return result;
}

describe('IstioMetrics', () => {
  // The progressive analysis fails a check whose p99 is unknown, so every answered request, errors and the
  // proxy's own 503s included, must land in the latency histogram as well as in the request counter.
  it('observes the latency of every request it counts, for every version and response code', async () => {
    const metrics = new IstioMetrics();
    for (let index = 0; index < 20; index += 1) metrics.record(outcome('v2', 200, 30 + index));
    for (let index = 0; index < 19; index += 1) metrics.record(outcome('v3', 200, 40));
    metrics.record(outcome('v3', 500, 45));
    metrics.record(outcome('v4', 503, 0.5));
    expect(await perVersion(metrics)).toEqual({
      v2: { requests: 20, observed: 20 },
      v3: { requests: 20, observed: 20 },
      v4: { requests: 1, observed: 1 },
    });
  });

  // Flagger's mirroring analysis reads the gray version's destination metrics: a shadow must be there.
  it('reports shadow copies like any request at their destination, and counts them in /split only as mirrored', async () => {
    const metrics = new IstioMetrics();
    const shadow = { ...outcome('v2', 500, 30), mirrored: true };
    for (let index = 0; index < 10; index += 1) metrics.record({ ...outcome('v1', 200, 20), ...(index % 2 === 0 ? { shadows: [shadow] } : {}) });
    expect(await perVersion(metrics)).toEqual({ v1: { requests: 10, observed: 10 }, v2: { requests: 5, observed: 5 } });
    expect(metrics.split('test', 'podinfo')).toEqual({ total: 10, versions: { v1: 10 }, responseCodes: { '200': 10 }, callers: { user: { v1: 10 } }, mirrored: { v2: 5 } });
    expect((await metrics.registry.metrics()).match(/istio_requests_total\{[^}]*destination_version="v2"[^}]*response_code="500"[^}]*\} 5/)).not.toBeNull();
  });
});
