import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi } from '../../test/sandbox-client.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const { clusterCache, ClusterCache } = await import('./watch-cache');
const { clusterTarget } = await import('./clusters');

const NAMESPACE = 'watch-cache';
const api = adminApi(sandbox);

async function cached(name: string): Promise<KubernetesObject> {
  const cache = clusterCache('sandbox')!;
  await cache.whenSynced();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const object = cache.listNow('virtualservices', NAMESPACE).find((candidate) => candidate.metadata?.name === name);
    if (object) return object;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`VirtualService ${name} never reached the watch cache`);
}

beforeAll(async () => {
  await kubectl(sandbox, ['create', 'namespace', NAMESPACE]);
});

afterAll(async () => {
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, '--wait=false']);
});

describe('the watch cache on the real API server', () => {
  it('keeps objects without managedFields, and writing a cached object back keeps what the API server manages', async () => {
    const vs = { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'kept', namespace: NAMESPACE }, spec: { hosts: ['kept'], http: [{ route: [{ destination: { host: 'kept' } }] }] } };
    const created: KubernetesObject = await api.create(vs);
    expect(created.metadata?.managedFields?.length).toBeGreaterThan(0);

    const fromCache = await cached('kept');
    expect(fromCache.metadata?.managedFields).toBeUndefined();
    // What the progressive controller does: plan from the cached object, write it with its resourceVersion.
    await api.replace({ ...fromCache, apiVersion: vs.apiVersion, kind: vs.kind, spec: { ...vs.spec, http: [{ route: [{ destination: { host: 'kept' }, weight: 100 }] }] } } as KubernetesObject);
    const after = await api.read({ apiVersion: vs.apiVersion, kind: vs.kind, metadata: { name: 'kept', namespace: NAMESPACE } });
    expect(after.metadata?.managedFields?.map((entry) => entry.manager).length).toBeGreaterThan(0);
    expect((after as unknown as { spec: typeof vs.spec }).spec.http[0]!.route[0]).toEqual({ destination: { host: 'kept' }, weight: 100 });
  });

  it('reads every page of its first list, for built-in kinds and custom resources alike', async () => {
    const names = ['paged-a', 'paged-b', 'paged-c', 'paged-d', 'paged-e'];
    for (const name of names) {
      await api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NAMESPACE }, spec: { ports: [{ port: 80 }] } } as KubernetesObject);
      await api.create({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: NAMESPACE }, spec: { hosts: [name], http: [{ route: [{ destination: { host: name } }] }] } } as KubernetesObject);
    }
    // Two objects a page: every kind's list takes several pages, each continued from the last.
    const paged = new ClusterCache(clusterTarget('sandbox')!, { listPage: 2 });
    try {
      // Two objects a page over every kind of a sandbox that earlier suites filled: hundreds of requests, more than
      // the 10 s a page waits by default on a loaded machine.
      await paged.whenSynced(120_000);
      for (const [key, kind] of [
        ['services', 'Service'],
        ['virtualservices', 'VirtualService'],
      ] as const) {
        // The cluster's other objects come first in the list (by namespace): these five are on its later pages.
        expect(paged.listNow(key).length, `${kind}s in the watch cache`).toBeGreaterThan(names.length);
        expect(paged.listNow(key, NAMESPACE).map((object) => object.metadata?.name).sort(), `${kind}s of ${NAMESPACE}`).toEqual(expect.arrayContaining(names));
      }
    } finally {
      await paged.stop();
    }
  }, 180_000);
});
