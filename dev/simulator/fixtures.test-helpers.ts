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

/** A Service in `demo` selecting `selector` (default: every `hello` pod), on port 5000 at `clusterIP`. */
export function service(name: string, selector: Record<string, string> = { app: 'hello' }, namespace = 'demo', clusterIP = '10.96.0.10'): V1Service {
  return { metadata: { name, namespace }, spec: { selector, clusterIP, ports: [{ name: 'http', port: 5000 }] } };
}

/** A pod of the Deployment `<app>-<version>` (`sleep` when version is ''), Ready unless told otherwise, at `ip`. */
export function pod(name: string, version: string, ready = true, ip?: string, app = 'hello'): V1Pod {
  const workload = version ? `${app}-${version}` : app;
  return {
    metadata: {
      name: `${workload}-7d9c-${name}`,
      namespace: 'demo',
      labels: { app, ...(version ? { version } : {}), 'pod-template-hash': '7d9c' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${workload}-7d9c`, uid: name, controller: true }],
    },
    spec: { containers: [], nodeName: 'kwok-node-0' },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], ...(ip ? { podIP: ip } : {}) },
  };
}

/** Pod IPs of the fixtures: `hello-<version>` pods at 10.244.0.1 .. 3, the `sleep` client at 10.244.9.9. */
export const POD_IP: Record<string, string> = { v1: '10.244.0.1', v2: '10.244.0.2', v3: '10.244.0.3', sleep: '10.244.9.9' };

/**
 * `hello` (10.96.0.10) selecting every version and `hello-v1` .. `hello-v3` (10.96.0.11 ..) selecting one
 * each, with one Ready pod per version and a `sleep` client pod.
 */
export function helloMesh(overrides: Partial<MeshObjects> = {}): MeshObjects {
  const versions = ['v1', 'v2', 'v3'];
  return {
    services: [service('hello'), ...versions.map((version, index) => service(`hello-${version}`, { app: 'hello', version }, 'demo', `10.96.0.${11 + index}`))],
    pods: [...versions.map((version) => pod('a', version, true, POD_IP[version])), pod('s', '', true, POD_IP.sleep, 'sleep')],
    deployments: [],
    virtualServices: [],
    workloadEntries: [],
    serviceEntries: [],
    httpRoutes: [],
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
