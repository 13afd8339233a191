'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Field, inputClass } from '@/components/ui/field';
import type { ServiceRef } from '@/components/services/use-release';
import type { ContentPolicy, ReleaseView } from '@/lib/mesh/types';
import { ContentRuleEditor, emptyPolicy } from './content-rule-editor';
import { WizardShell } from './wizard-shell';

type PolicyKind = 'weight' | 'content' | 'both';

function nextVersionName(view: ReleaseView): string {
  const numbers = view.versions.map((version) => /^v(\d+)$/.exec(version.name)?.[1]).filter(Boolean).map(Number);
  return `v${numbers.length ? Math.max(...numbers) + 1 : 2}`;
}

/** Add a gray version: a copy of the stable Deployment with a new image, and its share of traffic. */
export function AddVersionWizard({ service, view, onClose }: { service: ServiceRef; view: ReleaseView; onClose: () => void }) {
  const { t } = useI18n();
  const stable = view.versions.find((version) => version.role === 'stable');
  const stableImage = stable?.workloads.find((workload) => workload.image)?.image ?? '';
  const [version, setVersion] = useState(nextVersionName(view));
  const [image, setImage] = useState(stableImage);
  const [replicas, setReplicas] = useState(Math.max(1, stable?.desired ?? 1));
  const [env, setEnv] = useState<{ name: string; value: string }[]>([]);
  const [kind, setKind] = useState<PolicyKind>('weight');
  const [weight, setWeightValue] = useState(10);
  const [policy, setPolicy] = useState<ContentPolicy>(emptyPolicy());

  const { contentRules } = view.capabilities;
  const effectiveWeight = kind === 'content' ? 0 : weight;
  const applyLabel =
    kind === 'content'
      ? t('add.applyContent', { version })
      : kind === 'both'
        ? t('add.applyBoth', { version, weight: effectiveWeight })
        : t('add.applyWeight', { version, weight: effectiveWeight });

  return (
    <WizardShell
      title={t('add.title', { service: view.host })}
      service={service}
      view={view}
      onClose={onClose}
      applyLabel={applyLabel}
      build={() => ({
        type: 'add-version',
        expected: view.splitEtag,
        version,
        image,
        replicas,
        env: env.filter((variable) => variable.name),
        weight: effectiveWeight,
        policy: kind === 'weight' ? undefined : policy,
      })}
    >
      {(errors) => (
        <div className="space-y-4">
          <p className="text-sm text-slate-600">{t('add.intro', { stable: stable?.name ?? '?' })}</p>
          <div className="grid grid-cols-2 gap-4">
            <Field label={t('add.version')} htmlFor="add-version" error={errors.version} hint={t('add.versionHint')}>
              <input id="add-version" className={inputClass} value={version} aria-invalid={Boolean(errors.version)} onChange={(e) => setVersion(e.target.value)} />
            </Field>
            <Field label={t('add.replicas')} htmlFor="add-replicas" error={errors.replicas}>
              <input id="add-replicas" type="number" min={1} className={inputClass} value={replicas} onChange={(e) => setReplicas(Number(e.target.value))} />
            </Field>
          </div>
          <Field label={t('add.image')} htmlFor="add-image" error={errors.image} hint={t('add.imageHint', { image: stableImage })}>
            <input id="add-image" className={`${inputClass} font-mono`} value={image} aria-invalid={Boolean(errors.image)} onChange={(e) => setImage(e.target.value)} />
          </Field>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">{t('add.env')}</legend>
            {env.map((variable, index) => (
              <div key={index} className="flex gap-2">
                <input aria-label={t('add.envName')} placeholder={t('add.envName')} className={`${inputClass} font-mono`} value={variable.name} onChange={(e) => setEnv(env.map((v, i) => (i === index ? { ...v, name: e.target.value } : v)))} />
                <input aria-label={t('add.envValue')} placeholder={t('add.envValue')} className={`${inputClass} font-mono`} value={variable.value} onChange={(e) => setEnv(env.map((v, i) => (i === index ? { ...v, value: e.target.value } : v)))} />
                <button type="button" aria-label={t('rules.remove')} onClick={() => setEnv(env.filter((_, i) => i !== index))} className="text-slate-500 hover:text-red-700">
                  ✕
                </button>
              </div>
            ))}
            {Object.entries(errors).filter(([key]) => key.startsWith('env.')).map(([key, message]) => (
              <p key={key} role="alert" className="text-xs font-medium text-red-700">{message}</p>
            ))}
            <button type="button" className="text-sm font-medium text-brand-700 hover:underline" onClick={() => setEnv([...env, { name: '', value: '' }])}>
              {t('add.addEnv')}
            </button>
          </fieldset>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">{t('add.policy')}</legend>
            <div className="flex gap-4 text-sm">
              {(['weight', 'content', 'both'] as const).map((option) => (
                <label key={option} className={`flex items-center gap-1 ${option !== 'weight' && !contentRules.supported ? 'text-slate-400' : ''}`}>
                  <input type="radio" name="gray-policy" checked={kind === option} disabled={option !== 'weight' && !contentRules.supported} onChange={() => setKind(option)} />
                  {t(`add.policy.${option}`)}
                </label>
              ))}
            </div>
            {!contentRules.supported && (
              <p className="text-xs text-slate-500" data-testid="weight-only">
                {t('capability.weight-only', { provider: view.provider.name })}
              </p>
            )}
          </fieldset>
          {kind !== 'content' && (
            <Field label={t('add.weight', { version })} htmlFor="add-weight" error={errors.weight}>
              <div className="flex items-center gap-3">
                <input type="range" min={0} max={100} value={weight} aria-label={t('weights.sliderLabel', { version })} onChange={(e) => setWeightValue(Number(e.target.value))} className="flex-1 accent-brand-600" />
                <input id="add-weight" type="number" min={0} max={100} value={weight} onChange={(e) => setWeightValue(Number(e.target.value))} className="w-20 rounded-md border border-slate-300 px-2 py-1 text-right text-sm" />
                <span className="text-sm">%</span>
              </div>
            </Field>
          )}
          {kind !== 'weight' && <ContentRuleEditor policy={policy} onChange={setPolicy} errors={errors} path="policy" operators={contentRules.operators} provider={view.provider.name} />}
          {(kind !== 'weight' || effectiveWeight > 0) && <p className="text-xs text-slate-500">{t('add.waitNote')}</p>}
        </div>
      )}
    </WizardShell>
  );
}
