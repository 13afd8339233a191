import 'server-only';
import { ApiException, type KubeConfig, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { notFound } from '@/lib/mesh/errors';
import { crossNamespaceKinds, watchedKinds } from '@/lib/mesh/registry';
import { snapshotOf, type ClusterObjects, type NamespaceSnapshot } from '@/lib/mesh/snapshot';
import { apiVersionOf, type KindInfo } from './kinds';
import type { ClusterCache } from './watch-cache';
import { objectApi } from './object-api';

/** Kinds a namespace snapshot holds: everything watched but namespaces and Releases. */
function snapshotKinds(): KindInfo[] {
  return watchedKinds().filter((info) => info.namespaced && info.key !== 'releases');
}

/**
 * Every namespace's objects from the watch cache, one snapshot per namespace (pages read these). Each snapshot
 * holds every watched kind, so every provider can read it.
 */
export async function cachedSnapshots(cache: ClusterCache, namespace?: string): Promise<Map<string, NamespaceSnapshot>> {
  const kinds = snapshotKinds();
  const lists = await Promise.all(kinds.map((info) => cache.list(info.key, namespace)));
  const byNamespace = new Map<string, Map<string, KubernetesObject[]>>();
  kinds.forEach((info, index) => {
    for (const object of lists[index]!) {
      const ns = object.metadata?.namespace ?? '';
      let perKind = byNamespace.get(ns);
      if (!perKind) byNamespace.set(ns, (perKind = new Map()));
      let items = perKind.get(info.key);
      if (!items) perKind.set(info.key, (items = []));
      items.push(object);
    }
  });
  if (namespace && !byNamespace.has(namespace)) byNamespace.set(namespace, new Map());
  const everywhere = await crossNamespaceObjects(cache, namespace, kinds, lists);
  return new Map(
    [...byNamespace].map(([ns, perKind]) => [ns, snapshotOf(cache.target.name, ns, kinds.map((info) => ({ info, items: perKind.get(info.key) ?? [] })), everywhere)]),
  );
}

/**
 * Every namespace's objects of the kinds that route across namespaces (a VirtualService in one namespace can
 * route another's host): the lists already read when all namespaces were, else those kinds listed again.
 */
async function crossNamespaceObjects(cache: ClusterCache, namespace: string | undefined, kinds: KindInfo[], lists: KubernetesObject[][]): Promise<ClusterObjects> {
  const keys = crossNamespaceKinds().map((info) => info.key);
  const entries = await Promise.all(
    keys.map(async (key): Promise<[string, KubernetesObject[]]> => [key, namespace === undefined ? lists[kinds.findIndex((info) => info.key === key)] ?? [] : await cache.list(key)]),
  );
  return new Map(entries);
}

/** One namespace's objects from the watch cache. */
export async function cachedSnapshot(cache: ClusterCache, namespace: string): Promise<NamespaceSnapshot> {
  return (await cachedSnapshots(cache, namespace)).get(namespace)!;
}

/** Lists in a missing namespace answer empty; a write there deserves a plain 404 instead. */
async function requireNamespace(api: KubernetesObjectApi, namespace: string): Promise<void> {
  try {
    await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      throw notFound(`Namespace "${namespace}" does not exist`, [{ field: 'path.namespace', message: `namespace "${namespace}" does not exist` }]);
    }
    throw error;
  }
}

/**
 * One namespace's objects of the given kinds, listed straight from the API server as `kubeConfig` (the user
 * who will write): the starting point of a plan that will be applied, so resourceVersions are the newest.
 * One request per kind, plus one that checks the namespace exists.
 */
export async function freshSnapshot(kubeConfig: KubeConfig, cluster: string, namespace: string, kinds: readonly KindInfo[], everywhere?: ClusterObjects): Promise<NamespaceSnapshot> {
  const api = objectApi(kubeConfig);
  const [, ...lists] = await Promise.all([
    requireNamespace(api, namespace),
    ...kinds.map(async (info) => ({ info, items: (await api.list(apiVersionOf(info), info.kind, namespace)).items })),
  ]);
  return snapshotOf(cluster, namespace, lists as { info: KindInfo; items: KubernetesObject[] }[], everywhere);
}
