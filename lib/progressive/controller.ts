import 'server-only';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HttpError } from '@/lib/http/errors';
import type { ClusterTarget } from '@/lib/k8s/clusters';
import { cachedSnapshot } from '@/lib/k8s/snapshots';
import { clusterCache } from '@/lib/k8s/watch-cache';
import { readService, type ServiceState } from '@/lib/mesh/registry';
import { splitOf } from '@/lib/mesh/split';
import { releaseEvent } from '@/lib/release/events';
import { decide, durationMs, failedChecksReason, isActive, stepSplit, type Decision, type PendingAction, type ReleaseObject, type ReleaseStatus, type SplitSnapshot } from '@/lib/release/model';
import { replaceStatus, StatusConflict, updateStatus } from '@/lib/release/store';
import { withEvent, type HookType } from '@/lib/release/hooks-model';
import { appendHistory } from '@/lib/release/history';
import { analyseGray } from './analysis';
import { describeAnswer, firstFailing, rollbackAsked } from './hooks';
import { deliverOutbox } from './notify';
import { CONTROLLER_USER, applyPending, doneStatus, failedStatus } from './pending';
import { LeaseElector } from './lease';
import { CONTROLLER_LEASE } from './liveness';
import { approvalSummary, reason, statusMessage } from './status-message';
import { OwnedElsewhere } from '@/lib/changes/field-owners';
import { refusedStatus } from './refusal';

export { CONTROLLER_USER };

export interface ControllerOptions {
  clusters: ClusterTarget[];
  /** Namespace of the election Lease (the console's own namespace). */
  leaseNamespace: string;
  leaseSeconds: number;
  tickMs: number;
  prometheusUrlFor: (cluster: string) => string | undefined;
  identity?: string;
}

export interface RunningController {
  stop(): Promise<void>;
  /** Whether this process leads the given cluster right now. */
  leads(cluster: string): boolean;
}

/**
 * The progressive-delivery loop. One replica per cluster leads (a Lease); the leader looks at every
 * progressive Release each tick and carries out what `decide` says. Each step is first written to the
 * Release status as `pending` (with the resourceVersion it was decided on), then applied, then recorded:
 * a crash between the two writes leaves `pending`, which the next leader finishes instead of re-deciding.
 */
export function startController(options: ControllerOptions): RunningController {
  const identity = options.identity ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leading = new Map<string, boolean>();
  const electors = options.clusters.map((target) => ({
    target,
    elector: new LeaseElector(target.kubeConfig, options.leaseNamespace, CONTROLLER_LEASE, identity, options.leaseSeconds),
  }));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    for (const { target, elector } of electors) {
      try {
        const leader = await elector.tryAcquireOrRenew();
        if (leader !== leading.get(target.name)) log(`${leader ? 'leading' : 'following'} in cluster ${target.name} as ${identity}`);
        leading.set(target.name, leader);
        if (leader && !stopped) await reconcileCluster(target, options.prometheusUrlFor(target.name));
      } catch (error) {
        log(`cluster ${target.name}: ${messageOf(error)}`);
      }
    }
  };
  const loop = () => {
    if (stopped) return;
    running = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, options.tickMs);
    });
  };
  loop();

  return {
    leads: (cluster) => leading.get(cluster) === true,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await Promise.all(electors.map(({ elector }) => elector.release()));
    },
  };
}

/** Release resourceVersions this process has written over: a watch cache still showing one is behind. */
const superseded = new Map<string, string>();

function remember(before: ReleaseObject, after: ReleaseObject | undefined): void {
  const uid = before.metadata?.uid;
  if (uid && after?.metadata?.resourceVersion !== before.metadata?.resourceVersion) superseded.set(uid, before.metadata?.resourceVersion ?? '');
}

async function reconcileCluster(target: ClusterTarget, prometheusUrl: string | undefined): Promise<void> {
  // From the watch cache: a tick costs no API call; every write below is still resourceVersion-guarded.
  const releases = await clusterCache(target.name)!.list<ReleaseObject & { metadata: { namespace: string; name: string } }>('releases');
  for (const release of releases) {
    const hasOutbox = (release.status?.outbox?.length ?? 0) > 0;
    if (!hasOutbox && (release.spec?.strategy !== 'progressive' || !isActive(release.status))) continue;
    if (superseded.get(release.metadata.uid ?? '') === release.metadata.resourceVersion) continue;
    try {
      if (hasOutbox) {
        const written = await deliverOutbox(target, release);
        if (written) {
          remember(release, written);
          continue;
        }
      }
      if (release.spec?.strategy !== 'progressive' || !isActive(release.status)) continue;
      await reconcile(target, release, prometheusUrl);
    } catch (error) {
      // A conflict means someone (an operator, another replica) changed the Release: look again next tick.
      if (!(error instanceof StatusConflict)) log(`release ${release.metadata?.namespace}/${release.metadata?.name}: ${messageOf(error)}`);
    }
  }
}

/** The service a Release controls, as the watch cache holds it: the view the controller decides and plans on. */
async function serviceOf(target: ClusterTarget, release: ReleaseObject): Promise<ServiceState> {
  return readService(await cachedSnapshot(clusterCache(target.name)!, release.metadata!.namespace!), release.spec!.service);
}

/** Writes a status computed from `release` and remembers that the cached copy is now behind. */
async function writeStatus(target: ClusterTarget, release: ReleaseObject, status: ReleaseStatus): Promise<ReleaseObject> {
  const saved = await replaceStatus(target.kubeConfig, release, status);
  remember(release, saved);
  return saved;
}

/** One controller move on one Release. Exported for tests that drive the loop a tick at a time. */
export async function reconcile(target: ClusterTarget, release: ReleaseObject, prometheusUrl: string | undefined, now = new Date()): Promise<Decision> {
  let decision = decide(release, now);
  let state: ServiceState | undefined;
  if (decision.type === 'analyse') {
    state = await serviceOf(target, release);
    const analysis = await analyseGray(prometheusUrl, { namespace: release.metadata!.namespace!, services: state.view.trafficServices }, release.spec!, now);
    decision = decide(release, now, analysis);
  }
  const status = release.status!;
  const identity = target.kubeConfig;
  const hooked = await hookDecision(target, release, decision, now);
  if (hooked === 'held') return { type: 'idle' };
  decision = hooked;
  switch (decision.type) {
    case 'idle':
    case 'analyse':
      return decision;
    case 'finish-pending':
      await finish(target, release, await serviceOf(target, release));
      return decision;
    case 'record-check':
      await writeStatus(target, release, {
        ...status,
        failedChecks: decision.failedChecks,
        lastAnalysis: decision.analysis,
        stepStartedAt: now.toISOString(),
        ...statusMessage('release.status.checkFailed', { failed: decision.failedChecks, threshold: release.spec?.threshold ?? 5, reason: decision.analysis.why ?? decision.analysis.reason }),
      });
      return decision;
    case 'request-approval': {
      state ??= await serviceOf(target, release);
      const id = `${status.run!.id}-${decision.kind}-${decision.step}`;
      const to = decision.kind === 'promotion' ? { [release.spec!.grayVersion!]: 100 } : stepSplit(release.spec!, decision.weight, []);
      const waiting: ReleaseStatus = {
        ...status,
        phase: 'WaitingApproval',
        waitingFor: id,
        ...(decision.analysis ? { lastAnalysis: decision.analysis, stepStartedAt: now.toISOString() } : {}),
        ...(decision.kind === 'promotion' ? statusMessage('release.status.awaitPromotion') : statusMessage('release.status.awaitStep', { step: decision.step })),
        approvals: [
          ...(status.approvals ?? []).filter((item) => item.id !== id),
          {
            id,
            kind: decision.kind,
            state: 'Pending',
            requestedBy: status.run!.startedBy,
            requestedAt: now.toISOString(),
            ...(decision.kind === 'promotion'
              ? approvalSummary('approvals.summary.promotion', { version: release.spec!.grayVersion! })
              : approvalSummary(Object.hasOwn(release.spec!.steps?.[decision.step - 1] ?? {}, 'approval') ? 'approvals.summary.goOn' : 'approvals.summary.step', {
                  step: decision.step,
                  version: release.spec!.grayVersion!,
                  weight: decision.weight,
                })),
            from: splitOf(state.view),
            to: { weights: Object.fromEntries(Object.entries(to).filter(([, weight]) => weight > 0)), rules: [] },
            run: status.run!.id,
            step: decision.step,
          },
        ],
      };
      const summary = decision.kind === 'promotion' ? 'the promotion waits for a team lead' : `step ${decision.step} waits for a team lead`;
      const saved = await writeStatus(target, release, withEvent(waiting, release.spec!, { kind: 'waiting-approval', key: `${decision.kind}-${decision.step}`, step: decision.step, reason: summary }, now.toISOString()));
      await releaseEvent(identity, saved, 'Normal', 'ApprovalRequested', `${status.run!.startedBy}'s release of ${release.spec!.grayVersion} waits for approval: ${decision.kind}`);
      return decision;
    }
    case 'step':
    case 'promote':
    case 'rollback': {
      state ??= await serviceOf(target, release);
      const pending: PendingAction = {
        kind: decision.type,
        step: decision.type === 'step' ? decision.step : (status.currentStep ?? 0),
        weight: decision.type === 'step' ? decision.weight : decision.type === 'promote' ? 100 : 0,
        from: splitOf(state.view),
        reason: decision.reason,
        why: decision.why,
        user: decision.type === 'step' ? CONTROLLER_USER : decision.user,
      };
      // Written down first, against the resourceVersion the decision was made on: if anything changed the
      // Release since it was read, this write fails and nothing is applied.
      const saved = await writeStatus(target, release, {
        ...status,
        pending,
        heldBy: undefined,
        phase: decision.type === 'promote' ? 'Promoting' : status.phase,
        ...(decision.analysis ? { lastAnalysis: decision.analysis } : {}),
      });
      await finish(target, saved, state);
      return decision;
    }
  }
}

/** When the release last asked its rollback hooks (per Release uid): they are asked once an interval. */
const rollbackAskedAt = new Map<string, number>();

/** The hook points a decision passes (Flagger's order: confirm-rollout, pre-rollout, then the traffic increase). */
function hookPointsOf(decision: Decision, status: ReleaseStatus): HookType[] {
  if (decision.type === 'step') return decision.step === 1 ? ['confirm-rollout', 'pre-rollout', 'confirm-traffic-increase'] : ['confirm-traffic-increase'];
  if (decision.type === 'promote' && status.phase !== 'Promoting' && !status.abortRequested) return ['confirm-promotion'];
  return [];
}

/**
 * Runs the hooks a decision passes. A confirm-* hook that does not answer 2xx holds the release where it is; a
 * failing pre-rollout hook is a failed check (rolling back at the threshold); a rollback hook that answers 2xx
 * rolls back. A hold is written down with the reason, and the history gets a line when the reason changes.
 * Returns the decision to carry out, or 'held' once the hold is recorded.
 */
async function hookDecision(target: ClusterTarget, release: ReleaseObject, decision: Decision, now: Date): Promise<Decision | 'held'> {
  const spec = release.spec!;
  const status = release.status!;
  if (!spec.hooks?.length) return decision;
  const interval = durationMs(spec.interval ?? '30s');
  const uid = release.metadata?.uid ?? '';
  if ((status.phase === 'Progressing' || status.phase === 'WaitingApproval') && decision.type !== 'rollback' && decision.type !== 'finish-pending' && spec.hooks.some((hook) => hook.type === 'rollback')) {
    if (now.getTime() - (rollbackAskedAt.get(uid) ?? 0) >= interval) {
      rollbackAskedAt.set(uid, now.getTime());
      const asking = await rollbackAsked(target.kubeConfig, release);
      if (asking) return { type: 'rollback', ...reason('release.reason.rollbackHook', { hook: asking.name }), user: CONTROLLER_USER };
    }
  }
  const points = hookPointsOf(decision, status);
  if (points.length === 0) return decision;
  // Held before: ask again once an interval has passed since (a step after the first waits for that anyway).
  if (status.heldBy && now.getTime() - Date.parse(status.stepStartedAt ?? status.heldBy.since) < interval) return 'held';
  const failing = await firstFailing(target.kubeConfig, release, points);
  if (!failing) return decision;
  const { hook, answer } = failing;
  const threshold = spec.threshold ?? 5;
  const preRollout = hook.type === 'pre-rollout';
  const failedChecks = preRollout ? (status.failedChecks ?? 0) + 1 : status.failedChecks;
  const answered = describeAnswer(answer);
  const hookReason = reason('release.reason.hookAnswered', { type: hook.type, hook: hook.name, answer: answered });
  if (preRollout && failedChecks! >= threshold) {
    return { type: 'rollback', ...failedChecksReason(failedChecks!, threshold, hookReason), user: CONTROLLER_USER };
  }
  const same = status.heldBy?.hook === hook.name && status.heldBy.type === hook.type && status.heldBy.status === answer.status;
  const split = splitOf((await serviceOf(target, release)).view);
  const analysis = 'analysis' in decision ? decision.analysis : undefined;
  await writeStatus(target, release, {
    ...status,
    heldBy: { hook: hook.name, type: hook.type, status: answer.status, since: same ? status.heldBy!.since : now.toISOString() },
    failedChecks,
    stepStartedAt: now.toISOString(),
    ...(analysis ? { lastAnalysis: analysis } : {}),
    ...(preRollout
      ? statusMessage('release.status.preRolloutFailed', { hook: hook.name, failed: failedChecks!, threshold, status: answer.status, error: answer.error ?? '' })
      : statusMessage('release.status.hookHeld', { hook: hook.name, type: hook.type, status: answer.status, error: answer.error ?? '' })),
    history: same ? status.history : appendHistory(status.history, { time: now.toISOString(), user: CONTROLLER_USER, action: preRollout ? 'hook-failed' : 'hook-held', from: split, to: split, ...hookReason }),
  });
  return 'held';
}

/**
 * Carries out `status.pending` (idempotently: a split already in place is left alone) and records it once.
 * A step costs three API calls: the pending write before this, the routing write, and this record, which is
 * written against the Release as the pending write returned it; only when something else changed the Release
 * meanwhile is it re-read.
 */
async function finish(target: ClusterTarget, release: ReleaseObject, state: ServiceState): Promise<void> {
  const pending = release.status!.pending!;
  const spec = release.spec!;
  const { namespace, name } = release.metadata as { namespace: string; name: string };
  let failure: string | undefined;
  let refused: OwnedElsewhere | undefined;
  let after: SplitSnapshot = splitOf(state.view);
  try {
    after = splitOf((await applyPending(target, release, pending, state)).view);
  } catch (error) {
    failure = messageOf(error);
    if (error instanceof OwnedElsewhere) refused = error;
  }
  const now = new Date().toISOString();
  let recorded = false;
  const record = (current: ReleaseObject): ReleaseStatus | undefined => {
    const status = current.status ?? {};
    // Someone else finished (or replaced) this action meanwhile: record nothing twice.
    recorded = Boolean(status.pending && status.pending.kind === pending.kind && status.pending.step === pending.step);
    if (!recorded) return undefined;
    if (refused) return refusedStatus(status, refused);
    return failure ? failedStatus(status, pending, failure, now) : doneStatus(status, spec, pending, after, now);
  };
  let saved: ReleaseObject | undefined;
  const first = record(release);
  try {
    if (first) saved = await writeStatus(target, release, first);
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    saved = await updateStatus(target.kubeConfig, namespace, name, record);
  }
  if (!saved || !recorded) return;
  if (refused) {
    await releaseEvent(target.kubeConfig, saved, 'Warning', 'ReleaseRefused', failure!);
  } else if (failure) {
    await releaseEvent(target.kubeConfig, saved, 'Warning', 'ReleaseStepFailed', `${pending.kind} ${pending.step} failed: ${failure}`);
  } else if (pending.kind === 'promote') {
    await releaseEvent(target.kubeConfig, saved, 'Normal', 'ReleasePromoted', `${spec.grayVersion} took over all traffic (${pending.reason})`);
  } else if (pending.kind === 'rollback') {
    await releaseEvent(target.kubeConfig, saved, 'Warning', 'ReleaseRolledBack', `all traffic back to ${spec.stableVersion}: ${pending.reason}`);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof HttpError) return `${error.reason}: ${error.message}`;
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}

function log(message: string): void {
  console.log(`[weir] controller: ${message}`);
}
