import 'server-only';
import { type KubeConfig, type KubernetesObject, type KubernetesObjectApi, type V1Deployment } from '@kubernetes/client-node';
import { weirEnv } from '@/lib/config/env';
import { WEIR_FIELD_MANAGER } from '@/lib/mesh/field-owners';
import type { Plan, PlanStep } from '@/lib/mesh/types';
import { apiRefusalOf } from './api-status';
import { objectApi } from './object-api';

export type ApplyMode = 'dry-run' | 'apply';

/** What happened to one step, for the result screen and the release history. */
export interface StepOutcome {
  action: PlanStep['action'];
  kind: string;
  name: string;
  status: 'done' | 'dry-run' | 'failed' | 'undone' | 'skipped';
  message?: string;
}

/** A plan that failed part-way: which step, why, and what was undone to get back to a safe state. */
export class PlanFailure extends Error {
  constructor(
    readonly cause: unknown,
    readonly outcomes: StepOutcome[],
  ) {
    super('The change failed part-way and was undone');
  }
}

/** A plan carried out: what happened to each step, and the objects as the API server returned them. */
export interface AppliedPlan {
  outcomes: StepOutcome[];
  /** Per step, in order: the created / replaced object, the deleted one, or the Deployment once ready. */
  objects: KubernetesObject[];
}

function describeStep(step: PlanStep): { kind: string; name: string } {
  if (step.action === 'wait-ready') return { kind: 'Deployment', name: step.deployment.name };
  return { kind: step.object.kind ?? '', name: step.object.metadata?.name ?? '' };
}

/** Polls the API server until the Deployment has `replicas` ready, up-to-date pods. */
async function waitReady(api: KubernetesObjectApi, namespace: string, name: string, replicas: number): Promise<V1Deployment> {
  const timeoutMs = weirEnv().WEIR_WAIT_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const deployment = await api.read<V1Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } });
    const status = deployment.status ?? {};
    const observed = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0);
    if (observed && (status.readyReplicas ?? 0) >= replicas && (status.updatedReplicas ?? 0) >= replicas) return { ...deployment, apiVersion: 'apps/v1', kind: 'Deployment' };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Deployment ${namespace}/${name} did not become ready (${replicas} replicas) within ${timeoutMs / 1000} s`);
}

/** Polls the API server until the object's status has condition `type` with status True. */
async function waitCondition(api: KubernetesObjectApi, object: KubernetesObject, type: string): Promise<KubernetesObject> {
  const timeoutMs = weirEnv().WEIR_WAIT_READY_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const current = await api.read<KubernetesObject & { status?: { conditions?: { type?: string; status?: string }[] } }>(object as KubernetesObject & { metadata: { name: string; namespace: string } });
    if (current.status?.conditions?.some((condition) => condition.type === type && condition.status === 'True')) return { ...current, apiVersion: object.apiVersion, kind: object.kind };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${object.kind} ${object.metadata?.namespace}/${object.metadata?.name} did not report ${type} within ${timeoutMs / 1000} s`);
}

/**
 * Carries out a plan's steps in order, as the given identity. With `dry-run` every write is sent with
 * dryRun=All (the API server validates and admits it, nothing is stored) and waits are skipped. When a step
 * fails, what was already done is undone in reverse order and a PlanFailure says what happened.
 */
export async function applyPlan(kubeConfig: KubeConfig, plan: Plan, mode: ApplyMode): Promise<AppliedPlan> {
  const api = objectApi(kubeConfig);
  const dryRun = mode === 'dry-run' ? 'All' : undefined;
  const outcomes: StepOutcome[] = [];
  const objects: KubernetesObject[] = [];
  const undo: { outcome: StepOutcome; run: () => Promise<unknown> }[] = [];

  for (const step of plan.steps) {
    const outcome: StepOutcome = { action: step.action, ...describeStep(step), status: mode === 'apply' ? 'done' : 'dry-run' };
    try {
      switch (step.action) {
        case 'create': {
          const created = await api.create(step.object, undefined, dryRun, WEIR_FIELD_MANAGER);
          objects.push(created);
          if (!dryRun) undo.push({ outcome, run: () => api.delete(created) });
          break;
        }
        case 'replace': {
          const replaced = await api.replace(step.object, undefined, dryRun, WEIR_FIELD_MANAGER);
          objects.push(replaced);
          if (!dryRun) {
            const restore: KubernetesObject = { ...step.before, metadata: { ...step.before.metadata, resourceVersion: replaced.metadata?.resourceVersion } };
            undo.push({ outcome, run: () => api.replace(restore, undefined, undefined, WEIR_FIELD_MANAGER) });
          }
          break;
        }
        case 'delete': {
          // The precondition makes the delete fail rather than remove an object changed since the plan.
          await api.delete(step.object, undefined, dryRun, undefined, undefined, 'Background', {
            preconditions: { resourceVersion: step.object.metadata?.resourceVersion },
          });
          objects.push(step.object);
          break;
        }
        case 'wait-ready':
          if (dryRun) {
            outcome.status = 'skipped';
            objects.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: step.deployment });
          } else objects.push(await waitReady(api, step.deployment.namespace, step.deployment.name, step.replicas));
          break;
        case 'wait-condition':
          if (dryRun) {
            outcome.status = 'skipped';
            // The object as the plan's dry-run create returned it, so the view after the plan still has it whole.
            const same = (o: KubernetesObject) => o.kind === step.object.kind && o.metadata?.name === step.object.metadata?.name;
            objects.push(objects.find(same) ?? step.object);
          } else objects.push(await waitCondition(api, step.object, step.condition));
          break;
      }
      outcomes.push(outcome);
    } catch (error) {
      // The API server's message on the step it refused (a rejected dry run says why here too).
      outcomes.push({ ...outcome, status: 'failed', message: apiRefusalOf(error).message });
      for (const done of undo.reverse()) {
        try {
          await done.run();
          done.outcome.status = 'undone';
        } catch (undoError) {
          done.outcome.message = `could not be undone: ${apiRefusalOf(undoError).message}`;
        }
      }
      throw new PlanFailure(error, outcomes);
    }
  }
  return { outcomes, objects };
}
