/**
 * The simulator's view of the cluster: one list+watch per kind the mesh data plane cares about, in all
 * namespaces, kept in memory. A generation counter tells the request loop when to rebuild its routing table.
 */
import { KubernetesObjectApi, makeInformer, type Informer, type KubeConfig, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import { KINDS, apiVersionOf, collectionPath, type KindKey } from '@/lib/k8s/kinds';

export const WATCHED_KINDS = ['virtualservices', 'destinationrules', 'services', 'pods', 'deployments', 'workloadentries'] as const satisfies KindKey[];
export type WatchedKind = (typeof WATCHED_KINDS)[number];

type CachingInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

const MAX_BACKOFF_MS = 30_000;

export class MeshState {
  /** Bumped on every add / update / delete. */
  generation = 0;
  private readonly informers = new Map<WatchedKind, CachingInformer>();
  private readonly synced = new Set<WatchedKind>();
  private readonly restarts = new Map<WatchedKind, number>();
  private stopped = false;

  constructor(kubeConfig: KubeConfig) {
    const api = kubeConfig.makeApiClient(KubernetesObjectApi);
    for (const key of WATCHED_KINDS) {
      const info = KINDS[key];
      const informer = makeInformer(kubeConfig, collectionPath(info), () => api.list(apiVersionOf(info), info.kind));
      const bump = () => (this.generation += 1);
      informer.on('add', bump);
      informer.on('update', bump);
      informer.on('delete', bump);
      // client-node's informer stops on an unexpected error (API server restart, missing CRD): restart it.
      informer.on('error', (error) => this.restartLater(key, error));
      this.informers.set(key, informer);
    }
  }

  /** Starts every watch; resolves once each kind has listed once, or after `timeoutMs`. */
  async start(timeoutMs = 15_000): Promise<boolean> {
    for (const key of WATCHED_KINDS) void this.startKind(key);
    const deadline = Date.now() + timeoutMs;
    while (!this.ready() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.ready();
  }

  ready(): boolean {
    return this.synced.size === WATCHED_KINDS.length;
  }

  private async startKind(key: WatchedKind): Promise<void> {
    if (this.stopped) return;
    try {
      await this.informers.get(key)!.start();
      this.synced.add(key);
      this.generation += 1;
    } catch (error) {
      this.restartLater(key, error);
    }
  }

  private restartLater(key: WatchedKind, error: unknown): void {
    if (this.stopped) return;
    const restarts = (this.restarts.get(key) ?? 0) + 1;
    this.restarts.set(key, restarts);
    process.stderr.write(`[simulator] watch of ${key} failed (${error instanceof Error ? error.message : String(error)}); restarting\n`);
    const delay = Math.min(500 * 2 ** Math.min(restarts, 6), MAX_BACKOFF_MS);
    setTimeout(() => void this.startKind(key), delay).unref();
  }

  /** Every cached object of a kind, in all namespaces. */
  list<T extends KubernetesObject>(key: WatchedKind): T[] {
    return this.informers.get(key)!.list() as T[];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }
}
