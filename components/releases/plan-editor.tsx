'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { Button, inputClass } from '@/components/ui/field';
import { ContentRuleEditor, emptyPolicy } from '@/components/wizards/content-rule-editor';
import type { ProviderCapabilities } from '@/lib/mesh/types';
import { planWeights, ruleSummary, type PlanStep } from '@/lib/release/model';

type Kind = 'setWeight' | 'pause' | 'approval' | 'setRule' | 'setMirror';

const kindOf = (step: PlanStep): Kind => ('setWeight' in step ? 'setWeight' : 'pause' in step ? 'pause' : 'setRule' in step ? 'setRule' : 'setMirror' in step ? 'setMirror' : 'approval');

/**
 * The release plan as an ordered list the user edits: each step a weight, a pause, "wait for approval", an A/B
 * rule or a mirror (blue/green),
 * moved up or down, removed, added. Problems come keyed by field (`steps.2.setWeight`), as zod and the server name them.
 */
export function PlanEditor({
  steps,
  errors,
  onChange,
  rules,
  mirror,
  provider,
}: {
  steps: PlanStep[];
  errors: Record<string, string>;
  onChange: (steps: PlanStep[]) => void;
  /** What content rules the service's routing API can express (A/B steps). */
  rules: ProviderCapabilities['contentRules'];
  /** Whether the routing API can mirror requests (blue/green steps). */
  mirror: ProviderCapabilities['mirror'];
  provider: string;
}) {
  const { t } = useI18n();
  const weights = planWeights(steps);
  const replace = (index: number, step: PlanStep) => onChange(steps.map((current, i) => (i === index ? step : current)));
  const move = (index: number, by: number) => {
    const next = [...steps];
    [next[index], next[index + by]] = [next[index + by]!, next[index]!];
    onChange(next);
  };
  const fresh = (kind: Kind, index: number): PlanStep => {
    if (kind === 'pause') return { pause: '1m' };
    if (kind === 'approval') return { approval: true };
    if (kind === 'setRule') return { setRule: emptyPolicy() };
    if (kind === 'setMirror') return { setMirror: 100 };
    const before = index === 0 ? 0 : (weights[index - 1] ?? 0);
    return { setWeight: Number.isFinite(before) && before > 0 ? Math.min(100, before + 10) : 10 };
  };

  return (
    <div className="space-y-2" data-testid="plan-editor">
      {errors.steps && (
        <p role="alert" className="text-xs font-medium text-red-700" data-testid="error-steps">
          {errors.steps}
        </p>
      )}
      <ol className="space-y-2">
        {steps.map((step, index) => {
          const n = index + 1;
          const kind = kindOf(step);
          const error = errors[`steps.${index}.${kind}`] ?? errors[`steps.${index}`];
          return (
            <li key={index} className="space-y-1" data-testid="plan-step">
              <div className="flex items-center gap-2">
                <span className="w-6 text-right text-xs text-slate-500">{n}.</span>
                <select
                  aria-label={t('progressive.planKind', { n })}
                  className={`${inputClass} w-48`}
                  value={kind}
                  onChange={(event) => replace(index, fresh(event.target.value as Kind, index))}
                >
                  {(['setWeight', 'pause', 'approval', 'setRule', 'setMirror'] as const).map((value) => (
                    <option key={value} value={value} disabled={(value === 'setRule' && !rules.supported) || (value === 'setMirror' && !mirror.supported)}>
                      {t(`progressive.planKind.${value}`)}
                    </option>
                  ))}
                </select>
                {'setWeight' in step && (
                  <input
                    type="number"
                    aria-label={t('progressive.planWeight', { n })}
                    className={`${inputClass} w-24`}
                    value={Number.isNaN(step.setWeight) ? '' : step.setWeight}
                    aria-invalid={Boolean(error)}
                    onChange={(event) => replace(index, { setWeight: event.target.value === '' ? Number.NaN : Number(event.target.value) })}
                  />
                )}
                {'setMirror' in step && (
                  <input
                    type="number"
                    aria-label={t('progressive.planMirror', { n })}
                    className={`${inputClass} w-24`}
                    value={Number.isNaN(step.setMirror) ? '' : step.setMirror}
                    aria-invalid={Boolean(error)}
                    onChange={(event) => replace(index, { setMirror: event.target.value === '' ? Number.NaN : Number(event.target.value) })}
                  />
                )}
                {'pause' in step && (
                  <input
                    aria-label={t('progressive.planPause', { n })}
                    className={`${inputClass} w-24`}
                    value={step.pause}
                    aria-invalid={Boolean(error)}
                    onChange={(event) => replace(index, { pause: event.target.value.trim() })}
                  />
                )}
                <span className="flex-1" />
                <Button tone="secondary" className="px-2 py-1" aria-label={t('progressive.planUp', { n })} disabled={index === 0} onClick={() => move(index, -1)}>
                  ↑
                </Button>
                <Button tone="secondary" className="px-2 py-1" aria-label={t('progressive.planDown', { n })} disabled={index === steps.length - 1} onClick={() => move(index, 1)}>
                  ↓
                </Button>
                <Button tone="secondary" className="px-2 py-1" aria-label={t('progressive.planRemove', { n })} disabled={steps.length === 1} onClick={() => onChange(steps.filter((_, i) => i !== index))}>
                  ×
                </Button>
              </div>
              {'setRule' in step && (
                <div className="pl-8">
                  <ContentRuleEditor policy={step.setRule} onChange={(policy) => replace(index, { setRule: policy })} errors={errors} path={`steps.${index}.setRule`} operators={rules.operators} provider={provider} />
                </div>
              )}
              {error && (
                <p role="alert" className="pl-8 text-xs font-medium text-red-700" data-testid={`error-steps.${index}`}>
                  {error}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <Button tone="secondary" disabled={steps.length >= 50} onClick={() => onChange([...steps, fresh('setWeight', steps.length)])}>
        {t('progressive.planAdd')}
      </Button>
    </div>
  );
}

/**
 * A running release's plan, in order: the steps done, the one it is at (highlighted, `aria-current`), and the
 * ones to come. `done` is the number of steps done (status.currentStep).
 */
export function PlanSteps({ steps, done }: { steps: PlanStep[]; done: number }) {
  const { t } = useI18n();
  return (
    <ol className="flex flex-wrap items-center gap-1 text-xs" aria-label={t('plan.title')} data-testid="release-plan">
      {steps.map((step, index) => {
        const current = index === done;
        const state = index < done ? 'done' : current ? 'current' : 'todo';
        const tone = { done: 'border-brand-600 bg-brand-600 text-white', current: 'border-amber-500 bg-amber-50 font-semibold text-amber-900 ring-2 ring-amber-300', todo: 'border-slate-300 bg-white text-slate-600' }[state];
        return (
          <li key={index} data-testid="release-plan-step" data-state={state} aria-current={current ? 'step' : undefined} className={`rounded border px-2 py-0.5 ${tone}`}>
            {'setWeight' in step
              ? `${step.setWeight}%`
              : 'pause' in step
                ? t('plan.pause', { duration: step.pause })
                : 'setRule' in step
                  ? t('plan.rule', { rule: ruleSummary(step.setRule) })
                  : 'setMirror' in step
                    ? t('plan.mirror', { percent: step.setMirror })
                    : t('plan.approval')}
          </li>
        );
      })}
    </ol>
  );
}
