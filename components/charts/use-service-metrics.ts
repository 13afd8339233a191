'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { ServiceMetrics } from '@/lib/metrics/service-metrics';

/** The ranges the chart offers, in minutes. */
export const METRIC_RANGES = [5, 15, 60] as const;
export type MetricRange = (typeof METRIC_RANGES)[number];

/** Refresh about as often as Prometheus scrapes the sandbox; a real cluster's 15 s scrape just repeats points. */
const REFRESH_MS = 5_000;

/** One service's traffic metrics, refreshed every 5 s; the previous answer stays on screen while a range loads. */
export function useServiceMetrics(cluster: string, namespace: string, service: string, range: MetricRange) {
  const path = `/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(namespace)}/${encodeURIComponent(service)}/metrics?range=${range}`;
  return useQuery({
    queryKey: queryKeys.metrics(cluster, namespace, service, range),
    queryFn: () => fetchJson<ServiceMetrics>(path),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}
