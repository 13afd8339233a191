'use client';

import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { fetchJson } from '@/lib/client/api';
import type { ServicesSuccess } from '@/lib/metrics/services-success';

/** The list's success rates are over a minute: a refresh every 10 s shows every change that matters. */
const REFRESH_MS = 10_000;
/** Scrolling changes the rendered rows many times a second; ask once the window has settled. */
const SETTLE_MS = 250;

export interface ListedRow {
  cluster: string;
  namespace: string;
  service: string;
}

/** What one row's Success cell shows. */
export type RowSuccess =
  | { state: 'loading' }
  | { state: 'unknown'; why: 'no-requests'; window: string }
  | { state: 'unknown'; why: 'unavailable' | 'not-configured'; message: string }
  | { state: 'ok'; successRate: number; rps: number; window: string };

function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * Success rate and requests/s of the rows the list renders now, per cluster one request (one PromQL query)
 * for all of them, refreshed every 10 s. Answers each row's cell: loading, unknown (and why), or the figures.
 */
export function useServicesSuccess(rows: ListedRow[]): (row: ListedRow) => RowSuccess {
  // A string key, so the same rows in a new array (every render of the virtualiser) ask nothing new.
  const wanted = useSettled(JSON.stringify([...new Set(rows.map((row) => JSON.stringify([row.cluster, `${row.namespace}/${row.service}`])))].sort()), SETTLE_MS);
  const byCluster = useMemo(() => {
    const groups = new Map<string, string[]>();
    for (const pair of JSON.parse(wanted) as string[]) {
      const [cluster, service] = JSON.parse(pair) as [string, string];
      groups.set(cluster, [...(groups.get(cluster) ?? []), service]);
    }
    return [...groups];
  }, [wanted]);
  const answers = useQueries({
    queries: byCluster.map(([cluster, services]) => ({
      queryKey: ['metrics', cluster, 'services-success', services.join(',')],
      queryFn: () => fetchJson<ServicesSuccess>(`/api/metrics/services?${new URLSearchParams({ cluster, services: services.join(',') })}`),
      refetchInterval: REFRESH_MS,
      placeholderData: keepPreviousData,
    })),
  });
  return (row) => {
    const answer = answers[byCluster.findIndex(([cluster]) => cluster === row.cluster)];
    if (!answer?.data) {
      return answer?.isError ? { state: 'unknown', why: 'unavailable', message: answer.error.message } : { state: 'loading' };
    }
    const { data } = answer;
    if (data.status === 'unavailable') return { state: 'unknown', why: data.reason === 'not-configured' ? 'not-configured' : 'unavailable', message: data.message ?? '' };
    const figures = data.services.find((entry) => entry.namespace === row.namespace && entry.service === row.service);
    // Not in the answer: the answer is still the previous window's, or the row is on its way out of the list.
    if (!figures) return { state: 'loading' };
    if (figures.successRate === null) return { state: 'unknown', why: 'no-requests', window: data.window };
    return { state: 'ok', successRate: figures.successRate, rps: figures.rps, window: data.window };
  };
}
