/**
 * The mesh traffic simulator: watches the cluster, sends synthetic requests to every Service that a
 * VirtualService, an HTTPRoute (GAMMA) or an SMI TrafficSplit routes, and serves Istio's standard metrics
 * for Prometheus. Nothing goes over the network
 * but the watches and the metrics endpoint: requests are evaluated and recorded in-process.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { clientPopulation } from './client-population.ts';
import { IstioMetrics } from './istio-metrics.ts';
import { MeshState } from './mesh-state.ts';
import type { MeshObjects } from './router.ts';
import { RoutingTable, type RoutedService } from './routing-table.ts';
import { simulateRequest } from './simulate-request.ts';

export interface SimulatorOptions {
  kubeconfig: string;
  context?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Requests per second over all routed Services together (default 200). */
  rate?: number;
  /** Share of callers carrying the gray markers (default 0.1). */
  grayShare?: number;
  /** Only these Services (`namespace/name`) get traffic; all routed Services when absent. */
  services?: string[];
  /** Exit when this file disappears: the sandbox folder's marker, so a removed sandbox leaves nothing running. */
  stopWhenMissing?: string;
}

export interface RunningSimulator {
  url: string;
  metrics: IstioMetrics;
  stop: () => Promise<void>;
}

const TICK_MS = 50;

function loadKubeConfig(path: string, context: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  if (context) kubeConfig.setCurrentContext(context);
  return kubeConfig;
}

function tableOf(state: MeshState): RoutingTable {
  const objects: MeshObjects = {
    services: state.list('services'),
    pods: state.list('pods'),
    deployments: state.list('deployments'),
    virtualServices: state.list('virtualservices'),
    destinationRules: state.list('destinationrules'),
    workloadEntries: state.list('workloadentries'),
    httpRoutes: state.list('httproutes'),
    referenceGrants: state.list('referencegrants'),
    trafficSplits: state.list('trafficsplits'),
  };
  return new RoutingTable(objects);
}

function serve(state: MeshState, metrics: IstioMetrics, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://simulator');
    if (url.pathname === '/metrics') {
      void metrics.registry.metrics().then((text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
    } else if (url.pathname === '/healthz') {
      response.writeHead(state.ready() ? 200 : 503, { 'content-type': 'text/plain' }).end(state.ready() ? 'ok\n' : 'watches not synced\n');
    } else if (url.pathname === '/split') {
      const split = metrics.split(url.searchParams.get('namespace') ?? '', url.searchParams.get('service') ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(split));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Starts watching, sending and serving; resolves once the watches have listed and the port listens. */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const rate = options.rate ?? 200;
  const clients = clientPopulation(options.grayShare ?? 0.1);
  const only = options.services && new Set(options.services);
  const state = new MeshState(loadKubeConfig(options.kubeconfig, options.context));
  const metrics = new IstioMetrics();
  await state.start();
  const server = await serve(state, metrics, options.port ?? 0);

  // Mixing routing APIs on one Service is undefined behaviour in Istio: say once which one the simulator follows.
  const reportedConflicts = new Set<string>();
  let table: RoutingTable | undefined;
  let tableGeneration = -1;
  let targets: RoutedService[] = [];
  let nextTarget = 0;
  let owed = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    if (options.stopWhenMissing && !existsSync(options.stopWhenMissing)) {
      process.stderr.write(`[simulator] ${options.stopWhenMissing} is gone; exiting\n`);
      process.exit(0);
    }
    if (state.generation !== tableGeneration) {
      tableGeneration = state.generation;
      table = tableOf(state);
      targets = table.routed.filter((service) => !only || only.has(`${service.namespace}/${service.name}`));
      for (const conflict of table.conflicts) {
        const key = `${conflict.fqdn}|${conflict.used}|${conflict.ignored.join(',')}`;
        if (reportedConflicts.has(key)) continue;
        reportedConflicts.add(key);
        process.stderr.write(`[simulator] ${conflict.fqdn} is routed by ${[conflict.used, ...conflict.ignored].join(' and ')}; following the ${conflict.used}\n`);
      }
    }
    const now = performance.now();
    // After a stall (GC, a busy CPU) catch up at most one second, rather than sending a burst.
    owed += (rate * Math.min(now - last, 1000)) / 1000;
    last = now;
    if (!table || targets.length === 0) {
      owed = 0;
      return;
    }
    for (; owed >= 1; owed -= 1) {
      // Round robin spreads the rate evenly over the Services.
      const target = targets[nextTarget++ % targets.length]!;
      const client = clients[Math.floor(Math.random() * clients.length)]!;
      metrics.record(simulateRequest(table, target, client, Math.random));
    }
  }, TICK_MS);

  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    metrics,
    stop: async () => {
      clearInterval(tick);
      // Prometheus keeps its scrape connection alive; without this, close() waits for it to time out.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await state.stop();
    },
  };
}
