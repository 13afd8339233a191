import 'server-only';
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
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
 * remembered for 30 s per session, so pages do not flood the API server.
 */
export async function canI(session: Session, cluster: string, kubeConfig: KubeConfig, attributes: ResourceAttributes): Promise<boolean> {
  registry.__weirAccess ??= new Map();
  const key = `${session.id}|${cluster}|${attributes.verb}|${attributes.group}|${attributes.resource}|${attributes.subresource ?? ''}|${attributes.namespace ?? ''}|${attributes.name ?? ''}`;
  const cached = registry.__weirAccess.get(key);
  if (cached && Date.now() - cached.at < TTL_MS) return cached.allowed;
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  const review = await api.createSelfSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributes } },
  });
  const allowed = review.status?.allowed === true;
  if (registry.__weirAccess.size > 50_000) registry.__weirAccess.clear();
  registry.__weirAccess.set(key, { allowed, at: Date.now() });
  return allowed;
}
