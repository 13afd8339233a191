'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { ClusterHealth, ClusterOverview } from '@/lib/console/clusters';

/** The newer of two readings of a cluster's health (the change stream's and a fetch's can cross). */
function newer(current: ClusterOverview, { status, unhealthy, unreachableSince, checkedAt }: ClusterHealth): ClusterOverview {
  return checkedAt < current.checkedAt ? current : { ...current, status, unhealthy, unreachableSince, checkedAt };
}

/** The clusters with the health the change stream just sent, where it is newer than what the list holds. */
export function withStreamedHealth(clusters: ClusterOverview[] | undefined, health: Record<string, ClusterHealth>): ClusterOverview[] | undefined {
  return clusters?.map((cluster) => (health[cluster.name] ? newer(cluster, health[cluster.name]!) : cluster));
}

/** A fetched list whose health is older than what the stream already delivered keeps the streamed health. */
function keepNewerHealth(previous: unknown, fetched: unknown): unknown {
  const before = new Map(((previous as ClusterOverview[] | undefined) ?? []).map((cluster) => [cluster.name, cluster]));
  return (fetched as ClusterOverview[]).map((cluster) => {
    const seen = before.get(cluster.name);
    return seen ? newer(cluster, seen) : cluster;
  });
}

/** Configured clusters with their namespaces and watch health (kept current by the change stream's `health`). */
export function useClusters() {
  return useQuery({
    queryKey: queryKeys.clusters(),
    queryFn: () => fetchJson<ClusterOverview[]>('/api/clusters'),
    refetchInterval: 15_000,
    structuralSharing: keepNewerHealth,
  });
}
