import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../sandbox/sandbox.ts';
import { setVmHealth } from '../sandbox/vm-health.ts';
import type { RunningSimulator } from './simulator.ts';
import { share, splitProbe } from './split-probe.test-helpers.ts';
import { exported, testbed } from './testbed.test-helpers.ts';

const sandbox = inject('sandbox');
const bed = testbed(sandbox);
afterAll(() => bed.cleanup());

describe(`the traffic simulator with a ServiceEntry host of WorkloadEntries, routed by istiod ${sandbox.istiodVersion}`, () => {
  const NAMESPACE = 'sim-se';
  const HOST = 'hello.vm.example';
  const to = (subset: string, weight: number) => ({ destination: { host: HOST, subset }, weight });
  const virtualService = (v1: number, v2: number) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'hello-vm', namespace: NAMESPACE },
    spec: { hosts: [HOST], http: [{ route: [to('v1', v1), to('v2', v2)] }] },
  });
  const workloadEntry = (name: string, address: string, version: string) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name, namespace: NAMESPACE },
    spec: { address, labels: { app: 'hello-vm', version } },
  });
  const sleep = { app: 'sleep' };
  let simulator: RunningSimulator;
  let measure: ReturnType<typeof splitProbe>;

  beforeAll(async () => {
    await bed.workloads(NAMESPACE, [], [], [
      // The client pod the calls come from: nothing in the namespace but it is a pod.
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'sleep', namespace: NAMESPACE, labels: sleep },
        spec: { replicas: 1, selector: { matchLabels: sleep }, template: { metadata: { labels: sleep }, spec: { containers: [{ name: 'sleep', image: 'curl' }] } } },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'hello-vm', namespace: NAMESPACE },
        spec: { hosts: [HOST], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 8080, protocol: 'HTTP', name: 'http' }], workloadSelector: { labels: { app: 'hello-vm' } } },
      },
      workloadEntry('hello-vm-v1-a', '10.77.0.1', 'v1'),
      workloadEntry('hello-vm-v1-b', '10.77.0.2', 'v1'),
      workloadEntry('hello-vm-v2', '10.77.0.3', 'v2'),
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: 'hello-vm', namespace: NAMESPACE },
        spec: { host: HOST, subsets: ['v1', 'v2'].map((version) => ({ name: version, labels: { version } })) },
      },
      virtualService(80, 20),
    ]);
    await kubectl(sandbox, ['rollout', 'status', '-n', NAMESPACE, 'deployment/sleep', '--timeout=60s']);
    simulator = await bed.simulatorFor(NAMESPACE, { services: [`${NAMESPACE}/${HOST}`] });
    measure = splitProbe(simulator.url, NAMESPACE, HOST);
  });

  it('splits 10,000 calls to hello.vm.example 80/20 as the VirtualService says, answered by the WorkloadEntries, within two points', async () => {
    const observed = await measure(10_000);
    console.log(`ServiceEntry split 80/20: ${JSON.stringify(observed)}`);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(Math.abs(share(observed, 'v1') - 0.8)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v2') - 0.2)).toBeLessThanOrEqual(0.02);
    const metrics = await exported(simulator);
    // Istio's service attributes for a ServiceEntry name the host itself, in the entry's namespace.
    for (const workload of ['hello-vm-v1-a', 'hello-vm-v1-b']) {
      expect(metrics).toMatch(
        new RegExp(
          `istio_requests_total\\{[^}]*destination_service="hello\\.vm\\.example",destination_service_name="hello\\.vm\\.example",destination_service_namespace="${NAMESPACE}",destination_workload="${workload}",destination_workload_namespace="${NAMESPACE}",destination_version="v1"[^}]*response_code="200",source_workload="sleep"\\} \\d+`,
        ),
      );
    }
    expect(metrics).toMatch(/istio_requests_total\{[^}]*destination_service_name="hello\.vm\.example"[^}]*destination_workload="hello-vm-v2"[^}]*destination_version="v2"/);
  });

  it('moves every call to v2 once the VirtualService says 0/100', async () => {
    await bed.apply('se-all-v2', [virtualService(0, 100)]);
    const observed = await measure(5_000, (delta) => delta.total > 0 && delta.versions.v2 === delta.total);
    console.log(`ServiceEntry split 0/100: ${JSON.stringify(observed)}`);
    expect(observed.versions).toEqual({ v2: observed.total });
    expect(observed.responseCodes).toEqual({ '200': observed.total });
  });

  it('answers 503 while the v2 WorkloadEntry is marked unhealthy, and from it again once it is not', async () => {
    await bed.apply('se-all-v2', [virtualService(0, 100)]);
    await setVmHealth(sandbox.kubeconfig, NAMESPACE, 'hello-vm-v2', 'unhealthy');
    const down = await measure(1_000, (delta) => delta.total > 0 && delta.responseCodes['503'] === delta.total);
    expect(down.responseCodes).toEqual({ '503': down.total });
    await setVmHealth(sandbox.kubeconfig, NAMESPACE, 'hello-vm-v2', 'unknown');
    const back = await measure(1_000, (delta) => delta.total > 0 && delta.responseCodes['200'] === delta.total);
    expect(back.versions).toEqual({ v2: back.total });
  });
});
