'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { useClusters } from './use-clusters';
import { useScope } from './use-scope';

const selectClass =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100';

export function ScopePicker() {
  const { t } = useI18n();
  const [scope, setScope] = useScope();
  const { data: clusters = [] } = useClusters();
  const namespaces = [
    ...new Set(clusters.filter((cluster) => !scope.cluster || cluster.name === scope.cluster).flatMap((c) => c.namespaces)),
  ].sort();

  return (
    <div className="flex items-center gap-3">
      <label className="flex items-center gap-2 text-sm text-slate-600">
        {t('picker.cluster')}
        <select
          className={selectClass}
          value={scope.cluster ?? ''}
          onChange={(event) => setScope({ cluster: event.target.value || undefined, namespace: undefined })}
        >
          {clusters.length !== 1 && <option value="">{t('picker.allClusters')}</option>}
          {clusters.map((cluster) => (
            <option key={cluster.name} value={cluster.name}>
              {cluster.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-2 text-sm text-slate-600">
        {t('picker.namespace')}
        <select
          className={selectClass}
          value={scope.namespace ?? ''}
          onChange={(event) => setScope({ namespace: event.target.value || undefined })}
        >
          <option value="">{t('picker.allNamespaces')}</option>
          {namespaces.map((namespace) => (
            <option key={namespace} value={namespace}>
              {namespace}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
