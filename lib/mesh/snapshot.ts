import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { CORE_KINDS, withType, type KindInfo } from '@/lib/k8s/kinds';

/** True when every label of `selector` is on `labels` (an empty selector selects everything). */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** An object written by a plan, to fold into a snapshot: created or replaced (`object`), or deleted. */
export interface WrittenObject {
  info: KindInfo;
  object: KubernetesObject;
  deleted?: boolean;
}

/**
 * The objects of one namespace of one cluster, by kind, as a provider reads them: from the watch caches for
 * pages, or listed fresh from the API server before a write. Immutable; indexes are built on first use and
 * kept with the snapshot, so reading every service of a namespace stays linear in its objects.
 */
export class NamespaceSnapshot {
  private readonly typed = new Map<string, KubernetesObject[]>();
  private readonly derivedValues = new Map<unknown, unknown>();

  constructor(
    readonly cluster: string,
    readonly namespace: string,
    private readonly kinds: ReadonlyMap<string, { info: KindInfo; items: readonly KubernetesObject[] }>,
    /** Objects of every namespace, by kind key, where the reader has them (the watch caches): for cross-namespace routing. */
    private readonly cluster_: ClusterObjects = NO_CLUSTER_OBJECTS,
  ) {}

  /**
   * The objects of a kind in the other namespaces of the cluster, with apiVersion and kind set; empty when this
   * snapshot was read for one namespace only (they are then unknown, not absent: see `knowsElsewhere`).
   */
  elsewhere<T extends KubernetesObject>(info: KindInfo): T[] {
    return this.derived(`elsewhere:${info.key}`, () =>
      (this.cluster_.get(info.key) ?? []).filter((item) => item.metadata?.namespace !== this.namespace).map((item) => withType(item, info)),
    ) as T[];
  }

  /**
   * A value computed once per view of the whole cluster (shared by every namespace snapshot read together, e.g.
   * a cluster-wide index of routing objects), keyed by anything stable.
   */
  derivedAcrossCluster<T>(key: string, build: (everywhere: ClusterObjects) => T): T {
    let perCluster = acrossCluster.get(this.cluster_);
    if (!perCluster) acrossCluster.set(this.cluster_, (perCluster = new Map()));
    if (!perCluster.has(key)) perCluster.set(key, build(this.cluster_));
    return perCluster.get(key) as T;
  }

  /** Whether `elsewhere` knows the other namespaces' objects of this kind. */
  knowsElsewhere(info: KindInfo): boolean {
    return this.cluster_.has(info.key);
  }

  /** The objects of a kind, each with apiVersion and kind set; empty when the kind was not read. */
  list<T extends KubernetesObject>(info: KindInfo): T[] {
    let items = this.typed.get(info.key);
    if (!items) {
      items = (this.kinds.get(info.key)?.items ?? []).map((item) => withType(item, info));
      this.typed.set(info.key, items);
    }
    return items as T[];
  }

  /** Whether the kind was read at all (a fresh read lists only the kinds its provider needs). */
  has(info: KindInfo): boolean {
    return this.kinds.has(info.key);
  }

  services(): V1Service[] {
    return this.list<V1Service>(CORE_KINDS.services);
  }

  service(name: string): V1Service | undefined {
    return this.derived('services-by-name', () => new Map(this.services().map((service) => [service.metadata?.name ?? '', service]))).get(name);
  }

  /** Deployments whose pod template the selector selects; none for an empty selector (a Service without one). */
  deploymentsSelectedBy(selector: Record<string, string> | undefined): V1Deployment[] {
    const entries = Object.entries(selector ?? {});
    if (entries.length === 0) return [];
    const byLabel = this.derived('deployments-by-label', () => {
      const index = new Map<string, V1Deployment[]>();
      for (const deployment of this.list<V1Deployment>(CORE_KINDS.deployments)) {
        for (const [key, value] of Object.entries(deployment.spec?.template.metadata?.labels ?? {})) {
          const label = `${key}=${value}`;
          const list = index.get(label);
          if (list) list.push(deployment);
          else index.set(label, [deployment]);
        }
      }
      return index;
    });
    const [key, value] = entries[0]!;
    return (byLabel.get(`${key}=${value}`) ?? []).filter((deployment) => selects(selector!, deployment.spec?.template.metadata?.labels));
  }

  /** A value computed once per snapshot (a provider's index), keyed by anything stable. */
  derived<T>(key: unknown, build: () => T): T {
    if (!this.derivedValues.has(key)) this.derivedValues.set(key, build());
    return this.derivedValues.get(key) as T;
  }

  /** The snapshot after a plan's writes: created and replaced objects in, deleted ones out (by name). */
  withWrites(writes: WrittenObject[]): NamespaceSnapshot {
    const kinds = new Map(this.kinds);
    for (const write of writes) {
      const name = write.object.metadata?.name;
      const entry = kinds.get(write.info.key) ?? { info: write.info, items: [] };
      const items = entry.items.filter((item) => item.metadata?.name !== name);
      kinds.set(write.info.key, { info: write.info, items: write.deleted ? items : [...items, write.object] });
    }
    return new NamespaceSnapshot(this.cluster, this.namespace, kinds, this.cluster_);
  }

  /** The same namespace's objects, with another source's view of the other namespaces. */
  withElsewhere(cluster: ClusterObjects): NamespaceSnapshot {
    return new NamespaceSnapshot(this.cluster, this.namespace, this.kinds, cluster);
  }

  /** What this snapshot knows of the other namespaces, to hand to a snapshot read another way. */
  clusterObjects(): ClusterObjects {
    return this.cluster_;
  }
}

/** Objects of all namespaces by kind key. */
export type ClusterObjects = ReadonlyMap<string, readonly KubernetesObject[]>;
const NO_CLUSTER_OBJECTS: ClusterObjects = new Map();
const acrossCluster = new WeakMap<ClusterObjects, Map<string, unknown>>();

/** A snapshot from lists of objects by kind (and, optionally, every namespace's objects by kind). */
export function snapshotOf(cluster: string, namespace: string, lists: { info: KindInfo; items: readonly KubernetesObject[] }[], everywhere?: ClusterObjects): NamespaceSnapshot {
  return new NamespaceSnapshot(cluster, namespace, new Map(lists.map((list) => [list.info.key, list])), everywhere);
}
