'use client';

import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useI18n } from '@/components/i18n/i18n-provider';
import { useScope } from '@/components/layout/use-scope';
import { ErrorPanel } from '@/components/ui/error-panel';
import { FilterInput } from '@/components/ui/filter-input';
import { TableSkeleton } from '@/components/ui/table-skeleton';
import { fetchJson, scopeQuery } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { VirtualServiceSummary } from '@/lib/providers/istio/describe';
import { RouteDescription } from './route-description';

function useVirtualServices(cluster?: string, namespace?: string) {
  return useQuery({
    queryKey: queryKeys.list('virtualservices', cluster, namespace),
    queryFn: () => fetchJson<VirtualServiceSummary[]>(`/api/virtualservices?${scopeQuery(cluster, namespace)}`),
    refetchInterval: 30_000,
  });
}

function matchesFilter(vs: VirtualServiceSummary, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (!needle) return true;
  return [vs.name, vs.namespace, ...vs.hosts].some((text) => text.toLowerCase().includes(needle));
}

export function VirtualServiceList() {
  const { t } = useI18n();
  const [scope] = useScope();
  const filter = useSearchParams().get('q') ?? '';
  const { data, error, isPending, refetch } = useVirtualServices(scope.cluster, scope.namespace);

  if (isPending) return <TableSkeleton />;
  if (error) return <ErrorPanel message={error.message} onRetry={() => void refetch()} />;

  const rows = data.filter((vs) => matchesFilter(vs, filter));
  return (
    <div className="p-6">
      <div className="flex items-end justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">{t('vs.title')}</h1>
          <p className="text-sm text-slate-500">{t('vs.subtitle')}</p>
        </div>
        <FilterInput label={t('vs.filter')} value={filter} />
      </div>
      <p className="mt-4 text-xs text-slate-500">{t('vs.count', { count: rows.length })}</p>
      <div className="mt-2 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
        {rows.length === 0 ? (
          <p className="p-8 text-center text-sm text-slate-500">{data.length === 0 ? t('vs.empty') : t('vs.noMatch', { filter })}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">{t('vs.column.name')}</th>
                <th className="px-4 py-2 font-medium">{t('vs.column.namespace')}</th>
                <th className="px-4 py-2 font-medium">{t('vs.column.hosts')}</th>
                <th className="px-4 py-2 font-medium">{t('vs.column.routes')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((vs) => (
                <tr key={`${vs.cluster}/${vs.uid}`} data-testid={`vs-${vs.namespace}-${vs.name}`} className="align-top hover:bg-slate-50">
                  <td className="px-4 py-3 font-medium">{vs.name}</td>
                  <td className="px-4 py-3 text-slate-600">{vs.namespace}</td>
                  <td className="px-4 py-3 text-slate-600">{vs.hosts.join(', ')}</td>
                  <td className="space-y-1.5 px-4 py-3">
                    {vs.routes.map((route, index) => (
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

