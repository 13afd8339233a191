'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { useClusters } from './use-clusters';

/** The sandbox banner, and a warning when any watch cache is unhealthy. */
export function ClusterStatus() {
  const { t } = useI18n();
  const { data: clusters = [] } = useClusters();
  const sandbox = clusters.some((cluster) => cluster.sandbox);
  const unhealthy = clusters.flatMap((cluster) => cluster.unhealthy.map((health) => `${cluster.name}/${health.kind}`));
  return (
    <>
      {sandbox && (
        <div data-testid="sandbox-banner" className="bg-amber-100 px-6 py-1.5 text-center text-xs font-medium text-amber-900">
          {t('sandbox.banner')}
        </div>
      )}
      {unhealthy.length > 0 && (
        <div role="status" className="bg-red-50 px-6 py-1.5 text-center text-xs text-red-800">
          {t('health.degraded', { kinds: unhealthy.join(', ') })}
        </div>
      )}
    </>
  );
}
