/**
 * One more kube-apiserver of the e2e sandbox's cluster, for a test that stops and starts an API server: the
 * sandbox's own command line (same etcd and key prefix, tokens, certificates, ServiceAccount keys), on a port of
 * its own, so it serves the same objects as the sandbox's, like a second replica of a highly available control
 * plane. A console pointed at it (`consoleKubeconfig`) sees the demo scenarios; stopping this one leaves the
 * sandbox's API server, its controllers, istiod and the simulator, and the other specs, untouched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../../dev/sandbox/traffic.ts';

export interface OwnApiServer {
  url: string;
  /** A kubeconfig like the e2e console's (context `sandbox`, the console's ServiceAccount), pointing here. */
  consoleKubeconfig: string;
  /** SIGTERM (SIGKILL after 5 s): when the signal went, and when the process was gone. */
  stop(): { signalledAt: number; exited: Promise<number> };
  /** Starts it again with the same flags, and waits for /readyz; resolves with when it was spawned and ready. */
  start(): Promise<{ spawnedAt: number; readyAt: number }>;
  /** SIGSTOP / SIGCONT: the process is there, its sockets accept, nothing answers. */
  freeze(): number;
  thaw(): number;
  log(): string;
  dispose(): Promise<void>;
}

function sandboxDir(): string {
  const dir = process.env.WEIR_SANDBOX_DIR_E2E;
  if (!dir) throw new Error('WEIR_SANDBOX_DIR_E2E is not set: run through playwright.config.ts');
  return dir;
}

/** The sandbox kube-apiserver's arguments, read from the running process (dev/cluster/up.sh started it). */
function sandboxApiServerArgs(dir: string): { binary: string; args: string[] } {
  const line = readFileSync(join(dir, 'pids'), 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('kube-apiserver '));
  if (!line) throw new Error(`no kube-apiserver in ${dir}/pids`);
  const [binary, ...args] = readFileSync(`/proc/${line.split(' ')[1]}/cmdline`, 'utf8').split('\0').filter(Boolean);
  return { binary: binary!, args };
}

function readyz(url: string, ca: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const probe = request(`${url}/readyz`, { ca, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    probe.on('error', () => resolve(0));
    probe.on('timeout', () => probe.destroy());
    probe.end();
  });
}

export async function startOwnApiServer(): Promise<OwnApiServer> {
  const dir = sandboxDir();
  const own = mkdtempSync(join(tmpdir(), 'weir-own-apiserver-'));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const { binary, args: sandboxArgs } = sandboxApiServerArgs(dir);
  // Its own port and generated certificates; no audit log (the sandbox's is the sandbox API server's).
  const args = [
    ...sandboxArgs.filter((arg) => !/^--(secure-port|cert-dir|audit-[a-z-]+)=/.test(arg)),
    `--secure-port=${port}`,
    `--cert-dir=${join(own, 'generated')}`,
  ];
  const ca = readFileSync(join(dir, 'pki/ca.crt'));
  const logFile = join(own, 'kube-apiserver.log');
  let child: ChildProcess | undefined;

  const start = async () => {
    const spawnedAt = Date.now();
    const out = openSync(logFile, 'a');
    child = spawn(binary, args, { stdio: ['ignore', out, out], detached: true });
    const deadline = Date.now() + 60_000;
    while ((await readyz(url, ca)) !== 200) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`kube-apiserver on ${url} did not become ready:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { spawnedAt, readyAt: Date.now() };
  };
  const stop = () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return { signalledAt: Date.now(), exited: Promise.resolve(Date.now()) };
    const exited = new Promise<number>((resolve) => running.once('exit', () => resolve(Date.now())));
    const signalledAt = Date.now();
    running.kill('SIGCONT');
    running.kill('SIGTERM');
    // It stops listening at once, then may linger for seconds finishing its own shutdown: not worth waiting for.
    const killer = setTimeout(() => running.kill('SIGKILL'), 5_000);
    void exited.then(() => clearTimeout(killer));
    return { signalledAt, exited };
  };
  const signal = (name: NodeJS.Signals) => {
    if (!child?.pid) throw new Error('kube-apiserver is not running');
    process.kill(child.pid, name);
    return Date.now();
  };

  await start();
  const consoleConfig = parse(readFileSync(join(dir, 'console.kubeconfig'), 'utf8')) as { clusters: { cluster: { server: string } }[] };
  for (const cluster of consoleConfig.clusters) cluster.cluster.server = url;
  const consoleKubeconfig = join(own, 'console.kubeconfig');
  writeFileSync(consoleKubeconfig, stringify(consoleConfig), { mode: 0o600 });

  return {
    url,
    consoleKubeconfig,
    stop,
    start,
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    log: () => readFileSync(logFile, 'utf8'),
    dispose: async () => {
      await stop().exited;
      rmSync(own, { recursive: true, force: true });
    },
  };
}
