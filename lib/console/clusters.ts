import 'server-only';
import type { KubernetesObject } from '@kubernetes/client-node';
import { clusterSummaries, clusterTargets, type ClusterSummary } from '@/lib/k8s/clusters';
import { clusterCache, type ClusterCache } from '@/lib/k8s/watch-cache';
import { requireReachable } from '@/lib/k8s/reachability';
import { clusterStatusOf, type ClusterHealth, type KindTrouble } from './cluster-health';

export type { ClusterHealth, ClusterStatus, KindTrouble } from './cluster-health';

export interface ClusterOverview extends ClusterSummary, ClusterHealth {
  namespaces: string[];
}

/** A cluster's health as the browser sees it: no error text, no address (those go to the server log). */
export function clusterHealth(name: string, cache: ClusterCache): ClusterHealth {
  const unhealthy = cache
    .health()
    .filter((health) => !health.synced || health.error)
    .map(({ kind, synced, error, restarts }) => ({ kind, synced, failing: Boolean(error), restarts }));
  const reachability = cache.reachability();
  const now = Date.now();
  return {
    status: clusterStatusOf(reachability, unhealthy, now),
    checkedAt: now,
    unhealthy,
    ...(reachability.state === 'unreachable' && reachability.since ? { unreachableSince: reachability.since } : {}),
  };
}

/**
 * 503 at once when the cluster's API server is known to be down (its probe): every write route asks this before it
 * reads or sends anything, so a write fails in milliseconds with a message that says so, and changes nothing.
 */
export function requireApiServer(cluster: string): void {
  requireReachable(cluster, clusterTargets().has(cluster) ? clusterCache(cluster)?.reachability() : undefined);
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
        ...clusterHealth(summary.name, cache),
      };
    }),
  );
}

const HEALTH_POLL_MS = 250;

/**
 * Calls `listener` with every cluster's health now, and again whenever any of it changes (looked at every 250 ms
 * by one loop per process, whatever the number of open streams: a few objects per kind, no I/O). The change
 * stream forwards it, so a banner shows and goes without a refetch.
 */
export function watchClusterHealth(listener: (health: Record<string, ClusterHealth>) => void): () => void {
  const watch = (healthWatch ??= startHealthWatch());
  watch.listeners.add(listener);
  if (watch.latest) listener(watch.latest);
  return () => {
    watch.listeners.delete(listener);
    if (watch.listeners.size > 0) return;
    clearInterval(watch.timer);
    healthWatch = undefined;
  };
}

interface HealthWatch {
  listeners: Set<(health: Record<string, ClusterHealth>) => void>;
  latest?: Record<string, ClusterHealth>;
  timer: ReturnType<typeof setInterval>;
}

/** One reading loop per process, however many streams are open: each reading that changes is pushed to every listener. */
let healthWatch: HealthWatch | undefined;

function startHealthWatch(): HealthWatch {
  const names = [...clusterTargets().keys()];
  let last = '';
  const watch: HealthWatch = { listeners: new Set(), timer: setInterval(() => look(), HEALTH_POLL_MS) };
  const look = () => {
    const health = Object.fromEntries(names.map((name) => [name, clusterHealth(name, clusterCache(name)!)]));
    // Restart counters move every 2 s while the API server is away; only a change the banner shows is news.
    const text = JSON.stringify(health, (key, value: unknown) => (key === 'restarts' || key === 'checkedAt' ? undefined : value));
    if (text === last) return;
    last = text;
    watch.latest = health;
    for (const listener of watch.listeners) listener(health);
  };
  look();
  return watch;
}
