'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { ServiceRef } from '@/components/services/use-release';
import type { ReleaseView } from '@/lib/mesh/types';
import { WizardShell } from './wizard-shell';

/** One version takes over all traffic: weight 100, every content rule removed. */
export function TakeOverWizard({ service, view, version, onClose }: { service: ServiceRef; view: ReleaseView; version: string; onClose: () => void }) {
  const { t } = useI18n();
  const rules = view.versions.reduce((count, v) => count + v.rules.length, 0);
  const target = view.versions.find((v) => v.name === version);
  return (
    <WizardShell
      title={t('takeOver.title', { version })}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={t('takeOver.apply', { version })}
      build={() => ({ type: 'take-over', expected: view.splitEtag, version })}
    >
      {(errors) => (
        <div className="space-y-3 text-sm text-slate-700">
          <p>{t('takeOver.intro', { version, service: view.host })}</p>
          {rules > 0 && <p className="rounded-md bg-amber-50 p-3 text-amber-900">{t('takeOver.rulesRemoved', { count: rules })}</p>}
          {target && target.ready === 0 && <p className="rounded-md bg-red-50 p-3 text-red-800">{t('takeOver.notReady', { version })}</p>}
          {errors.version && <p role="alert" className="text-xs font-medium text-red-700">{errors.version}</p>}
        </div>
      )}
    </WizardShell>
  );
}
