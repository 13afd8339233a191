import 'server-only';
import { cachesInScope, type Scope } from '@/lib/k8s/scope';
import { summarizeVirtualService, type VirtualServiceSummary } from '@/lib/providers/istio/describe';
import type { VirtualService } from '@/lib/providers/istio/types';

/** Every VirtualService in scope with its hosts and routes, read from the watch caches. */
export async function listVirtualServices(scope: Scope): Promise<VirtualServiceSummary[]> {
  const perCluster = await Promise.all(
    cachesInScope(scope).map(async (cache) => {
      const objects = await cache.list<VirtualService>('virtualservices', scope.namespace);
      return objects.map((vs) => summarizeVirtualService(cache.target.name, vs));
    }),
  );
  return perCluster
    .flat()
    .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
