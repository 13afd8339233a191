import { afterAll, describe, expect, inject, it } from 'vitest';
import { SCRAPE_INTERVAL, startPrometheus, stopPrometheus } from '../../dev/sandbox/traffic.ts';
import { signIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_PROMETHEUS_URL = sandbox.prometheusUrl;
process.env.WEIR_PROMETHEUS_SCRAPE_INTERVAL = SCRAPE_INTERVAL;

const { serviceMetrics } = await import('./service-metrics');
const metricsRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/metrics/route');
const serviceRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const intentsRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');
const { clusterCache } = await import('@/lib/k8s/watch-cache');

const nginx = { cluster: 'sandbox', namespace: 'demo', name: 'nginx' };
const alice = await signIn('alice');

async function get(route: { GET: (request: Request, context: { params: Promise<unknown> }) => Promise<Response> | Response }, path: string, query = '') {
  const response = await route.GET(new Request(`http://weir.test/api/services/sandbox/demo/nginx${path}${query}`, { headers: alice.read }), { params: Promise.resolve(nginx) });
  return { status: response.status, body: (await response.json()) as any };
}

/** The nginx metrics once they say `ok`; the simulator needs a few scrapes before rates exist. */
async function metricsWhenOk(timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  let metrics = await serviceMetrics('sandbox', { namespace: 'demo', services: ['nginx'] }, 5);
  while (metrics.status !== 'ok' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    metrics = await serviceMetrics('sandbox', { namespace: 'demo', services: ['nginx'] }, 5);
  }
  return metrics;
}

afterAll(async () => {
  // Later test files and a reused sandbox expect Prometheus up.
  await startPrometheus(sandbox);
  await clusterCache('sandbox')?.stop();
});

describe(`traffic metrics from the sandbox's Prometheus (${sandbox.prometheusUrl})`, () => {
  it('reads the nginx split: all of it on v1, healthy, shares summing to one', async () => {
    const metrics = await metricsWhenOk();
    expect(metrics.status).toBe('ok');
    expect(metrics).toMatchObject({ rangeMinutes: 5, window: '20s', step: '2s', recentWindow: '8s', scrapeInterval: SCRAPE_INTERVAL });
    const latest = metrics.series.findLast((point) => Object.keys(point.share).length > 0)!;
    const total = Object.values(latest.share).reduce((sum, share) => sum + share, 0);
    expect(total).toBeCloseTo(1, 6);
    expect(latest.share.v1).toBeCloseTo(1, 6);
    expect(metrics.perVersion.v1!.rps).toBeGreaterThan(0);
    expect(metrics.perVersion.v1!.successRate).toBe(1);
    expect(metrics.perVersion.v1!.p99).toBeGreaterThan(metrics.perVersion.v1!.p50!);
  });

  it('dates the newest point at the latest scrape, after every history point on the step grid', async () => {
    const metrics = await metricsWhenOk();
    const newest = metrics.series.at(-1)!;
    const history = metrics.series.slice(0, -1);
    expect(history.length).toBeGreaterThan(1);
    for (const point of history) expect(point.t % 2_000).toBe(0);
    expect(newest.t).toBeGreaterThan(history.at(-1)!.t);
    // Prometheus scrapes every 2 s: the latest scrape is at most one interval (and its own duration) old.
    expect(metrics.now - newest.t).toBeGreaterThanOrEqual(0);
    expect(metrics.now - newest.t).toBeLessThan(2 * 2_000);
    expect(newest.share.v1).toBeCloseTo(1, 6);
    // The rate over the last 8 s is the service's rate (the simulator's round robin gives it a steady share).
    expect(newest.rps.v1).toBeGreaterThan(metrics.perVersion.v1!.rps * 0.5);
  });

  it('says "unavailable" when Prometheus is down, while the service page still answers', { timeout: 90_000 }, async () => {
    await stopPrometheus(sandbox);
    const metrics = await serviceMetrics('sandbox', { namespace: 'demo', services: ['nginx'] }, 5);
    expect(metrics).toMatchObject({ status: 'unavailable', reason: 'unreachable', series: [] });

    const chart = await get(metricsRoute, '/metrics', '?range=15');
    expect(chart.status).toBe(200);
    expect(chart.body).toMatchObject({ status: 'unavailable', rangeMinutes: 15 });

    const page = await get(serviceRoute, '');
    expect(page.status).toBe(200);
    expect(page.body.view.service).toBe('nginx');

    // The wizards do not need metrics: a weight change previews (diff + server-side dry run) as usual.
    const weights = Object.fromEntries(page.body.view.versions.map((v: { name: string }, i: number) => [v.name, i === 0 ? 100 : 0]));
    const preview = await intentsRoute.POST(
      new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ mode: 'preview', intent: { type: 'set-weights', expected: page.body.view.splitEtag, weights } }) }),
      { params: Promise.resolve(nginx) },
    );
    expect(preview.status).toBe(200);

    await startPrometheus(sandbox);
    expect((await metricsWhenOk()).status).toBe('ok');
  });

  it('answers 400 naming the parameter for a range it does not offer', async () => {
    const { status, body } = await get(metricsRoute, '/metrics', '?range=7');
    expect(status).toBe(400);
    expect(body.error.fields[0].field).toBe('query.range');
  });
});
