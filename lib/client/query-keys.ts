import type { KindKey } from '@/lib/k8s/kinds';

/** The one query-key factory: `['k8s', cluster, kind, namespace, name]`, `*` for "all". */
export const queryKeys = {
  clusters: () => ['k8s', '*', 'clusters'] as const,
  list: (kind: KindKey, cluster?: string, namespace?: string) => ['k8s', cluster ?? '*', kind, namespace ?? '*'] as const,
  object: (kind: KindKey, cluster: string, namespace: string, name: string) => ['k8s', cluster, kind, namespace, name] as const,
};
