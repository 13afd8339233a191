import type { KindKey } from '@/lib/k8s/kinds';
import type { Reachability } from '@/lib/k8s/reachability';

/** A watch that is failing or not yet synced, as the browser sees it: which kind, not the error (in the server log). */
export interface KindTrouble {
  kind: KindKey;
  synced: boolean;
  failing: boolean;
  restarts: number;
}

/**
 * What the banner says about a cluster: `connecting` while the first lists come in, `unreachable` while its API
 * server does not answer, `resyncing` while the watches catch up after it came back, `degraded` when a watch
 * fails while the API server answers (a kind the console may not list, a missing CRD), else `ok`.
 */
export type ClusterStatus = 'ok' | 'connecting' | 'unreachable' | 'resyncing' | 'degraded';

export interface ClusterHealth {
  status: ClusterStatus;
  /** Kinds whose watch is failing or not yet synced; empty when all is well. */
  unhealthy: KindTrouble[];
  /** While unreachable: since when (ISO time). */
  unreachableSince?: string;
  /** When the server read this (ms since the epoch): of two readings that cross on the way, the newer wins. */
  checkedAt: number;
}

/** How long after the API server came back a failing watch counts as catching up rather than broken. */
export const RESYNC_GRACE_MS = 30_000;

/** The banner's reading of a cluster from its probe and its watches. */
export function clusterStatusOf(reachability: Pick<Reachability, 'state' | 'backAt'>, unhealthy: readonly KindTrouble[], now: number): ClusterStatus {
  if (reachability.state === 'unreachable') return 'unreachable';
  if (unhealthy.length === 0) return 'ok';
  const failing = unhealthy.filter((kind) => kind.failing);
  if (failing.length === 0) return 'connecting';
  const justBack = reachability.backAt !== undefined && now - Date.parse(reachability.backAt) < RESYNC_GRACE_MS;
  if (justBack && failing.every((kind) => kind.synced)) return 'resyncing';
  // Before the first answer of the probe, the first lists may fail with the rest (API server still starting).
  if (reachability.state === 'unknown' && failing.every((kind) => !kind.synced)) return 'connecting';
  return 'degraded';
}
