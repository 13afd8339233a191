'use client';

import { useId, useMemo, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { StatusBadge } from '@/components/ui/status-badge';
import type { TrafficPoint } from '@/lib/metrics/service-metrics';
import type { HistoryEntry } from '@/lib/release/model';
import { ConfiguredSteps } from './configured-steps';
import { NewestPointAge } from './newest-point-age';
import { ShareChart } from './share-chart';
import { useConfiguredHistory } from './use-configured-history';
import { METRIC_RANGES, useServiceMetrics, type MetricRange } from './use-service-metrics';
import { VersionHealthTable } from './version-health-table';
import type { MirrorView } from '@/lib/mesh/types';
import { orderVersions } from './version-colors';

export interface TrafficSplitChartProps {
  cluster: string;
  namespace: string;
  service: string;
  /** Current configured weights, percent per version (the managed route's). */
  configured: Record<string, number>;
  /** The service's Release history (any order): the configured line's earlier steps, before this page opened. */
  history?: readonly HistoryEntry[];
  /**
   * The managed route's mirror, if any. Istio reports mirrored copies where they arrive (reporter=destination,
   * istio#11475), so the mirrored version's share here includes copies no user got an answer from: said below the chart.
   */
  mirror?: MirrorView;
}

/** The newest point that saw requests: what "observed share" means right now. */
function latestShare(series: TrafficPoint[]): Record<string, number> {
  return series.findLast((point) => Object.keys(point.share).length > 0)?.share ?? {};
}

/** Rounded and key-sorted, so tests and humans can compare it: {"v1":0.2,"v2":0.8}. */
function shareAttribute(share: Record<string, number>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(share).sort().map((version) => [version, Math.round(share[version]! * 1000) / 1000])));
}

/**
 * Observed share of requests per version over the last 5 / 15 / 60 minutes against the configured weights,
 * with success rate and latency per version; refreshed about every scrape from Prometheus, saying how old its
 * newest point is. When Prometheus is down or has nothing yet, it says so and the rest of the page is unaffected.
 */
export function TrafficSplitChart({ cluster, namespace, service, configured, history: recorded, mirror }: TrafficSplitChartProps) {
  const { t } = useI18n();
  const titleId = useId();
  const [range, setRange] = useState<MetricRange>(5);
  const query = useServiceMetrics(cluster, namespace, service, range);
  const history = useConfiguredHistory(configured, recorded);
  const metrics = query.data;
  const status = metrics?.status ?? (query.isError ? 'error' : 'loading');
  const share = useMemo(() => latestShare(metrics?.series ?? []), [metrics]);
  const versions = useMemo(() => {
    const observed = [...Object.keys(metrics?.perVersion ?? {}), ...(metrics?.series ?? []).flatMap((point) => Object.keys(point.rps))];
    return orderVersions(Object.keys(configured), observed);
  }, [configured, metrics]);

  return (
    <section
      data-testid="traffic-split-chart"
      data-status={status}
      data-observed-share={shareAttribute(share)}
      aria-labelledby={titleId}
      className="rounded-lg border border-slate-200 bg-white p-4"
    >
      <header className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 id={titleId} className="text-sm font-semibold text-slate-900">
            {t('metrics.title')}
          </h3>
          <p className="text-xs text-slate-500">{t('metrics.subtitle')}</p>
        </div>
        <div role="group" aria-label={t('metrics.range')} className="inline-flex overflow-hidden rounded-md border border-slate-300 text-xs">
          {METRIC_RANGES.map((minutes) => (
            <button
              key={minutes}
              type="button"
              aria-pressed={range === minutes}
              onClick={() => setRange(minutes)}
              className={`px-2.5 py-1 font-medium ${range === minutes ? 'bg-brand-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
            >
              {t('metrics.rangeMinutes', { minutes })}
            </button>
          ))}
        </div>
      </header>

      <div className="mt-3">
        {status === 'loading' && <div className="h-60 animate-pulse rounded bg-slate-100" role="status" aria-busy="true" aria-label={t('metrics.loading')} />}
        {status === 'error' && (
          <p role="alert" className="flex items-center gap-2 text-sm text-red-800">
            <StatusBadge tone="error">{t('metrics.unavailable')}</StatusBadge>
            {t('metrics.error', { message: query.error instanceof Error ? query.error.message : String(query.error) })}
          </p>
        )}
        {status === 'unavailable' && (
          <div role="status" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
            <StatusBadge tone="error">{t('metrics.unavailable')}</StatusBadge>
            <p className="mt-2">{metrics?.reason === 'not-configured' ? t('metrics.notConfigured') : t('metrics.unavailableBody')}</p>
            {metrics?.reason !== 'not-configured' && metrics?.message && <p className="mt-1 font-mono text-xs text-red-800">{metrics.message}</p>}
          </div>
        )}
        {status === 'no-data' && (
          <div role="status" className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
            <StatusBadge tone="neutral">{t('metrics.noData')}</StatusBadge>
            <p className="mt-2">{t('metrics.noDataBody', { minutes: range })}</p>
          </div>
        )}
        {status === 'ok' && metrics && (
          <>
            <ShareChart versions={versions} series={metrics.series} history={history} rangeMinutes={metrics.rangeMinutes} />
            <div className="mt-1 flex flex-wrap items-baseline justify-between gap-x-4">
              <p className="text-xs text-slate-500">{t('metrics.legend', { window: metrics.window, recentWindow: metrics.recentWindow })}</p>
              <NewestPointAge metrics={metrics} receivedAt={query.dataUpdatedAt} />
            </div>
            {mirror && (
              <p className="mt-1 text-xs text-amber-800" data-testid="chart-mirror-note">
                {t('metrics.mirrorNote', { version: mirror.version, percent: mirror.percent })}
              </p>
            )}
            <VersionHealthTable versions={versions} configured={configured} latestShare={share} perVersion={metrics.perVersion} />
          </>
        )}
        <ConfiguredSteps timeline={history} rangeMinutes={range} />
      </div>
    </section>
  );
}
