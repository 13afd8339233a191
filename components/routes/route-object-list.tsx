'use client';

import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useI18n } from '@/components/i18n/i18n-provider';
import { useScope } from '@/components/layout/use-scope';
import { ErrorPanel } from '@/components/ui/error-panel';
import { FilterInput } from '@/components/ui/filter-input';
import { StatusBadge } from '@/components/ui/status-badge';
import { TableSkeleton } from '@/components/ui/table-skeleton';
import { fetchJson, scopeQuery } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { RouteObjectSummary } from '@/lib/mesh/types';
import { RouteDescription } from './route-description';

function useRouteObjects(cluster?: string, namespace?: string) {
  return useQuery({
    queryKey: queryKeys.list('routes', cluster, namespace),
    queryFn: () => fetchJson<RouteObjectSummary[]>(`/api/routes?${scopeQuery(cluster, namespace)}`),
    refetchInterval: 30_000,
  });
}

function matchesFilter(row: RouteObjectSummary, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (!needle) return true;
  return [row.name, row.namespace, row.kind, row.provider.name, ...row.hosts, ...row.parents].some((text) => text.toLowerCase().includes(needle));
}

/** Every routing object (VirtualService, HTTPRoute, TrafficSplit, ...) and where its rules send traffic. */
export function RouteObjectList() {
  const { t } = useI18n();
  const [scope] = useScope();
  const filter = useSearchParams().get('q') ?? '';
  const { data, error, isPending, refetch } = useRouteObjects(scope.cluster, scope.namespace);

  if (isPending) return <TableSkeleton />;
  if (error) return <ErrorPanel error={error} onRetry={() => void refetch()} />;

  const rows = data.filter((row) => matchesFilter(row, filter));
  return (
    <div className="p-6">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">{t('routes.title')}</h1>
          <p className="text-sm text-slate-500">{t('routes.subtitle')}</p>
        </div>
        <FilterInput label={t('routes.filter')} value={filter} />
      </div>
      <p className="mt-4 text-xs text-slate-500">{t('routes.count', { count: rows.length })}</p>
      <div className="mt-2 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
        {rows.length === 0 ? (
          <p className="p-8 text-center text-sm text-slate-500">{data.length === 0 ? t('routes.empty') : t('routes.noMatch', { filter })}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">{t('routes.column.name')}</th>
                <th className="px-4 py-2 font-medium">{t('routes.column.kind')}</th>
                <th className="px-4 py-2 font-medium">{t('routes.column.namespace')}</th>
                <th className="px-4 py-2 font-medium">{t('routes.column.hosts')}</th>
                <th className="px-4 py-2 font-medium">{t('routes.column.rules')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <tr key={`${row.cluster}/${row.uid}`} data-testid={`route-${row.kind}-${row.namespace}-${row.name}`} className="align-top hover:bg-slate-50">
                  <td className="px-4 py-3 font-medium">{row.name}</td>
                  <td className="px-4 py-3">
                    <div className="text-slate-700">{row.kind}</div>
                    <StatusBadge tone="neutral">{row.provider.name}</StatusBadge>
                  </td>
                  <td className="px-4 py-3 text-slate-600">{row.namespace}</td>
                  <td className="px-4 py-3 text-slate-600">
                    <div>{row.hosts.join(', ')}</div>
                    <div className="text-xs text-slate-500">{row.parents.join(', ')}</div>
                  </td>
                  <td className="space-y-1.5 px-4 py-3">
                    {row.routes.map((route, index) => (
                      <RouteDescription key={index} route={route} />
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
