/**
 * The mesh traffic simulator: watches the cluster, sends synthetic requests to every Service that a
 * VirtualService, an HTTPRoute (GAMMA) or an SMI TrafficSplit routes (and every ServiceEntry host a
 * VirtualService names), and serves Istio's standard metrics
 * for Prometheus. Istio and Gateway API routing is what istiod pushes to the calling pod's sidecar (through
 * the xDS agent); SMI routing is the simulator's own. Nothing goes over the network but the watches, the
 * agent's xDS stream and the HTTP endpoint: requests are evaluated and recorded in-process.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { callerPopulation, clientPopulation, type CallerClass } from './client-population.ts';
import { IstioMetrics, type SplitCounts } from './istio-metrics.ts';
import { LoadTests } from './load-test.ts';
import { MeshState } from './mesh-state.ts';
import type { MeshObjects } from './router.ts';
import { RoutingTable, sidecarClients, type RoutedService } from './routing-table.ts';
import { SessionUsers, type SessionCounts } from './sessions.ts';
import { simulateRequest } from './simulate-request.ts';
import { XdsAgent } from './xds/agent.ts';

export interface SimulatorOptions {
  kubeconfig: string;
  context?: string;
  /** istiod's plaintext xDS address (host:port): where Istio and Gateway API routing comes from. */
  istiodXds: string;
  /** 0 picks a free port. */
  port?: number;
  /** Requests per second over all routed Services together (default 200). */
  rate?: number;
  /** Share of callers carrying the gray markers (default 0.1). */
  grayShare?: number;
  /** Instead of gray and ordinary callers: these classes, the rest ordinary (for tests of header rules). */
  callers?: CallerClass[];
  /** Only these Services (`namespace/name`, `namespace/host` for a ServiceEntry host) get traffic; all routed Services when absent. */
  services?: string[];
  /** Exit when this file disappears: the sandbox folder's marker, so a removed sandbox leaves nothing running. */
  stopWhenMissing?: string;
  /** How long start-up waits for istiod's first config for every client pod (default 30 s); /healthz tells after that. */
  readyTimeoutMs?: number;
}

export interface RunningSimulator {
  url: string;
  metrics: IstioMetrics;
  sessions: SessionUsers;
  stop: () => Promise<void>;
}

/** `/split`'s answer for one called Service: the request counts, and its session users (`sessions.ts`). */
export type SplitReport = SplitCounts & { sessions: SessionCounts };

const TICK_MS = 50;

function log(message: string): void {
  process.stderr.write(`[simulator] ${message}\n`);
}

function loadKubeConfig(path: string, context: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  if (context) kubeConfig.setCurrentContext(context);
  return kubeConfig;
}

function objectsOf(state: MeshState): MeshObjects {
  return {
    services: state.list('services'),
    pods: state.list('pods'),
    deployments: state.list('deployments'),
    virtualServices: state.list('virtualservices'),
    workloadEntries: state.list('workloadentries'),
    serviceEntries: state.list('serviceentries'),
    httpRoutes: state.list('httproutes'),
    trafficSplits: state.list('trafficsplits'),
  };
}

function serve(ready: () => string | undefined, metrics: IstioMetrics, sessions: SessionUsers, agent: XdsAgent, loadTests: LoadTests, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    if (url.pathname === '/metrics') {
      void metrics.registry.metrics().then((text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
    } else if (url.pathname === '/healthz') {
      const waiting = ready();
      response.writeHead(waiting ? 503 : 200, { 'content-type': 'text/plain' }).end(waiting ? `${waiting}\n` : 'ok\n');
    } else if (url.pathname === '/split') {
      const namespace = url.searchParams.get('namespace') ?? '';
      const service = url.searchParams.get('service') ?? '';
      const split: SplitReport = { ...metrics.split(namespace, service), sessions: sessions.counts(namespace, service) };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(split));
    } else if (url.pathname === '/load-test' && request.method === 'POST') {
      loadTests.handle(request, response);
    } else if (url.pathname === '/xds') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(agent.status()));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Starts watching, sending and serving; resolves once the watches have listed, the port listens and istiod's first config is in (or the wait timed out). */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  if (!options.istiodXds) throw new Error('startSimulator needs istiodXds: Istio and Gateway API routing comes from istiod');
  const rate = options.rate ?? 200;
  const clients = options.callers ? callerPopulation(options.callers) : clientPopulation(options.grayShare ?? 0.1);
  const only = options.services && new Set(options.services);
  const state = new MeshState(loadKubeConfig(options.kubeconfig, options.context));
  const metrics = new IstioMetrics();
  const sessions = new SessionUsers();
  const agent = await XdsAgent.start(options.istiodXds);
  await state.start();

  // Say once what the simulator cannot do or chose: mixing routing APIs on one Service is undefined in Istio.
  const reported = new Set<string>();
  const reportOnce = (key: string, message: string) => {
    if (reported.has(key)) return;
    reported.add(key);
    log(message);
  };
  let table: RoutingTable | undefined;
  let tableGeneration = -1;
  let targets: RoutedService[] = [];
  const rebuild = () => {
    if (state.generation === tableGeneration) return;
    tableGeneration = state.generation;
    table = new RoutingTable(objectsOf(state), (client) => agent.snapshot(client));
    targets = table.routed.filter((service) => !only || only.has(`${service.namespace}/${service.name}`));
    agent.sync(sidecarClients(targets));
    for (const { fqdn, used, ignored } of table.conflicts) reportOnce(`${fqdn}|${used}|${ignored}`, `${fqdn} is routed by ${[used, ...ignored].join(' and ')}; sending it traffic as ${used} routing`);
    for (const { fqdn, reason } of table.uncallable.filter((service) => !only || only.has(`${service.namespace}/${service.name}`))) reportOnce(`${fqdn}|${reason}`, `${fqdn} gets no traffic: ${reason}`);
  };
  // Not ready while the watches have not listed, or a client pod's sidecar has no config from istiod yet.
  const waitingFor = (): string | undefined => {
    if (!state.ready()) return 'watches not synced';
    const pending = sidecarClients(targets).filter((client) => !agent.snapshot(client.key));
    return pending.length > 0 ? `no config from istiod (${options.istiodXds}) yet for ${pending.map((client) => client.key).join(', ')}` : undefined;
  };
  rebuild();
  const loadTests = new LoadTests();
  const server = await serve(waitingFor, metrics, sessions, agent, loadTests, options.port ?? 0);
  // One request from a caller picked at random, who is a session user: its jar's cookies go along, and the answer's Set-Cookie into the jar.
  const send = (routingTable: RoutingTable, target: RoutedService) => {
    const user = Math.floor(Math.random() * clients.length);
    // Undefined while the client's sidecar has no config: like a pod whose proxy is not ready, it sends nothing.
    const outcome = sessions.send(user, target, clients[user]!, (request) => simulateRequest(routingTable, target, request, Math.random));
    if (outcome) metrics.record(outcome);
  };

  let nextTarget = 0;
  let owed = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    if (options.stopWhenMissing && !existsSync(options.stopWhenMissing)) {
      log(`${options.stopWhenMissing} is gone; exiting`);
      process.exit(0);
    }
    rebuild();
    const now = performance.now();
    // After a stall (GC, a busy CPU) catch up at most one second, rather than sending a burst.
    const elapsed = now - last;
    owed += (rate * Math.min(elapsed, 1000)) / 1000;
    last = now;
    // Load tests (a release hook asked for them) add requests to one Service, routed like the rest.
    for (const load of loadTests.due(elapsed)) {
      const target = targets.find((service) => service.namespace === load.namespace && service.name === load.service);
      if (!table || !target) continue;
      for (let index = 0; index < load.count; index += 1) send(table, target);
    }
    if (!table || targets.length === 0) {
      owed = 0;
      return;
    }
    for (; owed >= 1; owed -= 1) {
      // Round robin spreads the rate evenly over the Services.
      send(table, targets[nextTarget++ % targets.length]!);
    }
  }, TICK_MS);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (waitingFor() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const waiting = waitingFor();
  if (waiting) log(`not ready after ${(options.readyTimeoutMs ?? 30_000) / 1000} s: ${waiting}; /healthz says so until it is`);

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    metrics,
    sessions,
    stop: async () => {
      clearInterval(tick);
      // Prometheus keeps its scrape connection alive; without this, close() waits for it to time out.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([state.stop(), agent.stop()]);
    },
  };
}
