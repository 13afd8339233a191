import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { SCRAPE_INTERVAL } from '../../dev/sandbox/traffic.ts';
import { adminApi } from '../../test/sandbox-client.ts';
import { signIn } from '../../test/console-session.ts';
import { PODINFO_RELEASE, podinfoNamespace, startControllerProcess, stopProcess } from '../../test/podinfo.ts';
import type { VirtualService } from '@/lib/providers/istio/types';
import type { ProgressiveSettings, ReleaseObject, ReleaseSpec } from '@/lib/release/model';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_PROMETHEUS_URL = sandbox.prometheusUrl;
process.env.WEIR_PROMETHEUS_SCRAPE_INTERVAL = SCRAPE_INTERVAL;
process.env.WEIR_CONTROLLER = 'false';

const templatesRoute = await import('@/app/api/metric-templates/[cluster]/[namespace]/route');
const releaseRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route');
const { analyseGray } = await import('./analysis');
const alice = await signIn('alice');

/** podinfo's gray request rate, with `or vector(0)` so a silent version still gives one value. */
const GRAY_RATE =
  'sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="{{namespace}}",destination_service_name="{{service}}",destination_version="{{version}}"}[{{interval}}])) or vector(0)';
/** The same with a parenthesis missing: Prometheus refuses it. */
const BAD_QUERY = 'sum(rate(istio_requests_total{destination_service_namespace="{{namespace}}"}[{{interval}}])';

const SETTINGS = PODINFO_RELEASE;

const params = (namespace: string) => ({ params: Promise.resolve({ cluster: 'sandbox', namespace }) });

async function saveTemplate(namespace: string, name: string, query: string) {
  const response = await templatesRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ name, spec: { query } }) }), params(namespace));
  return { status: response.status, body: (await response.json()) as any };
}

async function startRelease(namespace: string, settings: Partial<ProgressiveSettings>) {
  const response = await releaseRoute.POST(
    new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ action: 'start', settings: { ...SETTINGS, ...settings } }) }),
    { params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }) },
  );
  return { status: response.status, body: (await response.json()) as any };
}

/** What Prometheus itself says of a query (its `error`, or undefined when it accepts it). */
async function prometheusError(query: string): Promise<string | undefined> {
  const response = await fetch(`${sandbox.prometheusUrl}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query }) });
  return ((await response.json()) as { error?: string }).error;
}

async function release(namespace: string): Promise<ReleaseObject> {
  return adminApi(sandbox).read({ apiVersion: 'weir.dev/v1alpha1', kind: 'Release', metadata: { name: 'podinfo', namespace } } as never);
}

async function waitFor(namespace: string, what: string, done: (release: ReleaseObject) => boolean, timeoutMs: number): Promise<ReleaseObject> {
  const deadline = Date.now() + timeoutMs;
  let current = await release(namespace);
  while (!done(current)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; status: ${JSON.stringify({ ...current.status, history: current.status?.history?.length })}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    current = await release(namespace);
  }
  return current;
}

/** Splits podinfo half and half between v1 and v2 (as a step of a release would). */
async function halfAndHalf(namespace: string): Promise<void> {
  const api = adminApi(sandbox);
  const vs = await api.read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'podinfo', namespace } });
  vs.spec!.http = [{ route: ['v1', 'v2'].map((subset) => ({ destination: { host: 'podinfo', subset }, weight: 50 })) }];
  await api.replace(vs as never);
}

/** Sets the simulator's error rate and latency on a version's pods (dev/simulator/behaviour.ts). */
async function behave(namespace: string, version: string, errorRate: number, medianMs: number, p99Ms: number): Promise<void> {
  await kubectl(sandbox, [
    '-n',
    namespace,
    'annotate',
    'pod',
    '-l',
    `app=podinfo,version=${version}`,
    '--overwrite',
    `weir.dev/sim-error-rate=${errorRate}`,
    `weir.dev/sim-latency-ms=${medianMs}`,
    `weir.dev/sim-latency-p99-ms=${p99Ms}`,
  ]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const children: ReturnType<typeof startControllerProcess>[] = [];
afterAll(async () => {
  await Promise.all(children.map((child) => stopProcess(child, 'SIGKILL')));
});

describe('metric templates against the real API server and Prometheus', () => {
  it('refuses a template whose PromQL Prometheus refuses, with Prometheus’s own message; saves and lists a good one', async () => {
    const namespace = 'tmpl-save';
    await podinfoNamespace(sandbox, namespace);

    const bad = await saveTemplate(namespace, 'broken', BAD_QUERY);
    const said = await prometheusError(BAD_QUERY.replace('{{namespace}}', namespace).replace('{{interval}}', '60s'));
    expect(said).toBeTruthy();
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('server.templateBadQuery');
    expect(bad.body.error.message).toContain(said);
    expect(bad.body.error.fields).toEqual([expect.objectContaining({ field: 'spec.query', code: 'field.promqlError', params: { error: said } })]);
    // Nothing was saved.
    expect(await kubectl(sandbox, ['-n', namespace, 'get', 'metrictemplates.weir.dev', '-o', 'name'])).toBe('');

    const good = await saveTemplate(namespace, 'gray-rate', GRAY_RATE);
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    const listed = await templatesRoute.GET(new Request('http://weir.test/', { headers: alice.read }), params(namespace));
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual([{ name: 'gray-rate', namespace, query: GRAY_RATE }]);
  });

  it('refuses to start a release whose check names a template with bad PromQL (applied with kubectl), with Prometheus’s message', async () => {
    const namespace = 'tmpl-kubectl';
    await podinfoNamespace(sandbox, namespace);
    await adminApi(sandbox).create({ apiVersion: 'weir.dev/v1alpha1', kind: 'MetricTemplate', metadata: { name: 'broken', namespace }, spec: { query: BAD_QUERY } } as never);
    const said = await prometheusError(BAD_QUERY.replace('{{namespace}}', namespace).replace('{{interval}}', '30s'));

    const refused = await startRelease(namespace, { analysis: { ...SETTINGS.analysis, checks: [{ template: 'broken', max: 1 }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain(said);
    expect(refused.body.error.fields[0]).toMatchObject({ field: 'settings.analysis.checks.0.template', code: 'field.promqlError' });
    expect((await release(namespace)).status?.phase).toBeUndefined();
  });

  it('fails a check below its minimum request volume, and shows its numbers in the release status', { timeout: 150_000 }, async () => {
    const namespace = 'tmpl-volume';
    await podinfoNamespace(sandbox, namespace);
    expect((await saveTemplate(namespace, 'gray-rate', GRAY_RATE)).status).toBe(200);
    // The value is in range; only the volume is short (a billion requests in 30 s).
    const started = await startRelease(namespace, { analysis: { ...SETTINGS.analysis, checks: [{ template: 'gray-rate', min: 0, max: 1e9, minRequests: 1e9 }] } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const spec = (await release(namespace)).spec as ReleaseSpec;
    expect(spec.analysis?.checks).toEqual([{ template: 'gray-rate', min: 0, max: 1e9, minRequests: 1e9, query: GRAY_RATE }]);

    const child = startControllerProcess(sandbox);
    children.push(child);
    const checked = await waitFor(namespace, 'a check', (current) => Boolean(current.status?.lastAnalysis?.checks), 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\ncontroller: ${child.output.join('').slice(-2000)}`);
    });
    await stopProcess(child);
    const result = checked.status!.lastAnalysis!;
    expect(result.passed).toBe(false);
    expect(result.checks).toEqual([expect.objectContaining({ template: 'gray-rate', passed: false, code: 'release.check.lowVolume', minRequests: 1e9 })]);
    expect(result.checks![0]!.params).toMatchObject({ template: 'gray-rate', minRequests: 1e9, requests: expect.any(Number) });
    expect(checked.status?.failedChecks).toBeGreaterThanOrEqual(1);
    expect(checked.status?.currentStep).toBe(1);
    expect(checked.status?.messageCode).toBe('release.status.checkFailed');
  });
});

describe('the baseline judge against the simulator’s traffic in the real Prometheus', () => {
  const WINDOW = '20s';
  const spec = (baseline: boolean): ReleaseSpec => ({
    service: 'podinfo',
    stableVersion: 'v1',
    grayVersion: 'v2',
    analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: WINDOW, ...(baseline && { baseline: { maxSuccessRateDrop: 1, p99TolerancePercent: 50 } }) },
  });
  const analyse = (namespace: string, baseline: boolean) => analyseGray(sandbox.prometheusUrl, { namespace, services: ['podinfo'] }, spec(baseline), new Date());

  it('passes a gray version that an error and latency spike hurts as much as stable, and fails it when it alone gets worse', { timeout: 180_000 }, async () => {
    const namespace = 'tmpl-baseline';
    await podinfoNamespace(sandbox, namespace);
    await halfAndHalf(namespace);

    // A spike on both versions: a fifth of requests fail, p99 ~900 ms. The window must hold only the spike.
    await behave(namespace, 'v1', 0.2, 300, 900);
    await behave(namespace, 'v2', 0.2, 300, 900);
    await sleep(28_000);
    const spiked = await analyse(namespace, true);
    // The fixed limits fail both versions alike ...
    const fixed = await analyse(namespace, false);
    expect(fixed.passed, fixed.reason).toBe(false);
    // ... the baseline judge sees gray no worse than stable.
    expect(spiked.baseline, spiked.reason).toMatchObject({ successVerdict: 'pass' });
    expect(spiked.baseline!.verdict).not.toBe('fail');
    expect(spiked.passed, spiked.reason).toBe(true);
    expect(spiked.baseline!.gray.successRate!).toBeLessThan(90);
    expect(spiked.baseline!.stable.successRate!).toBeLessThan(90);
    expect(spiked.baseline!.gray.requests!).toBeGreaterThan(50);
    expect(spiked.baseline!.params).toMatchObject({ graySuccess: expect.any(Number), stableSuccess: expect.any(Number), z: expect.any(Number) });

    // Stable recovers; gray alone keeps failing a fifth of its requests.
    await behave(namespace, 'v1', 0, 25, 80);
    await sleep(28_000);
    const alone = await analyse(namespace, true);
    expect(alone.passed, alone.reason).toBe(false);
    expect(alone.baseline).toMatchObject({ verdict: 'fail', successVerdict: 'fail' });
    expect(alone.baseline!.z!).toBeGreaterThan(2.326);
    expect(alone.reason).toMatch(/^baseline fail: success/);
  });
});
