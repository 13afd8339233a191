'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Field } from '@/components/ui/field';
import type { ServiceRef } from '@/components/services/use-release';
import type { ProviderInfo, ReleaseView } from '@/lib/mesh/types';
import { WizardShell } from './wizard-shell';

/** Routing for a Service that has none, with the API of the user's choice: all traffic to the chosen stable version. */
export function CreateRoutingWizard({ service, view, providers, onClose }: { service: ServiceRef; view: ReleaseView; providers: ProviderInfo[]; onClose: () => void }) {
  const { t, has } = useI18n();
  const [stable, setStable] = useState(view.discoveredVersions[0] ?? '');
  const [provider, setProvider] = useState(providers[0]?.id ?? view.provider.id);
  const versions = view.discoveredVersions.join(', ') || '—';
  const describe = (option: ProviderInfo) => {
    const key = `create.intro.${option.id}`;
    return has(key) ? t(key, { versions }) : t('create.intro.generic', { provider: option.name, versions });
  };
  return (
    <WizardShell
      title={t('create.title', { service: view.host })}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={t('create.apply', { version: stable })}
      build={() => ({ type: 'create-routing', stableVersion: stable, provider })}
    >
      {(errors) => (
        <div className="space-y-3 text-sm">
          <fieldset className="space-y-1">
            <legend className="font-medium text-slate-700">{t('create.provider')}</legend>
            {providers.map((option) => (
              <label key={option.id} className="flex items-start gap-2">
                <input type="radio" name="create-provider" className="mt-1" checked={provider === option.id} onChange={() => setProvider(option.id)} />
                <span>
                  <span className="font-medium">{option.name}</span>
                  <span className="block text-xs text-slate-500">{describe(option)}</span>
                </span>
              </label>
            ))}
            {errors.provider && <p role="alert" className="text-xs font-medium text-red-700">{errors.provider}</p>}
          </fieldset>
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
