import 'server-only';
import { CustomObjectsApi, KubernetesObjectApi, makeInformer, type Informer, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { watchedKinds } from '@/lib/mesh/registry';
import { CORE_KINDS, apiVersionOf, collectionPath, type KindInfo, type KindKey } from './kinds';
import { clusterTarget, type ClusterTarget } from './clusters';
import { ApiServerProbe, type Reachability } from './reachability';

export type ChangeType = 'added' | 'modified' | 'deleted';

/** One change seen by a watch; the SSE stream forwards these to browsers. */
export interface CacheChange {
  cluster: string;
  kind: KindKey;
  type: ChangeType;
  object: KubernetesObject;
}

/** Health of one kind's list+watch, shown in the UI when something is wrong. */
export interface KindHealth {
  kind: KindKey;
  synced: boolean;
  error?: string;
  restarts: number;
}

/** Capped low: once the API server is back, every watch is running again within 2 s (or at once, see `resyncNow`). */
const MAX_BACKOFF_MS = 2_000;
/** When the API server answered and said no (403 for a kind the console may not list, 404 for a missing CRD). */
const REFUSED_BACKOFF_MS = 30_000;
/** Objects per page of a watch's first list. */
const LIST_PAGE = 500;

class KindCache {
  private informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  private syncedOnce: Promise<void>;
  private markSynced!: () => void;
  /**
   * The pending restart after a failure; how many failed in a row; and the backoff's step, which starts over when
   * one works or when the API server is back (an attempt that fails just then retries in 250 ms, not 2 s).
   */
  private retry?: NodeJS.Timeout;
  private failuresInRow = 0;
  private backoffStep = 0;
  /** Why the last attempt failed, until one works: 'connect' clears `health.error` before an attempt, not after. */
  private failure?: string;
  health: KindHealth;
  /** Bumped on every change so derived views can be memoised cheaply. */
  generation = 0;

  constructor(
    private readonly target: ClusterTarget,
    private readonly info: KindInfo,
    private readonly emit: (change: CacheChange) => void,
    listPage: number,
  ) {
    this.health = { kind: info.key, synced: false, restarts: 0 };
    this.syncedOnce = new Promise((resolve) => (this.markSynced = resolve));
    this.informer = makeInformer(target.kubeConfig, collectionPath(info), () => listInPages(target, info, listPage));
    this.informer.on('add', (object) => this.changed('added', withoutManagedFields(object)));
    this.informer.on('update', (object) => this.changed('modified', withoutManagedFields(object)));
    this.informer.on('delete', (object) => this.changed('deleted', object));
    this.informer.on('connect', () => {
      this.health = { ...this.health, error: undefined };
    });
    // client-node's informer stops on an unexpected error; restart it with capped backoff.
    this.informer.on('error', (error) => this.restartLater(error));
  }

  async start(): Promise<void> {
    const restarts = this.health.restarts;
    try {
      await this.informer.start();
      // client-node reports a failed list (unreachable, forbidden) as an 'error' event and still resolves: then
      // the kind is not synced and its error stays for the health report. Waiters stop waiting either way.
      if (this.health.restarts === restarts) {
        // Listed and watching again.
        if (this.failuresInRow > 0) console.error(`[weir] watch of ${this.info.key} on cluster ${this.target.name} is running again after ${this.failuresInRow} failed attempts`);
        this.failuresInRow = 0;
        this.backoffStep = 0;
        this.failure = undefined;
        this.health = { ...this.health, synced: true, error: undefined };
      }
      this.markSynced();
    } catch (error) {
      this.restartLater(error);
    }
  }

  private restartLater(error: unknown): void {
    const restarts = this.health.restarts + 1;
    this.failuresInRow += 1;
    this.backoffStep += 1;
    this.health = { ...this.health, error: describeError(error), restarts };
    this.failure = this.health.error;
    const delay = Math.min(250 * 2 ** Math.min(this.backoffStep - 1, 7), refusedByServer(error) ? REFUSED_BACKOFF_MS : MAX_BACKOFF_MS);
    // The error may name the API server's address: it goes to the operator's log; the browser sees only the kind.
    // During an outage every kind fails every 2 s: the log gets the first failure of a run, not each one.
    if (this.failuresInRow === 1) console.error(`[weir] watch of ${this.info.key} on cluster ${this.target.name} failed (restart ${restarts} in ${delay} ms): ${this.health.error}`);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, delay);
    this.retry.unref();
  }

  /** The kind's health, failing from a failed attempt until an attempt has listed and is watching again. */
  report(): KindHealth {
    return this.failure && !this.health.error ? { ...this.health, error: this.failure } : this.health;
  }

  /** Restarts now a watch that is waiting out its backoff (the API server is back); one that is running is left alone. */
  resyncNow(): void {
    this.backoffStep = 0;
    if (!this.retry) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    void this.start();
  }

  private changed(type: ChangeType, object: KubernetesObject): void {
    this.generation += 1;
    this.emit({ cluster: this.target.name, kind: this.info.key, type, object });
  }

  /** Resolves once the first list has landed, or after `timeoutMs` (then the cache may be partial). */
  async synced(timeoutMs: number): Promise<boolean> {
    if (this.health.synced) return true;
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([this.syncedOnce.then(() => true as const), timeout]);
  }

  list(namespace?: string): readonly KubernetesObject[] {
    return this.informer.list(namespace);
  }

  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.informer.get(name, namespace);
  }

  async stop(): Promise<void> {
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.informer.stop();
  }
}

/**
 * A kind's whole list, read in pages: the first sync of 10,000 objects never holds one 10 MB answer and its parse
 * at once. Every page comes from the first one's snapshot, so the last page's resourceVersion is the whole list's.
 * Built-in core kinds go through the typed client; every other group as raw JSON (CustomObjectsApi), because the
 * typed client drops a custom resource list's `continue` token (it reads its metadata as an object's).
 */
async function listInPages(target: ClusterTarget, info: KindInfo, listPage: number): Promise<KubernetesListObject<KubernetesObject>> {
  const items: KubernetesObject[] = [];
  let page: KubernetesListObject<KubernetesObject>;
  let continueToken: string | undefined;
  const core = info.group === '' ? target.kubeConfig.makeApiClient(KubernetesObjectApi) : undefined;
  const custom = info.group === '' ? undefined : target.kubeConfig.makeApiClient(CustomObjectsApi);
  do {
    page = core
      ? await core.list(apiVersionOf(info), info.kind, undefined, undefined, undefined, undefined, undefined, undefined, listPage, continueToken)
      : ((await custom!.listClusterCustomObject({ group: info.group, version: info.version, plural: info.plural, limit: listPage, _continue: continueToken })) as KubernetesListObject<KubernetesObject>);
    for (const item of page.items) items.push(withoutManagedFields(item));
    const metadata = page.metadata as { _continue?: string; continue?: string } | undefined;
    continueToken = metadata?._continue || metadata?.continue || undefined;
  } while (continueToken);
  return { ...page, items };
}

/**
 * Drops the server-side-apply bookkeeping from an object the cache keeps (in place: the informer stores this very
 * object): often the largest part of an object, and nothing Weir reads. A write of a cached object leaves it out,
 * which the API server reads as "keep what is there"; YAML shown to people leaves it out anyway.
 */
function withoutManagedFields(object: KubernetesObject): KubernetesObject {
  if (object.metadata?.managedFields) delete object.metadata.managedFields;
  return object;
}

/** A 4xx answer other than 429: asking again soon will not change it. */
function refusedByServer(error: unknown): boolean {
  const record = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  const status = Number(record.code ?? record.statusCode);
  return status >= 400 && status < 500 && status !== 429 && status !== 410;
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const record = error as { message?: unknown; code?: unknown; statusCode?: unknown };
    if (typeof record.message === 'string') return record.message;
    if (record.code ?? record.statusCode) return `HTTP ${String(record.code ?? record.statusCode)}`;
  }
  return String(error);
}

/** What readers of a watch cache need: the objects as they are now, change counters, and changes as they come. */
export interface ObjectStore {
  readonly target: { readonly name: string };
  whenSynced(timeoutMs?: number): Promise<void>;
  listNow<T extends KubernetesObject = KubernetesObject>(key: KindKey, namespace?: string): T[];
  generation(keys?: readonly KindKey[]): number;
  subscribe(listener: (change: CacheChange) => void): () => void;
}

/** The in-memory index of one cluster: one list+watch per kind, started together. */
export class ClusterCache implements ObjectStore {
  private readonly kinds = new Map<KindKey, KindCache>();
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private readonly probe: ApiServerProbe;

  /** `listPage`: objects per page of each kind's first list (tests make it small to see every page read). */
  constructor(
    readonly target: ClusterTarget,
    { listPage = LIST_PAGE }: { listPage?: number } = {},
  ) {
    // Core kinds, Weir's Release and every provider's kinds (lib/mesh/registry), and RoleBindings, which tell
    // which namespaces to ask the API server about for a user without cluster-wide access (lib/auth/bindings).
    // Pods are left out: views read readiness from Deployments.
    for (const info of [...watchedKinds(), CORE_KINDS.roleBindings]) {
      const cache = new KindCache(target, info, (change) => this.listeners.forEach((listener) => listener(change)), listPage);
      this.kinds.set(info.key, cache);
      void cache.start();
    }
    // When the API server answers again, the watches waiting out their backoff restart at once.
    this.probe = new ApiServerProbe(target.kubeConfig, target.name);
    this.probe.onChange(({ state }) => {
      if (state === 'reachable') this.kinds.forEach((cache) => cache.resyncNow());
    });
    this.probe.start();
  }

  private kind(key: KindKey): KindCache {
    const cache = this.kinds.get(key);
    if (!cache) throw new Error(`Unknown kind ${key}`);
    return cache;
  }

  /** Objects of a kind, from memory; waits (briefly) for the first list after start-up. */
  async list<T extends KubernetesObject = KubernetesObject>(key: KindKey, namespace?: string): Promise<T[]> {
    const cache = this.kind(key);
    await cache.synced(10_000);
    return cache.list(namespace) as T[];
  }

  /** Waits (briefly, as `list` does) until every kind's first list has landed, so `listNow` answers from all of them. */
  async whenSynced(timeoutMs = 10_000): Promise<void> {
    await Promise.all([...this.kinds.values()].map((cache) => cache.synced(timeoutMs)));
  }

  /**
   * Objects of a kind as the cache holds them at this instant (after `whenSynced`): no await, so a caller that
   * reads several kinds in one go sees them at the same moment, between two watch events.
   */
  listNow<T extends KubernetesObject = KubernetesObject>(key: KindKey, namespace?: string): T[] {
    return this.kind(key).list(namespace) as T[];
  }

  async get<T extends KubernetesObject = KubernetesObject>(key: KindKey, name: string, namespace?: string): Promise<T | undefined> {
    const cache = this.kind(key);
    await cache.synced(10_000);
    return cache.get(name, namespace) as T | undefined;
  }

  /** Whether a kind's first list has landed (a kind the console may not list never does). */
  isSynced(key: KindKey): boolean {
    return this.kind(key).health.synced;
  }

  health(): KindHealth[] {
    return [...this.kinds.values()].map((cache) => cache.report());
  }

  /** Whether the cluster's API server answers its probe (a stopped or frozen one shows within about 2 s). */
  reachability(): Reachability {
    return this.probe.reachability;
  }

  /** Sum of the change counters of these kinds (all by default): equal values mean nothing changed in between. */
  generation(keys?: readonly KindKey[]): number {
    let total = 0;
    for (const key of keys ?? this.kinds.keys()) total += this.kind(key).generation;
    return total;
  }

  subscribe(listener: (change: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.probe.stop();
    await Promise.all([...this.kinds.values()].map((cache) => cache.stop()));
  }
}

// Route modules can be evaluated more than once (dev reloads, separate bundles): keep one cache per
// cluster per process on globalThis so the API server sees one watch per kind.
const registry = globalThis as typeof globalThis & { __weirClusterCaches?: Map<string, ClusterCache> };

/** The watch cache of a configured cluster, started on first use; undefined for an unknown cluster. */
export function clusterCache(name: string): ClusterCache | undefined {
  registry.__weirClusterCaches ??= new Map();
  const existing = registry.__weirClusterCaches.get(name);
  if (existing) return existing;
  const target = clusterTarget(name);
  if (!target) return undefined;
  const cache = new ClusterCache(target);
  registry.__weirClusterCaches.set(name, cache);
  return cache;
}
