import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { clientPopulation } from './client-population.ts';
import { helloMesh, pod, POD_IP, seeded } from './fixtures.test-helpers.ts';
import type { HttpRoute } from './gateway-api/types.ts';
import { IstioMetrics } from './istio-metrics.ts';
import type { VirtualService } from './istio/types.ts';
import type { MeshObjects } from './router.ts';
import { RoutingTable } from './routing-table.ts';
import { simulateRequest } from './simulate-request.ts';
import type { TrafficSplit } from './smi/types.ts';
import { cluster, endpoint, helloSnapshot, route, subsetCluster, toSubset } from './xds/snapshot.test-helpers.ts';
import type { Action, Route, Snapshot } from './xds/snapshot.ts';

const client = clientPopulation(0)[0]!;
const SLEEP = 'demo/sleep-7d9c-s';

/** Only decides that hello gets traffic: where it goes is the snapshot's business. */
const virtualService: VirtualService = { metadata: { name: 'hello', namespace: 'demo' }, spec: { hosts: ['hello'], http: [{ route: [{ destination: { host: 'hello' } }] }] } };

function viaSidecar(action: Action, overrides: Partial<MeshObjects> = {}, snapshot: Snapshot = helloSnapshot([route(action)])): RoutingTable {
  return new RoutingTable(helloMesh({ virtualServices: [virtualService], ...overrides }), (key) => (key === SLEEP ? snapshot : undefined));
}

function simulate(table: RoutingTable, random: () => number = () => 0.3) {
  return simulateRequest(table, table.routed.find((service) => service.name === 'hello')!, client, random);
}

describe('simulateRequest through the client sidecar', () => {
  it('answers from the pod at the address the sidecar chose, named by its Deployment, for the called Service', () => {
    expect(simulate(viaSidecar(toSubset('v2')))).toMatchObject({
      calledService: { name: 'hello', namespace: 'demo' },
      caller: 'user',
      destinationService: 'hello.demo.svc.cluster.local',
      destinationServiceName: 'hello',
      destinationWorkload: 'hello-v2',
      destinationWorkloadNamespace: 'demo',
      destinationVersion: 'v2',
      responseCode: 200,
      sourceWorkload: 'sleep',
    });
  });

  it('sends nothing while the client sidecar has no config from istiod', () => {
    const table = new RoutingTable(helloMesh({ virtualServices: [virtualService] }));
    expect(simulate(table)).toBeUndefined();
  });

  it("answers 503 with the subset's name when its cluster has no healthy endpoint", () => {
    expect(simulate(viaSidecar(toSubset('v4')))).toMatchObject({ destinationWorkload: 'unknown', destinationVersion: 'v4', responseCode: 503 });
  });

  it("answers from a WorkloadEntry at the endpoint's address with its annotation's error rate", () => {
    const snapshot = helloSnapshot([route(toSubset('v5'))], { [subsetCluster('v5')]: cluster(subsetCluster('v5'), [endpoint('10.9.9.9', 'UNKNOWN')]) });
    const workloadEntries = [{ metadata: { name: 'hello-vm', namespace: 'demo', annotations: { 'weir.dev/sim-error-rate': '1' } }, spec: { address: '10.9.9.9', labels: { app: 'hello', version: 'v5' } } }];
    expect(simulate(viaSidecar(toSubset('v5'), { workloadEntries }, snapshot))).toMatchObject({ destinationWorkload: 'hello-vm', destinationVersion: 'v5', responseCode: 500 });
  });

  it('answers 503 from a WorkloadEntry whose Healthy condition is False, and from it once healthy again', () => {
    const snapshot = helloSnapshot([route(toSubset('v5'))], { [subsetCluster('v5')]: cluster(subsetCluster('v5'), [endpoint('10.9.9.9', 'UNKNOWN')]) });
    const entry = (status: string) => ({ metadata: { name: 'hello-vm', namespace: 'demo' }, spec: { address: '10.9.9.9', labels: { app: 'hello', version: 'v5' } }, status: { conditions: [{ type: 'Healthy', status }] } });
    expect(simulate(viaSidecar(toSubset('v5'), { workloadEntries: [entry('False')] }, snapshot))).toMatchObject({ destinationVersion: 'v5', responseCode: 503 });
    expect(simulate(viaSidecar(toSubset('v5'), { workloadEntries: [entry('True')] }, snapshot))).toMatchObject({ destinationWorkload: 'hello-vm', responseCode: 200 });
  });

  it("names a workload found at no watched address by istiod's endpoint metadata", () => {
    const snapshot = helloSnapshot([route(toSubset('v6'))], { [subsetCluster('v6')]: cluster(subsetCluster('v6'), [endpoint('10.8.8.8', 'HEALTHY', { workload: 'hello-v6;demo;hello;v6;Kubernetes' })]) });
    expect(simulate(viaSidecar(toSubset('v6'), {}, snapshot))).toMatchObject({ destinationWorkload: 'hello-v6', destinationWorkloadNamespace: 'demo', destinationVersion: 'v6', responseCode: 200 });
  });

  it("answers with the workload's behaviour annotations, read from its Deployment's pod template", () => {
    const slow: V1Deployment = { metadata: { name: 'hello-v2', namespace: 'demo' }, spec: { selector: {}, template: { metadata: { annotations: { 'weir.dev/sim-error-rate': '1', 'weir.dev/sim-latency-ms': '400' } } } } };
    const outcome = simulate(viaSidecar(toSubset('v2'), { deployments: [slow] }), seeded(9));
    expect(outcome).toMatchObject({ destinationWorkload: 'hello-v2', responseCode: 500 });
    expect(outcome!.latencyMs).toBeGreaterThan(100);
  });
});

describe('simulateRequest with request mirroring', () => {
  const mirroring = (subset: string): Action => ({ ...toSubset('v1'), mirrors: [{ cluster: subsetCluster(subset), percent: 100 }] });

  it("answers the client from v1 while v2's copy is answered by v2's own behaviour, and counts the copy only as mirrored", () => {
    const failing: V1Deployment = { metadata: { name: 'hello-v2', namespace: 'demo' }, spec: { selector: {}, template: { metadata: { annotations: { 'weir.dev/sim-error-rate': '1', 'weir.dev/sim-latency-ms': '400' } } } } };
    const outcome = simulate(viaSidecar(mirroring('v2'), { deployments: [failing] }), seeded(4));
    expect(outcome).toMatchObject({ destinationWorkload: 'hello-v1', destinationVersion: 'v1', responseCode: 200 });
    expect(outcome!.latencyMs).toBeLessThan(200);
    expect(outcome!.shadows).toHaveLength(1);
    expect(outcome!.shadows![0]).toMatchObject({ calledService: { name: 'hello', namespace: 'demo' }, destinationServiceName: 'hello', destinationWorkload: 'hello-v2', destinationVersion: 'v2', responseCode: 500, mirrored: true });
    expect(outcome!.shadows![0]!.latencyMs).toBeGreaterThan(100);
  });

  it('drops the copy to a WorkloadEntry that is not healthy: nobody answers it, nobody reports it', () => {
    const snapshot = helloSnapshot([route(mirroring('v5'))], { [subsetCluster('v5')]: cluster(subsetCluster('v5'), [endpoint('10.9.9.9', 'UNKNOWN')]) });
    const entry = { metadata: { name: 'hello-vm', namespace: 'demo' }, spec: { address: '10.9.9.9', labels: { app: 'hello', version: 'v5' } }, status: { conditions: [{ type: 'Healthy', status: 'False' }] } };
    const outcome = simulate(viaSidecar(mirroring('v5'), { workloadEntries: [entry] }, snapshot));
    expect(outcome).toMatchObject({ destinationVersion: 'v1', responseCode: 200 });
    expect(outcome!.shadows).toBeUndefined();
  });

  it('mirrors nothing when the request itself finds its VM unhealthy (a 503 from the proxy)', () => {
    const snapshot = helloSnapshot([route({ ...toSubset('v5'), mirrors: [{ cluster: subsetCluster('v2'), percent: 100 }] })], { [subsetCluster('v5')]: cluster(subsetCluster('v5'), [endpoint('10.9.9.9', 'UNKNOWN')]) });
    const entry = { metadata: { name: 'hello-vm', namespace: 'demo' }, spec: { address: '10.9.9.9', labels: { app: 'hello', version: 'v5' } }, status: { conditions: [{ type: 'Healthy', status: 'False' }] } };
    const outcome = simulate(viaSidecar(toSubset('v5'), { workloadEntries: [entry] }, snapshot));
    expect(outcome).toMatchObject({ destinationVersion: 'v5', responseCode: 503 });
    expect(outcome!.shadows).toBeUndefined();
  });
});

describe('simulateRequest with the response headers of the route', () => {
  const setting = (action: Action): Route => ({ ...route(action), responseHeaders: [{ name: 'Set-Cookie', value: 'hello-release=v5; Max-Age=600; Path=/' }] });
  const vm = (healthy: boolean) => ({
    metadata: { name: 'hello-vm', namespace: 'demo', annotations: { 'weir.dev/sim-error-rate': '1' } },
    spec: { address: '10.9.9.9', labels: { app: 'hello', version: 'v5' } },
    status: { conditions: [{ type: 'Healthy', status: healthy ? 'True' : 'False' }] },
  });
  const snapshot = helloSnapshot([setting(toSubset('v5'))], { [subsetCluster('v5')]: cluster(subsetCluster('v5'), [endpoint('10.9.9.9', 'UNKNOWN')]) });

  it("carries them on the workload's answer, a 500 too, and on none of Envoy's own (a VM marked unhealthy)", () => {
    expect(simulate(viaSidecar(toSubset('v5'), { workloadEntries: [vm(true)] }, snapshot))).toMatchObject({
      destinationVersion: 'v5',
      responseCode: 500,
      responseHeaders: [['set-cookie', 'hello-release=v5; Max-Age=600; Path=/']],
    });
    const refused = simulate(viaSidecar(toSubset('v5'), { workloadEntries: [vm(false)] }, snapshot));
    expect(refused).toMatchObject({ destinationVersion: 'v5', responseCode: 503, byProxy: true });
    expect(refused!.responseHeaders).toBeUndefined();
  });
});

describe('simulateRequest to backend Services (HTTPRoute through istiod, TrafficSplit by the simulator)', () => {
  const gamma: HttpRoute = { metadata: { name: 'hello', namespace: 'demo' }, spec: { parentRefs: [{ group: '', kind: 'Service', name: 'hello' }], rules: [{ backendRefs: [{ name: 'hello-v1', port: 5000 }] }] } };
  const backend = (name: string) => `outbound|5000||${name}.demo.svc.cluster.local`;

  it('labels the metrics with the backend Service of the cluster while /split counts the Service the client called', () => {
    const snapshot = helloSnapshot([route({ kind: 'weightedClusters', weightedClusters: [{ name: backend('hello-v1'), weight: 90 }, { name: backend('hello-v2'), weight: 10 }] })], {
      [backend('hello-v1')]: cluster(backend('hello-v1'), [endpoint(POD_IP.v1!)]),
      [backend('hello-v2')]: cluster(backend('hello-v2'), [endpoint(POD_IP.v2!)]),
    });
    const table = new RoutingTable(helloMesh({ httpRoutes: [gamma] }), () => snapshot);
    const metrics = new IstioMetrics();
    const random = seeded(5);
    for (let index = 0; index < 5_000; index += 1) metrics.record(simulate(table, random)!);
    const split = metrics.split('demo', 'hello');
    expect(split.total).toBe(5_000);
    expect(Math.abs(split.versions.v1! / split.total - 0.9)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(split.versions.v2! / split.total - 0.1)).toBeLessThanOrEqual(0.02);
    expect(split.callers.user).toEqual(split.versions);
    expect(metrics.split('demo', 'hello-v2').total).toBe(0);
    expect(simulate(table, () => 0.95)).toMatchObject({ destinationService: 'hello-v2.demo.svc.cluster.local', destinationServiceName: 'hello-v2', destinationWorkload: 'hello-v2', destinationVersion: 'v2' });
  });

  it('spreads a TrafficSplit over its backends itself, 503 when a backend has no ready endpoint', () => {
    const split: TrafficSplit = { metadata: { name: 'hello', namespace: 'demo' }, spec: { service: 'hello', backends: [{ service: 'hello-v2', weight: 1 }] } };
    expect(simulate(new RoutingTable(helloMesh({ trafficSplits: [split] })))).toMatchObject({ destinationServiceName: 'hello-v2', destinationWorkload: 'hello-v2', destinationVersion: 'v2', responseCode: 200 });
    const notReady = helloMesh({ trafficSplits: [split], pods: [pod('b', 'v2', false, POD_IP.v2)] });
    expect(simulate(new RoutingTable(notReady))).toMatchObject({ destinationServiceName: 'hello-v2', destinationWorkload: 'unknown', responseCode: 503 });
  });
});

describe('clientPopulation', () => {
  it('makes the configured share of callers gray', () => {
    const callers = clientPopulation(0.1);
    expect(callers.filter((request) => request.caller === 'gray' && request.headers['end-user'] === 'asm' && request.headers.cookie?.startsWith('gray=true')).length).toBe(100);
  });
});
