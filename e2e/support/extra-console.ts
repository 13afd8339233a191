/**
 * One more console on the e2e sandbox, started the way a test needs it (outside the sandbox, or with `next start`
 * instead of server.mjs), on a free loopback port. Uses the production build global setup checked for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { REPO_ROOT } from '../../dev/sandbox/sandbox.ts';

export interface ExtraConsole {
  url: string;
  /** Its process id, and whether that process is still the one running (a test may prove it never restarted). */
  pid: number;
  running(): boolean;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Starts `node server.mjs` (how: 'server.mjs') or `next start` (how: 'next start') with the e2e console's
 * cluster settings and `env` on top (a key set to undefined is removed), and waits until it answers.
 */
export async function startExtraConsole(how: 'server.mjs' | 'next start', env: Record<string, string | undefined>): Promise<ExtraConsole> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const merged: Record<string, string | undefined> = {
    ...process.env,
    WEIR_KUBECONFIG: resolve(process.env.WEIR_SANDBOX_DIR_E2E ?? '', 'console.kubeconfig'),
    WEIR_CONTROLLER: 'false',
    PORT: String(port),
    WEIR_HOST: '127.0.0.1',
    ...env,
  };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const args = how === 'server.mjs' ? ['--max-semi-space-size=16', 'server.mjs'] : [resolve(REPO_ROOT, 'node_modules/next/dist/bin/next'), 'start', '--hostname', '127.0.0.1', '--port', String(port)];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, env: merged as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${how} exited with ${child.exitCode}: ${output}`);
    try {
      if ((await fetch(`${url}/api/auth/login`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-child.pid!, 'SIGTERM');
      throw new Error(`${how} did not answer within 60 s: ${output}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  return {
    url,
    pid: child.pid!,
    running: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
