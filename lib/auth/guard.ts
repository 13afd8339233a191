import 'server-only';
import { HttpError } from '@/lib/http/errors';
import type { Intent } from '@/lib/mesh/intents';
import { canI } from './access';
import type { Session } from './session-store';
import { sessionKubeConfig } from './user-client';

export interface ResourceRef {
  group: string;
  resource: string;
}

export const SERVICES: ResourceRef = { group: '', resource: 'services' };
export const VIRTUAL_SERVICES: ResourceRef = { group: 'networking.istio.io', resource: 'virtualservices' };
export const DESTINATION_RULES: ResourceRef = { group: 'networking.istio.io', resource: 'destinationrules' };
export const DEPLOYMENTS: ResourceRef = { group: 'apps', resource: 'deployments' };

/**
 * A check "may this user `verb` these resources in namespace N", asked once cluster-wide and, only when that
 * is refused, per namespace: watch caches hold everything, each user sees what RBAC lets them list.
 */
export async function namespaceAccess(session: Session, cluster: string, ref: ResourceRef, verb = 'list'): Promise<(namespace: string) => Promise<boolean>> {
  const kubeConfig = sessionKubeConfig(session, cluster);
  if (await canI(session, cluster, kubeConfig, { verb, ...ref })) return async () => true;
  const memo = new Map<string, Promise<boolean>>();
  return (namespace) => {
    if (!memo.has(namespace)) memo.set(namespace, canI(session, cluster, kubeConfig, { verb, ...ref, namespace }));
    return memo.get(namespace)!;
  };
}

/** Keeps the rows whose cluster / namespace the user may list `ref` in. */
export async function filterByAccess<T extends { cluster: string; namespace: string }>(session: Session, rows: T[], ref: ResourceRef): Promise<T[]> {
  const checks = new Map<string, Promise<(namespace: string) => Promise<boolean>>>();
  const allowed = await Promise.all(
    rows.map(async (row) => {
      if (!checks.has(row.cluster)) checks.set(row.cluster, namespaceAccess(session, row.cluster, ref));
      return (await checks.get(row.cluster)!)(row.namespace);
    }),
  );
  return rows.filter((_, index) => allowed[index]);
}

/** 403 naming the user and the permission when RBAC refuses; the API server would refuse the same. */
export async function requireAccess(session: Session, cluster: string, namespace: string, ref: ResourceRef, verb: string): Promise<void> {
  const kubeConfig = sessionKubeConfig(session, cluster);
  if (!(await canI(session, cluster, kubeConfig, { verb, ...ref, namespace }))) {
    throw new HttpError(403, 'Forbidden', `${session.user.username} may not ${verb} ${ref.resource} in namespace ${namespace}`);
  }
}

/** What the user may do to a service's release, so the UI hides or disables the rest and says why. */
export interface ReleasePermissions {
  editRouting: boolean;
  manageWorkloads: boolean;
  /** Start, pause, resume, promote and abort progressive releases, set the approval policy (update on releases.weir.dev). */
  manageReleases: boolean;
}

export const RELEASES: ResourceRef = { group: 'weir.dev', resource: 'releases' };

export async function releasePermissions(session: Session, cluster: string, namespace: string): Promise<ReleasePermissions> {
  const kubeConfig = sessionKubeConfig(session, cluster);
  const check = (ref: ResourceRef, verb: string) => canI(session, cluster, kubeConfig, { verb, ...ref, namespace });
  const [vs, dr, createDeployment, deleteDeployment, releases] = await Promise.all([
    check(VIRTUAL_SERVICES, 'update'),
    check(DESTINATION_RULES, 'update'),
    check(DEPLOYMENTS, 'create'),
    check(DEPLOYMENTS, 'delete'),
    check(RELEASES, 'update'),
  ]);
  return { editRouting: vs && dr, manageWorkloads: createDeployment && deleteDeployment, manageReleases: releases };
}

/**
 * Refuses (403) an intent the user's RBAC does not allow, before anything is planned or sent, so a refused
 * call has no effect even when it would have been a no-op. The API server still checks every write.
 */
export async function requireReleasePermission(session: Session, cluster: string, namespace: string, intent: Intent): Promise<void> {
  const permissions = await releasePermissions(session, cluster, namespace);
  const touchesWorkloads = intent.type === 'add-version' || (intent.type === 'delete-version' && !intent.keepWorkload);
  if (!permissions.editRouting) {
    throw new HttpError(403, 'Forbidden', `${session.user.username} may not change VirtualServices and DestinationRules in namespace ${namespace}`);
  }
  if (touchesWorkloads && !permissions.manageWorkloads) {
    throw new HttpError(403, 'Forbidden', `${session.user.username} may not create or delete Deployments in namespace ${namespace}`);
  }
}
