import { describe, expect, it } from 'vitest';
import { helloMesh, request, seeded, shares } from '../fixtures.test-helpers.ts';
import { indexServices } from '../services.ts';
import { trafficSplitFor, trafficSplitRouter } from './router.ts';
import type { TrafficSplit } from './types.ts';

const HELLO = 'hello.demo.svc.cluster.local';

function split(root: string, backends: { service: string; weight: number }[], name = 'hello', created?: string): TrafficSplit {
  return { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name, namespace: 'demo', creationTimestamp: created as unknown as Date }, spec: { service: root, backends } };
}

function routerFor(splits: TrafficSplit[]) {
  const objects = helloMesh({ trafficSplits: splits });
  const services = indexServices(objects.services);
  const hello = services.get(HELLO)!;
  const split = trafficSplitFor(hello, objects.trafficSplits);
  return split && trafficSplitRouter(hello, split, services);
}

function verdict(splits: TrafficSplit[], random: number): string | number | undefined {
  const outcome = routerFor(splits)?.(request(), () => random);
  if (outcome?.kind === 'answer') return outcome.status;
  return outcome?.kind === 'forward' ? outcome.backend.name : undefined;
}

describe('TrafficSplit routing', () => {
  it('spreads calls to the root over the backends by relative weight (1:3 is 25/75)', () => {
    const random = seeded(11);
    const observed = shares(10_000, () => String(verdict([split('hello', [{ service: 'hello-v1', weight: 1 }, { service: 'hello-v2', weight: 3 }])], random())));
    expect(Math.abs(observed['hello-v1']! - 0.25)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed['hello-v2']! - 0.75)).toBeLessThanOrEqual(0.02);
  });

  it('takes the root by short name or FQDN, and only in its own namespace', () => {
    expect(verdict([split(HELLO, [{ service: 'hello-v2', weight: 1 }])], 0.5)).toBe('hello-v2');
    expect(verdict([split('hello.demo', [{ service: 'hello-v2', weight: 1 }])], 0.5)).toBe('hello-v2');
    expect(routerFor([split('hello.other', [{ service: 'hello-v2', weight: 1 }])])).toBeUndefined();
  });

  it('never sends to a backend of weight 0 and answers 503 when nothing has weight or the backend is missing', () => {
    expect(verdict([split('hello', [{ service: 'hello-v1', weight: 0 }, { service: 'hello-v2', weight: 5 }])], 0)).toBe('hello-v2');
    expect(verdict([split('hello', [{ service: 'hello-v1', weight: 0 }])], 0.5)).toBe(503);
    expect(routerFor([split('hello', [{ service: 'hello-v9', weight: 1 }])])?.(request(), () => 0.5)).toEqual({ kind: 'answer', status: 503, host: 'hello-v9.demo.svc.cluster.local', version: 'unknown' });
  });

  it('follows the oldest of two splits of one root', () => {
    const older = split('hello', [{ service: 'hello-v1', weight: 1 }], 'zzz', '2024-01-01T00:00:00Z');
    const newer = split('hello', [{ service: 'hello-v2', weight: 1 }], 'aaa', '2025-01-01T00:00:00Z');
    expect(verdict([newer, older], 0.5)).toBe('hello-v1');
  });
});
