/**
 * P6: PromQL queries per service-page refresh. A small reverse proxy on 127.0.0.1 in front of the sandbox's
 * real Prometheus counts every query the console sends (the console is pointed at the proxy); one refresh of
 * the service page is what its open page fetches again (the service and its chart's metrics), for an Istio, a
 * Gateway API and an SMI service of the scenarios, at each range the chart offers. Also the services list's
 * Success column: one request for the rendered rows. Prints the queries and their count; a count, not a timing.
 *
 *   npm run bench
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, expect, inject, it } from 'vitest';
import { SCRAPE_INTERVAL } from '../dev/sandbox/traffic.ts';
import { signIn } from '../test/console-session.ts';
import { writeFigures, type Figure } from './support/figures.ts';

const sandbox = inject('sandbox');

interface CountedQuery {
  path: string;
  query: string;
}

/** Forwards everything to Prometheus and notes each query (`/api/v1/query`, `/api/v1/query_range`) with its PromQL. */
async function countingProxy(target: string): Promise<{ url: string; queries: CountedQuery[]; server: Server }> {
  const upstream = new URL(target);
  const queries: CountedQuery[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(incoming.url ?? '/', upstream);
      if (/^\/api\/v1\/query(_range)?$/.test(url.pathname)) {
        const form = new URLSearchParams(body.toString('utf8'));
        queries.push({ path: url.pathname, query: form.get('query') ?? url.searchParams.get('query') ?? '' });
      }
      const forward = httpRequest(url, { method: incoming.method, headers: { ...incoming.headers, host: upstream.host } }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forward.on('error', () => outgoing.writeHead(502).end());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the counting proxy has no port');
  return { url: `http://127.0.0.1:${address.port}`, queries, server };
}

const proxy = await countingProxy(sandbox.prometheusUrl);
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_CONTROLLER = 'false';
process.env.WEIR_PROMETHEUS_URL = proxy.url;
process.env.WEIR_PROMETHEUS_SCRAPE_INTERVAL = SCRAPE_INTERVAL;

const serviceRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const metricsRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/metrics/route');
const listRoute = await import('@/app/api/services/route');
const successRoute = await import('@/app/api/metrics/services/route');
const { clusterCache } = await import('@/lib/k8s/watch-cache');
const alice = await signIn('alice');

const SERVICES = [
  { provider: 'Istio', namespace: 'demo', name: 'nginx' },
  { provider: 'Gateway API', namespace: 'helloworld', name: 'helloworld' },
  { provider: 'SMI', namespace: 'my-website', name: 'my-website' },
] as const;
const RANGES = [5, 15, 60] as const;

/** What an open service page fetches on a refresh: the service (watch cache) and its chart's metrics. */
async function refresh(namespace: string, name: string, range: number): Promise<{ status: string; versions: number }> {
  const params = { params: Promise.resolve({ cluster: 'sandbox', namespace, name }) };
  const [service, metrics] = await Promise.all([
    serviceRoute.GET(new Request('http://weir.test/', { headers: alice.read }), params),
    metricsRoute.GET(new Request(`http://weir.test/x?range=${range}`, { headers: alice.read }), params),
  ]);
  expect(service.status).toBe(200);
  const body = (await metrics.json()) as { status: string; perVersion: Record<string, unknown> };
  return { status: body.status, versions: Object.keys(body.perVersion).length };
}

afterAll(async () => {
  proxy.server.close();
  await clusterCache('sandbox')?.stop();
});

it('counts the PromQL queries of a service-page refresh and of the services list Success column', { timeout: 180_000 }, async () => {
  const figures: Figure[] = [];
  const lines: string[] = [];
  for (const { provider, namespace, name } of SERVICES) {
    // The chart must have data, or the count would be of an empty answer.
    const deadline = Date.now() + 60_000;
    while ((await refresh(namespace, name, 5)).status !== 'ok' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const range of RANGES) {
      proxy.queries.length = 0;
      const { status, versions } = await refresh(namespace, name, range);
      expect(status).toBe('ok');
      const sent = [...proxy.queries];
      lines.push(`  ${provider} ${namespace}/${name}, ${range} min, ${versions} versions: ${sent.length} queries`);
      if (range === 5) for (const { path, query } of sent) lines.push(`      ${path} ${query.length > 220 ? `${query.slice(0, 220)}… (${query.length} chars)` : query}`);
      if (range === 5) figures.push({ id: `P6-${provider.toLowerCase().replace(/ /g, '-')}`, name: `PromQL queries per service-page refresh, ${provider} (${versions} versions)`, value: sent.length, unit: 'queries', target: '≤ 3' });
      else expect(sent.length).toBe(figures.at(-1)!.value);
    }
  }

  // The Success column asks for the rows it renders; on the sandbox a screen holds every row.
  const rows = (await (await listRoute.GET(new Request('http://weir.test/api/services?cluster=sandbox', { headers: alice.read }))).json()) as { namespace: string; service: string }[];
  proxy.queries.length = 0;
  const services = rows.map((row) => `${row.namespace}/${row.service}`).join(',');
  const answer = await (await successRoute.GET(new Request(`http://weir.test/api/metrics/services?${new URLSearchParams({ cluster: 'sandbox', services })}`, { headers: alice.read }))).json();
  expect(answer.status).toBe('ok');
  expect(answer.services.length).toBe(rows.length);
  lines.push(`  services list Success column, ${rows.length} rows: ${proxy.queries.length} queries`);
  figures.push({ id: 'P6-list', name: `PromQL queries for the services list's success rates (${rows.length} rows)`, value: proxy.queries.length, unit: 'queries', target: '1' });

  console.log(['P6 PromQL queries counted by a proxy in front of the sandbox Prometheus:', ...lines].join('\n'));
  const worst = Math.max(...figures.filter((figure) => figure.id !== 'P6-list').map((figure) => figure.value));
  figures.unshift({ id: 'P6', name: 'PromQL queries per service-page refresh (most of Istio, Gateway API, SMI)', value: worst, unit: 'queries', target: '≤ 3' });
  console.log('--- P6 figures ---');
  writeFigures('promql-per-refresh', figures);
});
