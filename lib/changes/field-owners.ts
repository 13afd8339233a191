import 'server-only';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { objectApi } from '@/lib/k8s/object-api';
import { fieldOwners, type FieldOwner } from '@/lib/mesh/field-owners';
import type { Plan } from '@/lib/mesh/types';
import type { PreviewStep } from './preview';

/**
 * Per plan step, the field managers that own what it changes. The objects a fresh plan starts from carry their
 * managedFields; the watch cache drops them (the controller plans on it), so those are read once more.
 */
export async function planOwners(kubeConfig: KubeConfig, plan: Plan): Promise<FieldOwner[][]> {
  return Promise.all(
    plan.steps.map(async (step) => {
      if (step.action !== 'replace' && step.action !== 'delete') return [];
      const before = step.action === 'replace' ? step.before : step.object;
      return fieldOwners(await withManagedFields(kubeConfig, before), step.action === 'replace' ? step.object : undefined);
    }),
  );
}

async function withManagedFields(kubeConfig: KubeConfig, object: KubernetesObject): Promise<KubernetesObject> {
  if (object.metadata?.managedFields) return object;
  const current = await objectApi(kubeConfig).read(object as KubernetesObject & { metadata: { name: string } });
  return { ...object, metadata: { ...object.metadata, managedFields: current.metadata?.managedFields ?? [] } };
}

/** The first step on an object of one of `kinds` whose change another controller would put back, and that controller. */
export function revertedStep(steps: PreviewStep[], kinds: readonly string[]): { step: PreviewStep; owner: FieldOwner } | undefined {
  for (const step of steps) {
    if (!kinds.includes(step.kind)) continue;
    const owner = step.owners?.find((candidate) => candidate.reverts);
    if (owner) return { step, owner };
  }
  return undefined;
}

/** A change refused because a controller that reverts it owns fields it writes (the progressive controller's rule). */
export class OwnedElsewhere extends Error {
  constructor(
    readonly step: PreviewStep,
    readonly owner: FieldOwner,
  ) {
    super(`${owner.manager} owns ${owner.fields.join(', ') || 'all'} of ${step.kind}/${step.name}; a change there would be reverted at its next sync`);
    this.name = 'OwnedElsewhere';
  }
}
