/**
 * The console as users run it: the production build (`node server.mjs`) on a free loopback port, against the
 * sandbox, in its own process so its RSS can be read and its CPU profiled. Sign-in goes through the console's
 * real login route; requests carry the session cookie a browser would.
 *
 * Runs under Node's type stripping (bench/run.ts), Vitest and Playwright: relative `.ts` imports only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { REPO_ROOT, type Sandbox } from '../../dev/sandbox/sandbox.ts';
import { freePort, SCRAPE_INTERVAL } from '../../dev/sandbox/traffic.ts';

export const BENCH_CACHE = resolve(REPO_ROOT, '.cache/bench');

export interface RunningConsole {
  url: string;
  pid: number;
  /** The loopback port of the V8 inspector, when started with `inspect` (CPU profiles). */
  inspectPort?: number;
  stop(): Promise<void>;
}

/** Fails with what to run when the production build is missing. */
export function requireBuild(): void {
  if (!existsSync(resolve(REPO_ROOT, '.next/BUILD_ID'))) {
    throw new Error('No production build of the console: run `npm run bench` (it builds when needed) or `npx next build`');
  }
}

export interface ConsoleOptions {
  /** The kubeconfig the console watches with (default: the sandbox's console ServiceAccount). */
  kubeconfig?: string;
  /** Where its output goes. */
  log: string;
  /** Open the V8 inspector on a loopback port (for CPU profiles of one phase). */
  inspect?: boolean;
  env?: Record<string, string>;
}

async function waitForConsole(url: string, exited: () => number | null, log: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited() !== null) throw new Error(`the console exited with code ${exited()} before it answered; see ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
    const ok = await fetch(`${url}/api/auth/login`).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the console did not answer on ${url} within 90 s (log: ${log})`);
}

/** Starts `node server.mjs` against the sandbox; `stop()` ends it (SIGTERM, then SIGKILL after 5 s). */
export async function startConsole(sandbox: Pick<Sandbox, 'kubeconfig' | 'consoleKubeconfig' | 'prometheusUrl'>, options: ConsoleOptions): Promise<RunningConsole> {
  requireBuild();
  const port = await freePort();
  const inspectPort = options.inspect ? await freePort() : undefined;
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(dirname(options.log), { recursive: true });
  const out = openSync(options.log, 'a');
  const child = spawn(process.execPath, [...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []), '--max-semi-space-size=16', 'server.mjs'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      WEIR_KUBECONFIG: options.kubeconfig ?? sandbox.consoleKubeconfig,
      WEIR_DEV_KUBECONFIG: sandbox.kubeconfig,
      PORT: String(port),
      WEIR_HOST: '127.0.0.1',
      WEIR_AUTH_STRATEGIES: 'dev,token',
      WEIR_SANDBOX: 'true',
      WEIR_PROMETHEUS_URL: sandbox.prometheusUrl,
      WEIR_PROMETHEUS_SCRAPE_INTERVAL: SCRAPE_INTERVAL,
      // P3 signs 50 browsers in from one address within seconds: the login rate limits have their own tests.
      WEIR_LOGIN_RATE_PER_ADDRESS: '100000',
      WEIR_LOGIN_RATE_GLOBAL: '1000000',
      ...options.env,
    },
    stdio: ['ignore', out, out],
  });
  const exited = () => child.exitCode ?? (child.signalCode ? -1 : null);
  const stop = async () => {
    if (exited() !== null) return;
    const gone = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  };
  try {
    await waitForConsole(url, exited, options.log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid!, inspectPort, stop };
}

export interface Session {
  cookie: string;
  csrfToken: string;
}

/** Signs in through the console's login route: a sandbox user (`dev`) or a bearer token (`token`). */
export async function signIn(url: string, as: { user: string } | { token: string }): Promise<Session> {
  const body = 'user' in as ? { strategy: 'dev', user: as.user } : { strategy: 'token', token: as.token };
  const response = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { origin: url, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`signing in (${body.strategy}) answered ${response.status}: ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
  const session = (await (await fetch(`${url}/api/auth/session`, { headers: { cookie } })).json()) as { csrfToken?: string };
  return { cookie, csrfToken: session.csrfToken ?? '' };
}

export interface ConsoleResponse {
  status: number;
  body: string;
  /** From sending the request to the last byte of the body. */
  ms: number;
}

/** A GET to the console over a fresh loopback connection, timed to the last byte, like the API server's. */
export function consoleGet(url: string, path: string, session: Session): Promise<ConsoleResponse> {
  return new Promise((done, reject) => {
    const target = new URL(path, url);
    const started = performance.now();
    const outgoing = request(target, { headers: { cookie: session.cookie, accept: 'application/json' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Resident memory of a process in MB (VmRSS), and its peak (VmHWM). */
export function processMemory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** The pids of a process's children (Next.js may fork workers): their memory counts as the console's too. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
