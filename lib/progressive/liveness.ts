import 'server-only';
import { ApiException, CoordinationV1Api } from '@kubernetes/client-node';
import { weirEnv } from '@/lib/config/env';
import { clusterTargets } from '@/lib/k8s/clusters';

/*
 * Whether a progressive-delivery controller drives a cluster's releases right now, read from the Lease its leader
 * renews (lease.ts). A release the page shows as Progressing while nobody holds the Lease will not move: the page
 * says so instead of letting the operator wait. Read as the console, at most once every few seconds per cluster.
 */

export const CONTROLLER_LEASE = 'weir-release-controller';

export type ControllerLiveness =
  /** A controller holds the Lease and renewed it within its duration. */
  | { state: 'running'; renewedAt: string }
  /** No Lease, or one released or not renewed in time: no controller runs for this cluster. */
  | { state: 'stopped'; renewedAt?: string }
  /** The Lease could not be read; nothing is claimed either way. */
  | { state: 'unknown'; reason: string };

const CACHE_MS = 3_000;
const cache = new Map<string, { at: number; answer: Promise<ControllerLiveness> }>();

async function readLiveness(cluster: string): Promise<ControllerLiveness> {
  const target = clusterTargets().get(cluster);
  if (!target) return { state: 'unknown', reason: `cluster ${cluster} is not configured` };
  try {
    const lease = await target.kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: CONTROLLER_LEASE, namespace: weirEnv().WEIR_NAMESPACE });
    const spec = lease.spec ?? {};
    const renewedAt = spec.renewTime ? new Date(spec.renewTime).toISOString() : undefined;
    const fresh = renewedAt !== undefined && Date.now() - Date.parse(renewedAt) <= (spec.leaseDurationSeconds ?? weirEnv().WEIR_LEASE_SECONDS) * 1000;
    return spec.holderIdentity && fresh ? { state: 'running', renewedAt: renewedAt! } : { state: 'stopped', ...(renewedAt ? { renewedAt } : {}) };
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return { state: 'stopped' };
    const reason = error instanceof ApiException ? `the API server answered ${error.code} reading Lease ${CONTROLLER_LEASE}` : error instanceof Error ? error.message : String(error);
    return { state: 'unknown', reason };
  }
}

export function controllerLiveness(cluster: string): Promise<ControllerLiveness> {
  const cached = cache.get(cluster);
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.answer;
  const answer = readLiveness(cluster);
  cache.set(cluster, { at: Date.now(), answer });
  return answer;
}
