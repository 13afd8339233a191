import 'server-only';
import { randomUUID } from 'node:crypto';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { consoleIdentity } from '@/lib/k8s/clusters';
import { splitOf } from '@/lib/mesh/split';
import type { ReleaseView } from '@/lib/mesh/types';
import { cachedServiceState } from '@/lib/changes/state';
import type { Session } from '@/lib/auth/session-store';
import { RELEASES, requireAccess, requireControllerAccess } from '@/lib/auth/guard';
import { requireSessionCluster, sessionKubeConfig } from '@/lib/auth/user-client';
import { canApprove } from '@/lib/changes/approvals';
import { canI } from '@/lib/auth/access';
import { releaseEvent } from '@/lib/release/events';
import { appendHistory } from '@/lib/release/history';
import { isActive, isBlueGreen, planSummary, planWeights, type ApprovalPolicy, type PlanStep, type ProgressiveSettings, type ReleaseAction, type ReleaseObject, type ReleaseSpec, type ReleaseStatus } from '@/lib/release/model';
import { readReleaseObject, releaseRef, updateStatus } from '@/lib/release/store';
import { objectApi } from '@/lib/k8s/object-api';
import { say } from '@/lib/i18n/messages';
import { withEvent } from '@/lib/release/hooks-model';
import { statusMessage } from './status-message';
import { resolveChecks } from './templates';

/**
 * The controller reads a hook's secret header with its own credentials and sends it to the hook's URL, so whoever
 * names a Secret there must be able to read it themselves: otherwise a Release would hand out Secrets its author
 * may not see.
 */
async function requireSecretAccess(session: Session, cluster: string, namespace: string, settings: ProgressiveSettings): Promise<void> {
  const names = new Set([...(settings.hooks ?? []), ...(settings.notifications ?? [])].flatMap((item) => (item.secretHeader ? [item.secretHeader.secretRef.name] : [])));
  for (const name of names) {
    if (!(await canI(session, cluster, sessionKubeConfig(session, cluster), { verb: 'get', group: '', resource: 'secrets', namespace, name }))) {
      throw new HttpError(403, 'Forbidden', say('server.hookSecretDenied', { secret: name, namespace }), [{ field: 'settings.hooks', ...say('field.hookSecretDenied', { secret: name }) }]);
    }
  }
}

/** A plan's mirror and rule steps, and session affinity, need a routing API that can express them: refused at start, before anything is saved. */
function requirePlanSupported(view: ReleaseView, service: string, settings: ProgressiveSettings): void {
  const provider = view.provider.name;
  if (settings.sessionAffinity && !view.capabilities.sticky.supported) {
    throw new HttpError(400, 'BadRequest', say('server.planStickyUnsupported', { provider, service }), [{ field: 'settings.sessionAffinity', ...say('field.stickyUnsupported') }]);
  }
  settings.steps?.forEach((step: PlanStep, index) => {
    if ('setMirror' in step && !view.capabilities.mirror.supported) {
      throw new HttpError(400, 'BadRequest', say('server.planMirrorUnsupported', { provider, service }), [{ field: `settings.steps.${index}.setMirror`, ...say('field.mirrorUnsupported') }]);
    }
    if ('setRule' in step && !view.capabilities.contentRules.supported) {
      throw new HttpError(400, 'BadRequest', say('server.planRulesUnsupported', { provider, service }), [{ field: `settings.steps.${index}.setRule`, ...say('field.rulesUnsupported', { provider }) }]);
    }
  });
}

const POLICY_RANK: Record<ApprovalPolicy, number> = { none: 0, beforePromotion: 1, beforeEveryStep: 2 };


/**
 * Writes the Release's spec as the user (create, or replace with the resourceVersion read), so RBAC on
 * releases.weir.dev has the last word and a concurrent edit is a 409, not an overwrite.
 */
async function writeSpec(userConfig: KubeConfig, namespace: string, service: string, change: (spec: ReleaseSpec) => ReleaseSpec): Promise<ReleaseObject> {
  const api = objectApi(userConfig);
  const existing = await readReleaseObject(userConfig, namespace, service);
  try {
    if (!existing) {
      const ref = releaseRef(namespace, service);
      return (await api.create({ ...ref, metadata: { ...ref.metadata, labels: { 'app.kubernetes.io/managed-by': 'weir' } }, spec: change({ service, strategy: 'manual' }) } as never, undefined, undefined, 'weir')) as ReleaseObject;
    }
    return (await api.replace({ ...existing, spec: change(existing.spec ?? { service }) } as never, undefined, undefined, 'weir')) as ReleaseObject;
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) {
      throw new HttpError(409, 'Conflict', say('server.releaseChanged', { service }));
    }
    throw error;
  }
}

/** Carries out one release action for the signed-in user; the answer is the Release afterwards. */
export async function runReleaseAction(session: Session, cluster: string, namespace: string, service: string, action: ReleaseAction): Promise<ReleaseObject> {
  const user = session.user.username;
  requireSessionCluster(session, cluster);
  const identity = consoleIdentity(cluster);
  await requireAccess(session, cluster, namespace, RELEASES, 'update');
  const state = await cachedServiceState(cluster, namespace, service);
  const { view } = state;
  const split = splitOf(view);
  const now = new Date().toISOString();
  const entry = (action: string, reason?: string) => ({ time: now, user, action, from: split, to: split, ...(reason ? { reason } : {}) });

  if (action.action === 'set-policy') {
    const current = (await readReleaseObject(identity, namespace, service))?.spec?.approval ?? 'none';
    if (POLICY_RANK[action.approval] < POLICY_RANK[current] && !(await canApprove(session, cluster, namespace))) {
      throw new HttpError(403, 'Forbidden', say('server.relaxPolicy', { from: current, to: action.approval }), [{ field: 'approval', ...say('field.relaxPolicy') }]);
    }
    await writeSpec(sessionKubeConfig(session, cluster), namespace, service, (spec) => ({ ...spec, approval: action.approval }));
    return (await updateStatus(identity, namespace, service, (release) => ({ ...release.status, history: appendHistory(release.status?.history, entry('set-policy', `approval: ${action.approval}`)) })))!;
  }

  if (action.action === 'start') {
    const settings = { ...action.settings };
    const stable = view.versions.find((version) => version.name === settings.stableVersion);
    const gray = view.versions.find((version) => version.name === settings.grayVersion);
    if (!stable) throw new HttpError(400, 'BadRequest', say('server.notAVersion', { version: settings.stableVersion, service }), [{ field: 'settings.stableVersion', ...say('field.notRouted') }]);
    if (!gray) throw new HttpError(400, 'BadRequest', say('server.grayNotAVersion', { version: settings.grayVersion, service }), [{ field: 'settings.grayVersion', ...say('field.notRouted') }]);
    if (gray.workloads.some((workload) => workload.form === 'pods') && gray.desired === 0) {
      throw new HttpError(400, 'BadRequest', say('server.grayNoReplicas', { version: settings.grayVersion }), [{ field: 'settings.grayVersion', ...say('field.noReplicas') }]);
    }
    requirePlanSupported(view, service, settings);
    await requireControllerAccess(session, cluster, namespace, state, settings);
    await requireSecretAccess(session, cluster, namespace, settings);
    const existing = await readReleaseObject(identity, namespace, service);
    if (isActive(existing?.status)) throw new HttpError(409, 'Conflict', say('server.releaseInProgress', { version: existing!.spec?.grayVersion ?? '', phase: existing!.status!.phase ?? '' }));
    // Template checks: each query read from its template and accepted by Prometheus before anything is saved.
    settings.analysis = (await resolveChecks(session, cluster, namespace, service, settings)).analysis;
    await writeSpec(sessionKubeConfig(session, cluster), namespace, service, (spec) => ({ ...spec, ...settings, hooks: settings.hooks, notifications: settings.notifications, stepWeights: undefined, steps: settings.steps, sessionAffinity: settings.sessionAffinity, strategy: 'progressive' }));
    const run = { id: randomUUID().slice(0, 8), startedBy: user, startedAt: now };
    const saved = await updateStatus(identity, namespace, service, (release) => {
      if (isActive(release.status)) throw new HttpError(409, 'Conflict', say('server.releaseStartedMeanwhile'));
      const status: ReleaseStatus = {
        history: appendHistory(release.status?.history, entry('start-progressive', settings.steps ? `${settings.grayVersion} by the plan ${planSummary(settings.steps, { pause: (d) => `pause ${d}`, approval: 'approval' })}, checks every ${settings.interval}` : `${settings.grayVersion} in steps of ${settings.stepWeight}% to ${settings.maxWeight}%, every ${settings.interval}`)),
        approvals: release.status?.approvals,
        phase: 'Progressing',
        run,
        currentStep: 0,
        currentWeight: gray.weight,
        failedChecks: 0,
        stepStartedAt: now,
        ...(isBlueGreen(settings.steps)
          ? statusMessage('release.status.startingMirror', { version: settings.grayVersion })
          : statusMessage('release.status.starting', { version: settings.grayVersion, weight: settings.steps ? (planWeights(settings.steps).find((w) => w > 0) ?? 0) : settings.stepWeight })),
      };
      return withEvent(status, { service, ...settings }, { kind: 'started', weight: settings.stepWeight }, now);
    });
    await releaseEvent(identity, saved!, 'Normal', 'ReleaseStarted', `${user} started a progressive release of ${settings.grayVersion}`);
    return saved!;
  }

  const idle = () => new HttpError(409, 'Conflict', say('server.noReleaseInProgress', { service }));
  if (action.action !== 'pause') {
    // Resuming, promoting and aborting let the controller change routing and workloads again: the same rights as starting.
    const spec = (await readReleaseObject(identity, namespace, service))?.spec;
    if (spec?.stableVersion && spec.grayVersion) {
      await requireControllerAccess(session, cluster, namespace, state, { stableVersion: spec.stableVersion, grayVersion: spec.grayVersion, deleteOldVersion: spec.deleteOldVersion === true });
    }
  }
  const saved = await updateStatus(identity, namespace, service, (release) => {
    const status = release.status ?? {};
    if (release.spec?.strategy !== 'progressive' || !isActive(status)) throw idle();
    const history = (reason?: string) => appendHistory(status.history, entry(action.action, reason));
    switch (action.action) {
      case 'pause':
        if (status.phase === 'Paused') return undefined;
        return { ...status, phase: 'Paused', pausedFrom: status.phase, ...statusMessage('release.status.paused', { user }), history: history() };
      case 'resume':
        if (status.phase !== 'Paused') return undefined;
        return { ...status, phase: status.pausedFrom ?? 'Progressing', pausedFrom: undefined, stepStartedAt: now, ...statusMessage('release.status.resumed', { user }), history: history() };
      case 'promote':
        return { ...status, promoteRequested: { by: user, at: now }, ...statusMessage('release.status.promoteAsked', { user }), history: history() };
      case 'abort':
        return { ...status, abortRequested: { by: user, at: now }, ...statusMessage('release.status.aborted', { user, stable: release.spec.stableVersion ?? '' }), history: history() };
    }
  });
  if (!saved) throw idle();
  return saved;
}
