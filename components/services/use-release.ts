'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson, scopeQuery } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { FirstRows, ReleaseDetail, ServiceSummary } from '@/lib/console/services';
import type { SortKey } from '@/lib/console/service-order';

export interface ServiceRef {
  cluster: string;
  namespace: string;
  name: string;
}

export function servicePath({ cluster, namespace, name }: ServiceRef): string {
  return `/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/** How many rows the first screen asks for: a tall window's worth, and the virtual list's overscan. */
const FIRST_SCREEN = 60;

/**
 * Every mesh service in scope. The change stream patches its rows as they change (ChangeStreamListener), so the
 * whole list is fetched once, again after the stream reconnects, and every few minutes as a safety net. Until it
 * has arrived, the first screen of rows in the page's order and filter comes on its own (a few KB, not the whole
 * list), so a cluster of thousands of services shows its first rows at once.
 */
export function useServices(cluster: string | undefined, namespace: string | undefined, order: { sort: SortKey; filter: string }) {
  const all = useQuery({
    queryKey: queryKeys.list('services', cluster, namespace),
    queryFn: () => fetchJson<ServiceSummary[]>(`/api/services?${scopeQuery(cluster, namespace)}`),
    staleTime: 5 * 60_000,
    refetchInterval: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
  const first = useQuery({
    queryKey: ['first-services', cluster ?? '*', namespace ?? '*', order.sort, order.filter],
    queryFn: () => {
      const query = scopeQuery(cluster, namespace);
      query.set('first', String(FIRST_SCREEN));
      query.set('sort', order.sort);
      if (order.filter) query.set('q', order.filter);
      return fetchJson<FirstRows>(`/api/services?${query}`);
    },
    enabled: all.data === undefined && !all.error,
    staleTime: Infinity,
  });
  return { all, first: all.data === undefined ? first.data : undefined };
}

/** One service's release view and routing YAML. */
export function useRelease(ref: ServiceRef) {
  return useQuery({
    queryKey: queryKeys.object('services', ref.cluster, ref.namespace, ref.name),
    queryFn: () => fetchJson<ReleaseDetail>(servicePath(ref)),
    refetchInterval: 30_000,
  });
}
