'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { VersionSummary } from '@/lib/console/service-rows';

/** Versions of a service as compact chips: name, weight, role, ready / desired. */
export function VersionChips({ versions }: { versions: VersionSummary[] }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-wrap gap-1.5">
      {versions.map((version) => {
        const unhealthy = (version.weight > 0 || version.ruleCount > 0) && version.ready === 0;
        return (
          <span
            key={version.name}
            data-testid={`version-chip-${version.name}`}
            className={`inline-flex items-center gap-1 rounded-md border px-1.5 py-0.5 text-xs ${
              version.role === 'stable' ? 'border-brand-100 bg-brand-50 text-brand-700' : 'border-orange-200 bg-orange-50 text-orange-800'
            }`}
          >
            <span className="font-semibold">{version.name}</span>
            <span>{version.weight}%</span>
            {version.ruleCount > 0 && <span title={t('versions.hasRules')}>+{t('versions.rulesShort')}</span>}
            <span className={unhealthy ? 'font-semibold text-red-700' : 'text-slate-600'} title={t('versions.readyTitle')}>
              {version.ready}/{version.desired}
            </span>
          </span>
        );
      })}
    </div>
  );
}
