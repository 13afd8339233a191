import 'server-only';
import { RequestContext, HttpMethod, type KubeConfig } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import { HttpError } from '@/lib/http/errors';
import { say } from '@/lib/i18n/messages';

/** Whether a cluster's API server answers, as the console's probe last saw it. */
export interface Reachability {
  /** `unknown` until the first probe has answered. */
  state: 'unknown' | 'reachable' | 'unreachable';
  /** When the API server stopped answering (ISO time), while it is unreachable. */
  since?: string;
  /** When it last came back (ISO time), after an outage. */
  backAt?: string;
}

/** A probe a second: an outage shows within about 2 s, at the cost of one tiny request on a kept-alive connection. */
const PROBE_EVERY_MS = 1_000;
/** While it is away, more often (a refused connection costs nothing), so its return is seen within half a second. */
const PROBE_AWAY_EVERY_MS = 500;
/**
 * A frozen API server (or a dropped network) accepts the connection and never answers: a probe unanswered this long
 * means it is gone (a busy API server answers /readyz in milliseconds; 2 s is far from that, and still shows a
 * freeze within 3 s). The probe itself waits longer, in case the answer is only slow.
 */
const UNANSWERED_MS = 2_000;
const PROBE_TIMEOUT_MS = 5_000;
/** Failed probes in a row (refused, reset, not ready) before the API server counts as gone: one is not an outage. */
const FAILURES_TO_DECLARE = 2;

/**
 * Asks one cluster's API server `GET /readyz` every second, as the console, and says when it stops answering and
 * when it is back. Watches alone notice a stopped API server late (a frozen one not at all until their 30 s
 * inactivity timeout), so the health banner and the write guard go by this probe.
 */
export class ApiServerProbe {
  private current: Reachability = { state: 'unknown' };
  private failures = 0;
  private firstFailure?: Date;
  private dispatcher?: Dispatcher;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly listeners = new Set<(reachability: Reachability) => void>();

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly cluster: string,
  ) {}

  get reachability(): Reachability {
    return this.current;
  }

  /** Called on every change of state (gone, back). */
  onChange(listener: (reachability: Reachability) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    const unanswered = setTimeout(() => this.declareGone(new Date(started)), UNANSWERED_MS);
    unanswered.unref();
    const ready = await this.ready();
    clearTimeout(unanswered);
    if (this.stopped) return;
    if (ready) this.succeeded();
    else this.failed(new Date(started));
    const every = this.current.state === 'unreachable' ? PROBE_AWAY_EVERY_MS : PROBE_EVERY_MS;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, every - (Date.now() - started)));
    this.timer.unref();
  }

  private async ready(): Promise<boolean> {
    const server = this.kubeConfig.getCurrentCluster()?.server;
    if (!server) return false;
    try {
      const context = new RequestContext(`${server}/readyz`, HttpMethod.GET);
      await this.kubeConfig.applySecurityAuthentication(context);
      // client-node makes a new connection pool per request; the probe keeps its first, so a probe a second
      // reuses one kept-alive connection instead of a TLS handshake each time.
      this.dispatcher ??= context.getDispatcher() as Dispatcher | undefined;
      const response = await fetch(context.getUrl(), { headers: context.getHeaders(), dispatcher: this.dispatcher, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  private succeeded(): void {
    this.failures = 0;
    this.firstFailure = undefined;
    if (this.current.state === 'reachable') return;
    const wasDown = this.current.state === 'unreachable';
    this.set({ state: 'reachable', ...(wasDown ? { backAt: new Date().toISOString() } : {}) });
    if (wasDown) console.error(`[weir] the API server of cluster ${this.cluster} answers again`);
  }

  private failed(at: Date): void {
    this.failures += 1;
    this.firstFailure ??= at;
    if (this.failures >= FAILURES_TO_DECLARE) this.declareGone(this.firstFailure);
  }

  private declareGone(since: Date): void {
    if (this.stopped || this.current.state === 'unreachable') return;
    this.set({ state: 'unreachable', since: (this.firstFailure ?? since).toISOString() });
    console.error(`[weir] the API server of cluster ${this.cluster} does not answer /readyz (since ${this.current.since})`);
  }

  private set(next: Reachability): void {
    this.current = next;
    this.listeners.forEach((listener) => listener(next));
  }
}

/**
 * 503 naming the cluster when its API server is known to be down: a write then fails at once, before anything is
 * sent, instead of waiting for a connection that will not answer.
 */
export function requireReachable(cluster: string, reachability: Reachability | undefined): void {
  if (reachability?.state !== 'unreachable') return;
  const said = reachability.since
    ? say('server.clusterUnreachableSince', { cluster, since: `${reachability.since.slice(11, 19)} UTC` })
    : say('server.clusterUnreachable', { cluster });
  throw new HttpError(503, 'ServiceUnavailable', said);
}
