import 'server-only';
import { ApiException, type KubeConfig, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { notFound } from '@/lib/mesh/errors';
import { crossNamespaceKinds, reachedNamespaces, watchedKinds } from '@/lib/mesh/registry';
import { snapshotOf, type ClusterObjects, type NamespaceSnapshot } from '@/lib/mesh/snapshot';
import { apiVersionOf, type KindInfo } from './kinds';
import type { ObjectStore } from './watch-cache';
import { objectApi } from './object-api';
import { say } from '@/lib/i18n/messages';

/** Kinds a namespace snapshot holds: everything watched but namespaces and Releases. */
export function snapshotKinds(): KindInfo[] {
  return watchedKinds().filter((info) => info.namespaced && info.key !== 'releases');
}

/**
 * Every namespace's objects of the kinds that route across namespaces (a VirtualService in one namespace can
 * route another's host), as the cache holds them now. The same map is handed out until one of those kinds
 * changes, so what providers derive from it across the cluster (`derivedAcrossCluster`) is built once per change.
 */
function crossNamespaceObjectsNow(cache: ObjectStore): ClusterObjects {
  const keys = crossNamespaceKinds().map((info) => info.key);
  const generation = cache.generation(keys);
  const memo = everywhere.get(cache);
  if (memo?.generation === generation) return memo.objects;
  const objects: ClusterObjects = new Map(keys.map((key) => [key, cache.listNow(key)]));
  everywhere.set(cache, { generation, objects });
  return objects;
}
const everywhere = new WeakMap<ObjectStore, { generation: number; objects: ClusterObjects }>();

/**
 * Every namespace's objects from the watch cache as it is now (after `whenSynced`), one snapshot per namespace.
 * Each snapshot holds every watched kind, so every provider can read it.
 */
export function snapshotsNow(cache: ObjectStore): Map<string, NamespaceSnapshot> {
  const kinds = snapshotKinds();
  const byNamespace = new Map<string, Map<string, KubernetesObject[]>>();
  for (const info of kinds) {
    for (const object of cache.listNow(info.key)) {
      const ns = object.metadata?.namespace ?? '';
      let perKind = byNamespace.get(ns);
      if (!perKind) byNamespace.set(ns, (perKind = new Map()));
      let items = perKind.get(info.key);
      if (!items) perKind.set(info.key, (items = []));
      items.push(object);
    }
  }
  const cluster = crossNamespaceObjectsNow(cache);
  // A namespace with no objects of its own still has rows when another namespace's object names its hosts.
  for (const [key, objects] of cluster) {
    for (const object of objects) {
      const reached = reachedNamespaces(key, object);
      if (reached !== 'all') for (const ns of reached) if (!byNamespace.has(ns)) byNamespace.set(ns, new Map());
    }
  }
  return new Map(
    [...byNamespace].map(([ns, perKind]) => [ns, snapshotOf(cache.target.name, ns, kinds.map((info) => ({ info, items: perKind.get(info.key) ?? [] })), cluster)]),
  );
}

/** One namespace's objects from the watch cache as it is now (after `whenSynced`): reads that namespace only. */
export function namespaceSnapshotNow(cache: ObjectStore, namespace: string): NamespaceSnapshot {
  const kinds = snapshotKinds();
  return snapshotOf(cache.target.name, namespace, kinds.map((info) => ({ info, items: cache.listNow(info.key, namespace) })), crossNamespaceObjectsNow(cache));
}

/** One namespace's objects from the watch cache (pages and the controller read these). */
export async function cachedSnapshot(cache: ObjectStore, namespace: string): Promise<NamespaceSnapshot> {
  await cache.whenSynced();
  return namespaceSnapshotNow(cache, namespace);
}

/** Lists in a missing namespace answer empty; a write there deserves a plain 404 instead. */
async function requireNamespace(api: KubernetesObjectApi, namespace: string): Promise<void> {
  try {
    await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      throw notFound(say('server.namespaceMissing', { namespace }), [{ field: 'path.namespace', ...say('field.namespaceMissing', { namespace }) }]);
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
    ...kinds.map(async (info) => {
      try {
        return { info, items: (await api.list(apiVersionOf(info), info.kind, namespace)).items };
      } catch (error) {
        if (info.informational && error instanceof ApiException && error.code === 403) return { info, items: [] };
        throw error;
      }
    }),
  ]);
  return snapshotOf(cluster, namespace, lists as { info: KindInfo; items: KubernetesObject[] }[], everywhere);
}
