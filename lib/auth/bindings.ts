import 'server-only';
import type { V1RoleBinding } from '@kubernetes/client-node';
import { weirEnv } from '@/lib/config/env';
import { CORE_KINDS } from '@/lib/k8s/kinds';
import type { ClusterCache } from '@/lib/k8s/watch-cache';
import type { SessionUser } from './session-store';

/** Whether a RoleBinding subject names this user: as a User, a ServiceAccount, or one of their groups. */
function names(subject: NonNullable<V1RoleBinding['subjects']>[number], bindingNamespace: string, user: SessionUser, groups: Set<string>): boolean {
  if (subject.kind === 'User') return subject.name === user.username;
  if (subject.kind === 'Group') return groups.has(subject.name);
  if (subject.kind === 'ServiceAccount') return user.username === `system:serviceaccount:${subject.namespace ?? bindingNamespace}:${subject.name}`;
  return false;
}

const memo = new WeakMap<ClusterCache, Map<string, { generation: number; namespaces: Set<string> }>>();

/**
 * The namespaces where a RoleBinding names the user or one of their groups: for someone RBAC does not grant a
 * cluster-wide permission, the only namespaces where it can grant a namespaced one. Access is then asked of the
 * API server (SelfSubjectAccessReview) in those namespaces alone, instead of in every namespace of the cluster.
 * Undefined when every namespace has to be asked: WEIR_ACCESS_CANDIDATES=all (a webhook authorizer may grant
 * namespaced access without RoleBindings), or the console may not list RoleBindings.
 */
export function namespacesBindingUser(cache: ClusterCache, user: SessionUser): Set<string> | undefined {
  if (weirEnv().WEIR_ACCESS_CANDIDATES === 'all' || !cache.isSynced(CORE_KINDS.roleBindings.key)) return undefined;
  const key = `${user.username}\n${[...user.groups].sort().join('\n')}`;
  const generation = cache.generation([CORE_KINDS.roleBindings.key]);
  const known = memo.get(cache)?.get(key);
  if (known?.generation === generation) return known.namespaces;
  // The API server adds system:authenticated to everyone it authenticates, impersonated users included.
  const groups = new Set([...user.groups, 'system:authenticated']);
  const namespaces = new Set<string>();
  for (const binding of cache.listNow<V1RoleBinding>(CORE_KINDS.roleBindings.key)) {
    const namespace = binding.metadata?.namespace ?? '';
    if (!namespaces.has(namespace) && (binding.subjects ?? []).some((subject) => names(subject, namespace, user, groups))) namespaces.add(namespace);
  }
  if (!memo.has(cache)) memo.set(cache, new Map());
  const perUser = memo.get(cache)!;
  if (perUser.size > 10_000) perUser.clear();
  perUser.set(key, { generation, namespaces });
  return namespaces;
}
