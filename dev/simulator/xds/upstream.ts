/**
 * Envoy's choice of upstream: a weighted cluster by weight, then a host of the cluster. Hosts are used by
 * priority (the lowest level with a healthy host); HEALTHY and UNKNOWN count as healthy, DEGRADED only
 * when nothing is healthy; below the panic threshold (Envoy's default 50%, istiod sets 0) every host of
 * the level is used. Within the chosen set, by load-balancing weight.
 */
import { pickByWeight } from '../weighted-pick.ts';
import type { Cluster, ClusterEndpoint, WeightedCluster } from './snapshot.ts';

const DEFAULT_PANIC_THRESHOLD = 50;

/** The weighted cluster a request goes to; none when every weight is 0. */
export function pickWeightedCluster(clusters: readonly WeightedCluster[], random: () => number): WeightedCluster | undefined {
  return pickByWeight(clusters, (cluster) => cluster.weight, random());
}

const healthy = (endpoint: ClusterEndpoint) => endpoint.health === 'HEALTHY' || endpoint.health === 'UNKNOWN';
const degraded = (endpoint: ClusterEndpoint) => endpoint.health === 'DEGRADED';

/** The hosts Envoy balances over for one request, before weights. */
export function usableHosts(cluster: Cluster): ClusterEndpoint[] {
  const levels = [...new Set(cluster.endpoints.map((endpoint) => endpoint.priority ?? 0))].sort((a, b) => a - b);
  const threshold = cluster.healthyPanicThreshold ?? DEFAULT_PANIC_THRESHOLD;
  for (const level of levels) {
    const hosts = cluster.endpoints.filter((endpoint) => (endpoint.priority ?? 0) === level);
    const good = hosts.filter(healthy);
    if (good.length === 0) continue;
    // Panic: too few healthy hosts, so Envoy spreads over all of them rather than overload the few.
    if (threshold > 0 && (100 * good.length) / hosts.length < threshold) return hosts;
    return good;
  }
  const fallback = cluster.endpoints.filter(degraded);
  if (fallback.length > 0) return fallback;
  // Nothing healthy anywhere: in panic mode Envoy still tries the hosts of the first level; at 0 it fails.
  return threshold > 0 ? cluster.endpoints.filter((endpoint) => (endpoint.priority ?? 0) === levels[0]) : [];
}

/** The host one request goes to; none means "no healthy upstream" (503). */
export function pickHost(cluster: Cluster, random: () => number): ClusterEndpoint | undefined {
  return pickByWeight(usableHosts(cluster), (endpoint) => endpoint.weight, random());
}
