/**
 * Starts the sandbox and the console's production build on a free loopback port, for the whole e2e run.
 * The URL reaches tests and page objects as WEIR_E2E_BASE_URL; the sandbox facts as WEIR_SANDBOX_*.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { ALICE_STATE, CONSOLE_LOG } from './state.ts';
import { createServer } from 'node:net';
import type { FullConfig } from '@playwright/test';
import { REPO_ROOT, apiServerVersion, buildControlPlane, describeSandbox, startSandbox, stopSandbox, type Sandbox } from '../../dev/sandbox/sandbox.ts';
import { SCRAPE_INTERVAL } from '../../dev/sandbox/traffic.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForConsole(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the console exited with code ${child.exitCode} before it served ${url}`);
    try {
      const response = await fetch(`${url}/api/auth/login`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the console did not answer on ${url} within 60 s`);
}

/** Signs a sandbox user in through the console's login route and saves the session cookie for the tests. */
async function signInAs(user: string, url: string, file: string): Promise<void> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { origin: url, 'content-type': 'application/json' },
    body: JSON.stringify({ strategy: 'dev', user }),
  });
  if (!response.ok) throw new Error(`signing in as ${user} failed: ${response.status} ${await response.text()}`);
  const [pair] = (response.headers.get('set-cookie') ?? '').split(';');
  const [name, value] = pair!.split('=');
  const { hostname } = new URL(url);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({ cookies: [{ name, value, domain: hostname, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Strict' }], origins: [] }),
  );
}

function sandboxTokens(kubeconfig: string): string[] {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token?: string } }[] };
  return config.users.map((entry) => entry.user.token).filter((token): token is string => Boolean(token));
}

export default async function globalSetup(_config: FullConfig) {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('Debian Chromium is missing: run `apt-get install chromium` (./weir test installs it)');
  }
  if (!existsSync(`${REPO_ROOT}/.next/BUILD_ID`)) {
    throw new Error('No production build of the console: run `npx next build` first (npm test does)');
  }
  const reuse = process.env.WEIR_SANDBOX_DIR;
  let sandbox: Sandbox;
  if (reuse) {
    sandbox = describeSandbox(reuse, await buildControlPlane());
    sandbox.apiServerVersion = await apiServerVersion(sandbox);
  } else {
    sandbox = await startSandbox();
  }
  mkdirSync(dirname(CONSOLE_LOG), { recursive: true });
  console.log(`e2e tests drive the console on the real kube-apiserver ${sandbox.apiServerVersion} at ${sandbox.apiServerUrl}`);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('node', ['--max-semi-space-size=16', 'server.mjs'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      WEIR_KUBECONFIG: sandbox.consoleKubeconfig,
      WEIR_DEV_KUBECONFIG: sandbox.kubeconfig,
      PORT: String(port),
      WEIR_HOST: '127.0.0.1',
      // Proxy login on, trusting only a TEST-NET address no request of this run can come from: a spoofed
      // peer header must not get anyone in (e2e/access.spec.ts).
      WEIR_AUTH_STRATEGIES: 'dev,token,proxy',
      WEIR_PROXY_TRUSTED_ADDRESSES: '192.0.2.1',
      WEIR_SANDBOX: 'true',
      // Every spec signs in from 127.0.0.1; the login rate limit has its own integration test.
      WEIR_LOGIN_RATE_PER_ADDRESS: '600',
      WEIR_PROMETHEUS_URL: sandbox.prometheusUrl,
      WEIR_PROMETHEUS_SCRAPE_INTERVAL: SCRAPE_INTERVAL,
    },
    // The console's own output (audit lines included) goes to a log, keeping the test report readable.
    stdio: ['ignore', openSync(CONSOLE_LOG, 'w'), openSync(CONSOLE_LOG, 'a')],
    detached: true,
  });
  try {
    await waitForConsole(url, child);
  } catch (error) {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    if (!reuse) await stopSandbox(sandbox);
    throw error;
  }

  process.env.WEIR_E2E_BASE_URL = url;
  await signInAs('alice', url, ALICE_STATE);
  // Every response of the run is checked against these (e2e/support/test.ts): none may carry a credential.
  process.env.WEIR_E2E_SECRET_TOKENS = JSON.stringify(sandboxTokens(sandbox.kubeconfig));
  process.env.WEIR_SANDBOX_DIR_E2E = sandbox.dir;
  process.env.WEIR_SANDBOX_KUBECONFIG = sandbox.kubeconfig;
  process.env.WEIR_SANDBOX_KUBECTL = sandbox.kubectl;

  return async () => {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    if (!reuse) await stopSandbox(sandbox);
  };
}
