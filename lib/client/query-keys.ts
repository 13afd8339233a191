import type { KindKey } from '@/lib/k8s/kinds';

/** Query-key kinds: Kubernetes kinds, `services` (the console's release views) and `routes` (the Routing page). */
export type QueryKind = KindKey | 'services' | 'routes';

/** The one query-key factory: `['k8s', cluster, kind, namespace, name]`, `*` for "all". */
export const queryKeys = {
  all: () => ['k8s'] as const,
  clusters: () => ['k8s', '*', 'clusters'] as const,
  list: (kind: QueryKind, cluster?: string, namespace?: string) => ['k8s', cluster ?? '*', kind, namespace ?? '*'] as const,
  object: (kind: QueryKind, cluster: string, namespace: string, name: string) => ['k8s', cluster, kind, namespace, name] as const,
  /** Prometheus traffic metrics of one service; outside `k8s` so object changes do not refetch them. */
  metrics: (cluster: string, namespace: string, name: string, rangeMinutes: number) => ['metrics', cluster, namespace, name, rangeMinutes] as const,
};
