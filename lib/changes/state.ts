import 'server-only';
import { HttpError } from '@/lib/http/errors';
import { clusterNotConfigured } from '@/lib/k8s/clusters';
import { cachedSnapshot, freshSnapshot } from '@/lib/k8s/snapshots';
import { clusterCache, type ClusterCache } from '@/lib/k8s/watch-cache';
import type { Intent } from '@/lib/mesh/intents';
import { intentProvider, readService, SERVICE_KINDS, type ServiceState } from '@/lib/mesh/registry';
import type { ChangeTarget } from './pipeline';
import { say } from '@/lib/i18n/messages';

function requireCache(cluster: string): ClusterCache {
  const cache = clusterCache(cluster);
  if (!cache) throw clusterNotConfigured(cluster);
  return cache;
}

/** One service as the watch cache holds it; 404 when neither the Service nor any routing for it exists. */
export async function cachedServiceState(cluster: string, namespace: string, name: string): Promise<ServiceState> {
  const cache = requireCache(cluster);
  const state = readService(await cachedSnapshot(cache, namespace), name);
  if (!state.objects.service && state.view.objects.length === 0) {
    if (!(await cache.get('namespaces', namespace))) {
      throw new HttpError(404, 'NotFound', say('server.namespaceMissingIn', { namespace, cluster }), [{ field: 'path.namespace', ...say('field.namespaceMissing', { namespace }) }]);
    }
    throw new HttpError(404, 'NotFound', say('server.serviceNotFound', { host: `${name}.${namespace}`, cluster }), [{ field: 'path.name', ...say('field.noSuchService', { name }) }]);
  }
  return state;
}

/**
 * The service as the writer sees it now: which provider routes it comes from the watch cache (which sees every
 * provider's objects); that provider's objects, the Service and its Deployments are listed fresh as the writer.
 */
export async function freshServiceState(target: ChangeTarget, intent?: Intent): Promise<ServiceState> {
  const cached = readService(await cachedSnapshot(requireCache(target.cluster), target.namespace), target.service);
  const provider = intent ? intentProvider(cached, intent) : cached.provider;
  // The other namespaces' routing objects come from the cache: Weir writes only in the service's namespace.
  const snapshot = await freshSnapshot(target.writer, target.cluster, target.namespace, [...SERVICE_KINDS, ...provider.kinds], cached.snapshot.clusterObjects());
  const fresh = readService(snapshot, target.service, provider);
  const claimants = new Map([...cached.claimants, ...fresh.claimants].map((info) => [info.id, info]));
  return { ...fresh, claimants: [...claimants.values()] };
}
