'use client';

import { useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { parseDuration } from '@/lib/metrics/promql';
import type { ServiceMetrics } from '@/lib/metrics/service-metrics';

/** A newest point older than this many scrapes means Prometheus stopped scraping (or the page stopped refreshing). */
const STALE_SCRAPES = 5;

/**
 * "Newest point 3 s ago", counting up every second. The age is measured on the server's clock (its answer's
 * `now` against the latest scrape) plus the time since that answer arrived, so a skewed browser clock does not
 * change it.
 */
export function NewestPointAge({ metrics, receivedAt }: { metrics: ServiceMetrics; receivedAt: number }) {
  const { t } = useI18n();
  const [clock, setClock] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setClock(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const newest = metrics.series.at(-1);
  if (!newest) return null;
  // 0 while a placeholder (the previous range's answer) is shown: then only the server's own age counts.
  const sinceAnswer = receivedAt > 0 ? Math.max(0, clock - receivedAt) : 0;
  const seconds = Math.max(0, Math.round((metrics.now - newest.t + sinceAnswer) / 1000));
  const stale = seconds > STALE_SCRAPES * parseDuration(metrics.scrapeInterval);
  return (
    <p data-testid="newest-point-age" data-age-seconds={seconds} className={`text-xs tabular-nums ${stale ? 'font-medium text-amber-800' : 'text-slate-500'}`}>
      {t(stale ? 'metrics.newestPointStale' : 'metrics.newestPoint', { seconds })}
    </p>
  );
}
