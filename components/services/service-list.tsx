'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { SplitBar } from '@/components/charts/split-bar';
import { SuccessCell } from '@/components/charts/success-cell';
import { useServicesSuccess } from '@/components/charts/use-services-success';
import { useI18n } from '@/components/i18n/i18n-provider';
import { useClusters } from '@/components/layout/use-clusters';
import { useScope } from '@/components/layout/use-scope';
import { ErrorPanel } from '@/components/ui/error-panel';
import { FilterInput } from '@/components/ui/filter-input';
import { StatusBadge } from '@/components/ui/status-badge';
import { TableSkeleton } from '@/components/ui/table-skeleton';
import type { FirstScreen, ServiceSummary } from '@/lib/console/services';
import { SORT_KEYS, orderRows, type SortKey } from '@/lib/console/service-order';
import { useServices } from './use-release';
import { VersionChips } from './version-chips';

const GRID = 'grid grid-cols-[minmax(12rem,1.4fr)_minmax(7rem,0.6fr)_minmax(6rem,0.5fr)_minmax(14rem,2fr)_minmax(8rem,1fr)_minmax(5rem,0.4fr)_minmax(9rem,1fr)] items-center gap-3';
/** With more than one cluster, a Cluster column after Namespace: the same host in two clusters is two rows. */
const GRID_CLUSTERS = 'grid grid-cols-[minmax(12rem,1.4fr)_minmax(7rem,0.6fr)_minmax(6rem,0.5fr)_minmax(6rem,0.5fr)_minmax(14rem,2fr)_minmax(8rem,1fr)_minmax(5rem,0.4fr)_minmax(9rem,1fr)] items-center gap-3';
/** A cluster in these states may have changed since Weir last saw it: its rows say so. */
const STALE_STATUSES = new Set(['unreachable', 'resyncing', 'degraded']);

/** The scroller's size before it is measured (on the server, and in the browser's first render): a tall window. */
const FIRST_RECT = { width: 1280, height: 900 };

export function ServiceList({ initial }: { initial?: FirstScreen }) {
  const { t } = useI18n();
  const [scope, setScope] = useScope();
  const params = useSearchParams();
  const filter = params.get('q') ?? '';
  const sort = ((SORT_KEYS as readonly string[]).includes(params.get('sort') ?? '') ? params.get('sort') : 'name') as SortKey;
  const { all, first } = useServices(scope.cluster, scope.namespace, { sort, filter }, initial);
  const { data, error, refetch } = all;
  // The whole list once it is here; until then the first screen the server sorted and filtered the same way.
  const rows = useMemo(() => (data ? orderRows(data, sort, filter) : (first?.rows ?? [])), [data, first, filter, sort]);
  const total = data ? rows.length : (first?.total ?? 0);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 64, overscan: 12, initialRect: FIRST_RECT });
  // Success rates only for the rows rendered now (the virtual window and its overscan): one query for them all.
  const successOf = useServicesSuccess(virtualizer.getVirtualItems().flatMap((item) => rows[item.index] ?? []));
  const { data: clusters = [] } = useClusters();
  const manyClusters = clusters.length > 1;
  const grid = manyClusters ? GRID_CLUSTERS : GRID;
  const stale = new Set(clusters.filter((cluster) => STALE_STATUSES.has(cluster.status)).map((cluster) => cluster.name));

  if (!data && !first && !error) return <TableSkeleton />;
  if (error) return <ErrorPanel error={error} onRetry={() => void refetch()} />;

  return (
    <div className="flex h-full flex-col p-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">{t('services.title')}</h1>
          <p className="text-sm text-slate-500">{t('services.subtitle')}</p>
        </div>
        <div className="flex items-center gap-3">
          <label className="flex items-center gap-2 text-sm text-slate-600">
            {t('services.sort')}
            <select
              value={sort}
              onChange={(event) => setScope({ sort: event.target.value === 'name' ? undefined : event.target.value })}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
            >
              <option value="name">{t('services.sort.name')}</option>
              <option value="namespace">{t('services.sort.namespace')}</option>
              <option value="problems">{t('services.sort.problems')}</option>
            </select>
          </label>
          <FilterInput label={t('services.filter')} value={filter} />
        </div>
      </div>
      <p className="mt-4 text-xs text-slate-500" data-testid="service-count">
        {t('services.count', { count: total })}
      </p>
      <div role="table" aria-label={t('services.title')} className="mt-2 flex min-h-0 flex-1 flex-col overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
        <div role="row" className={`${grid} border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-medium uppercase tracking-wide text-slate-500`}>
          <span role="columnheader">{t('services.column.service')}</span>
          <span role="columnheader">{t('services.column.namespace')}</span>
          {manyClusters && <span role="columnheader">{t('services.column.cluster')}</span>}
          <span role="columnheader">{t('services.column.provider')}</span>
          <span role="columnheader">{t('services.column.versions')}</span>
          <span role="columnheader">{t('services.column.split')}</span>
          <span role="columnheader">{t('services.column.success')}</span>
          <span role="columnheader">{t('services.column.status')}</span>
        </div>
        {rows.length === 0 ? (
          <p className="p-8 text-center text-sm text-slate-500">{filter.trim() ? t('services.noMatch', { filter }) : t('services.empty')}</p>
        ) : (
          <div ref={scroller} className="min-h-0 flex-1 overflow-auto" style={{ maxHeight: 'calc(100vh - 15rem)' }}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((item) => {
                const row = rows[item.index]!;
                return (
                  <div
                    key={`${row.cluster}/${row.namespace}/${row.service}`}
                    // Measured once drawn: a service with many versions wraps its chips onto more lines, and its row
                    // grows instead of drawing them over its neighbours.
                    ref={virtualizer.measureElement}
                    data-index={item.index}
                    role="row"
                    data-testid={`service-${row.namespace}-${row.service}`}
                    data-cluster={row.cluster}
                    data-stale={stale.has(row.cluster) || undefined}
                    className={`${grid} absolute left-0 right-0 border-b border-slate-100 px-4 py-2 hover:bg-slate-50`}
                    style={{ top: item.start, minHeight: 64 }}
                  >
                    <span role="cell" className="min-w-0 truncate">
                      <Link
                        href={`/services/${encodeURIComponent(row.cluster)}/${row.namespace}/${row.service}`}
                        className="font-medium text-brand-700 hover:underline"
                      >
                        {row.host}
                      </Link>
                      {row.gitOps && <span className="ml-2 text-xs text-amber-700">{t(`gitops.${row.gitOps}`)}</span>}
                    </span>
                    <span role="cell" className="truncate text-sm text-slate-600">
                      {row.namespace}
                    </span>
                    {manyClusters && (
                      <span role="cell" className="truncate text-sm text-slate-600" data-testid="cluster">
                        {row.cluster}
                      </span>
                    )}
                    <span role="cell" className="truncate text-sm text-slate-600" data-testid="provider">
                      {row.routed ? row.provider.name : '—'}
                    </span>
                    <span role="cell">
                      {row.versions.length > 0 ? <VersionChips versions={row.versions} /> : <span className="text-xs text-slate-500">{t('services.noRouting')}</span>}
                    </span>
                    <span role="cell">
                      <SplitBar versions={row.versions.map((v) => ({ name: v.name, weight: v.weight }))} />
                    </span>
                    <span role="cell" className="text-sm">
                      <SuccessCell success={successOf(row)} />
                    </span>
                    <span role="cell" className="flex flex-wrap gap-1">
                      {stale.has(row.cluster) && (
                        <span title={t('services.status.staleTitle', { cluster: row.cluster })} data-testid="stale">
                          <StatusBadge tone="warn">{t('services.status.stale')}</StatusBadge>
                        </span>
                      )}
                      <ServiceStatus row={row} />
                    </span>
                  </div>
                );
              })}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

function ServiceStatus({ row }: { row: ServiceSummary }) {
  const { t } = useI18n();
  const errors = row.validations.filter((v) => v.severity === 'error').length;
  const warnings = row.validations.length - errors;
  if (!row.routed) return <StatusBadge tone="neutral">{t('services.status.unrouted')}</StatusBadge>;
  return (
    <>
      {errors > 0 && <StatusBadge tone="error">{t('services.status.errors', { count: errors })}</StatusBadge>}
      {warnings > 0 && <StatusBadge tone="warn">{t('services.status.warnings', { count: warnings })}</StatusBadge>}
      {errors + warnings === 0 && <StatusBadge tone="ok">{t('services.status.healthy')}</StatusBadge>}
      {row.versions.some((v) => v.ruleCount > 0) && <StatusBadge tone="info">{t('services.status.contentRules')}</StatusBadge>}
    </>
  );
}
