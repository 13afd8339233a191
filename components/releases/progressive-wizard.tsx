'use client';

import { VersionOptions } from '@/components/versions/version-options';
import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Button, Field, inputClass } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { ApiError } from '@/lib/client/api';
import { fieldErrors } from '@/lib/http/errors';
import type { ReleaseView } from '@/lib/mesh/types';
import { DEFAULT_SETTINGS, isBlueGreen, planSummary, progressiveSettings, stepWeightsOf, type ProgressiveSettings, type ReleaseSpec } from '@/lib/release/model';
import { PlanEditor } from './plan-editor';
import type { ServiceRef } from '@/components/services/use-release';
import { HookFields } from './hook-fields';
import { ApprovalPolicyOptions } from './release-panel';
import { TemplateChecks } from './template-checks';
import { useReleaseAction } from './use-release-action';

function initialSettings(view: ReleaseView, spec: ReleaseSpec | undefined): ProgressiveSettings {
  const stable = [...view.versions].sort((a, b) => b.weight - a.weight)[0]?.name ?? '';
  const gray = view.versions.find((version) => version.name !== stable && version.weight === 0)?.name ?? view.versions.find((v) => v.name !== stable)?.name ?? '';
  const fromSpec = spec?.strategy === 'progressive' && spec.stableVersion === stable ? spec : undefined;
  return {
    ...DEFAULT_SETTINGS,
    ...(fromSpec && {
      stepWeight: fromSpec.stepWeight ?? DEFAULT_SETTINGS.stepWeight,
      maxWeight: fromSpec.maxWeight ?? DEFAULT_SETTINGS.maxWeight,
      interval: fromSpec.interval ?? DEFAULT_SETTINGS.interval,
      threshold: fromSpec.threshold ?? DEFAULT_SETTINGS.threshold,
      analysis: { ...DEFAULT_SETTINGS.analysis, ...fromSpec.analysis },
      approval: fromSpec.approval ?? DEFAULT_SETTINGS.approval,
      deleteOldVersion: fromSpec.deleteOldVersion ?? false,
      hooks: fromSpec.hooks,
      notifications: fromSpec.notifications,
      ...(fromSpec.steps?.length && { steps: fromSpec.steps }),
      ...(fromSpec.sessionAffinity && { sessionAffinity: fromSpec.sessionAffinity }),
    }),
    stableVersion: stable,
    grayVersion: fromSpec?.grayVersion && fromSpec.grayVersion !== stable ? fromSpec.grayVersion : gray,
  };
}

/** "Start progressive release": versions, steps, checks and approval policy, validated like the server does. */
export function ProgressiveWizard({ service, view, spec, onClose }: { service: ServiceRef; view: ReleaseView; spec?: ReleaseSpec; onClose: () => void }) {
  const { t, describe } = useI18n();
  const [settings, setSettings] = useState<ProgressiveSettings>(() => initialSettings(view, spec));
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const action = useReleaseAction(service);
  const serverErrors = action.error instanceof ApiError ? Object.fromEntries(action.error.fields.map((f) => [f.field.replace(/^settings\./, ''), describe(f)])) : {};
  const errors = { ...serverErrors, ...clientErrors };
  const update = (patch: Partial<ProgressiveSettings>) => setSettings((current) => ({ ...current, ...patch }));
  const number = (value: string) => (value === '' ? Number.NaN : Number(value));
  const steps = stepWeightsOf({ service: service.name, stepWeight: settings.stepWeight, maxWeight: settings.maxWeight });
  const plan = settings.steps;
  const togglePlan = (on: boolean) => update({ steps: on ? [{ setWeight: settings.stepWeight }, { setWeight: settings.maxWeight }] : undefined });
  const blueGreen = isBlueGreen(plan);
  const mirrorSupported = view.capabilities.mirror.supported;
  const stickySupported = view.capabilities.sticky.supported;
  const affinity = settings.sessionAffinity;

  function start() {
    if (action.isPending) return;
    const parsed = progressiveSettings.safeParse(settings);
    if (!parsed.success) {
      setClientErrors(Object.fromEntries(fieldErrors(parsed.error).map((error) => [error.field, describe(error)])));
      return;
    }
    setClientErrors({});
    action.mutate({ action: 'start', settings: parsed.data }, { onSuccess: onClose });
  }

  const versionSelect = (id: 'stableVersion' | 'grayVersion') => (
    <Field label={t(`progressive.${id}`)} htmlFor={id} error={errors[id]}>
      <select id={id} className={inputClass} value={settings[id]} aria-invalid={Boolean(errors[id])} onChange={(event) => update({ [id]: event.target.value })}>
        <VersionOptions versions={view.versions} />
      </select>
    </Field>
  );
  const numberField = (id: 'stepWeight' | 'maxWeight' | 'threshold', suffix?: string) => (
    <Field label={t(`progressive.${id}`)} htmlFor={id} error={errors[id]} hint={suffix}>
      <input id={id} type="number" className={inputClass} value={Number.isNaN(settings[id]) ? '' : settings[id]} aria-invalid={Boolean(errors[id])} onChange={(event) => update({ [id]: number(event.target.value) })} />
    </Field>
  );

  const analysisNumber = (id: 'successRateMin' | 'p99LatencyMaxMs', step: string) => (
    <Field label={t(`progressive.${id}`)} htmlFor={id} error={errors[`analysis.${id}`]}>
      <input
        id={id}
        type="number"
        step={step}
        className={inputClass}
        value={Number.isNaN(settings.analysis[id]) ? '' : settings.analysis[id]}
        onChange={(event) => update({ analysis: { ...settings.analysis, [id]: number(event.target.value) } })}
      />
    </Field>
  );

  return (
    <Modal title={t('progressive.title', { service: view.host })} onClose={onClose}>
      {action.error && (
        <div role="alert" data-testid="wizard-error" className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {describe(action.error)}
        </div>
      )}
      <p className="mb-4 text-sm text-slate-600">{t('progressive.explain')}</p>
      <div className="grid grid-cols-2 gap-4">
        {versionSelect('stableVersion')}
        {versionSelect('grayVersion')}
        <label className="col-span-2 flex items-center gap-2 text-sm">
          <input type="checkbox" checked={Boolean(plan)} onChange={(event) => togglePlan(event.target.checked)} />
          {t('progressive.customSteps')}
        </label>
        <label className="col-span-2 flex items-center gap-2 text-sm" title={mirrorSupported ? undefined : t('capability.noMirror', { provider: view.provider.name })}>
          <input type="checkbox" checked={blueGreen} disabled={!mirrorSupported} onChange={(event) => update({ steps: event.target.checked ? [{ setMirror: 100 }] : undefined })} />
          {t('progressive.blueGreen')}
        </label>
        {blueGreen && (
          <p className="col-span-2 -mt-2 text-xs text-slate-600" data-testid="blue-green-hint">
            {t('progressive.blueGreenHint', { gray: settings.grayVersion, stable: settings.stableVersion })}
          </p>
        )}
        {plan ? (
          <div className="col-span-2">
            <PlanEditor steps={plan} errors={errors} onChange={(next) => update({ steps: next })} rules={view.capabilities.contentRules} mirror={view.capabilities.mirror} provider={view.provider.name} />
          </div>
        ) : (
          <>
            {numberField('stepWeight')}
            {numberField('maxWeight')}
          </>
        )}
        <Field label={t('progressive.interval')} htmlFor="interval" error={errors.interval} hint={t('progressive.durationHint')}>
          <input id="interval" className={inputClass} value={settings.interval} aria-invalid={Boolean(errors.interval)} onChange={(event) => update({ interval: event.target.value.trim() })} />
        </Field>
        {numberField('threshold')}
        {analysisNumber('successRateMin', '0.1')}
        {analysisNumber('p99LatencyMaxMs', '1')}
        <Field label={t('progressive.window')} htmlFor="window" error={errors['analysis.window']} hint={t('progressive.durationHint')}>
          <input id="window" className={inputClass} value={settings.analysis.window} onChange={(event) => update({ analysis: { ...settings.analysis, window: event.target.value.trim() } })} />
        </Field>
        <Field label={t('progressive.approval')} htmlFor="approval" error={errors.approval}>
          <select id="approval" className={inputClass} value={settings.approval} onChange={(event) => update({ approval: event.target.value as ProgressiveSettings['approval'] })}>
            <ApprovalPolicyOptions />
          </select>
        </Field>
      </div>
      {stickySupported && (
        <div className="mt-4 space-y-2">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={Boolean(affinity)} onChange={(event) => update({ sessionAffinity: event.target.checked ? { cookieName: 'weir-release', maxAge: 86_400 } : undefined })} />
            {t('progressive.sticky')}
          </label>
          {errors.sessionAffinity && (
            <p role="alert" className="text-xs font-medium text-red-700" data-testid="error-sessionAffinity">
              {errors.sessionAffinity}
            </p>
          )}
          {affinity && (
            <div className="grid grid-cols-2 gap-4">
              <Field label={t('progressive.stickyCookie')} htmlFor="stickyCookie" error={errors['sessionAffinity.cookieName']}>
                <input id="stickyCookie" className={inputClass} value={affinity.cookieName} onChange={(event) => update({ sessionAffinity: { ...affinity, cookieName: event.target.value.trim() } })} />
              </Field>
              <Field label={t('progressive.stickyMaxAge')} htmlFor="stickyMaxAge" error={errors['sessionAffinity.maxAge']}>
                <input id="stickyMaxAge" type="number" className={inputClass} value={Number.isNaN(affinity.maxAge) ? '' : affinity.maxAge} onChange={(event) => update({ sessionAffinity: { ...affinity, maxAge: number(event.target.value) } })} />
              </Field>
              <p className="col-span-2 text-xs text-slate-600">{t('progressive.stickyHint', { gray: settings.grayVersion })}</p>
            </div>
          )}
        </div>
      )}
      <TemplateChecks service={service} analysis={settings.analysis} errors={errors} onChange={(patch) => update({ analysis: { ...settings.analysis, ...patch } })} />
      <label className="mt-4 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={settings.deleteOldVersion} onChange={(event) => update({ deleteOldVersion: event.target.checked })} />
        {t('progressive.deleteOldVersion', { version: settings.stableVersion })}
      </label>
      <HookFields hooks={settings.hooks ?? []} notifications={settings.notifications ?? []} errors={errors} onChange={(next) => update(next)} />
      <p className="mt-4 rounded-md bg-slate-50 p-3 text-xs text-slate-600" data-testid="progressive-summary">
        {t(blueGreen ? 'progressive.blueGreenSummary' : plan ? 'progressive.planSummary' : 'progressive.summary', {
          gray: settings.grayVersion,
          steps: plan
            ? planSummary(plan, {
                pause: (duration) => t('plan.pause', { duration }),
                approval: t('plan.approval'),
                rule: (rule) => t('plan.rule', { rule }),
                mirror: (percent) => t('plan.mirror', { percent }),
              })
            : steps.every(Number.isFinite)
              ? steps.map((weight) => `${weight}%`).join(' → ')
              : '—',
          interval: settings.interval,
          threshold: Number.isNaN(settings.threshold) ? '—' : settings.threshold,
        })}
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button tone="secondary" onClick={onClose}>
          {t('wizard.cancel')}
        </Button>
        {/* aria-disabled while it works: a disabled button would drop the keyboard focus. */}
        <Button onClick={start} aria-disabled={action.isPending}>
          {t('progressive.start', { version: settings.grayVersion })}
        </Button>
      </div>
    </Modal>
  );
}
