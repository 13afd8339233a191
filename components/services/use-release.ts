'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson, scopeQuery } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { ReleaseDetail, ServiceSummary } from '@/lib/console/services';

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
 * whole list is fetched once, again after the stream reconnects, and every few minutes as a safety net.
 */
export function useServices(cluster?: string, namespace?: string) {
  return useQuery({
    queryKey: queryKeys.list('services', cluster, namespace),
    queryFn: () => fetchJson<ServiceSummary[]>(`/api/services?${scopeQuery(cluster, namespace)}`),
    staleTime: 5 * 60_000,
    refetchInterval: 5 * 60_000,
    refetchOnWindowFocus: false,
  });
}

/** One service's release view and routing YAML. */
export function useRelease(ref: ServiceRef) {
  return useQuery({
    queryKey: queryKeys.object('services', ref.cluster, ref.namespace, ref.name),
    queryFn: () => fetchJson<ReleaseDetail>(servicePath(ref)),
    refetchInterval: 30_000,
  });
}
