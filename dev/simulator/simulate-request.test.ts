import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { clientPopulation } from './client-population.ts';
import { helloMesh, pod, seeded } from './fixtures.test-helpers.ts';
import type { HttpRoute } from './gateway-api/types.ts';
import { IstioMetrics } from './istio-metrics.ts';
import type { VirtualService } from './istio/types.ts';
import type { MeshObjects } from './router.ts';
import { RoutingTable } from './routing-table.ts';
import { simulateRequest } from './simulate-request.ts';
import type { TrafficSplit } from './smi/types.ts';

const client = clientPopulation(0)[0]!;

function viaSubsets(route: { subset: string; weight: number }[], overrides: Partial<MeshObjects> = {}): RoutingTable {
  const virtualService: VirtualService = {
    metadata: { name: 'hello', namespace: 'demo' },
    spec: { hosts: ['hello'], http: [{ route: route.map(({ subset, weight }) => ({ destination: { host: 'hello', subset }, weight })) }] },
  };
  return new RoutingTable(
    helloMesh({
      virtualServices: [virtualService],
      destinationRules: [{ metadata: { name: 'hello', namespace: 'demo' }, spec: { host: 'hello', subsets: ['v1', 'v2', 'v3', 'v5'].map((v) => ({ name: v, labels: { version: v } })) } }],
      workloadEntries: [{ metadata: { name: 'hello-vm', namespace: 'demo', annotations: { 'weir.dev/sim-error-rate': '1' } }, spec: { labels: { app: 'hello', version: 'v5' } } }],
      ...overrides,
    }),
  );
}

function simulate(table: RoutingTable, random: () => number = () => 0.3) {
  return simulateRequest(table, table.routed.find((service) => service.name === 'hello')!, client, random);
}

const gamma: HttpRoute = {
  metadata: { name: 'hello', namespace: 'demo' },
  spec: { parentRefs: [{ group: '', kind: 'Service', name: 'hello' }], rules: [{ backendRefs: [{ name: 'hello-v1', port: 5000, weight: 90 }, { name: 'hello-v2', port: 5000, weight: 10 }] }] },
};

describe('simulateRequest through a VirtualService', () => {
  it('answers from a Ready pod of the chosen subset, named by its Deployment, for the called Service', () => {
    const table = viaSubsets([{ subset: 'v1', weight: 100 }], { pods: [pod('a', 'v1'), pod('b', 'v1', false), pod('c', 'v2')] });
    expect(simulate(table)).toMatchObject({
      calledService: { name: 'hello', namespace: 'demo' },
      destinationService: 'hello.demo.svc.cluster.local',
      destinationServiceName: 'hello',
      destinationWorkload: 'hello-v1',
      destinationVersion: 'v1',
      responseCode: 200,
      sourceWorkload: 'simulator',
    });
  });

  it("answers 503 with the subset's name when no endpoint of it is Ready, or the subset is not defined", () => {
    expect(simulate(viaSubsets([{ subset: 'v2', weight: 100 }], { pods: [pod('a', 'v1'), pod('b', 'v2', false)] }))).toMatchObject({ destinationWorkload: 'unknown', destinationVersion: 'v2', responseCode: 503 });
    expect(simulate(viaSubsets([{ subset: 'v9', weight: 100 }]))).toMatchObject({ destinationVersion: 'v9', responseCode: 503 });
  });

  it("answers from a WorkloadEntry with its annotation's error rate", () => {
    expect(simulate(viaSubsets([{ subset: 'v5', weight: 100 }]))).toMatchObject({ destinationWorkload: 'hello-vm', destinationVersion: 'v5', responseCode: 500 });
  });
});

describe('simulateRequest through an HTTPRoute or a TrafficSplit', () => {
  it('labels the metrics with the backend Service while /split counts the Service the client called', () => {
    const table = new RoutingTable(helloMesh({ httpRoutes: [gamma] }));
    const metrics = new IstioMetrics();
    const random = seeded(5);
    for (let index = 0; index < 5_000; index += 1) metrics.record(simulate(table, random));
    const split = metrics.split('demo', 'hello');
    expect(split.total).toBe(5_000);
    expect(Math.abs(split.versions.v1! / split.total - 0.9)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(split.versions.v2! / split.total - 0.1)).toBeLessThanOrEqual(0.02);
    expect(metrics.split('demo', 'hello-v2').total).toBe(0);
    expect(simulate(table, () => 0.95)).toMatchObject({ destinationService: 'hello-v2.demo.svc.cluster.local', destinationServiceName: 'hello-v2', destinationWorkload: 'hello-v2', destinationVersion: 'v2' });
  });

  it('answers 503 for a backend without a ready endpoint, 500 for a missing one', () => {
    const noneReady = new RoutingTable(helloMesh({ httpRoutes: [gamma], pods: [pod('a', 'v1', false), pod('b', 'v2', false)] }));
    expect(simulate(noneReady)).toMatchObject({ destinationServiceName: 'hello-v1', destinationVersion: 'unknown', destinationWorkload: 'unknown', responseCode: 503 });
    const missing: HttpRoute = { ...gamma, spec: { ...gamma.spec, rules: [{ backendRefs: [{ name: 'hello-v7', port: 5000 }] }] } };
    expect(simulate(new RoutingTable(helloMesh({ httpRoutes: [missing] })))).toMatchObject({ destinationServiceName: 'hello-v7', destinationVersion: 'unknown', responseCode: 500 });
  });

  it("answers with the backend workload's behaviour annotations", () => {
    const slow: V1Deployment = { metadata: { name: 'hello-v2', namespace: 'demo' }, spec: { selector: {}, template: { metadata: { annotations: { 'weir.dev/sim-error-rate': '1', 'weir.dev/sim-latency-ms': '400' } } } } };
    const split: TrafficSplit = { metadata: { name: 'hello', namespace: 'demo' }, spec: { service: 'hello', backends: [{ service: 'hello-v2', weight: 1 }] } };
    const outcome = simulate(new RoutingTable(helloMesh({ trafficSplits: [split], deployments: [slow] })), seeded(9));
    expect(outcome).toMatchObject({ destinationServiceName: 'hello-v2', destinationVersion: 'v2', responseCode: 500 });
    expect(outcome.latencyMs).toBeGreaterThan(100);
  });
});

describe('clientPopulation', () => {
  it('makes the configured share of callers gray', () => {
    const callers = clientPopulation(0.1);
    expect(callers.filter((request) => request.headers['end-user'] === 'asm' && request.headers.cookie?.startsWith('gray=true')).length).toBe(100);
  });
});
