/**
 * The API coordinates of every kind the simulator watches: Services, Pods and Deployments (targets, client
 * pods, who answers at an endpoint), WorkloadEntries (who answers at their address), ServiceEntries (hosts
 * that get traffic like Services, and how a client calls them), and the routing
 * objects only to choose which Services get traffic (istiod does the routing) and, for SMI, to route.
 * Kept here rather than borrowed from the console, which must not be able to mislead it.
 */
export interface WatchedKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

export const WATCHED_KINDS = {
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  pods: { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  virtualservices: { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices', kind: 'VirtualService' },
  workloadentries: { group: 'networking.istio.io', version: 'v1', plural: 'workloadentries', kind: 'WorkloadEntry' },
  serviceentries: { group: 'networking.istio.io', version: 'v1', plural: 'serviceentries', kind: 'ServiceEntry' },
  httproutes: { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute' },
  trafficsplits: { group: 'split.smi-spec.io', version: 'v1alpha2', plural: 'trafficsplits', kind: 'TrafficSplit' },
} as const satisfies Record<string, WatchedKind>;

export type WatchedKindKey = keyof typeof WATCHED_KINDS;

/** `v1` for the core group, `group/version` otherwise: what a list call names. */
export function apiVersionOf(kind: WatchedKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** The path that lists (and watches) a kind in all namespaces. */
export function collectionPath(kind: WatchedKind): string {
  return kind.group ? `/apis/${kind.group}/${kind.version}/${kind.plural}` : `/api/${kind.version}/${kind.plural}`;
}
