'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Button } from '@/components/ui/field';
import { Modal } from '@/components/ui/modal';
import { ApiError } from '@/lib/client/api';
import { fieldErrors as zodFieldErrors } from '@/lib/http/errors';
import { queryKeys } from '@/lib/client/query-keys';
import { intent as intentSchema, type Intent } from '@/lib/mesh/intents';
import type { ReleaseView } from '@/lib/mesh/types';
import type { PreviewStep } from '@/lib/changes/preview';
import type { StepOutcome } from '@/lib/k8s/apply-plan';
import { needsApproval } from '@/lib/release/model';
import { useRelease, type ServiceRef } from '@/components/services/use-release';
import { FieldOwnersWarning } from './field-owners-warning';
import { PlanPreview } from './plan-preview';
import { fieldErrorsOf, useIntent } from './use-intent';

export type FieldErrors = Record<string, string>;

interface WizardShellProps {
  title: string;
  service: ServiceRef;
  view: ReleaseView;
  onClose: () => void;
  /** The intent the form describes; validated here with the same schema the server uses. */
  build: () => Intent;
  /** What the apply button will do, in words: "Move 20% to v2". */
  applyLabel: string;
  children: (errors: FieldErrors) => ReactNode;
}

/** The plan of a refused preview or apply, when the API server refused one of its steps: each step and what happened to it. */
function refusedPlanOf(error: unknown): { steps: PreviewStep[]; outcomes: StepOutcome[] } | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const details = error.details as { steps?: PreviewStep[]; outcomes?: StepOutcome[] } | undefined;
  return details?.steps && details.outcomes ? { steps: details.steps, outcomes: details.outcomes } : undefined;
}

/** Every wizard's frame: configure → review (diff + server-side dry run) → apply → result. */
export function WizardShell({ title, service, view, onClose, build, applyLabel, children }: WizardShellProps) {
  const { t, describe } = useI18n();
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<'configure' | 'review' | 'done'>('configure');
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const { preview, apply } = useIntent(service);
  const policy = useRelease(service).data?.release?.spec.approval;
  const held = needsApproval(policy, build());
  const failed = phase === 'configure' ? preview.error : apply.error;
  // The button that moved the wizard on is gone with its phase: focus goes to the new phase, not to the page.
  const phaseBody = useRef<HTMLDivElement>(null);
  const shownPhase = useRef(phase);
  useEffect(() => {
    if (shownPhase.current === phase) return;
    shownPhase.current = phase;
    phaseBody.current?.focus();
  }, [phase]);
  const errors = { ...fieldErrorsOf(failed, describe), ...clientErrors };

  function review() {
    if (preview.isPending) return;
    const parsed = intentSchema.safeParse(build());
    if (!parsed.success) {
      setClientErrors(Object.fromEntries(zodFieldErrors(parsed.error).map((error) => [error.field, describe(error)])));
      return;
    }
    setClientErrors({});
    preview.mutate(parsed.data, { onSuccess: () => setPhase('review') });
  }

  // Apply exactly what was reviewed: the page behind the dialog follows the cluster live, so building the intent
  // again here would take a split changed meanwhile as the one the user saw, and overwrite that change.
  function confirm() {
    if (apply.isPending || !preview.variables) return;
    apply.mutate(preview.variables, { onSuccess: () => setPhase('done') });
  }

  async function reload() {
    await queryClient.invalidateQueries({ queryKey: queryKeys.all() });
    preview.reset();
    apply.reset();
    setPhase('configure');
  }

  const conflict = failed instanceof ApiError && failed.status === 409;
  const refusedPlan = refusedPlanOf(failed);
  const nothingToChange = preview.data?.steps.length === 0;
  return (
    <Modal title={title} onClose={onClose} wide={phase !== 'configure'}>
      <ol className="mb-5 flex gap-2 text-xs" aria-label={t('wizard.progress')}>
        {(['configure', 'review', 'done'] as const).map((name) => (
          <li key={name} aria-current={phase === name ? 'step' : undefined} className={`rounded-full px-3 py-1 ${phase === name ? 'bg-brand-600 text-white' : 'bg-slate-100 text-slate-600'}`}>
            {t(`wizard.phase.${name}`)}
          </li>
        ))}
      </ol>

      {failed && (
        <div role="alert" data-testid="wizard-error" className="mb-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          <p className="font-medium">{conflict ? t('wizard.conflict') : t('wizard.failed')}</p>
          <p className="mt-1">{describe(failed)}</p>
          {conflict && (
            <button type="button" className="mt-2 font-medium underline" onClick={() => void reload()}>
              {t('wizard.reload')}
            </button>
          )}
          {refusedPlan && (
            // The step the API server refused carries its message; the steps before it say what was undone.
            <div className="mt-3 rounded-md bg-white p-3 text-slate-900" data-testid="refused-plan">
              <PlanPreview steps={refusedPlan.steps} outcomes={refusedPlan.outcomes} />
            </div>
          )}
        </div>
      )}

      <div ref={phaseBody} tabIndex={-1} className="outline-none" data-testid="wizard-phase" data-phase={phase}>
        {phase === 'configure' && (
          <>
            {children(errors)}
            <div className="mt-6 flex justify-end gap-2">
              <Button tone="secondary" onClick={onClose}>
                {t('wizard.cancel')}
              </Button>
              {/* aria-disabled, not disabled, while it works: a disabled button would drop the keyboard focus. */}
              <Button onClick={review} aria-disabled={preview.isPending}>
                {preview.isPending ? t('wizard.checking') : t('wizard.review')}
              </Button>
            </div>
          </>
        )}

        {phase === 'review' && preview.data && (
          <>
            <FieldOwnersWarning steps={preview.data.steps} />
            {nothingToChange ? (
              // Nothing was sent to the API server, so nothing passed a dry run and there is nothing to apply.
              <p className="mb-3 text-sm text-slate-700" role="status" data-testid="plan-no-change">
                {t('wizard.noChange')}
              </p>
            ) : (
              <>
                <p className="mb-3 text-sm text-emerald-800" data-testid="dry-run-passed">
                  {t('wizard.dryRunPassed')}
                </p>
                <PlanPreview steps={preview.data.steps} outcomes={preview.data.outcomes} showYaml />
              </>
            )}
            <div className="mt-6 flex justify-end gap-2">
              <Button tone="secondary" onClick={() => setPhase('configure')}>
                {t('wizard.back')}
              </Button>
              {!nothingToChange && (
                <Button onClick={confirm} aria-disabled={apply.isPending}>
                  {apply.isPending ? t('wizard.applying') : held ? t('wizard.requestApproval', { action: applyLabel }) : applyLabel}
                </Button>
              )}
            </div>
          </>
        )}

        {phase === 'done' && apply.data?.mode === 'requested' && (
          <>
            <p className="mb-3 text-sm font-medium text-amber-900" data-testid="wizard-requested">
              {t('wizard.requested', { summary: apply.data.request?.summary ?? '' })}
            </p>
            <div className="mt-6 flex justify-end">
              <Button onClick={onClose}>{t('wizard.close')}</Button>
            </div>
          </>
        )}

        {phase === 'done' && apply.data && apply.data.mode !== 'requested' && (
          <>
            <p className="mb-3 text-sm font-medium text-emerald-800" data-testid="wizard-done">
              {t('wizard.applied')}
            </p>
            <PlanPreview steps={apply.data.steps} outcomes={apply.data.outcomes} />
            <div className="mt-6 flex justify-end">
              <Button onClick={onClose}>{t('wizard.close')}</Button>
            </div>
          </>
        )}
      </div>
    </Modal>
  );
}
