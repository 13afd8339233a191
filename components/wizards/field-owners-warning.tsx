'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Button } from '@/components/ui/field';
import type { PreviewStep } from '@/lib/changes/preview';
import type { FieldOwner } from '@/lib/mesh/field-owners';

/** An owner in the reader's words: "Argo CD (field manager argocd-controller) owns spec.http of VirtualService/reviews". */
export function useOwnerText() {
  const { t } = useI18n();
  return (step: PreviewStep, owner: FieldOwner) =>
    t('owners.owns', {
      tool: t('owners.toolName', { tool: owner.tool, manager: owner.manager }),
      manager: owner.manager,
      fields: owner.fields.length ? owner.fields.join(', ') : t('owners.wholeObject'),
      object: `${step.kind}/${step.name}`,
    });
}

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function CommitButtons({ step }: { step: PreviewStep }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<'yaml' | 'patch' | 'failed'>();
  const base = `${step.kind}-${step.name}`.toLowerCase();
  const copy = (what: 'yaml' | 'patch', text: string) =>
    navigator.clipboard.writeText(text).then(
      () => setCopied(what),
      () => setCopied('failed'),
    );
  return (
    <div className="mt-2 flex flex-wrap items-center gap-2">
      {step.yaml && (
        <>
          <Button tone="secondary" onClick={() => void copy('yaml', step.yaml!)}>
            {t('owners.copyYaml')}
          </Button>
          <Button tone="secondary" onClick={() => download(`${base}.yaml`, step.yaml!, 'application/yaml')}>
            {t('owners.downloadYaml')}
          </Button>
        </>
      )}
      {step.diff && (
        <>
          <Button tone="secondary" onClick={() => void copy('patch', step.diff!)}>
            {t('owners.copyPatch')}
          </Button>
          <Button tone="secondary" onClick={() => download(`${base}.patch`, step.diff!, 'text/x-diff')}>
            {t('owners.downloadPatch')}
          </Button>
        </>
      )}
      <span role="status" className="text-xs" data-testid="owners-copied">
        {copied === 'failed' ? t('owners.copyFailed') : copied ? t('owners.copied') : ''}
      </span>
    </div>
  );
}

/**
 * The review step's warning when a controller that reverts direct edits (Argo CD, Flux, Flagger, Argo Rollouts,
 * KubeVela) owns fields the change writes: who owns which fields, and the change as YAML / patch to commit.
 */
export function FieldOwnersWarning({ steps }: { steps: PreviewStep[] }) {
  const { t } = useI18n();
  const ownerText = useOwnerText();
  const reverted = steps.filter((step) => step.owners?.some((owner) => owner.reverts));
  if (reverted.length === 0) return null;
  return (
    <div className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="alert" data-testid="field-owners-warning">
      <p className="font-medium">{t('owners.title')}</p>
      <ul className="mt-2 space-y-3">
        {reverted.map((step, index) => (
          <li key={index} data-testid="field-owners-step">
            {step.owners!
              .filter((owner) => owner.reverts)
              .map((owner) => (
                <p key={owner.manager}>{ownerText(step, owner)}</p>
              ))}
            <CommitButtons step={step} />
          </li>
        ))}
      </ul>
      <p className="mt-2">{t('owners.advice')}</p>
    </div>
  );
}
