'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { ServiceRef } from '@/components/services/use-release';
import type { ReleaseView } from '@/lib/mesh/types';
import type { SplitSnapshot } from '@/lib/release/model';
import { splitText } from '@/components/versions/release-history';
import { WizardShell } from './wizard-shell';

/** "Restore this split" from the history: the earlier weights and content rules, reviewed like any change. */
export function RestoreSplitWizard({ service, view, split, onClose }: { service: ServiceRef; view: ReleaseView; split: SplitSnapshot; onClose: () => void }) {
  const { t } = useI18n();
  // Every version is named, those without a share at 0, so the catch-all route says exactly the earlier split.
  const weights = Object.fromEntries(view.versions.map((version) => [version.name, split.weights[version.name] ?? 0]));
  const now: SplitSnapshot = {
    weights: Object.fromEntries(view.versions.filter((v) => v.weight > 0).map((v) => [v.name, v.weight])),
    rules: view.versions.flatMap((v) => v.rules.map((rule) => ({ version: v.name, policy: rule.policy }))),
  };
  return (
    <WizardShell
      title={t('restore.title')}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={t('restore.apply')}
      build={() => ({ type: 'restore-split', expected: view.splitEtag, weights, rules: split.rules })}
    >
      {(errors) => (
        <div className="space-y-3 text-sm text-slate-700">
          <p>{t('restore.intro', { service: view.host })}</p>
          <p className="font-mono text-xs" data-testid="restore-from-to">
            {splitText(now, t)} → {splitText(split, t)}
          </p>
          {Object.entries(errors).map(([field, message]) => (
            <p key={field} role="alert" className="text-xs font-medium text-red-700">
              {field}: {message}
            </p>
          ))}
        </div>
      )}
    </WizardShell>
  );
}
