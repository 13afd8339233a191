'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson, scopeQuery } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { FirstRows, FirstScreen, ReleaseDetail, ServiceSummary } from '@/lib/console/services';
import { FIRST_SCREEN_ROWS, type SortKey } from '@/lib/console/service-order';

export interface ServiceRef {
  cluster: string;
  namespace: string;
  name: string;
}

export function servicePath({ cluster, namespace, name }: ServiceRef): string {
  return `/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/**
 * Every mesh service in scope. The change stream patches its rows as they change (ChangeStreamListener), so the
 * whole list is fetched once, again after the stream reconnects, and every few minutes as a safety net. Until it
 * has arrived, the first screen of rows in the page's order and filter comes on its own (a few KB, not the whole
 * list), so a cluster of thousands of services shows its first rows at once. The server rendered that first
 * screen into the page (`initial`) for the URL it was asked; it is used while the scope and order still match it.
 */
export function useServices(cluster: string | undefined, namespace: string | undefined, order: { sort: SortKey; filter: string }, initial?: FirstScreen) {
  const rendered = initial && initial.cluster === cluster && initial.namespace === namespace && initial.sort === order.sort && initial.filter === order.filter;
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
      query.set('first', String(FIRST_SCREEN_ROWS));
      query.set('sort', order.sort);
      if (order.filter) query.set('q', order.filter);
      return fetchJson<FirstRows>(`/api/services?${query}`);
    },
    initialData: rendered ? initial.first : undefined,
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
