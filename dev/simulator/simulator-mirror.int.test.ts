import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../sandbox/sandbox.ts';
import { ERROR_RATE_ANNOTATION } from './behaviour.ts';
import type { RunningSimulator } from './simulator.ts';
import { serviceObject, splitProbe } from './split-probe.test-helpers.ts';
import { exported, testbed } from './testbed.test-helpers.ts';

const sandbox = inject('sandbox');
const bed = testbed(sandbox);
afterAll(() => bed.cleanup());

/** The sum of istio_requests_total over the series whose labels include all of `labels`, in `/metrics` text. */
function requestsTotal(metrics: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const [, series, value] of metrics.matchAll(/^istio_requests_total\{([^}]*)\} (\d+)$/gm)) {
    if (Object.entries(labels).every(([name, wanted]) => series!.includes(`${name}="${wanted}"`))) sum += Number(value);
  }
  return sum;
}

describe(`request mirroring as istiod ${sandbox.istiodVersion} pushes it: shadow copies reach v2's metrics, never the client`, () => {
  const NAMESPACE = 'sim-mirror';
  const v1 = { destination: { host: 'hello', subset: 'v1' }, weight: 100 };
  const virtualService = (mirroring: object) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'hello', namespace: NAMESPACE },
    spec: { hosts: ['hello'], http: [{ route: [v1], ...mirroring }] },
  });
  const v2Metrics = (extra: Record<string, string> = {}) => ({
    reporter: 'destination',
    destination_service_name: 'hello',
    destination_service_namespace: NAMESPACE,
    destination_workload: 'hello-v2',
    destination_version: 'v2',
    ...extra,
  });
  let simulator: RunningSimulator;
  let measure: ReturnType<typeof splitProbe>;

  beforeAll(async () => {
    await bed.workloads(NAMESPACE, [serviceObject(NAMESPACE, 'hello', { app: 'hello' })], ['v1', 'v2'], [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'hello', namespace: NAMESPACE },
        spec: { host: 'hello', subsets: ['v1', 'v2'].map((version) => ({ name: version, labels: { version } })) },
      },
      virtualService({ mirror: { host: 'hello', subset: 'v2' }, mirrorPercentage: { value: 50 } }),
    ]);
    simulator = await bed.simulatorFor(NAMESPACE);
    measure = splitProbe(simulator.url, NAMESPACE, 'hello');
  });

  it('answers all of 10,000 requests from v1 while v2 gets a copy of half of them (within two points), reported by its destination metrics', async () => {
    const observed = await measure(10_000, (delta) => Boolean(delta.mirrored.v2));
    console.log(`mirror 50%: ${JSON.stringify(observed)}`);
    expect(observed.versions).toEqual({ v1: observed.total });
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    for (const versions of Object.values(observed.callers)) expect(Object.keys(versions)).toEqual(['v1']);
    expect(Object.keys(observed.mirrored)).toEqual(['v2']);
    expect(Math.abs(observed.mirrored.v2! / observed.total - 0.5)).toBeLessThanOrEqual(0.02);

    // Every copy is in v2's metrics, under the Service the client called: no fewer than were just measured,
    // no more than /split has counted since the simulator started.
    const metrics = await exported(simulator);
    const since = (await (await fetch(`${simulator.url}/split?namespace=${NAMESPACE}&service=hello`)).json()) as { mirrored: Record<string, number> };
    const reported = requestsTotal(metrics, v2Metrics({ destination_service: `hello.${NAMESPACE}.svc.cluster.local`, response_code: '200', source_workload: 'hello-v1' }));
    console.log(`v2's istio_requests_total: ${reported}; mirrored since start: ${since.mirrored.v2}`);
    expect(reported).toBeGreaterThanOrEqual(observed.mirrored.v2!);
    expect(reported).toBeLessThanOrEqual(since.mirrored.v2!);
    expect(metrics).toMatch(/istio_request_duration_milliseconds_count\{[^}]*destination_workload="hello-v2"[^}]*destination_version="v2"[^}]*\} [1-9]\d*/);
  });

  it('sends no more copies once the mirror is taken out of the VirtualService', async () => {
    await bed.apply('no-mirror', [virtualService({})]);
    const observed = await measure(5_000, (delta) => delta.total > 0 && Object.keys(delta.mirrored).length === 0);
    console.log(`mirror removed: ${JSON.stringify(observed)}`);
    expect(observed.mirrored).toEqual({});
    expect(observed.versions).toEqual({ v1: observed.total });
  });

  it('keeps every client answer a 200 while v2 fails each copy (error rate 1, `mirrors` without a percentage: all of them), and v2 reports the 500s', async () => {
    await kubectl(sandbox, ['patch', '-n', NAMESPACE, 'deployment/hello-v2', '--type=merge', '-p', JSON.stringify({ spec: { template: { metadata: { annotations: { [ERROR_RATE_ANNOTATION]: '1' } } } } })]);
    await kubectl(sandbox, ['rollout', 'status', '-n', NAMESPACE, 'deployment/hello-v2', '--timeout=60s']);
    await bed.apply('mirror-all', [virtualService({ mirrors: [{ destination: { host: 'hello', subset: 'v2' } }] })]);
    const failedBefore = requestsTotal(await exported(simulator), v2Metrics({ response_code: '500' }));
    const observed = await measure(5_000, (delta) => delta.total > 0 && delta.mirrored.v2 === delta.total);
    const failed = requestsTotal(await exported(simulator), v2Metrics({ response_code: '500' })) - failedBefore;
    console.log(`mirror 100% to a failing v2: ${JSON.stringify(observed)}; v2's 500s meanwhile: ${failed}`);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(observed.versions).toEqual({ v1: observed.total });
    expect(observed.mirrored).toEqual({ v2: observed.total });
    expect(failed).toBeGreaterThanOrEqual(observed.total);
  });
});
