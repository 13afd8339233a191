/**
 * The one registry of Kubernetes kinds the console knows. Everything that lists, watches or writes an
 * object looks its API coordinates up here instead of spelling group / version / plural again.
 */
export interface KindInfo {
  /** Stable key used in query keys, SSE events and URLs. */
  key: KindKey;
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export type KindKey =
  | 'namespaces'
  | 'services'
  | 'pods'
  | 'deployments'
  | 'virtualservices'
  | 'destinationrules'
  | 'serviceentries'
  | 'workloadentries'
  | 'httproutes'
  | 'trafficsplits'
  | 'releases';

export const KINDS: Record<KindKey, KindInfo> = {
  namespaces: { key: 'namespaces', group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  services: { key: 'services', group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  pods: { key: 'pods', group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  deployments: { key: 'deployments', group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  virtualservices: {
    key: 'virtualservices',
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'virtualservices',
    kind: 'VirtualService',
    namespaced: true,
  },
  destinationrules: {
    key: 'destinationrules',
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'destinationrules',
    kind: 'DestinationRule',
    namespaced: true,
  },
  serviceentries: {
    key: 'serviceentries',
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'serviceentries',
    kind: 'ServiceEntry',
    namespaced: true,
  },
  workloadentries: {
    key: 'workloadentries',
    group: 'networking.istio.io',
    version: 'v1',
    plural: 'workloadentries',
    kind: 'WorkloadEntry',
    namespaced: true,
  },
  httproutes: {
    key: 'httproutes',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
    kind: 'HTTPRoute',
    namespaced: true,
  },
  trafficsplits: {
    key: 'trafficsplits',
    group: 'split.smi-spec.io',
    version: 'v1alpha2',
    plural: 'trafficsplits',
    kind: 'TrafficSplit',
    namespaced: true,
  },
  releases: { key: 'releases', group: 'weir.dev', version: 'v1alpha1', plural: 'releases', kind: 'Release', namespaced: true },
};

/** `apiVersion` as written in an object: `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** The REST path of a kind's collection, cluster-wide or in one namespace. */
export function collectionPath(info: KindInfo, namespace?: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  return info.namespaced && namespace ? `${base}/namespaces/${namespace}/${info.plural}` : `${base}/${info.plural}`;
}
