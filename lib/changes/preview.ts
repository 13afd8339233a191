import type { FieldOwner } from '@/lib/mesh/field-owners';
import type { Plan } from '@/lib/mesh/types';
import { objectDiff, objectYaml } from './object-yaml';

/** One step of a plan as the preview shows it: what changes, as a diff, and the YAML to commit instead. */
export interface PreviewStep {
  action: string;
  kind: string;
  name: string;
  diff?: string;
  yaml?: string;
  replicas?: number;
  /** A wait-condition step's condition (`Healthy`). */
  condition?: string;
  /** Field managers that own what the step changes (the review step warns about those that revert it). */
  owners?: FieldOwner[];
}

/** The plan in the words and diffs the review step shows. */
export function previewOf(plan: Plan, owners: FieldOwner[][] = []): PreviewStep[] {
  return plan.steps.map((step, index) => {
    if (step.action === 'wait-ready') return { action: step.action, kind: 'Deployment', name: step.deployment.name, replicas: step.replicas };
    if (step.action === 'wait-condition') return { action: step.action, kind: step.object.kind ?? '', name: step.object.metadata?.name ?? '', condition: step.condition };
    const name = `${step.object.kind}/${step.object.metadata?.name}`;
    const before = step.action === 'create' ? undefined : step.action === 'replace' ? step.before : step.object;
    const after = step.action === 'delete' ? undefined : step.object;
    return { action: step.action, kind: step.object.kind ?? '', name: step.object.metadata?.name ?? '', diff: objectDiff(name, before, after), yaml: after ? objectYaml(after) : undefined, ...(owners[index]?.length ? { owners: owners[index] } : {}) };
  });
}
