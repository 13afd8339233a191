/**
 * A second Kubernetes cluster for tests that need two: one more kube-apiserver on the sandbox's etcd, under its
 * own --etcd-prefix (so its objects are its own), with its own static token file and ServiceAccount issuer, so
 * that tokens of the first cluster are unknown to it unless a test puts them in that file. In front of it, a
 * loopback TLS proxy counts every request per bearer token: a test can prove a token never reached it.
 * Started in a test file's beforeAll, only by the tests that need it (a few seconds; the sandbox takes ~25 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT, SHARED_DIR, type Sandbox } from '../dev/sandbox/sandbox.ts';

export interface StaticUser {
  token: string;
  user: string;
  groups?: string[];
}

export interface SecondCluster {
  /** The counting proxy's URL: what the console is configured with. */
  url: string;
  /** A kubeconfig with two contexts, `sandbox` (the first cluster) and `second`, both as the console's identity. */
  consoleKubeconfig: string;
  /** A kubeconfig for the second cluster's admin (no proxy). */
  adminKubeconfig: string;
  /** Runs kubectl as the second cluster's admin. */
  kubectl(args: string[]): Promise<void>;
  /** How many requests carrying this bearer token reached the second API server through the proxy. */
  requestsWith(token: string): number;
  /** Seconds from spawning kube-apiserver to /readyz, and to CRDs and RBAC applied. */
  readySeconds: number;
  setupSeconds: number;
  stop(): Promise<void>;
}

function envOf(dir: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'sandbox.env'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!.replace(/^['"]|['"]$/g, '');
  }
  return values;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(url: string, ca: Buffer, token: string): Promise<number> {
  return new Promise((resolve) => {
    const request = httpsRequest(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
    request.end();
  });
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: ${stderr}`))));
  });
}

/** The counting TLS proxy: terminates TLS with the sandbox's serving certificate, forwards to `target`. */
async function countingProxy(target: number, pki: string, counts: Map<string, number>): Promise<Server> {
  const ca = readFileSync(join(pki, 'ca.crt'));
  const server = createHttpsServer({ key: readFileSync(join(pki, 'apiserver.key')), cert: readFileSync(join(pki, 'apiserver.crt')) }, (incoming, outgoing) => {
    const authorization = incoming.headers.authorization ?? '';
    counts.set(authorization, (counts.get(authorization) ?? 0) + 1);
    const upstream = httpsRequest(
      { host: '127.0.0.1', port: target, method: incoming.method, path: incoming.url, headers: incoming.headers, ca },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        // A watch sends its headers at once and events later: pass the headers on now, not with the first event.
        outgoing.flushHeaders();
        response.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => {
      if (process.env.WEIR_DEBUG_PROXY) console.error('[second-cluster proxy]', error);
      outgoing.destroy();
    });
    // The answer is done or the client went away (a watch closed): end the upstream request too.
    outgoing.on('close', () => upstream.destroy());
    incoming.pipe(upstream);
  });
  if (process.env.WEIR_DEBUG_PROXY) server.on('tlsClientError', (error) => console.error('[second-cluster proxy] TLS', error));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Starts the second API server with `users` in its token file (plus its own admin and console identity),
 * applies the CRDs and Weir's RBAC to it, and writes the two-cluster console kubeconfig.
 */
export async function startSecondCluster(sandbox: Sandbox, users: StaticUser[]): Promise<SecondCluster> {
  const started = Date.now();
  const env = envOf(sandbox.dir);
  const pki = join(sandbox.dir, 'pki');
  const ca = readFileSync(join(pki, 'ca.crt'));
  const dir = mkdtempSync(join(tmpdir(), 'weir-second-cluster-'));
  const adminToken = randomBytes(32).toString('hex');
  const consoleToken = randomBytes(32).toString('hex');
  const lines = [
    `${adminToken},second-admin,second-admin,"system:masters"`,
    // The console's identity on this cluster: a sandbox shortcut, like the first cluster's components.
    `${consoleToken},weir-console-second,weir-console-second,"system:masters"`,
    ...users.map(({ token, user, groups }) => `${token},${user},${user}${groups?.length ? `,"${groups.join(',')}"` : ''}`),
  ];
  writeFileSync(join(dir, 'tokens.csv'), `${lines.join('\n')}\n`, { mode: 0o600 });
  const port = await freePort();
  const apiserver: ChildProcess = spawn(
    join(env.WEIR_SANDBOX_BIN!, 'kube-apiserver'),
    [
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--etcd-servers=http://127.0.0.1:${env.WEIR_ETCD_PORT}`,
      // Its own key space in the same etcd: a cluster of its own, for the price of one process.
      `--etcd-prefix=/weir-second-${process.pid}-${Date.now()}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--authorization-mode=RBAC',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      `--client-ca-file=${join(pki, 'ca.crt')}`,
      `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
      // Another issuer: the first cluster's ServiceAccount tokens mean nothing here.
      '--service-account-issuer=https://second.weir.invalid',
      `--service-account-key-file=${join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
      '--endpoint-reconciler-type=none',
      `--cert-dir=${join(dir, 'generated')}`,
      '--profiling=false',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
  );
  let log = '';
  apiserver.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const stopApiserver = async () => {
    if (apiserver.exitCode !== null) return;
    const exited = new Promise((resolve) => apiserver.once('exit', resolve));
    apiserver.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (apiserver.exitCode === null) apiserver.kill('SIGKILL');
  };
  const direct = `https://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while ((await get(`${direct}/readyz`, ca, adminToken)) !== 200) {
    if (apiserver.exitCode !== null || Date.now() > deadline) {
      await stopApiserver();
      throw new Error(`the second kube-apiserver did not become ready:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const readySeconds = (Date.now() - started) / 1000;

  const caData = ca.toString('base64');
  const adminKubeconfig = join(dir, 'admin.kubeconfig');
  writeFileSync(
    adminKubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'second', cluster: { server: direct, 'certificate-authority-data': caData } }],
      users: [{ name: 'second-admin', user: { token: adminToken } }],
      contexts: [{ name: 'second', context: { cluster: 'second', user: 'second-admin' } }],
      'current-context': 'second',
    }),
    { mode: 0o600 },
  );
  const kubectl = (args: string[]) => run(sandbox.kubectl, ['--kubeconfig', adminKubeconfig, ...args]);
  await kubectl(['apply', '--server-side', '--field-manager=weir-sandbox', '-R', '-f', join(SHARED_DIR, 'crds'), '-f', join(REPO_ROOT, 'deploy/crds')]);
  await kubectl(['apply', '-f', join(REPO_ROOT, 'deploy/rbac')]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  // Established is not yet servable: a new CRD's storage answers 429 "(re)initializing" for a moment.
  const kinds = 'releases.weir.dev,trafficsplits.split.smi-spec.io,virtualservices.networking.istio.io,httproutes.gateway.networking.k8s.io';
  for (let attempt = 0; ; attempt++) {
    try {
      await kubectl(['get', kinds, '--all-namespaces']);
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const counts = new Map<string, number>();
  const proxy = await countingProxy(port, pki, counts);
  const url = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const first = parse(readFileSync(sandbox.consoleKubeconfig, 'utf8')) as {
    clusters: { name: string; cluster: object }[];
    users: { name: string; user: object }[];
    contexts: { name: string; context: { cluster: string; user: string } }[];
  };
  const consoleKubeconfig = join(dir, 'console.kubeconfig');
  writeFileSync(
    consoleKubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [...first.clusters, { name: 'second', cluster: { server: url, 'certificate-authority-data': caData } }],
      users: [...first.users, { name: 'weir-console-second', user: { token: consoleToken } }],
      contexts: [...first.contexts, { name: 'second', context: { cluster: 'second', user: 'weir-console-second' } }],
      'current-context': 'sandbox',
    }),
    { mode: 0o600 },
  );
  return {
    url,
    consoleKubeconfig,
    adminKubeconfig,
    kubectl,
    requestsWith: (token) => counts.get(`Bearer ${token}`) ?? 0,
    readySeconds,
    setupSeconds: (Date.now() - started) / 1000,
    async stop() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await stopApiserver();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
