'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Field } from '@/components/ui/field';
import type { ServiceRef } from '@/components/services/use-release';
import type { ReleaseView } from '@/lib/mesh/types';
import { WizardShell } from './wizard-shell';

/** Routing for a Service that has none: a subset per version label, all traffic to the chosen stable version. */
export function CreateRoutingWizard({ service, view, onClose }: { service: ServiceRef; view: ReleaseView; onClose: () => void }) {
  const { t } = useI18n();
  const [stable, setStable] = useState(view.discoveredVersions[0] ?? '');
  return (
    <WizardShell
      title={t('create.title', { service: view.host })}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={t('create.apply', { version: stable })}
      build={() => ({ type: 'create-routing', stableVersion: stable })}
    >
      {(errors) => (
        <div className="space-y-3 text-sm">
          <p className="text-slate-600">{t('create.intro', { versions: view.discoveredVersions.join(', ') || '—' })}</p>
          <Field label={t('create.stable')} htmlFor="create-stable" error={errors.stableVersion}>
            <select id="create-stable" value={stable} onChange={(event) => setStable(event.target.value)} className="rounded-md border border-slate-300 px-2 py-1">
              {view.discoveredVersions.map((version) => (
                <option key={version} value={version}>
                  {version}
                </option>
              ))}
            </select>
          </Field>
        </div>
      )}
    </WizardShell>
  );
}
