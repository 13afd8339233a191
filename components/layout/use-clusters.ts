'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { ClusterOverview } from '@/lib/console/clusters';

/** Configured clusters with their namespaces and watch health. */
export function useClusters() {
  return useQuery({
    queryKey: queryKeys.clusters(),
    queryFn: () => fetchJson<ClusterOverview[]>('/api/clusters'),
    refetchInterval: 15_000,
  });
}
