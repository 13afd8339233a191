/**
 * Starts and stops the local sandbox: the real control plane (dev/cluster), the demo scenarios and, as they
 * land, Prometheus and the traffic simulator. Used by `./weir start`, and by the integration and end-to-end
 * test setups. Runs on Node 24 directly (type stripping), so it imports only relative `.ts` files.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { SCENARIOS, type Scenario } from '../scenarios/index.ts';
import { describeTraffic, startTraffic, stopTraffic } from './traffic.ts';

const run = promisify(execFile);

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.WEIR_SHARED_DIR ?? resolve(REPO_ROOT, '../shared');

export interface Sandbox {
  dir: string;
  /** kubeconfig with one context per sandbox user: admin, alice, bob, victor, weir-console. */
  kubeconfig: string;
  /** kubeconfig the console runs with: one context, `sandbox`, as the console's ServiceAccount. */
  consoleKubeconfig: string;
  apiServerUrl: string;
  apiServerVersion: string;
  kubectl: string;
  /** istiod's plaintext xDS address (host:port) and its debug HTTP (`/debug/configz`, `/ready`). */
  istiodXds: string;
  istiodUrl: string;
  /** The istio.io/istio module version istiod is built from. */
  istiodVersion: string;
  /** Prometheus scraping the traffic simulator (dev/sandbox/traffic.ts); '' when traffic is not running. */
  prometheusUrl: string;
  simulatorUrl: string;
}

function log(message: string): void {
  process.stderr.write(`[sandbox] ${message}\n`);
}

async function sh(command: string, args: string[], options: { env?: Record<string, string> } = {}): Promise<string> {
  try {
    const { stdout } = await run(command, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...options.env } });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${failure.stderr || failure.stdout || failure.message}`);
  }
}

/** Builds (once, cached) the control-plane binaries and returns their folder. */
export async function buildControlPlane(): Promise<string> {
  const out = await sh(join(REPO_ROOT, 'dev/cluster/build.sh'), []);
  return out.trim().split('\n').at(-1)!;
}

function parseEnvFile(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!.replace(/^['"]|['"]$/g, '');
  }
  return values;
}

/** Writes a kubeconfig holding only the console's own identity, its one context named `name` (`sandbox`). */
function writeConsoleKubeconfig(kubeconfig: string, target: string, name = 'sandbox'): void {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as {
    contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
    clusters: { name: string }[];
    users: { name: string }[];
  };
  // The console watches as its own ServiceAccount (read-only RBAC); writes carry the signed-in user's token.
  const source = config.contexts.find((context) => context.name === 'weir-console');
  if (!source) throw new Error(`${kubeconfig} has no weir-console context`);
  const consoleConfig = {
    apiVersion: 'v1',
    kind: 'Config',
    // Cluster and user entries carry the context's name, so kubeconfigs of several sandboxes merge without clashes.
    clusters: config.clusters.filter((cluster) => cluster.name === source.context.cluster).map((cluster) => ({ ...cluster, name })),
    users: config.users.filter((user) => user.name === source.context.user).map((user) => ({ ...user, name: `weir-console@${name}` })),
    contexts: [{ name, context: { cluster: name, user: `weir-console@${name}` } }],
    'current-context': name,
  };
  writeFileSync(target, stringify(consoleConfig), { mode: 0o600 });
}

interface KubeconfigFile {
  clusters: unknown[];
  users: unknown[];
  contexts: { name: string }[];
  'current-context'?: string;
}

/**
 * One kubeconfig with every sandbox's console context (`sandbox`, `mesh02`): what the console runs with to manage
 * several clusters. The first is current.
 */
export function writeMultiClusterKubeconfig(sandboxes: Pick<Sandbox, 'consoleKubeconfig'>[], target: string): string {
  const configs = sandboxes.map((sandbox) => parse(readFileSync(sandbox.consoleKubeconfig, 'utf8')) as KubeconfigFile);
  const merged = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: configs.flatMap((config) => config.clusters),
    users: configs.flatMap((config) => config.users),
    contexts: configs.flatMap((config) => config.contexts),
    'current-context': configs[0]?.['current-context'],
  };
  writeFileSync(target, stringify(merged), { mode: 0o600 });
  return target;
}

/** Applies the demo scenarios (every one by default) as the sandbox admin. */
export async function applyScenarios(sandbox: Sandbox, scenarios: Scenario[] = SCENARIOS): Promise<void> {
  for (const scenario of scenarios) {
    const files = scenario.files.map((file) =>
      file.startsWith('shared:') ? join(SHARED_DIR, file.slice('shared:'.length)) : join(REPO_ROOT, file),
    );
    for (const file of files) {
      if (!existsSync(file)) throw new Error(`scenario ${scenario.name}: ${file} is missing (is ../shared beside the repository?)`);
    }
    await kubectl(sandbox, ['create', 'namespace', scenario.namespace, '--dry-run=client', '-o', 'yaml'])
      .then((yaml) => kubectlStdin(sandbox, ['apply', '-f', '-'], yaml));
    await kubectl(sandbox, ['apply', '-n', scenario.namespace, ...files.flatMap((file) => ['-f', file])]);
    log(`scenario ${scenario.name} applied in namespace ${scenario.namespace}`);
  }
}

/** Runs the sandbox's kubectl as the given user (admin by default). */
export async function kubectl(sandbox: Sandbox, args: string[], user = 'admin'): Promise<string> {
  return sh(sandbox.kubectl, ['--kubeconfig', sandbox.kubeconfig, '--context', user, ...args]);
}

async function kubectlStdin(sandbox: Sandbox, args: string[], input: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      sandbox.kubectl,
      ['--kubeconfig', sandbox.kubeconfig, '--context', 'admin', ...args],
      (error, stdout, stderr) => (error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolvePromise(stdout)),
    );
    child.stdin?.end(input);
  });
}

export interface SandboxOptions {
  /** Where its state lives (a new temporary folder by default). */
  dir?: string;
  /** false: none; a list: these; default: every demo scenario. */
  scenarios?: boolean | Scenario[];
  /** The console's context name for it (`sandbox`; a second cluster is `mesh02`). */
  name?: string;
  /** Another sandbox whose users (admin, alice, bob) keep their tokens here: the same people on a second cluster. */
  sameUsersAs?: Pick<Sandbox, 'dir'>;
}

/** Starts a sandbox in `dir` (a new temporary folder by default) and applies the demo scenarios. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const started = Date.now();
  const bin = await buildControlPlane();
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'weir-sandbox-'));
  log(`starting the control plane in ${dir}`);
  const env: Record<string, string> = { WEIR_CLUSTER_BIN: bin };
  if (options.sameUsersAs) env.WEIR_SANDBOX_SAME_USERS = join(options.sameUsersAs.dir, 'tokens.csv');
  await sh(join(REPO_ROOT, 'dev/cluster/up.sh'), [dir], { env });
  const sandbox = describeSandbox(dir, bin, options.name);
  sandbox.apiServerVersion = await apiServerVersion(sandbox);
  if (options.scenarios !== false) await applyScenarios(sandbox, Array.isArray(options.scenarios) ? options.scenarios : SCENARIOS);
  Object.assign(sandbox, await startTraffic(sandbox));
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: kube-apiserver ${sandbox.apiServerVersion} at ${sandbox.apiServerUrl}, istiod (${sandbox.istiodVersion}) xDS at ${sandbox.istiodXds}`);
  return sandbox;
}

/** Reads what up.sh left in `dir` about a running sandbox. */
export function describeSandbox(dir: string, bin: string, name?: string): Sandbox {
  const env = parseEnvFile(join(dir, 'sandbox.env'));
  const kubeconfig = env.KUBECONFIG ?? join(dir, 'kubeconfig');
  const consoleKubeconfig = join(dir, 'console.kubeconfig');
  if (name || !existsSync(consoleKubeconfig)) writeConsoleKubeconfig(kubeconfig, consoleKubeconfig, name);
  return {
    dir,
    kubeconfig,
    consoleKubeconfig,
    apiServerUrl: env.WEIR_APISERVER_URL ?? '',
    apiServerVersion: 'unknown',
    istiodXds: env.WEIR_ISTIOD_XDS ?? '',
    istiodUrl: env.WEIR_ISTIOD_URL ?? '',
    istiodVersion: env.WEIR_ISTIOD_VERSION ?? '',
    kubectl: join(bin, 'kubectl'),
    ...describeTraffic(dir),
  };
}

/** The gitVersion the API server reports on /version, e.g. v1.35.8. */
export async function apiServerVersion(sandbox: Sandbox): Promise<string> {
  const version = JSON.parse(await kubectl(sandbox, ['get', '--raw', '/version'])) as { gitVersion: string };
  return version.gitVersion;
}

/** Stops every process of the sandbox and removes its folder. */
export async function stopSandbox(sandbox: Pick<Sandbox, 'dir'>): Promise<void> {
  // down.sh stops only the control-plane binaries it knows; the traffic processes are ours to stop.
  await stopTraffic(sandbox);
  await sh(join(REPO_ROOT, 'dev/cluster/down.sh'), [sandbox.dir]);
}
