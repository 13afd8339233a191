'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { formatClock } from '@/components/charts/format';
import type { ClusterOverview } from '@/lib/console/clusters';
import { useClusters } from './use-clusters';

/**
 * The sandbox banner (`sandbox`: the server says so when it renders the page, so the banner is there from the first
 * paint instead of pushing the page down once the clusters have been fetched), and one line per cluster that is not fully there: connecting (first lists, neutral),
 * API server unreachable (its data is as of then, changes are refused), catching up after it came back, or a
 * watch failing while the API server answers.
 */
export function ClusterStatus({ sandbox }: { sandbox: boolean }) {
  const { t, locale } = useI18n();
  const { data: clusters = [] } = useClusters();
  const troubled = clusters.filter((cluster) => cluster.status !== 'ok');
  const kinds = (cluster: ClusterOverview) => cluster.unhealthy.filter((kind) => kind.failing).map((kind) => `${cluster.name}/${kind.kind}`).join(', ');
  return (
    <>
      {sandbox && (
        <div data-testid="sandbox-banner" className="bg-amber-100 px-6 py-1.5 text-center text-xs font-medium text-amber-900">
          {t('sandbox.banner')}
        </div>
      )}
      {troubled.map((cluster) =>
        cluster.status === 'connecting' ? (
          <div key={cluster.name} role="status" data-testid="cluster-health" data-status="connecting" className="bg-slate-100 px-6 py-1.5 text-center text-xs text-slate-700">
            {t('health.connecting', { cluster: cluster.name })}
          </div>
        ) : (
          <div key={cluster.name} role="status" data-testid="cluster-health" data-status={cluster.status} className="bg-red-50 px-6 py-1.5 text-center text-xs text-red-800">
            {cluster.status === 'unreachable'
              ? t('health.unreachable', { cluster: cluster.name, since: cluster.unreachableSince ? formatClock(locale, Date.parse(cluster.unreachableSince)) : '?' })
              : cluster.status === 'resyncing'
                ? t('health.resyncing', { cluster: cluster.name, kinds: kinds(cluster) })
                : t('health.degraded', { kinds: kinds(cluster) })}
          </div>
        ),
      )}
    </>
  );
}
