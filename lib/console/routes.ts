import 'server-only';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceRef } from '@/lib/auth/guard';
import { cachesInScope, type Scope } from '@/lib/k8s/scope';
import { PROVIDERS } from '@/lib/mesh/registry';
import type { RouteObjectSummary } from '@/lib/mesh/types';

/** Every routing object in scope (VirtualServices, HTTPRoutes, TrafficSplits, ...), read from the watch caches. */
export async function listRouteObjects(scope: Scope): Promise<RouteObjectSummary[]> {
  const perCluster = await Promise.all(
    cachesInScope(scope).map(async (cache) => {
      const perKind = await Promise.all(
        PROVIDERS.flatMap((provider) =>
          provider.routeKinds.map(async (info) => (await cache.list<KubernetesObject>(info.key, scope.namespace)).map((object) => provider.summarize(cache.target.name, object))),
        ),
      );
      return perKind.flat();
    }),
  );
  return perCluster
    .flat()
    .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}

/** The resource a Routing page row is, for the per-user list check. */
export function routeResource(row: RouteObjectSummary): ResourceRef {
  for (const provider of PROVIDERS) {
    const info = provider.routeKinds.find((candidate) => candidate.kind === row.kind && provider.info.id === row.provider.id);
    if (info) return { group: info.group, resource: info.plural };
  }
  return { group: '', resource: row.kind.toLowerCase() };
}
