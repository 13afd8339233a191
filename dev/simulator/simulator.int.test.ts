import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { setVmHealth } from '../sandbox/vm-health.ts';
import type { RunningSimulator } from './simulator.ts';
import { serviceObject, share, splitProbe } from './split-probe.test-helpers.ts';
import { exported, testbed } from './testbed.test-helpers.ts';

const sandbox = inject('sandbox');
const GRAY_COOKIE = '^(.*?;)?(gray=true)(;.*)?$';
const bed = testbed(sandbox);
afterAll(() => bed.cleanup());

describe(`the traffic simulator with a VirtualService, routed by istiod ${sandbox.istiodVersion} against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  const NAMESPACE = 'sim-test';
  const to = (subset: string, weight?: number) => ({ destination: { host: 'hello', subset }, ...(weight === undefined ? {} : { weight }) });
  const virtualService = (http: object[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'hello', namespace: NAMESPACE }, spec: { hosts: ['hello'], http } });
  let simulator: RunningSimulator;
  let measure: ReturnType<typeof splitProbe>;

  beforeAll(async () => {
    await bed.workloads(NAMESPACE, [serviceObject(NAMESPACE, 'hello', { app: 'hello' })], ['v1', 'v2', 'v3'], [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'hello', namespace: NAMESPACE },
        spec: { host: 'hello', subsets: ['v1', 'v2', 'v3', 'v4', 'v5'].map((version) => ({ name: version, labels: { version } })) },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name: 'hello-vm', namespace: NAMESPACE, annotations: { 'weir.dev/sim-error-rate': '1' } },
        spec: { address: '10.9.9.9', labels: { app: 'hello', version: 'v5' } },
      },
      virtualService([{ route: [to('v1', 30), to('v2', 60), to('v3', 10)] }]),
    ]);
    simulator = await bed.simulatorFor(NAMESPACE);
    measure = splitProbe(simulator.url, NAMESPACE, 'hello');
  });

  it('splits 10,000 requests 30/60/10 as the VirtualService says, within two points', async () => {
    const observed = await measure(10_000);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(Math.abs(share(observed, 'v1') - 0.3)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v2') - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v3') - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('sends the gray callers (10%) to the version their cookie rule names', async () => {
    await bed.apply('gray', [virtualService([{ match: [{ headers: { cookie: { regex: GRAY_COOKIE } } }], route: [to('v3')] }, { route: [to('v1')] }])]);
    const observed = await measure(5_000, (delta) => delta.total > 0 && !delta.versions.v2);
    expect(Object.keys(observed.versions).sort()).toEqual(['v1', 'v3']);
    expect(Math.abs(share(observed, 'v3') - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('answers 503 for a subset without a ready endpoint, labelled with the subset and an unknown workload', async () => {
    await bed.apply('no-endpoint', [virtualService([{ route: [to('v1', 50), to('v4', 50)] }])]);
    const observed = await measure(2_000, (delta) => Boolean(delta.versions.v4) && !delta.versions.v3);
    expect(observed.responseCodes['503']).toBe(observed.versions.v4);
    expect(observed.responseCodes['200']).toBe(observed.versions.v1);
    expect(await exported(simulator)).toMatch(/istio_requests_total\{[^}]*destination_workload="unknown"[^}]*destination_version="v4"[^}]*response_code="503"[^}]*\} \d+/);
  });

  it('answers 503 for the share of requests an injected abort fault hits', async () => {
    await bed.apply('fault', [virtualService([{ fault: { abort: { httpStatus: 503, percentage: { value: 40 } } }, route: [to('v1')] }])]);
    const observed = await measure(10_000, (delta) => Boolean(delta.responseCodes['503']) && !delta.versions.v4);
    expect(Object.keys(observed.responseCodes).sort()).toEqual(['200', '503']);
    expect(Math.abs((observed.responseCodes['503'] ?? 0) / observed.total - 0.4)).toBeLessThanOrEqual(0.02);
  });

  it('answers from a WorkloadEntry with the error rate its annotation sets', async () => {
    await bed.apply('vm', [virtualService([{ route: [to('v5')] }])]);
    const observed = await measure(1_000, (delta) => delta.total > 0 && delta.versions.v5 === delta.total);
    expect(observed.responseCodes).toEqual({ '500': observed.total });
    expect(await exported(simulator)).toMatch(/istio_requests_total\{[^}]*destination_workload="hello-vm"[^}]*destination_version="v5"[^}]*response_code="500"/);
  });

  it('answers 503 from a WorkloadEntry marked unhealthy by its Healthy condition, and from the VM again once it is not', async () => {
    await bed.apply('vm', [virtualService([{ route: [to('v5')] }])]);
    await setVmHealth(sandbox.kubeconfig, NAMESPACE, 'hello-vm', 'unhealthy');
    const down = await measure(1_000, (delta) => delta.total > 0 && delta.responseCodes['503'] === delta.total);
    expect(down.responseCodes).toEqual({ '503': down.total });
    await setVmHealth(sandbox.kubeconfig, NAMESPACE, 'hello-vm', 'unknown');
    const back = await measure(1_000, (delta) => delta.total > 0 && delta.responseCodes['500'] === delta.total);
    expect(back.responseCodes).toEqual({ '500': back.total });
  });
});

/** `hello` selecting every version, and `hello-v1`, `hello-v2` selecting one each: the backends of a split. */
function versionServices(namespace: string) {
  return [serviceObject(namespace, 'hello', { app: 'hello' }), ...['v1', 'v2'].map((version) => serviceObject(namespace, `hello-${version}`, { app: 'hello', version }))];
}

describe('the traffic simulator with an HTTPRoute on the Service (GAMMA)', () => {
  const NAMESPACE = 'sim-gamma';
  // A gray share other than the 10% of the 90/10 split, so that the header rule's effect can be told apart.
  const GRAY_SHARE = 0.3;
  const backend = (version: string, weight?: number) => ({ name: `hello-${version}`, port: 5000, ...(weight === undefined ? {} : { weight }) });
  const httpRoute = (rules: object[]) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'hello', namespace: NAMESPACE },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: 'hello', port: 5000 }], rules },
  });
  let simulator: RunningSimulator;
  let measure: ReturnType<typeof splitProbe>;

  beforeAll(async () => {
    await bed.workloads(NAMESPACE, versionServices(NAMESPACE), ['v1', 'v2'], [httpRoute([{ backendRefs: [backend('v1', 90), backend('v2', 10)] }])]);
    simulator = await bed.simulatorFor(NAMESPACE, { grayShare: GRAY_SHARE });
    measure = splitProbe(simulator.url, NAMESPACE, 'hello');
  });

  it('splits 10,000 calls to hello 90/10 over hello-v1 and hello-v2, and the metrics name the backend Services', async () => {
    const observed = await measure(10_000);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(Math.abs(share(observed, 'v1') - 0.9)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v2') - 0.1)).toBeLessThanOrEqual(0.02);
    const metrics = await exported(simulator);
    expect(metrics).toMatch(/istio_requests_total\{[^}]*destination_service="hello-v2\.sim-gamma\.svc\.cluster\.local",destination_service_name="hello-v2"[^}]*destination_version="v2"/);
    expect(metrics).not.toMatch(/destination_service_name="hello",destination_service_namespace="sim-gamma"/);
  });

  it('sends the gray callers to hello-v2 by a header rule listed after the catch-all rule', async () => {
    await bed.apply('gamma-gray', [httpRoute([{ backendRefs: [backend('v1')] }, { matches: [{ headers: [{ name: 'end-user', value: 'asm' }] }], backendRefs: [backend('v2')] }])]);
    const observed = await measure(5_000, (delta) => share(delta, 'v2') > 0.2);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(Math.abs(share(observed, 'v2') - GRAY_SHARE)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v1') - (1 - GRAY_SHARE))).toBeLessThanOrEqual(0.02);
  });
});

describe('the traffic simulator with an SMI TrafficSplit', () => {
  const NAMESPACE = 'sim-smi';
  let measure: ReturnType<typeof splitProbe>;
  let simulator: RunningSimulator;

  beforeAll(async () => {
    const split = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'hello', namespace: NAMESPACE },
      spec: { service: 'hello', backends: [{ service: 'hello-v1', weight: 50 }, { service: 'hello-v2', weight: 50 }] },
    };
    await bed.workloads(NAMESPACE, versionServices(NAMESPACE), ['v1', 'v2'], [split]);
    simulator = await bed.simulatorFor(NAMESPACE);
    measure = splitProbe(simulator.url, NAMESPACE, 'hello');
  });

  it('splits 10,000 calls to the root Service 50/50 over its backends, within two points', async () => {
    const observed = await measure(10_000);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(Math.abs(share(observed, 'v1') - 0.5)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v2') - 0.5)).toBeLessThanOrEqual(0.02);
    expect(await exported(simulator)).toMatch(/istio_requests_total\{[^}]*destination_service_name="hello-v1",destination_service_namespace="sim-smi"[^}]*destination_version="v1"/);
  });
});
