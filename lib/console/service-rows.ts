import 'server-only';
import { namespaceSnapshotNow, snapshotKinds, snapshotsNow } from '@/lib/k8s/snapshots';
import type { CacheChange, ObjectStore } from '@/lib/k8s/watch-cache';
import { crossNamespaceKinds, reachedNamespaces, readService, serviceNames } from '@/lib/mesh/registry';
import type { NamespaceSnapshot } from '@/lib/mesh/snapshot';
import type { ProviderInfo, ReleaseView, VersionView } from '@/lib/mesh/types';
import { orderKeyOf, searchTextOf, type OrderKey } from './service-order';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'weir-system', 'istio-system']);

/** A version as the Services page shows it: share, role, ready / desired endpoints, and whether content rules send to it. */
export type VersionSummary = Pick<VersionView, 'name' | 'weight' | 'role' | 'ready' | 'desired'> & { ruleCount: number };

/**
 * One row of the Services page: what the list shows, filters and sorts by, and the destination Services its
 * traffic metrics are summed over. The whole view (rules, objects, workloads) is the service page's.
 */
export interface ServiceSummary extends Pick<ReleaseView, 'cluster' | 'namespace' | 'service' | 'host' | 'routed' | 'validations' | 'gitOps' | 'trafficServices'> {
  provider: ProviderInfo;
  versions: VersionSummary[];
  otherRouteCount: number;
}

function summaryOf(view: ReleaseView): ServiceSummary {
  return {
    cluster: view.cluster,
    namespace: view.namespace,
    service: view.service,
    host: view.host,
    routed: view.routed,
    provider: { id: view.provider.id, name: view.provider.name },
    versions: view.versions.map(({ name, weight, role, ready, desired, rules }) => ({ name, weight, role, ready, desired, ruleCount: rules.length })),
    validations: view.validations,
    gitOps: view.gitOps,
    trafficServices: view.trafficServices,
    otherRouteCount: view.otherRoutes.length,
  };
}

/** A row that changed: its new value, or none when the service left the list. */
export interface RowChange {
  cluster: string;
  namespace: string;
  service: string;
  /** The row as JSON (what GET /api/services serves for it); absent when the row was removed. */
  json?: string;
}

/** Whether the list shows a service: it has routing objects, or workloads that carry version labels. */
function listed(view: ReleaseView): boolean {
  return view.objects.length > 0 || view.discoveredVersions.length > 0;
}

const byName = (a: string, b: string) => a.localeCompare(b);

/** The rows of one namespace, sorted by service name: none for the system namespaces. */
export function rowsOfSnapshot(snapshot: NamespaceSnapshot): ServiceSummary[] {
  if (SYSTEM_NAMESPACES.has(snapshot.namespace)) return [];
  const rows: ServiceSummary[] = [];
  for (const name of serviceNames(snapshot).sort(byName)) {
    if (snapshot.namespace === 'default' && name === 'kubernetes') continue;
    const { view } = readService(snapshot, name);
    if (listed(view)) rows.push(summaryOf(view));
  }
  return rows;
}

/** Every row of a cluster read from scratch, by namespace: what the incremental rows must always equal. */
export function rebuiltRows(cache: ObjectStore): Map<string, ServiceSummary[]> {
  const rows = new Map<string, ServiceSummary[]>();
  for (const [namespace, snapshot] of snapshotsNow(cache)) {
    const namespaceRows = rowsOfSnapshot(snapshot);
    if (namespaceRows.length > 0) rows.set(namespace, namespaceRows);
  }
  return rows;
}

/** A kept row: its JSON as served, and what the first screen of the page is filtered and sorted by. */
export interface KeptRow {
  json: string;
  key: OrderKey;
  searchText: string;
}

/** One namespace's rows by service, in service order; `json` is all of them joined, ready to serve. */
interface NamespaceRows {
  rows: Map<string, KeptRow>;
  json: string;
}

const ROUTING_KEYS = new Set(snapshotKinds().map((info) => info.key));
const CROSS_KEYS = new Set(crossNamespaceKinds().map((info) => info.key));
/** How long changes are gathered before rows are recomputed for open streams: one rollout is many events. */
const GATHER_MS = 15;

/**
 * The Services page's rows of one cluster, kept up to date from its watch cache. A change marks the namespaces
 * whose views it can change (its own, and for a cross-namespace kind those of the hosts it names, before and
 * after); the next read recomputes only those namespaces, and rows are served from their kept JSON. Open event
 * streams get each changed row as it changes.
 */
export class ServiceRows {
  private readonly namespaces = new Map<string, NamespaceRows>();
  private sorted: string[] | undefined;
  /** Namespaces to recompute; `all` until the first read, or after a change to a wildcard host. */
  private dirty: Set<string> | 'all' = 'all';
  /** What each cross-namespace object reached when last seen, by uid: a changed host leaves its old namespace too. */
  private readonly reached = new Map<string, readonly string[] | 'all'>();
  private readonly listeners = new Set<(changes: RowChange[]) => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether rows were read once: the first read is everything, not news for open streams. */
  private built = false;
  /** Counts the refreshes that changed a row: equal versions serve equal lists. */
  version = 0;

  get cluster(): string {
    return this.cache.target.name;
  }

  constructor(private readonly cache: ObjectStore) {
    cache.subscribe((change) => this.changed(change));
  }

  private mark(namespaces: readonly string[] | 'all'): void {
    if (this.dirty === 'all') return;
    if (namespaces === 'all') this.dirty = 'all';
    else for (const namespace of namespaces) this.dirty.add(namespace);
  }

  private changed(change: CacheChange): void {
    if (!ROUTING_KEYS.has(change.kind)) return;
    const metadata = change.object.metadata ?? {};
    this.mark([metadata.namespace ?? '']);
    if (CROSS_KEYS.has(change.kind)) {
      const uid = metadata.uid ?? `${metadata.namespace}/${metadata.name}`;
      const before = this.reached.get(uid);
      const after = change.type === 'deleted' ? undefined : reachedNamespaces(change.kind, change.object);
      if (after) this.reached.set(uid, after);
      else this.reached.delete(uid);
      if (before) this.mark(before);
      if (after) this.mark(after);
    }
    if (this.listeners.size > 0) this.timer ??= setTimeout(() => void this.refresh().catch(() => undefined), GATHER_MS);
  }

  /** Recomputes the namespaces marked since the last read; returns (and tells open streams) the rows that changed. */
  async refresh(): Promise<RowChange[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.cache.whenSynced();
    // From here on nothing awaits: the cache cannot change while the marked namespaces are read.
    const dirty = this.dirty;
    this.dirty = new Set();
    let snapshots: Map<string, NamespaceSnapshot>;
    if (dirty === 'all') {
      snapshots = snapshotsNow(this.cache);
      this.rememberReach();
    } else {
      if (dirty.size === 0) return [];
      snapshots = new Map([...dirty].map((namespace) => [namespace, namespaceSnapshotNow(this.cache, namespace)]));
    }
    const touched = dirty === 'all' ? new Set([...this.namespaces.keys(), ...snapshots.keys()]) : dirty;
    const changes: RowChange[] = [];
    for (const namespace of touched) {
      const snapshot = snapshots.get(namespace);
      this.replace(namespace, snapshot ? rowsOfSnapshot(snapshot) : [], changes);
    }
    const news = this.built;
    this.built = true;
    if (changes.length > 0) this.version += 1;
    if (news && changes.length > 0) for (const listener of this.listeners) listener(changes);
    return changes;
  }

  /** After reading everything: what each cross-namespace object reaches, for its next change. */
  private rememberReach(): void {
    this.reached.clear();
    for (const key of CROSS_KEYS) {
      for (const object of this.cache.listNow(key)) {
        const metadata = object.metadata ?? {};
        this.reached.set(metadata.uid ?? `${metadata.namespace}/${metadata.name}`, reachedNamespaces(key, object));
      }
    }
  }

  private replace(namespace: string, rows: ServiceSummary[], changes: RowChange[]): void {
    const before = this.namespaces.get(namespace)?.rows;
    const kept = new Map<string, KeptRow>();
    const cluster = this.cache.target.name;
    for (const row of rows) {
      const json = JSON.stringify(row);
      const previous = before?.get(row.service);
      if (previous?.json === json) {
        kept.set(row.service, previous);
        continue;
      }
      kept.set(row.service, { json, key: orderKeyOf(row), searchText: searchTextOf(row) });
      changes.push({ cluster, namespace, service: row.service, json });
    }
    for (const service of before?.keys() ?? []) if (!kept.has(service)) changes.push({ cluster, namespace, service });
    if (rows.length === 0) {
      if (before) this.sorted = undefined;
      this.namespaces.delete(namespace);
      return;
    }
    if (!before) this.sorted = undefined;
    this.namespaces.set(namespace, { rows: kept, json: [...kept.values()].map((row) => row.json).join(',') });
  }

  /** Namespaces that have rows, sorted. */
  namespaceNames(): string[] {
    this.sorted ??= [...this.namespaces.keys()].sort(byName);
    return this.sorted;
  }

  /** The rows of one namespace as JSON joined by commas ('' when it has none), as of the last refresh. */
  namespaceJson(namespace: string): string {
    return this.namespaces.get(namespace)?.json ?? '';
  }

  /** The kept rows of one namespace, in service order. */
  namespaceKeptRows(namespace: string): Iterable<KeptRow> {
    return this.namespaces.get(namespace)?.rows.values() ?? [];
  }

  /** One row, parsed, as of the last refresh; undefined when the list has no such service. */
  row(namespace: string, service: string): ServiceSummary | undefined {
    const kept = this.namespaces.get(namespace)?.rows.get(service);
    return kept && (JSON.parse(kept.json) as ServiceSummary);
  }

  /** The rows of one namespace, parsed (tests and the controller-free readers use this). */
  namespaceRows(namespace: string): ServiceSummary[] {
    const json = this.namespaceJson(namespace);
    return json ? (JSON.parse(`[${json}]`) as ServiceSummary[]) : [];
  }

  /** Every row changed from now on, in batches, as long as the returned function is not called. */
  subscribe(listener: (changes: RowChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

// Like the watch caches (lib/k8s/watch-cache), one per cache per process even when route modules are evaluated twice.
const registry = globalThis as typeof globalThis & { __weirServiceRows?: WeakMap<ObjectStore, ServiceRows> };

/** The kept rows of a cluster's watch cache, created on first use. */
export function serviceRows(cache: ObjectStore): ServiceRows {
  registry.__weirServiceRows ??= new WeakMap();
  let rows = registry.__weirServiceRows.get(cache);
  if (!rows) registry.__weirServiceRows.set(cache, (rows = new ServiceRows(cache)));
  return rows;
}
