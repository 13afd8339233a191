/** Scenario 3's objects (podinfo v1 stable, v2 healthy, v3 erroring, and its Release) in a namespace of a test's own. */
import { readFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { kubectl, REPO_ROOT, type Sandbox } from '../dev/sandbox/sandbox.ts';

export async function podinfoNamespace(sandbox: Sandbox, namespace: string): Promise<void> {
  const yaml = readFileSync(join(REPO_ROOT, 'dev/scenarios/podinfo-test.yaml'), 'utf8').replace(/\btest\b/g, namespace);
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
