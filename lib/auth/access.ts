import 'server-only';
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { clusterCache } from '@/lib/k8s/watch-cache';
import type { Session } from './session-store';

/** What a user wants to do, in SubjectAccessReview terms. */
export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  subresource?: string;
  name?: string;
}

const TTL_MS = 30_000;
const registry = globalThis as typeof globalThis & { __weirAccess?: Map<string, { allowed: boolean; at: number }> };

/**
 * May the session's user do this? Asked of the API server as that user (SelfSubjectAccessReview) and
 * remembered for 30 s per session, so pages do not flood the API server. While the cluster's API server is known
 * to be down, the last answer it gave stands, however old (reads from the watch cache, shown as stale; every write
 * is refused by the reachability guard anyway), and a question it never answered is a no: nothing is shown that
 * RBAC was never asked about.
 */
export async function canI(session: Session, cluster: string, kubeConfig: KubeConfig, attributes: ResourceAttributes): Promise<boolean> {
  registry.__weirAccess ??= new Map();
  const key = `${session.id}|${cluster}|${attributes.verb}|${attributes.group}|${attributes.resource}|${attributes.subresource ?? ''}|${attributes.namespace ?? ''}|${attributes.name ?? ''}`;
  const cached = registry.__weirAccess.get(key);
  if (cached && Date.now() - cached.at < TTL_MS) return cached.allowed;
  if (clusterCache(cluster)?.reachability().state === 'unreachable') return cached?.allowed ?? false;
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  const review = await api.createSelfSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributes } },
  });
  const allowed = review.status?.allowed === true;
  if (registry.__weirAccess.size > 50_000) registry.__weirAccess.clear();
  registry.__weirAccess.set(key, { allowed, at: Date.now() });
  return allowed;
}
