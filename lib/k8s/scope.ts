import 'server-only';
import { z } from 'zod';
import { coded } from '@/lib/i18n/format';
import { clusterNotConfigured, clusterTargets } from './clusters';
import { clusterCache, type ClusterCache } from './watch-cache';

/** DNS-1123 label: what Kubernetes accepts as a namespace or version name. */
export const dns1123Label = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, coded('field.dnsLabel'));

/** `?cluster=&namespace=` as list routes take them; both optional (all clusters, all namespaces). */
export const scopeQuery = z.object({
  cluster: z.string().min(1).max(253).optional(),
  namespace: dns1123Label.optional(),
});

export type Scope = z.infer<typeof scopeQuery>;

/** The watch caches a request reads from: the named cluster, or every configured one. */
export function cachesInScope(scope: Scope): ClusterCache[] {
  if (scope.cluster) {
    const cache = clusterCache(scope.cluster);
    if (!cache) {
      throw clusterNotConfigured(scope.cluster);
    }
    return [cache];
  }
  return [...clusterTargets().keys()].map((name) => clusterCache(name)!);
}
