import 'server-only';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { apiRefusalOf } from '@/lib/k8s/api-status';
import { applyPlan, PlanFailure, type AppliedPlan, type StepOutcome } from '@/lib/k8s/apply-plan';
import { consoleIdentity } from '@/lib/k8s/clusters';
import { conflict, MeshError } from '@/lib/mesh/errors';
import type { Intent } from '@/lib/mesh/intents';
import { kindOfObject, planIntent, readService, type ServiceState } from '@/lib/mesh/registry';
import type { WrittenObject } from '@/lib/mesh/snapshot';
import { splitOf } from '@/lib/mesh/split';
import type { Plan, ReleaseView } from '@/lib/mesh/types';
import { recordChange, type HistoryEntry } from '@/lib/release/history';
import type { ApprovalRequest } from '@/lib/release/model';
import { OwnedElsewhere, planOwners, revertedStep } from './field-owners';
import { previewOf, type PreviewStep } from './preview';
import { freshServiceState } from './state';
import { say } from '@/lib/i18n/messages';

/*
 * The one write pipeline: plan an intent on a service, preview it (diff + server-side dry run), apply it in
 * safety order with undo, and record it in the service's history. The intents route, approvals and the
 * progressive controller all come through here.
 */

/** Who writes, and where. */
export interface ChangeTarget {
  /** The identity every write (and, for user changes, every read) is sent with: the API server has the last word. */
  writer: KubeConfig;
  /** Who the history names. */
  actor: string;
  cluster: string;
  namespace: string;
  service: string;
}

export interface IntentResult {
  /** `requested`: the approval policy held the change; a team lead's approval will apply it. */
  mode: 'preview' | 'apply' | 'requested';
  /** The pending approval request, when the change was held. */
  request?: Omit<ApprovalRequest, 'intent'>;
  steps: PreviewStep[];
  outcomes: StepOutcome[];
  /** The release after the change (apply), or as it is now (preview). */
  view: ReleaseView;
  /** False when the change was made but its history entry could not be written (the change still stands). */
  historyRecorded?: boolean;
}

export interface RunOptions {
  /** Write the history entry (default); the controller records its steps in its own status write instead. */
  record?: boolean;
  reason?: string;
  /** The service as the caller already holds it (the controller, from its watch cache): no fresh reads. */
  state?: ServiceState;
  /**
   * Refuse (OwnedElsewhere) a change to routing that another controller would revert: the progressive controller
   * never fights one. (Workloads are left out: a rollback still scales the gray version down.)
   */
  refuseReverted?: boolean;
}

/** What the browser is told (`result`), and the service as it now stands, for callers that go on (`state`). */
export interface Change {
  result: IntentResult;
  state: ServiceState;
}

const MAX_ATTEMPTS = 4;

/** A replace refused because the object changed since it was read (409 Conflict, not AlreadyExists). */
function isWriteConflict(error: unknown): boolean {
  if (!(error instanceof PlanFailure) || !(error.cause instanceof ApiException) || error.cause.code !== 409) return false;
  return apiRefusalOf(error.cause).reason === 'Conflict';
}

/** The objects a plan wrote, to fold into the snapshot it was planned on. */
function writtenObjects(plan: Plan, applied: AppliedPlan): WrittenObject[] {
  return plan.steps.flatMap((step, index): WrittenObject[] => {
    const object = applied.objects[index];
    const info = object && kindOfObject(object);
    return info ? [{ info, object, deleted: step.action === 'delete' }] : [];
  });
}

/** The service after an applied plan, read from the snapshot the plan started from plus what it wrote: no re-read. */
export function stateAfter(state: ServiceState, plan: Plan, applied: AppliedPlan): ServiceState {
  const after = readService(state.snapshot.withWrites(writtenObjects(plan, applied)), state.objects.serviceName, state.provider);
  return { ...after, claimants: state.claimants };
}

/**
 * Plans an intent on the newest objects and either previews it (diff + server-side dry run) or applies it.
 * A write conflict is never retried blindly: the objects are read again, and the plan is only recomputed when
 * the split the user saw (`expected`) is still the split there is; otherwise the answer is 409 with the
 * current view.
 */
export async function runIntent(target: ChangeTarget, intent: Intent, mode: 'preview' | 'apply', options: RunOptions = {}): Promise<Change> {
  for (let attempt = 1; ; attempt += 1) {
    const state = attempt === 1 && options.state ? options.state : await freshServiceState(target, intent);
    const { view } = state;
    if ('expected' in intent && intent.expected !== view.splitEtag) {
      throw conflict(say('server.splitChanged', { host: view.host }), { current: view });
    }
    const plan = planWithIntentFields(state, intent);
    const steps = previewOf(plan, await planOwners(target.writer, plan));
    const reverted = options.refuseReverted ? revertedStep(steps, state.provider.kinds.map((info) => info.kind)) : undefined;
    if (reverted) throw new OwnedElsewhere(reverted.step, reverted.owner);
    try {
      const applied = await applyPlan(target.writer, plan, mode === 'preview' ? 'dry-run' : 'apply');
      if (mode === 'preview' || plan.steps.length === 0) return { result: { mode, steps, outcomes: applied.outcomes, view }, state };
      const after = stateAfter(state, plan, applied);
      if (options.record === false) return { result: { mode, steps, outcomes: applied.outcomes, view: after.view }, state: after };
      const historyRecorded = await recordQuietly(target, {
        time: new Date().toISOString(),
        user: target.actor,
        action: intent.type,
        from: splitOf(view),
        to: splitOf(after.view),
        ...(options.reason ? { reason: options.reason } : {}),
      });
      return { result: { mode, steps, outcomes: applied.outcomes, view: after.view, historyRecorded }, state: after };
    } catch (error) {
      if (isWriteConflict(error) && attempt < MAX_ATTEMPTS) continue;
      if (error instanceof PlanFailure) throw planFailureError(error, steps);
      throw error;
    }
  }
}

/** Records a change in the service's Release history; a failure is logged and reported, never undoes the change. */
async function recordQuietly(target: ChangeTarget, entry: HistoryEntry): Promise<boolean> {
  try {
    await recordChange(consoleIdentity(target.cluster), target.namespace, target.service, entry);
    return true;
  } catch (error) {
    console.error(`[weir] could not record the history of ${target.service}.${target.namespace}:`, error instanceof Error ? error.message.split('\n')[0] : error);
    return false;
  }
}

/** Planner errors name fields inside the intent; the request body nests the intent under `intent`. */
function planWithIntentFields(state: ServiceState, intent: Intent): Plan {
  try {
    return planIntent(state, intent);
  } catch (error) {
    if (error instanceof MeshError && error.fields.length > 0) throw error.nested('intent');
    throw error;
  }
}

/**
 * A plan the API server refused part-way (or in its dry run) as HTTP: the API server's code, reason and message,
 * and in `details` the plan's steps with what happened to each, so the wizard can show the refusal on its step.
 */
function planFailureError(failure: PlanFailure, steps: PreviewStep[]): HttpError {
  const { code, reason, message } = apiRefusalOf(failure.cause);
  const status = code !== undefined && code >= 400 ? code : 500;
  const said = code === undefined ? say('server.planFailed', { message }) : say('server.kubernetes', { reason: reason ?? 'KubernetesError', message });
  return new HttpError(status, reason ?? (status === 500 ? 'PlanFailed' : 'KubernetesError'), said, undefined, { steps, outcomes: failure.outcomes });
}
