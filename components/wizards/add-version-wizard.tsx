'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Field, inputClass } from '@/components/ui/field';
import type { ServiceRef } from '@/components/services/use-release';
import type { ContentPolicy, ReleaseView } from '@/lib/mesh/types';
import { ContentRuleEditor, emptyPolicy } from './content-rule-editor';
import { WizardShell } from './wizard-shell';

type PolicyKind = 'weight' | 'content' | 'both';
type VmDraft = { address: string; labels: string; ports: string; serviceAccount: string; network: string };
const emptyVm = (): VmDraft => ({ address: '', labels: '', ports: '', serviceAccount: '', network: '' });

/** `a=1, b=2` as a record (values kept as typed; the schema checks them). */
function pairs(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        return at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      }),
  );
}

function vmIntent(vm: VmDraft) {
  return {
    address: vm.address.trim(),
    labels: pairs(vm.labels),
    ports: Object.fromEntries(Object.entries(pairs(vm.ports)).map(([name, port]) => [name, Number(port)])),
    ...(vm.serviceAccount.trim() ? { serviceAccount: vm.serviceAccount.trim() } : {}),
    ...(vm.network.trim() ? { network: vm.network.trim() } : {}),
  };
}

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
  const hasPods = Boolean(stable?.workloads.some((workload) => workload.form === 'pods'));
  // VM versions are WorkloadEntries: Istio's alone.
  const vmsPossible = view.provider.id === 'istio';
  const [form, setForm] = useState<'pods' | 'vm'>(hasPods || !vmsPossible ? 'pods' : 'vm');
  const [vms, setVms] = useState<VmDraft[]>([emptyVm()]);
  const [healthChecked, setHealthChecked] = useState(false);
  const setVm = (index: number, change: Partial<VmDraft>) => setVms(vms.map((vm, i) => (i === index ? { ...vm, ...change } : vm)));

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
      build={() =>
        form === 'vm'
          ? { type: 'add-version', expected: view.splitEtag, version, env: [], vms: vms.map(vmIntent), healthChecked, weight: effectiveWeight, policy: kind === 'weight' ? undefined : policy }
          : {
              type: 'add-version',
              expected: view.splitEtag,
              version,
              image,
              replicas,
              env: env.filter((variable) => variable.name),
              weight: effectiveWeight,
              policy: kind === 'weight' ? undefined : policy,
            }
      }
    >
      {(errors) => (
        <div className="space-y-4">
          {vmsPossible && (
            <fieldset className="space-y-1">
              <legend className="text-sm font-medium text-slate-700">{t('add.form')}</legend>
              <div className="flex gap-4 text-sm">
                {(['pods', 'vm'] as const).map((option) => (
                  <label key={option} className="flex items-center gap-1">
                    <input type="radio" name="version-form" checked={form === option} onChange={() => setForm(option)} />
                    {t(`add.form.${option}`)}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          <p className="text-sm text-slate-600">{form === 'vm' ? t('add.vm.intro', { version }) : t('add.intro', { stable: stable?.name ?? '?' })}</p>
          <div className="grid grid-cols-2 gap-4">
            <Field label={t('add.version')} htmlFor="add-version" error={errors.version} hint={t('add.versionHint')}>
              <input id="add-version" className={inputClass} value={version} aria-invalid={Boolean(errors.version)} onChange={(e) => setVersion(e.target.value)} />
            </Field>
            {form === 'pods' && (
            <Field label={t('add.replicas')} htmlFor="add-replicas" error={errors.replicas}>
              <input id="add-replicas" type="number" min={1} className={inputClass} value={replicas} onChange={(e) => setReplicas(Number(e.target.value))} />
            </Field>
            )}
          </div>
          {form === 'vm' && (
            <fieldset className="space-y-3" data-testid="vm-entries">
              {vms.map((vm, index) => {
                const id = (field: string) => `add-vm-${index}-${field}`;
                const error = (field: string) => errors[`vms.${index}.${field}`] ?? Object.entries(errors).find(([key]) => key.startsWith(`vms.${index}.${field}.`))?.[1];
                return (
                  <div key={index} className="space-y-2 rounded-md border border-slate-200 p-3">
                    <div className="flex items-center justify-between">
                      <span className="text-sm font-medium text-slate-700">{t('add.vm.entry', { number: index + 1 })}</span>
                      {vms.length > 1 && (
                        <button type="button" aria-label={t('add.vm.remove', { number: index + 1 })} onClick={() => setVms(vms.filter((_, i) => i !== index))} className="text-slate-500 hover:text-red-700">
                          ✕
                        </button>
                      )}
                    </div>
                    <div className="grid grid-cols-2 gap-2">
                      <Field label={t('add.vm.address')} htmlFor={id('address')} error={error('address')}>
                        <input id={id('address')} className={`${inputClass} font-mono`} value={vm.address} aria-invalid={Boolean(error('address'))} onChange={(e) => setVm(index, { address: e.target.value })} />
                      </Field>
                      <Field label={t('add.vm.ports')} htmlFor={id('ports')} error={error('ports')}>
                        <input id={id('ports')} className={`${inputClass} font-mono`} placeholder="http=8080" value={vm.ports} onChange={(e) => setVm(index, { ports: e.target.value })} />
                      </Field>
                      <Field label={t('add.vm.labels')} htmlFor={id('labels')} error={error('labels')}>
                        <input id={id('labels')} className={`${inputClass} font-mono`} value={vm.labels} onChange={(e) => setVm(index, { labels: e.target.value })} />
                      </Field>
                      <Field label={t('add.vm.serviceAccount')} htmlFor={id('serviceAccount')} error={error('serviceAccount')}>
                        <input id={id('serviceAccount')} className={`${inputClass} font-mono`} value={vm.serviceAccount} onChange={(e) => setVm(index, { serviceAccount: e.target.value })} />
                      </Field>
                      <Field label={t('add.vm.network')} htmlFor={id('network')} error={error('network')}>
                        <input id={id('network')} className={`${inputClass} font-mono`} value={vm.network} onChange={(e) => setVm(index, { network: e.target.value })} />
                      </Field>
                    </div>
                  </div>
                );
              })}
              {errors.vms && <p role="alert" className="text-xs font-medium text-red-700">{errors.vms}</p>}
              <button type="button" className="text-sm font-medium text-brand-700 hover:underline" onClick={() => setVms([...vms, emptyVm()])}>
                {t('add.vm.add')}
              </button>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={healthChecked} onChange={(e) => setHealthChecked(e.target.checked)} />
                {t('add.vm.healthChecked')}
              </label>
            </fieldset>
          )}
          {form === 'pods' && (
          <>
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
          </>
          )}
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
          {(kind !== 'weight' || effectiveWeight > 0) && (form === 'pods' || healthChecked) && <p className="text-xs text-slate-500">{t(form === 'vm' ? 'add.vm.waitNote' : 'add.waitNote')}</p>}
        </div>
      )}
    </WizardShell>
  );
}
