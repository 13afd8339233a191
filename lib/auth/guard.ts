import 'server-only';
import { HttpError } from '@/lib/http/errors';
import type { Intent } from '@/lib/mesh/intents';
import type { AccessNeed } from '@/lib/mesh/provider';
import { accessNeeds, type ServiceState } from '@/lib/mesh/registry';
import { clusterCache } from '@/lib/k8s/watch-cache';
import { canI } from './access';
import { namespacesBindingUser } from './bindings';
import type { Session } from './session-store';
import { sessionKubeConfig, sessionMayUse, sessionUserIn } from './user-client';
import { say } from '@/lib/i18n/messages';

export interface ResourceRef {
  group: string;
  resource: string;
}

export const SERVICES: ResourceRef = { group: '', resource: 'services' };
export const RELEASES: ResourceRef = { group: 'weir.dev', resource: 'releases' };

/**
 * A check "may this user `verb` these resources in namespace N", asked once cluster-wide and, only when that
 * is refused, per namespace: watch caches hold everything, each user sees what RBAC lets them list. Namespaces
 * where no RoleBinding names the user are refused without asking (lib/auth/bindings), so a user of a few
 * namespaces among a thousand costs a few access reviews, not a thousand.
 */
export async function namespaceAccess(session: Session, cluster: string, ref: ResourceRef, verb = 'list'): Promise<(namespace: string) => Promise<boolean>> {
  // A cluster that did not accept the user's token is left out of every list, without asking it.
  if (!sessionMayUse(session, cluster)) return async () => false;
  const kubeConfig = sessionKubeConfig(session, cluster);
  if (await canI(session, cluster, kubeConfig, { verb, ...ref })) return async () => true;
  const cache = clusterCache(cluster);
  if (cache) await cache.whenSynced();
  const candidates = cache && namespacesBindingUser(cache, sessionUserIn(session, cluster));
  const memo = new Map<string, Promise<boolean>>();
  return (namespace) => {
    if (candidates && !candidates.has(namespace)) return Promise.resolve(false);
    if (!memo.has(namespace)) memo.set(namespace, canI(session, cluster, kubeConfig, { verb, ...ref, namespace }));
    return memo.get(namespace)!;
  };
}

/** Keeps the rows whose cluster / namespace the user may list `ref` in (one resource, or each row's own). */
export async function filterByAccess<T extends { cluster: string; namespace: string }>(session: Session, rows: T[], ref: ResourceRef | ((row: T) => ResourceRef)): Promise<T[]> {
  const refOf = typeof ref === 'function' ? ref : () => ref;
  const checks = new Map<string, Promise<(namespace: string) => Promise<boolean>>>();
  const allowed = await Promise.all(
    rows.map(async (row) => {
      const resource = refOf(row);
      const key = `${row.cluster}|${resource.group}|${resource.resource}`;
      if (!checks.has(key)) checks.set(key, namespaceAccess(session, row.cluster, resource));
      return (await checks.get(key)!)(row.namespace);
    }),
  );
  return rows.filter((_, index) => allowed[index]);
}

/** 403 naming the user and the permission when RBAC refuses; the API server would refuse the same. */
export async function requireAccess(session: Session, cluster: string, namespace: string, ref: ResourceRef, verb: string): Promise<void> {
  const kubeConfig = sessionKubeConfig(session, cluster);
  if (!(await canI(session, cluster, kubeConfig, { verb, ...ref, namespace }))) {
    throw new HttpError(403, 'Forbidden', say('server.mayNot', { user: session.user.username, permission: `${verb} ${ref.resource}`, namespace }));
  }
}

/** What the user may do to a service's release, so the UI hides or disables the rest and says why. */
export interface ReleasePermissions {
  /** Change weights and content rules (the provider's routing objects). */
  editRouting: boolean;
  /** Add and delete versions: create and delete their workloads and version objects. */
  manageWorkloads: boolean;
  /**
   * Start, pause, resume, promote and abort progressive releases, set the approval policy: update on
   * releases.weir.dev and every right the controller then uses for the user (routing updates, scaling).
   */
  manageReleases: boolean;
}

function describeNeed(need: AccessNeed): string {
  return `${need.verb} ${need.group ? `${need.resource}.${need.group}` : need.resource}`;
}

/** The first of `needs` RBAC refuses the user in the namespace, or undefined when all are allowed. */
async function firstRefused(session: Session, cluster: string, namespace: string, needs: AccessNeed[]): Promise<AccessNeed | undefined> {
  const kubeConfig = sessionKubeConfig(session, cluster);
  const allowed = await Promise.all(needs.map((need) => canI(session, cluster, kubeConfig, { ...need, namespace })));
  return needs[allowed.indexOf(false)];
}

/**
 * What the user may do on this service, asked in the words of its provider: the RBAC its routing objects need
 * (VirtualServices, HTTPRoutes, TrafficSplits, ...) and the Deployments and Services versions are made of.
 */
export async function releasePermissions(session: Session, cluster: string, namespace: string, state: Pick<ServiceState, 'provider' | 'view'>): Promise<ReleasePermissions> {
  const version = state.view.versions.find((v) => v.role === 'gray')?.name ?? state.view.versions[0]?.name ?? 'v1';
  const expected = state.view.splitEtag;
  const routing = accessNeeds(state, { type: 'set-weights', expected, weights: { [version]: 100 } });
  const workloads = [
    ...accessNeeds(state, { type: 'add-version', expected, version: 'new', image: 'x', replicas: 1, env: [], weight: 0 }),
    ...accessNeeds(state, { type: 'delete-version', expected, version, keepWorkload: false }),
  ];
  const [editRouting, manageWorkloads, manageReleases] = await Promise.all([
    firstRefused(session, cluster, namespace, routing).then((refused) => !refused),
    firstRefused(session, cluster, namespace, workloads).then((refused) => !refused),
    // Starting and steering a progressive release also needs what the controller then does for the user.
    firstRefused(session, cluster, namespace, [{ ...RELEASES, verb: 'update' }, ...controllerNeeds(state, { stableVersion: version, grayVersion: version, deleteOldVersion: false })]).then(
      (refused) => !refused,
    ),
  ]);
  return { editRouting, manageWorkloads, manageReleases };
}

/**
 * Refuses (403) an intent the user's RBAC does not allow, before anything is planned or sent, so a refused
 * call has no effect even when it would have been a no-op. The API server still checks every write.
 */
export async function requireIntentAccess(session: Session, cluster: string, namespace: string, state: Pick<ServiceState, 'provider' | 'view'>, intent: Intent): Promise<void> {
  const refused = await firstRefused(session, cluster, namespace, accessNeeds(state, intent));
  if (refused) throw new HttpError(403, 'Forbidden', say('server.mayNot', { user: session.user.username, permission: describeNeed(refused), namespace }));
}

/** What the progressive controller will do to a service for whoever hands its split over: the release's settings that matter. */
export interface ControllerPlan {
  stableVersion: string;
  grayVersion: string;
  deleteOldVersion: boolean;
}

/**
 * The intents the controller runs, as the console, during a progressive release: step the weights, let the gray
 * (or, on rollback, the stable) version take over, scale the gray version to 0 on rollback, and delete the old
 * version when the settings ask.
 */
function controllerIntents(state: Pick<ServiceState, 'provider' | 'view'>, plan: ControllerPlan): Intent[] {
  const expected = state.view.splitEtag;
  return [
    { type: 'set-weights', expected, weights: { [plan.stableVersion]: 50, [plan.grayVersion]: 50 } },
    { type: 'take-over', expected, version: plan.grayVersion },
    { type: 'take-over', expected, version: plan.stableVersion },
    { type: 'scale-version', expected, version: plan.grayVersion, replicas: 0 },
    ...(plan.deleteOldVersion ? [{ type: 'delete-version' as const, expected, version: plan.stableVersion, keepWorkload: false }] : []),
  ];
}

/** The RBAC behind `controllerIntents`, each permission once. */
function controllerNeeds(state: Pick<ServiceState, 'provider' | 'view'>, plan: ControllerPlan): AccessNeed[] {
  const needs = controllerIntents(state, plan).flatMap((intent) => accessNeeds(state, intent));
  return [...new Map(needs.map((need) => [`${need.verb} ${need.group}/${need.resource}`, need])).values()];
}

/**
 * The controller changes routing and workloads with the console's identity, not the user's: so starting (or
 * resuming, promoting, aborting) a progressive release requires every right the controller will use on the
 * user's behalf, asked of the API server as the user (403 naming the first refused). Without this, `update` on
 * releases.weir.dev would be a way around RBAC on VirtualServices and Deployments.
 */
export async function requireControllerAccess(session: Session, cluster: string, namespace: string, state: Pick<ServiceState, 'provider' | 'view'>, plan: ControllerPlan): Promise<void> {
  const refused = await firstRefused(session, cluster, namespace, controllerNeeds(state, plan));
  if (refused) {
    throw new HttpError(403, 'Forbidden', say('server.mayNotOnBehalf', { user: session.user.username, permission: describeNeed(refused), namespace }));
  }
}

/** Whether the user may `verb` `ref` in `namespace` (SelfSubjectAccessReview, cached briefly). */
export async function mayAccess(session: Session, cluster: string, namespace: string, ref: ResourceRef, verb: string): Promise<boolean> {
  return canI(session, cluster, sessionKubeConfig(session, cluster), { verb, ...ref, namespace });
}
