import 'server-only';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { clusterTarget } from '@/lib/k8s/clusters';
import { applyPlan, PlanFailure, type StepOutcome } from '@/lib/k8s/apply-plan';
import { cachesInScope, type Scope } from '@/lib/k8s/scope';
import { cachedNamespaceObjects, freshServiceObjects, indexObjects, objectsOfService, serviceNamesInIndex, serviceObjectsFromIndex } from '@/lib/k8s/service-objects';
import { clusterCache, type ClusterCache } from '@/lib/k8s/watch-cache';
import { conflict } from '@/lib/mesh/plan-error';
import type { Intent } from '@/lib/mesh/intents';
import { planIntent } from '@/lib/mesh/plan';
import type { Plan, ReleaseView } from '@/lib/mesh/types';
import { readRelease } from '@/lib/providers/istio/read';
import { objectDiff, objectYaml } from './object-yaml';
import type { ReleasePermissions } from '@/lib/auth/guard';
import { historyOf, recordChange, snapshotOf, type HistoryEntry } from '@/lib/release/history';
import { stepWeightsOf, type ApprovalRequest, type ReleaseObject, type ReleaseSpec, type ReleaseStatus } from '@/lib/release/model';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'weir-system']);

/** One row of the Services page. */
export type ServiceSummary = Omit<ReleaseView, 'routes' | 'otherRoutes'> & { otherRouteCount: number };

/** Rows already built for a cluster and scope, valid while the cache's change counter stays the same. */
const memo = new WeakMap<ClusterCache, Map<string, { generation: number; rows: ServiceSummary[] }>>();

async function servicesOfCluster(cache: ClusterCache, namespace: string | undefined): Promise<ServiceSummary[]> {
  const generation = cache.generation();
  const key = namespace ?? '*';
  const cached = memo.get(cache)?.get(key);
  if (cached && cached.generation === generation) return cached.rows;

  const rows: ServiceSummary[] = [];
  for (const [ns, index] of indexObjects(await cachedNamespaceObjects(cache, namespace))) {
    if (SYSTEM_NAMESPACES.has(ns)) continue;
    for (const name of serviceNamesInIndex(ns, index)) {
      if (ns === 'default' && name === 'kubernetes') continue;
      const view = readRelease(serviceObjectsFromIndex(cache.target.name, ns, name, index));
      if (!view.virtualService && !view.destinationRule && view.discoveredVersions.length === 0) continue;
      const { routes: _routes, otherRoutes, ...summary } = view;
      rows.push({ ...summary, otherRouteCount: otherRoutes.length });
    }
  }
  if (!memo.has(cache)) memo.set(cache, new Map());
  memo.get(cache)!.set(key, { generation, rows });
  return rows;
}

/** Every mesh service in scope: those with routing, and those whose workloads carry version labels. */
export async function listServices(scope: Scope): Promise<ServiceSummary[]> {
  const perCluster = await Promise.all(cachesInScope(scope).map((cache) => servicesOfCluster(cache, scope.namespace)));
  return perCluster
    .flat()
    .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service));
}

/** The service page: the release view, the YAML of its routing objects, and what the user may change. */
export interface ReleaseDetail {
  view: ReleaseView;
  yaml: { virtualService: string; destinationRule: string };
  permissions?: ReleasePermissions;
  /** The latest changes, newest first (from the service's Release). */
  history: HistoryEntry[];
  /** The service's Release: strategy, progressive settings and state, and requests waiting for approval. */
  release?: ReleaseState;
}

export interface ReleaseState {
  spec: ReleaseSpec;
  status: Omit<ReleaseStatus, 'history' | 'approvals'>;
  /** The gray weight of each step, for the progress bar. */
  steps: number[];
  pendingApprovals: Omit<ApprovalRequest, 'intent'>[];
}

function releaseState(release: ReleaseObject | undefined): ReleaseState | undefined {
  if (!release?.spec) return undefined;
  const { history: _history, approvals = [], ...status } = release.status ?? {};
  return {
    spec: release.spec,
    status,
    steps: release.spec.strategy === 'progressive' ? stepWeightsOf(release.spec) : [],
    pendingApprovals: approvals.filter((request) => request.state === 'Pending').map(({ intent: _intent, ...request }) => request),
  };
}

function requireCluster(cluster: string) {
  const target = clusterTarget(cluster);
  if (!target) throw new HttpError(404, 'NotFound', `Cluster "${cluster}" is not configured`, [{ field: 'cluster', message: `unknown cluster "${cluster}"` }]);
  return target;
}

/** One service's release view from the watch cache; 404 when neither the Service nor its routing exists. */
export async function getRelease(cluster: string, namespace: string, name: string): Promise<ReleaseDetail> {
  requireCluster(cluster);
  const cache = clusterCache(cluster)!;
  const objects = objectsOfService(cluster, namespace, name, await cachedNamespaceObjects(cache, namespace));
  if (!objects.service && objects.virtualServices.length === 0 && objects.destinationRules.length === 0) {
    throw new HttpError(404, 'NotFound', `Service ${name}.${namespace} was not found in cluster ${cluster}`);
  }
  const view = readRelease(objects);
  const vs = objects.virtualServices.find((item) => item.metadata?.name === view.virtualService?.name);
  const dr = objects.destinationRules.find((item) => item.metadata?.name === view.destinationRule?.name);
  const release = await cache.get<ReleaseObject & { metadata: object }>('releases', name, namespace);
  return {
    view,
    yaml: { virtualService: objectYaml(vs), destinationRule: objectYaml(dr) },
    history: historyOf(release).slice(0, 50),
    release: releaseState(release),
  };
}

/** One step of a plan as the preview shows it: what changes, as a diff, and the YAML to commit instead. */
export interface PreviewStep {
  action: string;
  kind: string;
  name: string;
  diff?: string;
  yaml?: string;
  replicas?: number;
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

function previewOf(plan: Plan): PreviewStep[] {
  return plan.steps.map((step) => {
    if (step.action === 'wait-ready') return { action: step.action, kind: 'Deployment', name: step.deployment.name, replicas: step.replicas };
    const name = `${step.object.kind}/${step.object.metadata?.name}`;
    const before = step.action === 'create' ? undefined : step.action === 'replace' ? step.before : step.object;
    const after = step.action === 'delete' ? undefined : step.object;
    return { action: step.action, kind: step.object.kind ?? '', name: step.object.metadata?.name ?? '', diff: objectDiff(name, before, after), yaml: after ? objectYaml(after) : undefined };
  });
}

const MAX_ATTEMPTS = 4;

/** A replace refused because the object changed since it was read (409 Conflict, not AlreadyExists). */
function isWriteConflict(error: unknown): boolean {
  if (!(error instanceof PlanFailure) || !(error.cause instanceof ApiException) || error.cause.code !== 409) return false;
  const body = typeof error.cause.body === 'string' ? safeJson(error.cause.body) : error.cause.body;
  return (body as { reason?: string } | undefined)?.reason === 'Conflict';
}

/**
 * Plans an intent on the newest objects and either previews it (diff + server-side dry run) or applies it.
 * A write conflict is never retried blindly: the objects are read again, and the plan is only recomputed when
 * the split the user saw (`expected`) is still the split there is; otherwise the answer is 409 with the
 * current view.
 */
export async function runIntent(
  writer: KubeConfig,
  actor: string,
  cluster: string,
  namespace: string,
  name: string,
  intent: Intent,
  mode: 'preview' | 'apply',
  options: { record?: boolean; reason?: string } = {},
): Promise<IntentResult> {
  // Reads for the plan and every write go as the user (`writer`), so the API server's RBAC has the last word.
  requireCluster(cluster);
  const kubeConfig = writer;
  for (let attempt = 1; ; attempt += 1) {
    const objects = await freshServiceObjects(kubeConfig, cluster, namespace, name);
    const view = readRelease(objects);
    if ('expected' in intent && intent.expected !== view.splitEtag) {
      throw conflict(`The traffic split of ${view.host} changed since you looked; review the current split and try again`, { current: view });
    }
    const plan = planWithIntentFields(objects, view, intent);
    const steps = previewOf(plan);
    try {
      const outcomes = await applyPlan(kubeConfig, plan, mode === 'preview' ? 'dry-run' : 'apply');
      if (mode === 'preview' || plan.steps.length === 0) return { mode, steps, outcomes, view };
      const after = readRelease(await freshServiceObjects(kubeConfig, cluster, namespace, name));
      if (options.record === false) return { mode, steps, outcomes, view: after };
      const historyRecorded = await recordQuietly(cluster, namespace, name, {
        time: new Date().toISOString(),
        user: actor,
        action: intent.type,
        from: snapshotOf(view),
        to: snapshotOf(after),
        ...(options.reason ? { reason: options.reason } : {}),
      });
      return { mode, steps, outcomes, view: after, historyRecorded };
    } catch (error) {
      if (isWriteConflict(error) && attempt < MAX_ATTEMPTS) continue;
      if (error instanceof PlanFailure) throw planFailureError(error);
      throw error;
    }
  }
}

/** Records a change in the service's Release history; a failure is logged and reported, never undoes the change. */
async function recordQuietly(cluster: string, namespace: string, service: string, entry: HistoryEntry): Promise<boolean> {
  try {
    await recordChange(requireCluster(cluster).kubeConfig, namespace, service, entry);
    return true;
  } catch (error) {
    console.error(`[weir] could not record the history of ${service}.${namespace}:`, error instanceof Error ? error.message.split('\n')[0] : error);
    return false;
  }
}

/** Planner errors name fields inside the intent; the request body nests the intent under `intent`. */
function planWithIntentFields(...args: Parameters<typeof planIntent>): Plan {
  try {
    return planIntent(...args);
  } catch (error) {
    if (error instanceof HttpError && error.fields) {
      throw new HttpError(error.status, error.reason, error.message, error.fields.map((f) => ({ ...f, field: `intent.${f.field}` })), error.details);
    }
    throw error;
  }
}

function planFailureError(failure: PlanFailure): HttpError {
  const cause = failure.cause;
  const status = cause instanceof ApiException && typeof cause.code === 'number' ? cause.code : 500;
  const body = cause instanceof ApiException ? (typeof cause.body === 'string' ? safeJson(cause.body) : cause.body) : undefined;
  const message = (body as { message?: string } | undefined)?.message ?? (cause instanceof Error ? cause.message.split('\n')[0]! : 'The change failed');
  const reason = (body as { reason?: string } | undefined)?.reason ?? (status === 500 ? 'PlanFailed' : 'KubernetesError');
  return new HttpError(status >= 400 ? status : 500, reason, message, undefined, { outcomes: failure.outcomes });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}
