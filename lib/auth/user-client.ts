import 'server-only';
import { AuthenticationV1Api, KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { clusterTarget, clusterTargets, type ClusterTarget } from '@/lib/k8s/clusters';
import { impersonatingKubeConfig } from './impersonation';
import { unseal, type Session, type SessionUser } from './session-store';

/** A kubeconfig for one cluster that authenticates as the signed-in user (their bearer token), not the console. */
export function userKubeConfig(target: ClusterTarget, token: string): KubeConfig {
  const cluster = target.kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error(`cluster ${target.name} has no server`);
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'weir-user', token }],
    contexts: [{ name: target.name, cluster: cluster.name, user: 'weir-user' }],
    currentContext: target.name,
  });
  return config;
}

/** The session user's kubeconfig for a cluster (their token, or the console impersonating them); 404 names the cluster when it is not configured. */
export function sessionKubeConfig(session: Session, cluster: string): KubeConfig {
  const target = clusterTarget(cluster);
  if (!target) throw new HttpError(404, 'NotFound', `Cluster "${cluster}" is not configured`, [{ field: 'cluster', message: `unknown cluster "${cluster}"` }]);
  const { credential } = session;
  if (credential.kind === 'impersonate') return impersonatingKubeConfig(target, credential.user, credential.groups);
  return userKubeConfig(target, unseal(credential.sealedToken));
}

/**
 * Asks the API server who a token belongs to (SelfSubjectReview); the API server has the last word on
 * identity, so an expired or unknown token is a 401 here.
 */
export async function reviewToken(token: string, strategy: SessionUser['strategy']): Promise<SessionUser> {
  const [target] = clusterTargets().values();
  if (!target) throw new Error('no cluster configured');
  const api = userKubeConfig(target, token).makeApiClient(AuthenticationV1Api);
  try {
    const review = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    const info = review.status?.userInfo;
    if (!info?.username) throw new HttpError(401, 'Unauthorized', 'The API server did not say who this token belongs to');
    return { username: info.username, groups: info.groups ?? [], strategy };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const code = (error as { code?: number }).code;
    if (code === 401 || code === 403) throw new HttpError(401, 'Unauthorized', 'The API server rejected this token', [{ field: 'token', message: 'not accepted by the API server' }]);
    throw error;
  }
}
