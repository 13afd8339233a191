/** Objects and randomness for the simulator's unit tests: one namespace `demo`, Services and pods per version. */
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { MeshRequest } from './mesh-request.ts';
import type { MeshObjects } from './router.ts';

export const GRAY_COOKIE = '^(.*?;)?(gray=true)(;.*)?$';

/** mulberry32: a tiny seeded PRNG, so statistical assertions are repeatable. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Service in `demo` selecting `selector` (default: every `hello` pod). */
export function service(name: string, selector: Record<string, string> = { app: 'hello' }, namespace = 'demo'): V1Service {
  return { metadata: { name, namespace }, spec: { selector, ports: [{ name: 'http', port: 5000 }] } };
}

/** A pod of the Deployment `hello-<version>`, Ready unless told otherwise. */
export function pod(name: string, version: string, ready = true): V1Pod {
  return {
    metadata: {
      name: `hello-${version}-7d9c-${name}`,
      namespace: 'demo',
      labels: { app: 'hello', version, 'pod-template-hash': '7d9c' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `hello-${version}-7d9c`, uid: name, controller: true }],
    },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

/** `hello` selecting every version and `hello-v1` .. `hello-v3` selecting one each, with one Ready pod per version. */
export function helloMesh(overrides: Partial<MeshObjects> = {}): MeshObjects {
  const versions = ['v1', 'v2', 'v3'];
  return {
    services: [service('hello'), ...versions.map((version) => service(`hello-${version}`, { app: 'hello', version }))],
    pods: versions.map((version) => pod('a', version)),
    deployments: [],
    virtualServices: [],
    destinationRules: [],
    workloadEntries: [],
    httpRoutes: [],
    referenceGrants: [],
    trafficSplits: [],
    ...overrides,
  };
}

/** A request with these (lower-case) headers, to `path`. */
export function request(headers: Record<string, string> = {}, path = '/', method = 'GET'): MeshRequest {
  return { headers, path, method };
}

/** How many of `count` draws `draw` returns each answer, as shares of 1. */
export function shares(count: number, draw: () => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let index = 0; index < count; index += 1) {
    const answer = draw();
    counts[answer] = (counts[answer] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([answer, n]) => [answer, n / count]));
}
