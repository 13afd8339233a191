'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Field, inputClass } from '@/components/ui/field';
import type { ServiceRef } from '@/components/services/use-release';
import type { ReleaseView } from '@/lib/mesh/types';
import { WizardShell } from './wizard-shell';

/** A version's Deployments to N pods: back up after a rollback left them at 0, or down to 0 once it gets no traffic. */
export function ScaleVersionWizard({ service, view, version, onClose }: { service: ServiceRef; view: ReleaseView; version: string; onClose: () => void }) {
  const { t } = useI18n();
  const target = view.versions.find((v) => v.name === version);
  const [replicas, setReplicas] = useState(target && target.desired > 0 ? target.desired : Math.max(1, view.versions.find((v) => v.role === 'stable')?.desired ?? 1));
  const inUse = Boolean(target && (target.weight > 0 || target.rules.length > 0));
  return (
    <WizardShell
      title={t('scale.title', { version })}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={t('scale.apply', { version, replicas })}
      build={() => ({ type: 'scale-version', expected: view.splitEtag, version, replicas })}
    >
      {(errors) => (
        <div className="space-y-3 text-sm">
          <p className="text-slate-600">{t('scale.intro', { version, desired: target?.desired ?? 0, ready: target?.ready ?? 0 })}</p>
          <Field label={t('scale.replicas')} htmlFor="scale-replicas" error={errors.replicas} hint={inUse ? t('scale.inUse', { version }) : undefined}>
            <input id="scale-replicas" type="number" min={inUse ? 1 : 0} max={100} className={inputClass} value={replicas} onChange={(event) => setReplicas(Number(event.target.value))} />
          </Field>
        </div>
      )}
    </WizardShell>
  );
}
