import 'server-only';
import { runIntent, type ChangeTarget } from '@/lib/changes/pipeline';
import type { ClusterTarget } from '@/lib/k8s/clusters';
import type { Intent } from '@/lib/mesh/intents';
import type { ServiceState } from '@/lib/mesh/registry';
import { appendHistory } from '@/lib/release/history';
import { withEvent } from '@/lib/release/hooks-model';
import type { ContentPolicy } from '@/lib/mesh/types';
import { ruleSummary, stepSplit, type Because, type PendingAction, type ReleaseObject, type ReleaseSpec, type ReleaseStatus, type SplitSnapshot } from '@/lib/release/model';
import { reason, statusMessage } from './status-message';

/*
 * What the controller does with an action it has written down as `pending`: the routing changes, through the
 * write pipeline, and the status that records the outcome.
 */

export const CONTROLLER_USER = 'weir-controller';

/** The status once a pending action is done: the history entry, the phase the run goes on in (or ends in), and its event. */
export function doneStatus(status: ReleaseStatus, spec: ReleaseSpec, pending: PendingAction, after: SplitSnapshot, now: string): ReleaseStatus {
  const done = doneWithoutEvent(status, spec, pending, after, now);
  const kind = pending.kind === 'step' ? 'step' : pending.kind === 'promote' ? 'promoted' : 'rolled-back';
  return withEvent(done, spec, { kind, ...(pending.kind === 'step' ? { step: pending.step, weight: pending.weight } : {}), reason: pending.reason }, now);
}

function doneWithoutEvent(status: ReleaseStatus, spec: ReleaseSpec, pending: PendingAction, after: SplitSnapshot, now: string): ReleaseStatus {
  const history = appendHistory(status.history, {
    time: now,
    user: pending.user,
    action: `progressive-${pending.kind}`,
    from: pending.from,
    to: after,
    ...(pending.kind === 'step' ? stepReason(spec, pending) : { reason: pending.reason, why: pending.why }),
  });
  const base = { ...status, pending: undefined, waitingFor: undefined, promoteRequested: undefined, abortRequested: undefined, history };
  if (pending.kind !== 'step') {
    // The run is over: its requests still waiting have nothing left to release.
    base.approvals = status.approvals?.map((item) => (item.state === 'Pending' && item.run === status.run?.id ? { ...item, state: 'Superseded' as const } : item));
  }
  if (pending.kind === 'step') {
    const next = spec.steps?.[pending.step];
    const done = spec.steps?.[pending.step - 1];
    const said =
      done && 'setRule' in done
        ? statusMessage('release.status.ruleStep', { step: pending.step, version: spec.grayVersion ?? '', rule: ruleSummary(done.setRule) })
        : done && 'setMirror' in done
          ? statusMessage('release.status.mirrorStep', { step: pending.step, version: spec.grayVersion ?? '', percent: done.setMirror })
          : next && 'pause' in next
        ? statusMessage('release.status.pausing', { step: pending.step, version: spec.grayVersion ?? '', weight: pending.weight, duration: next.pause })
        : statusMessage('release.status.step', { step: pending.step, version: spec.grayVersion ?? '', weight: pending.weight });
    return { ...base, phase: 'Progressing', currentStep: pending.step, currentWeight: pending.weight, stepStartedAt: now, ...said };
  }
  if (pending.kind === 'promote') {
    return { ...base, phase: 'Succeeded', currentWeight: 100, ...statusMessage('release.status.promoted', { version: spec.grayVersion ?? '' }) };
  }
  return { ...base, phase: 'RolledBack', currentWeight: 0, ...statusMessage('release.status.rolledBack', { stable: spec.stableVersion ?? '', reason: pending.why ?? pending.reason }) };
}

/** A step's line in the history: `step 2: v2 at 20% (success rate …)`. */
function stepReason(spec: ReleaseSpec, pending: PendingAction): Because {
  const planned = spec.steps?.[pending.step - 1];
  const version = spec.grayVersion ?? '';
  const words =
    planned && 'setRule' in planned
      ? reason('release.reason.stepRule', { rule: ruleSummary(planned.setRule), version })
      : planned && 'setMirror' in planned
        ? reason('release.reason.stepMirror', { percent: planned.setMirror, version })
        : reason('release.reason.stepWeight', { version, weight: pending.weight });
  const why = pending.why ?? { code: 'release.reason.text', params: { text: pending.reason } };
  return reason('release.reason.step', { step: pending.step, words: words.why, why });
}

/** The same content rule, whatever the order of its conditions or of their fields. */
function samePolicy(a: ContentPolicy, b: ContentPolicy): boolean {
  const key = (policy: ContentPolicy) =>
    `${policy.match}:${policy.conditions
      .map((c) => (c.on === 'cookie' ? `cookie|${c.value}` : `header|${c.name.toLowerCase()}|${c.operator}|${c.value}`))
      .sort()
      .join('\n')}`;
  return key(a) === key(b);
}

/** A step that could not be applied counts as a failed check; a promotion or rollback that failed stops the release. */
export function failedStatus(status: ReleaseStatus, pending: PendingAction, failure: string, now: string): ReleaseStatus {
  const base = { ...status, pending: undefined, waitingFor: undefined };
  if (pending.kind === 'step') {
    return { ...base, phase: 'Progressing', failedChecks: (status.failedChecks ?? 0) + 1, stepStartedAt: now, ...statusMessage('release.status.stepFailed', { step: pending.step, failure }) };
  }
  return { ...base, phase: 'Failed', ...statusMessage('release.status.actionFailed', { action: pending.kind, failure }) };
}

/**
 * The routing changes of a pending action, through the write pipeline as the console, on the state the
 * controller holds (each change hands its resulting state to the next). Returns the service afterwards.
 */
export async function applyPending(target: ClusterTarget, release: ReleaseObject, pending: PendingAction, held: ServiceState): Promise<ServiceState> {
  const spec = release.spec!;
  const change: ChangeTarget = { writer: target.kubeConfig, actor: CONTROLLER_USER, cluster: target.name, namespace: release.metadata!.namespace!, service: spec.service };
  let state = held;
  const run = async (intent: Intent) => {
    state = (await runIntent(change, intent, 'apply', { record: false, state, refuseReverted: true })).state;
  };
  const weightOf = (version: string) => state.view.versions.find((v) => v.name === version)?.weight ?? 0;
  const hasRules = () => state.view.versions.some((v) => v.rules.length > 0);
  const mirrored = () => state.view.mirror?.version === spec.grayVersion;
  // Session affinity is lifted before the gray version takes over or goes: its cookie would pin users to a rule that is gone.
  const unstick = async () => {
    if (state.view.sticky) await run({ type: 'set-sticky', expected: state.view.splitEtag, version: state.view.sticky.version, cookie: null });
  };

  const planned = pending.kind === 'step' ? spec.steps?.[pending.step - 1] : undefined;
  if (planned && 'setRule' in planned) {
    // A/B by content: the matching requests to the gray version (the same intent as the gray-by-header wizard).
    const gray = state.view.versions.find((v) => v.name === spec.grayVersion);
    const same = gray?.rules.length === 1 && samePolicy(gray.rules[0]!.policy, planned.setRule);
    if (!same) await run({ type: 'set-content-rule', expected: state.view.splitEtag, version: spec.grayVersion!, policy: planned.setRule });
    return state;
  }
  if (planned && 'setMirror' in planned) {
    // Blue/green: a copy of the requests to the gray version, its answers dropped; stable keeps answering them all.
    if (!mirrored() || state.view.mirror?.percent !== planned.setMirror) await run({ type: 'set-mirror', expected: state.view.splitEtag, version: spec.grayVersion!, percent: planned.setMirror });
    return state;
  }
  if (pending.kind === 'step') {
    const weights = stepSplit(spec, pending.weight, state.view.versions.map((v) => v.name));
    const already = Object.entries(weights).every(([version, weight]) => weightOf(version) === weight);
    if (!already) await run({ type: 'set-weights', expected: state.view.splitEtag, weights });
    // Session affinity once the gray version has a weight: its answers set the cookie, requests with it stay on it.
    const affinity = spec.sessionAffinity;
    const sticky = state.view.sticky;
    if (affinity && pending.weight > 0 && (!sticky || sticky.version !== spec.grayVersion || sticky.cookie !== affinity.cookieName || sticky.maxAge !== affinity.maxAge)) {
      await run({ type: 'set-sticky', expected: state.view.splitEtag, version: spec.grayVersion!, cookie: { name: affinity.cookieName, maxAge: affinity.maxAge } });
    }
    return state;
  }
  if (pending.kind === 'promote') {
    await unstick();
    // All traffic to the gray version at once (for blue/green, the switch); taking over drops the mirror too.
    if (weightOf(spec.grayVersion!) !== 100 || hasRules() || mirrored()) await run({ type: 'take-over', expected: state.view.splitEtag, version: spec.grayVersion! });
    if (spec.deleteOldVersion && state.view.versions.some((v) => v.name === spec.stableVersion)) {
      await run({ type: 'delete-version', expected: state.view.splitEtag, version: spec.stableVersion!, keepWorkload: false });
    }
    return state;
  }
  // Rollback: stable takes all traffic back (content rules to the gray version go too, and the mirror to it), then
  // the gray version's Deployments scale to 0, in that order, so no request is routed to a version going away.
  if (mirrored()) await run({ type: 'set-mirror', expected: state.view.splitEtag, version: null, percent: 100 });
  await unstick();
  if (weightOf(spec.stableVersion!) !== 100 || hasRules()) await run({ type: 'take-over', expected: state.view.splitEtag, version: spec.stableVersion! });
  const gray = state.view.versions.find((v) => v.name === spec.grayVersion);
  if (gray && gray.desired > 0 && gray.workloads.some((w) => w.form === 'pods')) {
    await run({ type: 'scale-version', expected: state.view.splitEtag, version: gray.name, replicas: 0 });
  }
  return state;
}
