import 'server-only';
import { AuthenticationV1Api, KubeConfig } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { clusterNotConfigured, clusterTarget, clusterTargets, type ClusterTarget } from '@/lib/k8s/clusters';
import { impersonatingKubeConfig } from './impersonation';
import { unseal, type ClusterIdentities, type ReviewedUser, type Session, type SessionUser } from './session-store';
import { say } from '@/lib/i18n/messages';

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

/** Whether the console may act for the session in `cluster`: impersonation works everywhere, a token only where it was accepted. */
export function sessionMayUse(session: Session, cluster: string): boolean {
  return session.credential.kind === 'impersonate' || Object.hasOwn(session.credential.clusters, cluster);
}

/** The session's identity in a cluster: what that cluster's API server said at sign-in, else the session user. */
export function sessionUserIn(session: Session, cluster: string): SessionUser {
  const identity = session.credential.kind === 'token' ? session.credential.clusters[cluster] : undefined;
  return identity ? { ...session.user, ...identity } : session.user;
}

/**
 * The session user's kubeconfig for a cluster (their token, or the console impersonating them); 404 names the
 * cluster when it is not configured, 403 when the user's token was not accepted there at sign-in: a token is
 * never sent to a cluster that did not accept it.
 */
export function sessionKubeConfig(session: Session, cluster: string): KubeConfig {
  const target = clusterTarget(cluster);
  if (!target) throw clusterNotConfigured(cluster);
  const { credential } = session;
  if (credential.kind === 'impersonate') return impersonatingKubeConfig(target, credential.user, credential.groups);
  requireSessionCluster(session, cluster);
  return userKubeConfig(target, unseal(credential.sealedToken));
}

/** 403 naming the cluster when the session's token was not accepted there at sign-in. */
export function requireSessionCluster(session: Session, cluster: string): void {
  if (!sessionMayUse(session, cluster)) {
    throw new HttpError(403, 'Forbidden', say('server.tokenNotForCluster', { cluster }), [{ field: 'cluster', ...say('field.tokenNotForCluster', { cluster }) }]);
  }
}

type Review = { cluster: string; identity: { username: string; groups: string[] } } | { cluster: string; refused: true } | { cluster: string; error: unknown };

/** One cluster's SelfSubjectReview of a token. */
async function reviewIn(target: ClusterTarget, token: string): Promise<Review> {
  const api = userKubeConfig(target, token).makeApiClient(AuthenticationV1Api);
  try {
    const review = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    const info = review.status?.userInfo;
    if (!info?.username) return { cluster: target.name, refused: true };
    return { cluster: target.name, identity: { username: info.username, groups: info.groups ?? [] } };
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === 401 || code === 403) return { cluster: target.name, refused: true };
    return { cluster: target.name, error };
  }
}

/**
 * Asks every configured cluster who a token belongs to (one SelfSubjectReview each, in parallel) and answers
 * the clusters that accepted it, with the identity each names; the session then uses the token only there.
 * The user is who the first accepting cluster (in configuration order) names. No cluster accepting it is a
 * 401; an unreachable cluster is left out (signing in again once it is back adds it).
 */
export async function reviewToken(token: string, strategy: SessionUser['strategy']): Promise<ReviewedUser> {
  const targets = [...clusterTargets().values()];
  if (targets.length === 0) throw new Error('no cluster configured');
  const reviews = await Promise.all(targets.map((target) => reviewIn(target, token)));
  const clusters: ClusterIdentities = {};
  for (const review of reviews) {
    if ('identity' in review) clusters[review.cluster] = review.identity;
    else if ('error' in review) console.warn(`[weir] cluster ${review.cluster} could not review a token at sign-in: ${(review.error as Error).message}`);
  }
  const first = reviews.find((review) => 'identity' in review);
  if (!first || !('identity' in first)) {
    const unreachable = reviews.find((review) => 'error' in review);
    if (unreachable && 'error' in unreachable && !reviews.some((review) => 'refused' in review)) throw unreachable.error;
    throw new HttpError(401, 'Unauthorized', say('server.tokenRejected'), [{ field: 'token', ...say('field.tokenRejected') }]);
  }
  return { ...first.identity, strategy, clusters };
}
