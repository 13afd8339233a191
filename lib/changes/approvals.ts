import 'server-only';
import { AuthorizationV1Api } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { consoleIdentity } from '@/lib/k8s/clusters';
import { cachesInScope } from '@/lib/k8s/scope';
import { intent as intentSchema, type Intent } from '@/lib/mesh/intents';
import type { ReleaseView } from '@/lib/mesh/types';
import type { Session } from '@/lib/auth/session-store';
import { namespaceAccess, RELEASES } from '@/lib/auth/guard';
import { requireSessionCluster, sessionKubeConfig, sessionUserIn } from '@/lib/auth/user-client';
import { splitOf } from '@/lib/mesh/split';
import { releaseEvent } from '@/lib/release/events';
import { isActive, needsApproval, type ApprovalItem, type ApprovalRequest, type ReleaseObject, type SplitSnapshot } from '@/lib/release/model';
import { readReleaseObject, updateStatus } from '@/lib/release/store';
import { runIntent, type IntentResult } from './pipeline';
import { say } from '@/lib/i18n/messages';
import { approvalSummary } from '@/lib/progressive/status-message';


/** The split an intent would leave, for the request's "from → to" (the planner still decides at approval time). */
export function predictSplit(view: ReleaseView, intent: Intent): SplitSnapshot {
  const now = splitOf(view);
  switch (intent.type) {
    case 'take-over':
      return { weights: { [intent.version]: 100 }, rules: [] };
    case 'set-weights':
      return { weights: Object.fromEntries(Object.entries(intent.weights).filter(([, weight]) => weight > 0)), rules: now.rules };
    case 'set-content-rule': {
      const rules = now.rules.filter((rule) => rule.version !== intent.version);
      return { weights: now.weights, rules: intent.policy ? [...rules, { version: intent.version, policy: intent.policy }] : rules };
    }
    case 'restore-split':
      return { weights: Object.fromEntries(Object.entries(intent.weights).filter(([, weight]) => weight > 0)), rules: intent.rules };
    default:
      return now;
  }
}

function describeIntent(intent: Intent): Pick<ApprovalRequest, 'summary' | 'summaryWhy'> {
  const split = (weights: Record<string, number>) =>
    Object.entries(weights)
      .filter(([, weight]) => intent.type !== 'restore-split' || weight > 0)
      .map(([version, weight]) => `${version} ${weight}%`)
      .join(' / ');
  switch (intent.type) {
    case 'take-over':
      return approvalSummary('approvals.summary.takeOver', { version: intent.version });
    case 'set-weights':
      return approvalSummary('approvals.summary.weights', { split: split(intent.weights) });
    case 'set-content-rule':
      return approvalSummary(intent.policy ? 'approvals.summary.rule' : 'approvals.summary.removeRule', { version: intent.version });
    case 'restore-split':
      return approvalSummary('approvals.summary.restore', { split: split(intent.weights), rules: intent.rules.length });
    case 'set-mirror':
      return intent.version === null ? approvalSummary('approvals.summary.stopMirror') : approvalSummary('approvals.summary.mirror', { version: intent.version, percent: intent.percent });
    default:
      return approvalSummary('release.reason.text', { text: intent.type });
  }
}


/** Turns an operator's change into a pending request in the service's Release, and says so with an Event. */
export async function requestChange(session: Session, cluster: string, namespace: string, service: string, intent: Intent, view: ReleaseView): Promise<ApprovalRequest> {
  const identity = consoleIdentity(cluster);
  const request: ApprovalRequest = {
    id: `change-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
    kind: 'change',
    state: 'Pending',
    requestedBy: session.user.username,
    requestedAt: new Date().toISOString(),
    ...describeIntent(intent),
    from: splitOf(view),
    to: predictSplit(view, intent),
    intent,
  };
  const saved = await updateStatus(identity, namespace, service, (release) => ({ ...release.status, approvals: [...(release.status?.approvals ?? []), request].slice(-100) }), { create: true });
  await releaseEvent(identity, saved!, 'Normal', 'ApprovalRequested', `${request.requestedBy} asks for approval: ${request.summary}`);
  return request;
}

const APPROVER_TTL_MS = 30_000;
const approverCache = new Map<string, { allowed: boolean; at: number }>();

/**
 * May this user approve Releases in the namespace? The custom verb `approve` on releases.weir.dev, asked with
 * a SubjectAccessReview by the console (the way the API server checks `approve` on CertificateSigningRequests).
 */
export async function canApprove(session: Session, cluster: string, namespace: string): Promise<boolean> {
  // A token user is someone only in the clusters that accepted their token, and there who those clusters said.
  requireSessionCluster(session, cluster);
  const user = sessionUserIn(session, cluster);
  const key = `${session.id}|${cluster}|${namespace}`;
  const cached = approverCache.get(key);
  if (cached && Date.now() - cached.at < APPROVER_TTL_MS) return cached.allowed;
  const review = await consoleIdentity(cluster)
    .makeApiClient(AuthorizationV1Api)
    .createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: user.username, groups: user.groups, resourceAttributes: { verb: 'approve', ...RELEASES, namespace } },
      },
    });
  const allowed = review.status?.allowed === true;
  if (approverCache.size > 10_000) approverCache.clear();
  approverCache.set(key, { allowed, at: Date.now() });
  return allowed;
}

/** Pending requests (and the latest decisions) in every namespace the user may read Releases in. */
export async function listApprovals(session: Session, recentDecisions = 20): Promise<{ pending: ApprovalItem[]; decided: ApprovalItem[] }> {
  const rows: (ApprovalItem & { decidedAt?: string })[] = [];
  for (const cache of cachesInScope({})) {
    const cluster = cache.target.name;
    const mayRead = await namespaceAccess(session, cluster, RELEASES, 'list');
    for (const release of await cache.list<ReleaseObject & { metadata: { namespace: string; name: string } }>('releases')) {
      const { namespace, name } = release.metadata;
      const requests = release.status?.approvals ?? [];
      if (requests.length === 0 || !(await mayRead(namespace))) continue;
      const approver = requests.some((request) => request.state === 'Pending') ? await canApprove(session, cluster, namespace) : false;
      for (const { intent: _intent, ...request } of requests) {
        const mine = request.requestedBy === session.user.username;
        rows.push({ cluster, namespace, service: release.spec?.service ?? name, phase: release.status?.phase, request, mine, canDecide: approver && !mine && request.state === 'Pending' });
      }
    }
  }
  const pending = rows.filter((row) => row.request.state === 'Pending').sort((a, b) => a.request.requestedAt.localeCompare(b.request.requestedAt));
  const decided = rows
    .filter((row) => row.request.state !== 'Pending')
    .sort((a, b) => (b.request.decidedAt ?? '').localeCompare(a.request.decidedAt ?? ''))
    .slice(0, recentDecisions);
  return { pending, decided };
}

/**
 * A team lead's decision. Checked in this order: the `approve` verb (403), the request exists and is still
 * pending (404 / 409), the decider is not the requester (403). The decision is claimed in the Release status
 * first (a second approver gets 409), then an approved manual change runs as the approver, through the
 * normal planner, against the split the requester saw: if it has changed since, the change is refused
 * (409) and the request goes back to pending.
 */
export async function decide(
  session: Session,
  cluster: string,
  namespace: string,
  service: string,
  id: string,
  decision: 'approve' | 'reject',
  comment: string,
): Promise<ApprovalRequest> {
  const identity = consoleIdentity(cluster);
  const user = session.user.username;
  if (!(await canApprove(session, cluster, namespace))) {
    throw new HttpError(403, 'Forbidden', say('server.mayNotApprove', { user, namespace }));
  }
  const state = decision === 'approve' ? 'Approved' : 'Rejected';
  const decidedAt = new Date().toISOString();
  let request: ApprovalRequest | undefined;
  const saved = await updateStatus(identity, namespace, service, (release) => {
    const found = release.status?.approvals?.find((item) => item.id === id);
    if (!found) throw new HttpError(404, 'NotFound', say('server.noApproval', { id, host: `${service}.${namespace}` }), [{ field: 'path.id', ...say('field.noSuchRequest') }]);
    if (found.state !== 'Pending') throw new HttpError(409, 'Conflict', found.decidedBy ? say('server.alreadyDecidedBy', { state: found.state, by: found.decidedBy }) : say('server.alreadyDecided', { state: found.state }));
    if (found.requestedBy === user) throw new HttpError(403, 'SelfApproval', say('server.selfApproval', { user }));
    if (found.kind !== 'change' && (found.run !== release.status?.run?.id || release.status?.waitingFor !== found.id)) {
      throw new HttpError(409, 'Conflict', say('server.stepNotWaiting'));
    }
    request = { ...found, state, decidedBy: user, decidedAt, ...(comment ? { comment } : {}) };
    return { ...release.status, approvals: release.status!.approvals!.map((item) => (item.id === id ? request! : item)) };
  });
  if (!saved || !request) throw new HttpError(404, 'NotFound', say('server.releaseNotFound', { host: `${service}.${namespace}` }));

  if (request.kind === 'change' && state === 'Approved') {
    try {
      const wanted = intentSchema.parse(request.intent);
      const why = `approved by ${user}${comment ? `: ${comment}` : ''}`;
      await runIntent({ writer: sessionKubeConfig(session, cluster), actor: request.requestedBy, cluster, namespace, service }, wanted, 'apply', { reason: why });
    } catch (error) {
      // Not carried out: the request is pending again, so it can be rejected or approved once the cause is fixed.
      await updateStatus(identity, namespace, service, (release) => ({
        ...release.status,
        approvals: release.status?.approvals?.map((item) => (item.id === id ? { ...item, state: 'Pending' as const, decidedBy: undefined, decidedAt: undefined, comment: undefined } : item)),
      }));
      throw error;
    }
  }
  const verb = state === 'Approved' ? 'approved' : 'rejected';
  await releaseEvent(
    identity,
    saved,
    state === 'Approved' ? 'Normal' : 'Warning',
    state === 'Approved' ? 'ReleaseApproved' : 'ReleaseRejected',
    `${user} ${verb} ${request.requestedBy}'s request (${request.summary})${comment ? `: ${comment}` : ''}`,
  );
  return request;
}

/**
 * Before an intent is planned: refuses it while a progressive release owns the split (409), and, when the
 * service's approval policy holds it, files it as a pending request instead (after a dry run, so a request
 * that could never be applied is not filed). Undefined: go ahead.
 */
export async function holdForApproval(session: Session, cluster: string, namespace: string, service: string, intent: Intent, mode: 'preview' | 'apply'): Promise<IntentResult | undefined> {
  const release = await readReleaseObject(consoleIdentity(cluster), namespace, service);
  if (release?.spec?.strategy === 'progressive' && isActive(release.status)) {
    throw new HttpError(409, 'Conflict', say('server.releaseControls', { version: release.spec.grayVersion ?? '', service, phase: release.status!.phase ?? '' }));
  }
  if (mode !== 'apply' || !needsApproval(release?.spec?.approval, intent)) return undefined;
  const { result: preview } = await runIntent({ writer: sessionKubeConfig(session, cluster), actor: session.user.username, cluster, namespace, service }, intent, 'preview');
  const { intent: _intent, ...request } = await requestChange(session, cluster, namespace, service, intent, preview.view);
  return { ...preview, mode: 'requested', request };
}
