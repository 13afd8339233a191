'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchJson } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import { parseDuration } from '@/lib/metrics/promql';
import type { ServiceMetrics } from '@/lib/metrics/service-metrics';

/** The ranges the chart offers, in minutes. */
export const METRIC_RANGES = [5, 15, 60] as const;
export type MetricRange = (typeof METRIC_RANGES)[number];

/**
 * Refresh as often as Prometheus scrapes (a new scrape is a new newest point), but not more than every 2 s nor
 * less than every 5 s: a real cluster's 15 s scrape then costs a few repeated answers, not a stale chart.
 */
export function refreshMs(scrapeInterval: string | undefined): number {
  const seconds = scrapeInterval ? parseDuration(scrapeInterval) : 5;
  return Math.min(5_000, Math.max(2_000, seconds * 1000));
}

/** One service's traffic metrics, refreshed about every scrape; the previous answer stays on screen while a range loads. */
export function useServiceMetrics(cluster: string, namespace: string, service: string, range: MetricRange) {
  const path = `/api/services/${encodeURIComponent(cluster)}/${encodeURIComponent(namespace)}/${encodeURIComponent(service)}/metrics?range=${range}`;
  return useQuery({
    queryKey: queryKeys.metrics(cluster, namespace, service, range),
    queryFn: () => fetchJson<ServiceMetrics>(path),
    refetchInterval: (query) => refreshMs(query.state.data?.scrapeInterval),
    placeholderData: keepPreviousData,
  });
}
