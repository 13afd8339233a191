/**
 * What istiod tells a sidecar, for tests that hold Weir's reading of routing objects against Istio's own: the
 * simulator's xDS agent (dev/simulator/xds-agent) poses as the sidecar of a real pod of the sandbox and hands
 * back the outbound routes istiod computed for it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { REPO_ROOT, type Sandbox } from '../dev/sandbox/sandbox.ts';
import { adminApi } from './sandbox-client.ts';

interface WeightedCluster {
  name: string;
  weight: number;
}

interface RouteAction {
  kind: string;
  cluster?: string;
  weightedClusters?: WeightedCluster[];
}

interface SidecarRoute {
  match: { path?: { kind: string; value?: string }; headers?: unknown[] };
  action: RouteAction;
}

interface VirtualHost {
  name: string;
  domains: string[];
  routes: SidecarRoute[];
}

export interface SidecarSnapshot {
  routeConfigs: Record<string, { name: string; virtualHosts: VirtualHost[] }>;
}

/** The xDS agent binary, built once (it is cached by its sources' hash). */
function agentBinary(): string {
  const out = execFileSync(join(REPO_ROOT, 'dev/simulator/xds-agent/build.sh'), { encoding: 'utf8' });
  return out.trim().split('\n').at(-1)!;
}

/** A Ready pod of a namespace, as the agent describes the workload it poses as. */
async function clientPod(sandbox: Sandbox, namespace: string, app: string) {
  const pods = await adminApi(sandbox).list<V1Pod>('v1', 'Pod', namespace);
  const pod = pods.items.find((item) => item.metadata?.labels?.app === app && item.status?.podIP);
  if (!pod) throw new Error(`no pod of app=${app} with an IP in ${namespace}`);
  return { name: pod.metadata!.name!, namespace, ip: pod.status!.podIP!, labels: pod.metadata!.labels ?? {}, serviceAccount: pod.spec?.serviceAccountName ?? 'default', nodeName: pod.spec?.nodeName };
}

/** A running agent session with istiod for one client pod; `until` waits for a snapshot that satisfies it. */
export class SidecarView {
  private latest: SidecarSnapshot | undefined;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      // A line cut short when the session is closed (the agent killed mid-write) is not an event.
      let event: { event: string; snapshot?: SidecarSnapshot };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return;
      }
      if (event.event === 'snapshot' && event.snapshot) {
        this.latest = event.snapshot;
        for (const wake of this.waiters) wake();
      }
    });
  }

  /** Connects as the sidecar of a pod of `app` in `namespace`. */
  static async open(sandbox: Sandbox, namespace: string, app: string): Promise<SidecarView> {
    if (!sandbox.istiodXds) throw new Error(`the sandbox in ${sandbox.dir} runs no istiod (no WEIR_ISTIOD_XDS in its sandbox.env): start it with dev/cluster/up.sh`);
    const child = spawn(agentBinary(), ['--istiod', sandbox.istiodXds], { stdio: ['pipe', 'pipe', 'ignore'] });
    const view = new SidecarView(child);
    child.stdin!.write(`${JSON.stringify({ op: 'subscribe', client: `${namespace}/${app}`, pod: await clientPod(sandbox, namespace, app) })}\n`);
    return view;
  }

  /** The newest snapshot that satisfies `until`, waiting up to `timeoutMs` for istiod to push one. */
  async until(until: (snapshot: SidecarSnapshot) => boolean, timeoutMs = 20_000): Promise<SidecarSnapshot> {
    const deadline = Date.now() + timeoutMs;
    while (!this.latest || !until(this.latest)) {
      if (Date.now() > deadline) throw new Error(`istiod pushed no snapshot that satisfies the test within ${timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        setTimeout(wake, 250);
      });
    }
    return this.latest;
  }

  close(): void {
    this.child.stdin?.end();
    this.child.kill();
  }
}

/**
 * The weights by subset of the last route of a host's virtual host on a port, as the sidecar would apply
 * them (Istio names outbound clusters `outbound|port|subset|host`); undefined when the host has no routes.
 */
export function catchAllSubsets(snapshot: SidecarSnapshot, fqdn: string, port: number): Record<string, number> | undefined {
  const config = snapshot.routeConfigs[String(port)];
  const host = config?.virtualHosts.find((vh) => vh.domains.includes(fqdn) || vh.domains.includes(`${fqdn}:${port}`));
  const route = host?.routes.at(-1);
  if (!route) return undefined;
  const clusters = route.action.kind === 'cluster' ? [{ name: route.action.cluster!, weight: 1 }] : (route.action.weightedClusters ?? []);
  const total = clusters.reduce((sum, cluster) => sum + cluster.weight, 0);
  return Object.fromEntries(clusters.map((cluster) => [cluster.name.split('|')[2] ?? '', Math.round((cluster.weight * 100) / total)]));
}
