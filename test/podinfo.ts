/** Scenario 3's objects (podinfo v1 stable, v2 healthy, v3 erroring, and its Release) in a namespace of a test's own. */
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { kubectl, REPO_ROOT, type Sandbox } from '../dev/sandbox/sandbox.ts';
import type { ProgressiveSettings } from '@/lib/release/model';

/** Routing for podinfo in another API than the scenario's Istio one: a Service per version and v1 at 100%. */
function routingIn(provider: 'gateway-api' | 'smi', namespace: string): string {
  const services = ['v1', 'v2', 'v3'].map(
    (version) => `apiVersion: v1
kind: Service
metadata: {name: podinfo-${version}, namespace: ${namespace}}
spec:
  selector: {app: podinfo, version: ${version}}
  ports: [{name: http, port: 9898}]`,
  );
  const route =
    provider === 'gateway-api'
      ? `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: podinfo, namespace: ${namespace}}
spec:
  parentRefs: [{group: "", kind: Service, name: podinfo, port: 9898}]
  rules: [{backendRefs: [{name: podinfo-v1, port: 9898, weight: 100}]}]`
      : `apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: podinfo, namespace: ${namespace}}
spec: {service: podinfo, backends: [{service: podinfo-v1, weight: 100}]}`;
  return [...services, route].join('\n---\n');
}

/**
 * Scenario 3's podinfo in a namespace of the caller's: routed by Istio as the scenario ships it, or by
 * Gateway API / SMI instead (the scenario's VirtualService and DestinationRule left out).
 */
export async function podinfoNamespace(sandbox: Sandbox, namespace: string, provider: 'istio' | 'gateway-api' | 'smi' = 'istio'): Promise<void> {
  let yaml = readFileSync(join(REPO_ROOT, 'dev/scenarios/podinfo-test.yaml'), 'utf8').replace(/\btest\b/g, namespace);
  if (provider !== 'istio') {
    yaml = yaml
      .split(/^---$/m)
      .filter((doc) => !/kind: (VirtualService|DestinationRule)/.test(doc))
      .join('---')
      .concat(`\n---\n${routingIn(provider, namespace)}\n`);
  }
  await kubectl(sandbox, ['create', 'namespace', namespace]);
  const file = join(sandbox.dir, `podinfo-${namespace}.yaml`);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, yaml);
  await kubectl(sandbox, ['apply', '-f', file]);
  await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
}

/**
 * The progressive-delivery controller as its own process (lib/progressive/main.ts, the loop the console runs),
 * so a test can kill it with SIGKILL mid-release and start another.
 */
export function startControllerProcess(sandbox: Sandbox & { prometheusUrl?: string }, env: Record<string, string> = {}): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', join(REPO_ROOT, 'lib/progressive/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      WEIR_KUBECONFIG: sandbox.consoleKubeconfig,
      WEIR_PROMETHEUS_URL: sandbox.prometheusUrl ?? '',
      WEIR_LEASE_SECONDS: '3',
      WEIR_CONTROLLER_TICK_MS: '200',
      WEIR_CONTROLLER: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout?.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  return child;
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** The progressive release the controller suites start on podinfo: v1 → v2 by 10 % every 2 s up to 50 %. */
export const PODINFO_RELEASE: ProgressiveSettings = {
  stableVersion: 'v1',
  grayVersion: 'v2',
  stepWeight: 10,
  maxWeight: 50,
  interval: '2s',
  // A generous threshold: with little simulated traffic a check now and then has no data yet.
  threshold: 20,
  analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '30s' },
  approval: 'none',
  deleteOldVersion: false,
};
