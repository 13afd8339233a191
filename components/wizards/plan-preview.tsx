'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { PreviewStep } from '@/lib/changes/preview';
import type { StepOutcome } from '@/lib/k8s/apply-plan';
import { useOwnerText } from './field-owners-warning';

function DiffView({ diff }: { diff: string }) {
  // Skip the two file-header lines and the "===" banner; colour additions and removals.
  const lines = diff.split('\n').filter((line) => !line.startsWith('===') && !line.startsWith('--- ') && !line.startsWith('+++ ') && !line.startsWith('Index:'));
  return (
    <pre className="overflow-x-auto rounded-md bg-slate-950 p-3 text-xs leading-5 text-slate-200" data-testid="plan-diff">
      {lines.map((line, index) => (
        <div
          key={index}
          className={line.startsWith('+') ? 'bg-emerald-900/50 text-emerald-200' : line.startsWith('-') ? 'bg-red-900/50 text-red-200' : line.startsWith('@@') ? 'text-sky-300' : ''}
        >
          {line || ' '}
        </div>
      ))}
    </pre>
  );
}

/** The ordered steps of a plan: what each does to which object, its diff, and how the dry run went. */
export function PlanPreview({ steps, outcomes, showYaml }: { steps: PreviewStep[]; outcomes: StepOutcome[]; showYaml?: boolean }) {
  const { t } = useI18n();
  const ownerText = useOwnerText();
  if (steps.length === 0) return <p className="text-sm text-slate-600">{t('wizard.noChange')}</p>;
  return (
    <ol className="space-y-4" data-testid="plan-steps">
      {steps.map((step, index) => {
        const outcome = outcomes[index];
        return (
          <li key={index} className="space-y-2">
            <div className="flex items-center gap-2 text-sm">
              <span className="flex h-6 w-6 items-center justify-center rounded-full bg-slate-200 text-xs font-semibold">{index + 1}</span>
              <span className="font-medium">{t(`plan.${step.action}` as 'plan.create', { kind: step.kind, name: step.name, replicas: step.replicas ?? 0 })}</span>
              {outcome && (
                <span className={`text-xs ${outcome.status === 'failed' ? 'text-red-700' : 'text-emerald-700'}`}>
                  {t(`plan.status.${outcome.status}`)}
                  {outcome.message ? `: ${outcome.message}` : ''}
                </span>
              )}
            </div>
            {step.owners && (
              <p className="text-xs text-slate-600" data-testid="plan-step-owners">
                {t('owners.stepOwners', { owners: step.owners.map((owner) => ownerText(step, owner)).join('; ') })}
              </p>
            )}
            {step.diff &&
              (step.action === 'replace' ? (
                <DiffView diff={step.diff} />
              ) : (
                // A whole new (or removed) object is long and all one colour: folded, one click away.
                <details className="text-xs">
                  <summary className="cursor-pointer text-slate-600">{t('plan.showObject', { lines: step.diff.split('\n').length })}</summary>
                  <DiffView diff={step.diff} />
                </details>
              ))}
            {showYaml && step.yaml && (
              <details className="text-xs">
                <summary className="cursor-pointer text-slate-600">{t('wizard.yamlToCommit')}</summary>
                <pre className="mt-1 overflow-x-auto rounded-md bg-slate-100 p-3">{step.yaml}</pre>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
