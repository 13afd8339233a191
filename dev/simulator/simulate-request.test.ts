import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { behaviourOf, sampleLatency } from './behaviour';
import { RoutingTable, type MeshObjects } from './routing-table';
import { clientPopulation, simulateRequest } from './simulate-request';

function pod(name: string, version: string, ready = true, annotations?: Record<string, string>): V1Pod {
  return {
    metadata: {
      name: `hello-${version}-7d9c-${name}`,
      namespace: 'demo',
      labels: { app: 'hello', version, 'pod-template-hash': '7d9c' },
      annotations,
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `hello-${version}-7d9c`, uid: name, controller: true }],
    },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function mesh(route: { subset: string; weight: number }[], pods: V1Pod[]): MeshObjects {
  return {
    services: [{ metadata: { name: 'hello', namespace: 'demo' }, spec: { selector: { app: 'hello' } } }],
    virtualServices: [
      { metadata: { name: 'hello', namespace: 'demo' }, spec: { hosts: ['hello'], http: [{ route: route.map(({ subset, weight }) => ({ destination: { host: 'hello', subset }, weight })) }] } },
    ],
    destinationRules: [{ metadata: { name: 'hello', namespace: 'demo' }, spec: { host: 'hello.demo.svc.cluster.local', subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })) } }],
    deployments: [],
    pods,
    workloadEntries: [{ metadata: { name: 'hello-vm', namespace: 'demo', annotations: { 'weir.dev/sim-error-rate': '1' } }, spec: { labels: { app: 'hello', version: 'v3' } } }],
  };
}

const client = clientPopulation(0).requests[0]!;

describe('simulateRequest', () => {
  it('answers from a Ready pod of the chosen subset, named by its Deployment', () => {
    const table = new RoutingTable(mesh([{ subset: 'v1', weight: 100 }], [pod('a', 'v1'), pod('b', 'v1', false)]));
    expect(table.routed.map((service) => service.fqdn)).toEqual(['hello.demo.svc.cluster.local']);
    const outcome = simulateRequest(table, table.routed[0]!, client, () => 0.3);
    expect(outcome).toMatchObject({ destinationWorkload: 'hello-v1', destinationVersion: 'v1', responseCode: 200, sourceWorkload: 'simulator' });
  });

  it("answers 503 with the subset's name when no endpoint of it is Ready", () => {
    const table = new RoutingTable(mesh([{ subset: 'v2', weight: 100 }], [pod('a', 'v1'), pod('b', 'v2', false)]));
    expect(simulateRequest(table, table.routed[0]!, client, () => 0.3)).toMatchObject({ destinationWorkload: 'unknown', destinationVersion: 'v2', responseCode: 503 });
  });

  it('answers 503 for a subset the DestinationRule does not define', () => {
    const table = new RoutingTable(mesh([{ subset: 'v9', weight: 100 }], [pod('a', 'v1')]));
    expect(simulateRequest(table, table.routed[0]!, client, () => 0.3)).toMatchObject({ destinationVersion: 'v9', responseCode: 503 });
  });

  it("answers from a WorkloadEntry with its annotation's error rate", () => {
    const table = new RoutingTable(mesh([{ subset: 'v3', weight: 100 }], []));
    expect(simulateRequest(table, table.routed[0]!, client, () => 0.3)).toMatchObject({ destinationWorkload: 'hello-vm', destinationVersion: 'v3', responseCode: 500 });
  });

  it('makes the configured share of callers gray', () => {
    const callers = clientPopulation(0.1).requests;
    expect(callers.filter((request) => request.headers['end-user'] === 'asm' && request.headers.cookie?.startsWith('gray=true')).length).toBe(100);
  });
});

describe('behaviour', () => {
  it('reads annotations, keeping defaults for what is missing or unreadable', () => {
    expect(behaviourOf(undefined)).toEqual({ errorRate: 0, medianMs: 25, p99Ms: 80 });
    expect(behaviourOf({ 'weir.dev/sim-error-rate': '0.2', 'weir.dev/sim-latency-ms': 'fast' })).toEqual({ errorRate: 0.2, medianMs: 25, p99Ms: 80 });
    expect(behaviourOf({ 'weir.dev/sim-error-rate': '7', 'weir.dev/sim-latency-ms': '300' })).toEqual({ errorRate: 1, medianMs: 300, p99Ms: 300 });
  });

  it('samples latencies whose median and p99 are the configured ones', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const samples = Array.from({ length: 20_000 }, () => sampleLatency({ errorRate: 0, medianMs: 25, p99Ms: 80 }, random)).sort((a, b) => a - b);
    expect(samples[10_000]!).toBeGreaterThan(23);
    expect(samples[10_000]!).toBeLessThan(27);
    expect(samples[19_800]!).toBeGreaterThan(70);
    expect(samples[19_800]!).toBeLessThan(90);
  });
});
