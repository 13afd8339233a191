/**
 * P8: a weight change → the live chart's observed share within 5 points of the new weight. A copy of scenario 3's
 * podinfo (Istio, its own namespace) has its split changed several times through the console's intents route, as
 * the wizard does; after each write's response the bench polls the metrics route the chart reads (every 250 ms,
 * faster than the chart's own refresh, so the figure is the route's lag, not the page's polling) until the newest
 * point's share of v2 is within 5 points. Baseline, in the same run and on the same polls: the point the chart
 * showed as newest before (the step-aligned rate over the 20 s smoothing window, asked of Prometheus directly).
 *
 *   npm run bench            (WEIR_BENCH_LAG_CHANGES=10 for more changes than the default 6)
 */
import { afterAll, expect, inject, it } from 'vitest';
import { kubectl } from '../dev/sandbox/sandbox.ts';
import { SCRAPE_INTERVAL } from '../dev/sandbox/traffic.ts';
import { podinfoNamespace } from '../test/podinfo.ts';
import { signIn } from '../test/console-session.ts';
import { percentiles, ratio, writeFigures, type Figure } from './support/figures.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_CONTROLLER = 'false';
process.env.WEIR_PROMETHEUS_URL = sandbox.prometheusUrl;
process.env.WEIR_PROMETHEUS_SCRAPE_INTERVAL = SCRAPE_INTERVAL;

const metricsRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/metrics/route');
const serviceRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const intentsRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');
const { queryInstant } = await import('@/lib/metrics/prometheus');
const { parseDuration, queryTiming, requestsPerVersion } = await import('@/lib/metrics/promql');
const { clusterCache } = await import('@/lib/k8s/watch-cache');
type ServiceMetrics = import('@/lib/metrics/service-metrics').ServiceMetrics;

const NAMESPACE = `bench-chart-lag-${Date.now().toString(36)}`;
const CHANGES = Number(process.env.WEIR_BENCH_LAG_CHANGES ?? 6);
/** v2's weight after each change (v1 gets the rest): up and down, large and small steps. */
const WEIGHTS = [80, 30, 70, 10, 50, 90, 20, 60];
const TOLERANCE = 0.05;
const POLL_MS = 250;
const GIVE_UP_MS = 60_000;
const scrape = parseDuration(SCRAPE_INTERVAL);
const alice = await signIn('alice');
const params = { params: Promise.resolve({ cluster: 'sandbox', namespace: NAMESPACE, name: 'podinfo' }) };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function chartMetrics(): Promise<ServiceMetrics> {
  const response = await metricsRoute.GET(new Request('http://weir.test/x?range=5', { headers: alice.read }), params);
  return (await response.json()) as ServiceMetrics;
}

/** The share of v2 in the chart's newest point (the one the page says is "observed" now). */
function newestShare(metrics: ServiceMetrics): number | undefined {
  const newest = metrics.series.at(-1);
  return newest && Object.keys(newest.share).length > 0 ? (newest.share.v2 ?? 0) : undefined;
}

/** What the chart showed as its newest point before: the rate over the smoothing window at the last whole step. */
async function previousChartShare(): Promise<number | undefined> {
  const { window, step } = queryTiming(scrape, 5);
  const end = Math.floor(Date.now() / 1000 / step) * step;
  const samples = await queryInstant(sandbox.prometheusUrl, requestsPerVersion({ namespace: NAMESPACE, services: ['podinfo'] }, window), end);
  const rps = Object.fromEntries(samples.map((sample) => [sample.metric.destination_version ?? '', Number(sample.value[1])]));
  const total = Object.values(rps).reduce((sum, value) => sum + value, 0);
  return total > 0 ? (rps.v2 ?? 0) / total : undefined;
}

async function setWeight(v2: number): Promise<void> {
  const detail = await (await serviceRoute.GET(new Request('http://weir.test/', { headers: alice.read }), params)).json();
  const body = { mode: 'apply', intent: { type: 'set-weights', expected: detail.view.splitEtag, weights: { v1: 100 - v2, v2, v3: 0 } } };
  const response = await intentsRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify(body) }), params);
  expect(response.status, await response.clone().text()).toBe(200);
}

const near = (share: number | undefined, target: number) => share !== undefined && Math.abs(share - target) <= TOLERANCE;

afterAll(async () => {
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, '--wait=false']);
  await clusterCache('sandbox')?.stop();
});

it(`a weight change reaches the chart's newest point (${CHANGES} changes)`, { timeout: 600_000 }, async () => {
  await podinfoNamespace(sandbox, NAMESPACE);
  // Start from a settled chart: all of it on v1 in the newest point and in the smoothing window.
  const settled = Date.now() + 90_000;
  while (!(near(newestShare(await chartMetrics()), 0) && near(await previousChartShare(), 0)) && Date.now() < settled) await sleep(1_000);

  const lags: number[] = [];
  const baselineLags: number[] = [];
  const lines: string[] = [];
  let rps = 0;
  for (let change = 0; change < CHANGES; change += 1) {
    const weight = WEIGHTS[change % WEIGHTS.length]!;
    await setWeight(weight);
    const written = performance.now();
    let lag: number | undefined;
    let baseline: number | undefined;
    let seen = 0;
    while ((lag === undefined || baseline === undefined) && performance.now() - written < GIVE_UP_MS) {
      const [metrics, before] = await Promise.all([chartMetrics(), previousChartShare()]);
      const elapsed = (performance.now() - written) / 1000;
      const share = newestShare(metrics);
      if (share !== undefined) seen = share;
      if (lag === undefined && near(share, weight / 100)) lag = elapsed;
      if (baseline === undefined && near(before, weight / 100)) baseline = elapsed;
      rps = Object.values(metrics.perVersion).reduce((sum, version) => sum + version.rps, 0);
      await sleep(POLL_MS);
    }
    lags.push(lag ?? GIVE_UP_MS / 1000);
    baselineLags.push(baseline ?? GIVE_UP_MS / 1000);
    lines.push(
      `  v2 → ${String(weight).padStart(2)}%: newest point within 5 points after ${lag === undefined ? `> ${GIVE_UP_MS / 1000} s (last ${(seen * 100).toFixed(1)}%)` : `${lag.toFixed(1)} s`}, previous chart point after ${baseline === undefined ? `> ${GIVE_UP_MS / 1000} s` : `${baseline.toFixed(1)} s`}`,
    );
  }

  const ours = percentiles(lags);
  const before = percentiles(baselineLags);
  console.log(
    [
      `P8 chart lag on ${NAMESPACE}/podinfo (Istio), scrape interval ${SCRAPE_INTERVAL}, ${rps.toFixed(1)} requests/s to the service (the newest point's noise is ±${(100 * Math.sqrt(0.25 / (rps * 3 * scrape))).toFixed(1)} points at a 50/50 split):`,
      ...lines,
    ].join('\n'),
  );
  const note = `${CHANGES} changes, ${rps.toFixed(0)} req/s, scrape ${SCRAPE_INTERVAL}`;
  const figures: Figure[] = [
    { id: 'P8', name: 'weight change → chart within 5 points, p50', value: ours.p50, unit: 's', baseline: before.p50, ratio: ratio(ours.p50, before.p50), target: '≤ 10 s', note },
    { id: 'P8-max', name: 'weight change → chart within 5 points, max', value: ours.max, unit: 's', baseline: before.max, ratio: ratio(ours.max, before.max), target: '≤ 10 s', note },
    { id: 'P8-scrapes', name: 'weight change → chart within 5 points, p50 in scrape intervals', value: ours.p50 / scrape, unit: 'scrapes', note: `of ${SCRAPE_INTERVAL}` },
    { id: 'P8-scrapes-max', name: 'weight change → chart within 5 points, max in scrape intervals', value: ours.max / scrape, unit: 'scrapes', note: `of ${SCRAPE_INTERVAL}` },
  ];
  console.log('--- P8 figures ---');
  writeFigures('chart-lag', figures);
  expect(lags).toHaveLength(CHANGES);
});
