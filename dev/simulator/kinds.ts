/**
 * The API coordinates of every kind the simulator watches: what a sidecar's control plane reads to build
 * its routes. Kept here rather than borrowed from the console, which must not be able to mislead it.
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
  destinationrules: { group: 'networking.istio.io', version: 'v1', plural: 'destinationrules', kind: 'DestinationRule' },
  workloadentries: { group: 'networking.istio.io', version: 'v1', plural: 'workloadentries', kind: 'WorkloadEntry' },
  httproutes: { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute' },
  referencegrants: { group: 'gateway.networking.k8s.io', version: 'v1beta1', plural: 'referencegrants', kind: 'ReferenceGrant' },
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
