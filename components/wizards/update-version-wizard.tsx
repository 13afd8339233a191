'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Field, inputClass } from '@/components/ui/field';
import type { ServiceRef } from '@/components/services/use-release';
import type { ReleaseView } from '@/lib/mesh/types';
import { WizardShell } from './wizard-shell';

/**
 * A fixed build for a version that gets no traffic (typically one a release rolled back to 0 pods): its Deployments'
 * image and pods in one reviewed change, after which the release panel can start a new release of it.
 */
export function UpdateVersionWizard({ service, view, version, onClose }: { service: ServiceRef; view: ReleaseView; version: string; onClose: () => void }) {
  const { t } = useI18n();
  const target = view.versions.find((v) => v.name === version);
  const current = target?.workloads.find((workload) => workload.form === 'pods')?.image ?? '';
  const [image, setImage] = useState(current);
  const [replicas, setReplicas] = useState(target && target.desired > 0 ? target.desired : Math.max(1, view.versions.find((v) => v.role === 'stable')?.desired ?? 1));
  return (
    <WizardShell
      title={t('update.title', { version })}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={t('update.apply', { version, image, replicas })}
      build={() => ({ type: 'update-version', expected: view.splitEtag, version, image: image.trim(), replicas })}
    >
      {(errors) => (
        <div className="space-y-3 text-sm">
          <p className="text-slate-600">{t('update.intro', { version, image: current, desired: target?.desired ?? 0 })}</p>
          <Field label={t('update.image')} htmlFor="update-image" error={errors.image}>
            <input id="update-image" className={`${inputClass} font-mono`} value={image} aria-invalid={Boolean(errors.image)} onChange={(event) => setImage(event.target.value)} />
          </Field>
          <Field label={t('update.replicas')} htmlFor="update-replicas" error={errors.replicas}>
            <input id="update-replicas" type="number" min={1} max={100} className={inputClass} value={replicas} onChange={(event) => setReplicas(Number(event.target.value))} />
          </Field>
        </div>
      )}
    </WizardShell>
  );
}
