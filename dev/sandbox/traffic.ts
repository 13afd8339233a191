/**
 * Simulated mesh traffic for the sandbox: the simulator (dev/simulator) and Debian's Prometheus scraping it,
 * on free loopback ports, detached, logging to <dir>/logs and listed in <dir>/pids for down.sh. Their URLs go to
 * <dir>/traffic.env so later processes (`describeSandbox`) find them. Runs on Node's type stripping: relative
 * `.ts` imports only; the simulator itself runs under tsx because it imports the console's `@/` modules.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from './sandbox.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PROMETHEUS_BIN = process.env.WEIR_PROMETHEUS_BIN ?? '/usr/bin/prometheus';
/** Must match scrape_interval in dev/prometheus/prometheus.yml. */
export const SCRAPE_INTERVAL = '2s';

export interface Traffic {
  prometheusUrl: string;
  simulatorUrl: string;
}

type SandboxDir = Pick<Sandbox, 'dir'>;

function log(message: string): void {
  process.stderr.write(`[sandbox] ${message}\n`);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : reject(new Error('no free port'))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); its state letter in /proc says it is gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Starts `command` in its own session (like up.sh's `setsid`) so down.sh can stop it with its children. */
function startDetached(dir: string, name: string, command: string, args: string[]): number {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const out = openSync(join(dir, 'logs', `${name}.log`), 'a');
  const child = spawn(command, args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', out, out], env: process.env });
  closeSync(out);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${name} (${command})`);
  appendFileSync(join(dir, 'pids'), `${name} ${child.pid}\n`);
  return child.pid;
}

async function waitUntil(what: string, pid: number, logFile: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) throw new Error(`${what} exited; the end of ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s (log: ${logFile})`);
}

function readTrafficEnv(dir: string): Record<string, string> {
  const path = join(dir, 'traffic.env');
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
      .filter((match): match is RegExpExecArray => Boolean(match))
      .map((match) => [match[1]!, match[2]!]),
  );
}

/** The URLs a running sandbox's traffic listens on; empty strings when it has none. */
export function describeTraffic(dir: string): Traffic {
  const env = readTrafficEnv(dir);
  return { prometheusUrl: env.WEIR_PROMETHEUS_URL ?? '', simulatorUrl: env.WEIR_SIMULATOR_URL ?? '' };
}

/** The newest pid recorded under `name` in <dir>/pids. */
function recordedPid(dir: string, name: string): number | undefined {
  const lines = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').reverse();
  const pid = lines.map((line) => line.split(' ')).find(([recorded]) => recorded === name)?.[1];
  return pid ? Number(pid) : undefined;
}

/** True once Prometheus holds a successful scrape of the simulator taken after `since` (unix seconds). */
async function prometheusHasScraped(prometheusUrl: string, since: number): Promise<boolean> {
  // timestamp(): after a restart the TSDB still holds `up` samples from before the stop.
  const query = encodeURIComponent(`timestamp(up{job="weir-simulator"} == 1) > ${since}`);
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${query}`, { signal: AbortSignal.timeout(2000) });
  const body = (await response.json()) as { data?: { result?: unknown[] } };
  return (body.data?.result?.length ?? 0) > 0;
}

/**
 * Starts (or restarts) the sandbox's Prometheus on its recorded port, keeping its data; resolves once it has
 * scraped the simulator. Does nothing more when it is already running.
 */
export async function startPrometheus(sandbox: SandboxDir): Promise<void> {
  const { prometheusUrl, simulatorUrl } = describeTraffic(sandbox.dir);
  if (!prometheusUrl) throw new Error(`no traffic.env in ${sandbox.dir}: start the traffic first (startTraffic)`);
  const since = Math.floor(Date.now() / 1000) - 1;
  const running = recordedPid(sandbox.dir, 'prometheus');
  if (running && alive(running)) {
    await waitUntil('Prometheus', running, join(sandbox.dir, 'logs/prometheus.log'), 60_000, () => prometheusHasScraped(prometheusUrl, 0));
    return;
  }
  const home = join(sandbox.dir, 'prometheus');
  mkdirSync(join(home, 'data'), { recursive: true });
  const template = readFileSync(join(REPO_ROOT, 'dev/prometheus/prometheus.yml'), 'utf8');
  writeFileSync(join(home, 'prometheus.yml'), template.replaceAll('__SIMULATOR_TARGET__', new URL(simulatorUrl).host));
  const pid = startDetached(sandbox.dir, 'prometheus', PROMETHEUS_BIN, [
    `--config.file=${join(home, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(home, 'data')}`,
    '--storage.tsdb.retention.time=6h',
    `--web.listen-address=${new URL(prometheusUrl).host}`,
    '--log.level=warn',
  ]);
  // The first scrape lands within one interval of start-up, plus jitter.
  await waitUntil('Prometheus', pid, join(sandbox.dir, 'logs/prometheus.log'), 60_000, () => prometheusHasScraped(prometheusUrl, since));
}

/** Stops the sandbox's Prometheus (for tests of "Prometheus down"); the simulator keeps running. */
export async function stopPrometheus(sandbox: SandboxDir): Promise<void> {
  const pid = recordedPid(sandbox.dir, 'prometheus');
  if (!pid || !alive(pid)) return;
  process.kill(-pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 10_000; waited += 100) await sleep(100);
  if (alive(pid)) process.kill(-pid, 'SIGKILL');
  while (alive(pid)) await sleep(50);
}

/** Stops the simulator and Prometheus of a sandbox, if they run. */
export async function stopTraffic(sandbox: SandboxDir): Promise<void> {
  if (!existsSync(join(sandbox.dir, 'pids'))) return;
  await stopPrometheus(sandbox);
  const pid = recordedPid(sandbox.dir, 'simulator');
  if (pid && alive(pid)) process.kill(-pid, 'SIGTERM');
}

/** Starts the simulator and Prometheus for a sandbox; resolves once Prometheus holds the first scrape. */
export async function startTraffic(sandbox: Pick<Sandbox, 'dir' | 'kubeconfig'>): Promise<Traffic> {
  const started = Date.now();
  const [simulatorPort, prometheusPort] = [await freePort(), await freePort()];
  const traffic = { prometheusUrl: `http://127.0.0.1:${prometheusPort}`, simulatorUrl: `http://127.0.0.1:${simulatorPort}` };
  const pid = startDetached(sandbox.dir, 'simulator', process.execPath, [
    '--import',
    'tsx',
    join(REPO_ROOT, 'dev/simulator/main.ts'),
    `--kubeconfig=${sandbox.kubeconfig}`,
    '--context=admin',
    `--port=${simulatorPort}`,
    // 600 requests/s over the scenarios' services (about 65/s each): the chart's newest point, a rate over the
    // last four 2 s scrapes, then counts some 500 requests, close enough to the weights to follow a change within seconds.
    '--rate=600',
    // A sandbox folder removed without down.sh must not leave the simulator running.
    `--stop-when-missing=${join(sandbox.dir, '.weir-sandbox')}`,
  ]);
  await waitUntil('the traffic simulator', pid, join(sandbox.dir, 'logs/simulator.log'), 60_000, async () => {
    return (await fetch(`${traffic.simulatorUrl}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  });
  writeFileSync(
    join(sandbox.dir, 'traffic.env'),
    `WEIR_PROMETHEUS_URL=${traffic.prometheusUrl}\nWEIR_SIMULATOR_URL=${traffic.simulatorUrl}\nWEIR_PROMETHEUS_SCRAPE_INTERVAL=${SCRAPE_INTERVAL}\n`,
  );
  await startPrometheus(sandbox);
  log(`traffic simulator at ${traffic.simulatorUrl}, Prometheus at ${traffic.prometheusUrl} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return traffic;
}
