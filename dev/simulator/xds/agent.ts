/**
 * The simulator's side of the xDS agent (../xds-agent): one child process for all client pods, spoken to
 * in JSON lines. Keeps each client's latest snapshot; when istiod goes away the snapshots stay, as an
 * Envoy keeps its last config, so routing freezes at what istiod last pushed. A crashed agent is
 * restarted with backoff and told its subscriptions again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ClientPod } from '../client-pods.ts';
import { agentBinary } from './agent-binary.ts';
import type { Snapshot } from './snapshot.ts';

interface AgentEvent {
  event: 'ready' | 'connected' | 'snapshot' | 'nack' | 'disconnected' | 'error';
  client?: string;
  message?: string;
  snapshot?: Snapshot;
}

/** What the simulator knows about one client's sidecar. */
export interface SidecarStatus {
  client: string;
  connected: boolean;
  /** When the latest snapshot arrived (ms since the epoch), and istiod's versions in it. */
  snapshotAt?: number;
  versions?: Record<string, string>;
}

const MAX_RESTART_DELAY_MS = 10_000;

function log(message: string): void {
  process.stderr.write(`[simulator] ${message}\n`);
}

export class XdsAgent {
  private child: ChildProcess | undefined;
  private readonly snapshots = new Map<string, { snapshot: Snapshot; at: number }>();
  private readonly subscribed = new Map<string, ClientPod>();
  private readonly connected = new Set<string>();
  /** Clients whose lost connection was reported and has not come back. */
  private readonly outage = new Set<string>();
  private stopped = false;
  private restarts = 0;

  private constructor(
    private readonly binary: string,
    private readonly istiodXds: string,
  ) {}

  /** Builds (once) and starts the agent, talking to istiod's plaintext xDS at `istiodXds` (host:port). */
  static async start(istiodXds: string): Promise<XdsAgent> {
    const agent = new XdsAgent(await agentBinary(), istiodXds);
    agent.spawn();
    return agent;
  }

  private spawn(): void {
    const child = spawn(this.binary, ['--istiod', this.istiodXds], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => this.receive(line));
    createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`${line}\n`));
    // A write after the agent died fails asynchronously; the exit handler deals with it.
    child.stdin!.on('error', () => {});
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.connected.clear();
      if (this.stopped) return;
      const delay = Math.min(500 * 2 ** this.restarts++, MAX_RESTART_DELAY_MS);
      log(`the xDS agent exited (${signal ?? `code ${code}`}); restarting it in ${delay} ms, routing stays at the last config istiod pushed`);
      setTimeout(() => this.restartNow(), delay).unref();
    });
    for (const pod of this.subscribed.values()) this.command({ op: 'subscribe', client: pod.key, pod: podOf(pod) });
  }

  private restartNow(): void {
    if (!this.stopped && !this.child) this.spawn();
  }

  private command(command: object): void {
    this.child?.stdin?.write(`${JSON.stringify(command)}\n`);
  }

  private receive(line: string): void {
    let event: AgentEvent;
    try {
      event = JSON.parse(line) as AgentEvent;
    } catch {
      log(`xDS agent: not an event: ${line.slice(0, 200)}`);
      return;
    }
    const client = event.client ?? '';
    switch (event.event) {
      case 'snapshot':
        if (this.subscribed.has(client) && event.snapshot) this.snapshots.set(client, { snapshot: event.snapshot, at: Date.now() });
        this.restarts = 0;
        break;
      case 'connected':
        if (this.outage.delete(client)) log(`istiod (${this.istiodXds}) serves ${client}'s sidecar again`);
        else if (!this.connected.has(client)) log(`istiod (${this.istiodXds}) serves ${client}'s sidecar`);
        this.connected.add(client);
        break;
      case 'disconnected':
        this.connected.delete(client);
        // The agent reports every failed retry; say it once per outage.
        if (!this.outage.has(client)) log(`lost istiod for ${client} (${event.message}); routing stays at the last config it pushed, reconnecting`);
        this.outage.add(client);
        break;
      case 'nack':
      case 'error':
        log(`xDS agent: ${event.event} ${client}: ${event.message}`);
        break;
    }
  }

  /** Subscribes exactly these clients, dropping the others (and their snapshots). */
  sync(clients: readonly ClientPod[]): void {
    const wanted = new Map(clients.map((client) => [client.key, client]));
    for (const key of [...this.subscribed.keys()]) {
      if (wanted.has(key)) continue;
      this.subscribed.delete(key);
      this.snapshots.delete(key);
      this.connected.delete(key);
      this.outage.delete(key);
      this.command({ op: 'unsubscribe', client: key });
    }
    for (const [key, client] of wanted) {
      const known = this.subscribed.get(key);
      if (known && JSON.stringify(podOf(known)) === JSON.stringify(podOf(client))) continue;
      this.subscribed.set(key, client);
      this.command({ op: 'subscribe', client: key, pod: podOf(client) });
    }
  }

  /** The latest config istiod pushed to a client's sidecar. */
  snapshot(client: string): Snapshot | undefined {
    return this.snapshots.get(client)?.snapshot;
  }

  status(): SidecarStatus[] {
    return [...this.subscribed.keys()].map((client) => {
      const held = this.snapshots.get(client);
      return { client, connected: this.connected.has(client), snapshotAt: held?.at, versions: held?.snapshot.versions };
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Closing stdin is the agent's cue to unsubscribe everything and exit.
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/** The pod as the agent's subscribe command spells it. */
function podOf(client: ClientPod) {
  const { name, namespace, ip, labels, serviceAccount, nodeName, workloadName, owner } = client;
  return { name, namespace, ip, labels, serviceAccount, nodeName, workloadName, owner };
}
