/**
 * API coordinates of Kubernetes kinds. The kinds every provider builds on (Services, Deployments, ...) and
 * Weir's own Release are listed here; each mesh provider declares its own kinds in its folder, and
 * `lib/mesh/registry` joins the two into the one registry everything else looks kinds up in.
 */
export interface KindInfo {
  /** Stable key used in query keys, SSE events and URLs: the plural, unique across groups. */
  key: KindKey;
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /**
   * Shown, never planned from: a write's fresh read (as the user) does without it when the user may not list it, so a
   * Role written before the console read this kind still lets its holder write (WorkloadGroups serve no traffic).
   */
  informational?: boolean;
}

export type KindKey = string;

export const CORE_KINDS = {
  namespaces: { key: 'namespaces', group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  services: { key: 'services', group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  pods: { key: 'pods', group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  deployments: { key: 'deployments', group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
  releases: { key: 'releases', group: 'weir.dev', version: 'v1alpha1', plural: 'releases', kind: 'Release', namespaced: true },
  roleBindings: { key: 'rolebindings', group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', kind: 'RoleBinding', namespaced: true },
} as const satisfies Record<string, KindInfo>;

/** `apiVersion` as written in an object: `v1` for the core group, `group/version` otherwise. */
export function apiVersionOf(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** The REST path of a kind's collection, cluster-wide or in one namespace. */
export function collectionPath(info: KindInfo, namespace?: string): string {
  const base = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  return info.namespaced && namespace ? `${base}/namespaces/${namespace}/${info.plural}` : `${base}/${info.plural}`;
}

/** The object with `apiVersion` and `kind` set: list items come without them, and writes need them. */
export function withType<T extends { apiVersion?: string; kind?: string }>(object: T, info: KindInfo): T {
  return object.kind && object.apiVersion ? object : { ...object, apiVersion: apiVersionOf(info), kind: info.kind };
}
