/**
 * Hand-written sidecar snapshots for unit tests, shaped like what istiod pushes to a sidecar in `demo`
 * (checked against the agent's output in the sandbox): an HTTP listener 0.0.0.0_5000 with RDS "5000", the
 * virtual host of hello with its domains, the allow_any passthrough, and one cluster per subset.
 */
import { POD_IP, service } from '../fixtures.test-helpers.ts';
import { indexServices } from '../services.ts';
import type { SidecarCall } from './sidecar-router.ts';
import type { Action, Cluster, ClusterEndpoint, HeaderMatch, Listener, Route, RouteMatch, Snapshot, StringMatch } from './snapshot.ts';

export const HELLO = 'hello.demo.svc.cluster.local';
export const HELLO_IP = '10.96.0.10';

/** The outbound cluster of hello's `subset` ('' for the whole Service). */
export const subsetCluster = (subset: string, fqdn = HELLO) => `outbound|5000|${subset}|${fqdn}`;

export const toSubset = (subset: string): Extract<Action, { kind: 'cluster' }> => ({ kind: 'cluster', cluster: subsetCluster(subset) });

export const weighted = (...split: [string, number][]): Extract<Action, { kind: 'weightedClusters' }> => ({ kind: 'weightedClusters', weightedClusters: split.map(([subset, weight]) => ({ name: subsetCluster(subset), weight })) });

export const everything: RouteMatch = { path: { kind: 'prefix', value: '/' }, caseSensitive: true };

export function header(name: string, match: StringMatch | { present: boolean }, extra: Partial<HeaderMatch> = {}): HeaderMatch {
  return 'kind' in match ? { name, string: match, ...extra } : { name, present: match.present, ...extra };
}

export function route(action: Action, match: Partial<RouteMatch> = {}): Route {
  return { match: { ...everything, ...match }, action };
}

export function endpoint(address: string, health = 'HEALTHY', extra: Partial<ClusterEndpoint> = {}): ClusterEndpoint {
  return { address, port: 5000, health, weight: 1, ...extra };
}

export function cluster(name: string, endpoints: ClusterEndpoint[], extra: Partial<Cluster> = {}): Cluster {
  // istiod sets the panic threshold to 0 for Services that may send unhealthy endpoints.
  return { name, type: 'EDS', healthyPanicThreshold: 0, endpoints, ...extra };
}

const virtualOutbound: Listener = {
  name: 'virtualOutbound',
  address: '0.0.0.0',
  port: 15001,
  bindToPort: true,
  useOriginalDst: true,
  filterChains: [{ name: 'virtualOutbound-blackhole', match: { destinationPort: 15001 }, tcp: { cluster: 'BlackHoleCluster' } }, { name: 'virtualOutbound-catchall-tcp', tcp: { cluster: 'PassthroughCluster' } }],
};

const http5000: Listener = {
  name: '0.0.0.0_5000',
  address: '0.0.0.0',
  port: 5000,
  bindToPort: false,
  filterChains: [{ match: { transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1', 'h2c'] }, http: { routeConfigName: '5000' } }],
};

/** A snapshot in which hello's virtual host has `routes`; clusters v1 .. v3 with one healthy pod each, v4 empty. */
export function helloSnapshot(routes: Route[], clusters: Record<string, Cluster> = {}): Snapshot {
  const subsets: Record<string, Cluster> = {};
  for (const version of ['v1', 'v2', 'v3']) subsets[subsetCluster(version)] = cluster(subsetCluster(version), [endpoint(POD_IP[version]!)]);
  subsets[subsetCluster('v4')] = cluster(subsetCluster('v4'), []);
  return {
    listeners: [http5000, virtualOutbound],
    routeConfigs: {
      '5000': {
        name: '5000',
        ignorePortInHostMatching: true,
        virtualHosts: [
          { name: `${HELLO}:5000`, domains: [HELLO, `${HELLO}.`, 'hello', 'hello.demo.svc', 'hello.demo', HELLO_IP], routes },
          { name: 'allow_any', domains: ['*'], routes: [{ name: 'allow_any', match: everything, action: { kind: 'cluster', cluster: 'PassthroughCluster' } }] },
        ],
      },
    },
    clusters: { ...subsets, PassthroughCluster: { name: 'PassthroughCluster', type: 'ORIGINAL_DST', endpoints: [] }, ...clusters },
  };
}

/** The call the `sleep` client makes to hello. */
export function helloCall(authority = `${HELLO}:5000`): SidecarCall {
  return { service: indexServices([service('hello')]).get(HELLO)!, clusterIp: HELLO_IP, port: 5000, authority, clientIp: POD_IP.sleep! };
}
