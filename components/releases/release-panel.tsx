'use client';

import Link from 'next/link';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Button, inputClass } from '@/components/ui/field';
import { StatusBadge } from '@/components/ui/status-badge';
import type { ReleaseState } from '@/lib/console/services';
import { isActive, type ApprovalPolicy, type Phase } from '@/lib/release/model';
import type { ServiceRef } from '@/components/services/use-release';
import { useReleaseAction } from './use-release-action';
import { AnalysisDetails } from './analysis-details';
import { PlanSteps } from './plan-editor';

const PHASE_TONE: Record<Phase, 'ok' | 'warn' | 'error' | 'info' | 'neutral'> = {
  Pending: 'neutral',
  Progressing: 'info',
  WaitingApproval: 'warn',
  Promoting: 'info',
  Succeeded: 'ok',
  RolledBack: 'error',
  Failed: 'error',
  Paused: 'warn',
};

/** The approval policies as <option>s, for the panel's select and the progressive wizard's. */
export function ApprovalPolicyOptions() {
  const { t } = useI18n();
  return (['none', 'beforePromotion', 'beforeEveryStep'] as const).map((value) => (
    <option key={value} value={value}>
      {t(`approvalPolicy.${value}`)}
    </option>
  ));
}

/** The gray version's steps as a row of cells, filled up to the current one. */
function StepBar({ steps, current }: { steps: number[]; current: number }) {
  const { t } = useI18n();
  return (
    <ol className="flex gap-1" aria-label={t('release.stepOf', { step: current, steps: steps.length })}>
      {steps.map((weight, index) => (
        <li
          key={weight}
          title={`${weight}%`}
          data-done={index < current}
          className={`h-2 flex-1 rounded-sm ${index < current ? 'bg-brand-600' : 'bg-slate-200'}`}
        />
      ))}
    </ol>
  );
}

/**
 * The service's Release: the approval policy for manual changes, and the progressive release (phase, step,
 * checks, controls). Controls show only to those who may update Releases; the server checks again.
 */
export function ReleasePanel({
  service,
  release,
  canManage,
  onStart,
  fixImage,
}: {
  service: ServiceRef;
  release?: ReleaseState;
  canManage: boolean;
  onStart: () => void;
  /** After a rollback: the gray version, offered a fixed image before a new release. */
  fixImage?: { version: string; desired: number; open: () => void };
}) {
  const { t, describe } = useI18n();
  const action = useReleaseAction(service);
  const status = release?.status;
  const spec = release?.spec;
  // The step done last, when it is a blue/green mirror: the progress line says what the gray version gets then.
  const doneStep = spec?.steps?.[(status?.currentStep ?? 0) - 1];
  const mirrorStep = doneStep && 'setMirror' in doneStep ? doneStep : undefined;
  const active = spec?.strategy === 'progressive' && isActive(status);
  const policy: ApprovalPolicy = spec?.approval ?? 'none';

  return (
    <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="release-panel">
      {action.error && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-800" data-testid="release-error">
          {describe(action.error)}
        </p>
      )}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {status?.phase ? (
            <StatusBadge tone={PHASE_TONE[status.phase]}>
              <span data-testid="release-phase">{t(`phase.${status.phase}`)}</span>
            </StatusBadge>
          ) : (
            <StatusBadge tone="neutral">{t('release.manual')}</StatusBadge>
          )}
          {spec?.strategy === 'progressive' && status?.run && (
            <span className="text-slate-700">
              {t('release.versions', { stable: spec.stableVersion ?? '', gray: spec.grayVersion ?? '', user: status.run.startedBy })}
            </span>
          )}
        </div>
        <label className="flex items-center gap-2 text-xs text-slate-600">
          {t('release.policyLabel')}
          <select
            className={`${inputClass} w-auto py-1 text-xs`}
            value={policy}
            disabled={!canManage || action.isPending}
            data-testid="approval-policy"
            onChange={(event) => action.mutate({ action: 'set-policy', approval: event.target.value as ApprovalPolicy })}
          >
            <ApprovalPolicyOptions />
          </select>
        </label>
      </div>

      {spec?.strategy === 'progressive' && status?.run && (
        <div className="space-y-2">
          {spec.steps?.length ? (
            <PlanSteps steps={spec.steps} done={status.currentStep ?? 0} />
          ) : (
            <StepBar steps={release!.steps} current={status.currentStep ?? 0} />
          )}
          <p className="text-sm text-slate-700" data-testid="release-progress">
            {t(mirrorStep ? 'release.progressMirror' : 'release.progress', {
              percent: mirrorStep?.setMirror ?? 0,
              step: status.currentStep ?? 0,
              steps: release!.steps.length,
              weight: status.currentWeight ?? 0,
              gray: spec.grayVersion ?? '',
              failed: status.failedChecks ?? 0,
              threshold: spec.threshold ?? 5,
            })}
          </p>
          {status.lastAnalysis && (
            <p className="text-xs text-slate-600" data-testid="release-last-check">
              {t(status.lastAnalysis.passed ? 'release.checkPassed' : 'release.checkFailed', { reason: describe({ ...status.lastAnalysis.why, message: status.lastAnalysis.reason }) })}
            </p>
          )}
          {status.lastAnalysis && <AnalysisDetails analysis={status.lastAnalysis} />}
          {status.message && (
            <p className="text-xs text-slate-500" data-testid="release-message">
              {describe({ code: status.messageCode, params: status.messageParams, message: status.message })}
            </p>
          )}
        </div>
      )}

      {active && release?.controller && release.controller.state !== 'running' && (
        <p role="status" className="rounded-md bg-amber-50 p-2 text-sm text-amber-900" data-testid="controller-liveness" data-state={release.controller.state}>
          {release.controller.state === 'stopped' ? t('release.controllerStopped') : t('release.controllerUnknown', { reason: release.controller.reason })}
        </p>
      )}

      {release?.pendingApprovals.length ? (
        <p className="rounded-md bg-amber-50 p-2 text-sm text-amber-900" data-testid="release-waiting">
          {t('release.waiting', { count: release.pendingApprovals.length, summary: describe({ ...release.pendingApprovals[0]!.summaryWhy, message: release.pendingApprovals[0]!.summary }) })}{' '}
          <Link className="font-medium underline" href="/approvals">
            {t('release.toApprovals')}
          </Link>
        </p>
      ) : null}

      {fixImage && !active && (
        <div className="flex flex-wrap items-center gap-3 rounded-md bg-slate-50 p-2 text-sm text-slate-700" data-testid="fix-image-offer">
          <span>{t('update.offerIntro', { version: fixImage.version, desired: fixImage.desired })}</span>
          <Button tone="secondary" onClick={fixImage.open}>
            {t('update.offer', { version: fixImage.version })}
          </Button>
        </div>
      )}

      {canManage && (
        <div className="flex flex-wrap gap-2">
          {active ? (
            <>
              {status?.phase === 'Paused' ? (
                <Button tone="secondary" onClick={() => action.mutate({ action: 'resume' })} disabled={action.isPending}>
                  {t('release.resume')}
                </Button>
              ) : (
                <Button tone="secondary" onClick={() => action.mutate({ action: 'pause' })} disabled={action.isPending}>
                  {t('release.pause')}
                </Button>
              )}
              <Button tone="secondary" onClick={() => action.mutate({ action: 'promote' })} disabled={action.isPending || Boolean(status?.promoteRequested)}>
                {t('release.promoteNow')}
              </Button>
              <Button tone="danger" onClick={() => action.mutate({ action: 'abort' })} disabled={action.isPending || Boolean(status?.abortRequested)}>
                {t('release.abort', { stable: spec?.stableVersion ?? '' })}
              </Button>
            </>
          ) : (
            <Button onClick={onStart}>{t('release.start')}</Button>
          )}
        </div>
      )}
    </div>
  );
}
