/**
 * The simulator's view of the cluster: one list+watch per kind the mesh data plane cares about, in all
 * namespaces, kept in memory. A generation counter tells the request loop when to rebuild its routing table.
 * A kind the API server does not serve (its CRD is not installed) counts as listed and empty, and is
 * retried with backoff, so one missing CRD never holds up the others.
 */
import { KubernetesObjectApi, makeInformer, type Informer, type KubeConfig, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { WATCHED_KINDS, apiVersionOf, collectionPath, type WatchedKindKey } from './kinds.ts';

type CachingInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

const KEYS = Object.keys(WATCHED_KINDS) as WatchedKindKey[];
const MAX_BACKOFF_MS = 30_000;

/** True for the errors that mean "this API is not served": discovery or the list answered 404. */
function notServed(error: unknown): boolean {
  // A failed list carries `code`, a failed watch `statusCode`.
  const { code, statusCode, message } = (error ?? {}) as { code?: number; statusCode?: number; message?: string };
  return code === 404 || statusCode === 404 || /Unrecognized API version and kind/.test(message ?? '');
}

/** One line for the log: client-node's ApiException message spans the whole response. */
function describe(error: unknown): string {
  const { code } = (error ?? {}) as { code?: number };
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  return code === undefined || firstLine.includes(String(code)) ? firstLine : `${firstLine} HTTP ${code}`;
}

export class MeshState {
  /** Bumped on every add / update / delete, and when a kind appears or disappears. */
  generation = 0;
  private readonly informers = new Map<WatchedKindKey, CachingInformer>();
  private readonly synced = new Set<WatchedKindKey>();
  private readonly absent = new Set<WatchedKindKey>();
  private readonly restarts = new Map<WatchedKindKey, number>();
  /** Errors an informer reported while `start()` ran: it reports a failed list that way instead of throwing. */
  private readonly startErrors = new Map<WatchedKindKey, unknown>();
  private readonly starting = new Set<WatchedKindKey>();
  private readonly kubeConfig: KubeConfig;
  private stopped = false;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
    for (const key of KEYS) this.informers.set(key, this.makeInformer(key));
  }

  private makeInformer(key: WatchedKindKey): CachingInformer {
    const kind = WATCHED_KINDS[key];
    // A fresh client per list: KubernetesObjectApi caches discovery, and would keep missing a CRD installed later.
    const list = () => this.kubeConfig.makeApiClient(KubernetesObjectApi).list(apiVersionOf(kind), kind.kind);
    const informer = makeInformer(this.kubeConfig, collectionPath(kind), list);
    const bump = () => (this.generation += 1);
    informer.on('add', bump);
    informer.on('update', bump);
    informer.on('delete', bump);
    // client-node's informer stops on an unexpected error (API server restart, CRD removed): restart it.
    informer.on('error', (error) => {
      if (this.informers.get(key) !== informer) return;
      if (this.starting.has(key)) this.startErrors.set(key, error);
      else this.failed(key, error);
    });
    return informer;
  }

  /** Starts every watch; resolves once each kind has listed once (or is known not to be served), or after `timeoutMs`. */
  async start(timeoutMs = 15_000): Promise<boolean> {
    for (const key of KEYS) void this.startKind(key);
    const deadline = Date.now() + timeoutMs;
    while (!this.ready() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.ready();
  }

  /** True once every kind has listed, or is known not to be served. */
  ready(): boolean {
    return KEYS.every((key) => this.synced.has(key) || this.absent.has(key));
  }

  private async startKind(key: WatchedKindKey): Promise<void> {
    if (this.stopped) return;
    this.starting.add(key);
    this.startErrors.delete(key);
    try {
      await this.informers.get(key)!.start();
    } catch (error) {
      this.startErrors.set(key, error);
    }
    this.starting.delete(key);
    const error = this.startErrors.get(key);
    if (error !== undefined) return this.failed(key, error);
    if (this.absent.delete(key)) process.stderr.write(`[simulator] ${key} are served now; watching them\n`);
    this.synced.add(key);
    this.restarts.set(key, 0);
    this.generation += 1;
  }

  private failed(key: WatchedKindKey, error: unknown): void {
    if (notServed(error)) {
      if (!this.absent.has(key)) {
        this.absent.add(key);
        this.synced.delete(key);
        this.generation += 1;
        process.stderr.write(`[simulator] ${key} are not served (${describe(error)}); routing without them, retrying\n`);
      }
      // A fresh informer starts with a list, whose failure start() reports; the old one would only re-watch.
      void this.informers.get(key)!.stop();
      this.informers.set(key, this.makeInformer(key));
    }
    this.restartLater(key, error);
  }

  private restartLater(key: WatchedKindKey, error: unknown): void {
    if (this.stopped) return;
    const restarts = (this.restarts.get(key) ?? 0) + 1;
    this.restarts.set(key, restarts);
    // A kind known to be absent was reported once; its retries stay quiet.
    if (!this.absent.has(key)) process.stderr.write(`[simulator] watch of ${key} failed (${describe(error)}); restarting\n`);
    const delay = Math.min(500 * 2 ** Math.min(restarts, 6), MAX_BACKOFF_MS);
    setTimeout(() => void this.startKind(key), delay).unref();
  }

  /** Every cached object of a kind, in all namespaces; none for a kind that is not served. */
  list<T extends KubernetesObject>(key: WatchedKindKey): T[] {
    return this.absent.has(key) ? [] : (this.informers.get(key)!.list() as T[]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }
}
