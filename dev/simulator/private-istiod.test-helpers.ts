/**
 * For the integration tests: an istiod of the test's own, started exactly as dev/cluster/up.sh started the
 * sandbox's (the command line and environment copied from /proc), but on fresh loopback ports and under its
 * own pod name (so it never takes the sandbox istiod's leader lease). A test can stop and start it without
 * disturbing the sandbox or anyone else using it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../sandbox/sandbox.ts';

export interface PrivateIstiod {
  /** Plaintext xDS, host:port (the same across restarts). */
  xds: string;
  url: string;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The pid up.sh recorded for the sandbox's istiod. */
function sandboxIstiodPid(sandbox: Sandbox): number {
  const line = readFileSync(join(sandbox.dir, 'pids'), 'utf8').trim().split('\n').reverse().find((entry) => entry.startsWith('istiod '));
  if (!line) throw new Error(`${sandbox.dir}/pids names no istiod: is this a sandbox started by dev/cluster/up.sh (which runs istiod)?`);
  return Number(line.split(' ')[1]);
}

const nulSeparated = (path: string) => readFileSync(path, 'utf8').split('\0').filter(Boolean);

async function waitReady(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the test's istiod exited (${child.exitCode}); the end of ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
    const ok = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) }).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the test's istiod was not ready within 60 s (log: ${log})`);
}

/** Starts an istiod of the test's own against the sandbox's API server. */
export async function privateIstiod(sandbox: Sandbox): Promise<PrivateIstiod & { remove: () => Promise<void> }> {
  const pid = sandboxIstiodPid(sandbox);
  const [binary, ...args] = nulSeparated(`/proc/${pid}/cmdline`);
  if (binary === undefined || !binary.endsWith('pilot-discovery')) throw new Error(`pid ${pid} (istiod in ${sandbox.dir}/pids) is not pilot-discovery but ${binary}`);
  const env: Record<string, string> = {};
  for (const entry of nulSeparated(`/proc/${pid}/environ`)) {
    const at = entry.indexOf('=');
    env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  env.POD_NAME = `istiod-sim-test-${process.pid}`;
  const [xdsPort, httpPort, monitoringPort] = [await freePort(), await freePort(), await freePort()];
  const ports: Record<string, number> = { '--grpcAddr': xdsPort, '--httpAddr': httpPort, '--monitoringAddr': monitoringPort };
  const argv = args.map((arg) => {
    const flag = arg.split('=')[0]!;
    return flag in ports ? `${flag}=127.0.0.1:${ports[flag]}` : arg;
  });
  const home = mkdtempSync(join(tmpdir(), 'weir-sim-istiod-'));
  const log = join(home, 'istiod.log');
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;

  const start = async () => {
    const out = openSync(log, 'a');
    // Exactly the copied environment (Next's typings declare NODE_ENV in every ProcessEnv; istiod has none).
    const started = spawn(binary, argv, { cwd: home, env: env as NodeJS.ProcessEnv, stdio: ['ignore', out, out] });
    child = started;
    closeSync(out);
    await waitReady(url, started, log);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return { xds: `127.0.0.1:${xdsPort}`, url, start, stop, remove: async () => (await stop(), rmSync(home, { recursive: true, force: true })) };
}
