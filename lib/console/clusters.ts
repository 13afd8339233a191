import 'server-only';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clusterSummaries, type ClusterSummary } from '@/lib/k8s/clusters';
import { clusterCache } from '@/lib/k8s/watch-cache';
import type { KindKey } from '@/lib/k8s/kinds';

/** A watch that is failing or not yet synced, as the browser sees it: which kind, not the error (in the server log). */
export interface KindTrouble {
  kind: KindKey;
  synced: boolean;
  failing: boolean;
  restarts: number;
}

export interface ClusterOverview extends ClusterSummary {
  namespaces: string[];
  /** Kinds whose watch is failing or not yet synced; empty when all is well. */
  unhealthy: KindTrouble[];
}

/** The clusters the console is configured for, with their namespaces, for pickers. */
export async function listClusters(): Promise<ClusterOverview[]> {
  return Promise.all(
    clusterSummaries().map(async (summary) => {
      const cache = clusterCache(summary.name)!;
      const namespaces = await cache.list<KubernetesObject>('namespaces');
      return {
        ...summary,
        namespaces: namespaces.map((ns) => ns.metadata?.name ?? '').filter(Boolean).sort(),
        unhealthy: cache
          .health()
          .filter((health) => !health.synced || health.error)
          .map(({ kind, synced, error, restarts }) => ({ kind, synced, failing: Boolean(error), restarts })),
      };
    }),
  );
}
