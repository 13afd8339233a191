import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { SCRAPE_INTERVAL, startPrometheus, stopPrometheus } from '../../dev/sandbox/traffic.ts';
import { signIn, type SignedIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_PROMETHEUS_URL = sandbox.prometheusUrl;
process.env.WEIR_PROMETHEUS_SCRAPE_INTERVAL = SCRAPE_INTERVAL;

const route = await import('@/app/api/metrics/services/route');
const { clusterCache } = await import('@/lib/k8s/watch-cache');
type Answer = Awaited<ReturnType<typeof import('./services-success').servicesSuccess>>;

// A name of its own per run, so a reused sandbox (WEIR_SANDBOX_DIR) still deleting the last run's namespace is no obstacle.
const NAMESPACE = `success-list-${Date.now().toString(36)}`;
const ORIGIN = 'http://weir.test';

/**
 * A Gateway API service whose versions are Services of their own, 50 / 50, v2 answering 20 % errors: the row's
 * success rate is about 90 % only when both version Services are counted (v1 alone says 100 %, v2 alone 80 %).
 * And `idle`, a listed service (its workload has a version label) that no routing sends traffic to.
 */
function shopYaml(): string {
  const deployment = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${NAMESPACE}}
spec:
  replicas: 1
  selector: {matchLabels: ${JSON.stringify(labels)}}
  template:
    metadata: {labels: ${JSON.stringify(labels)}, annotations: ${JSON.stringify(annotations)}}
    spec: {containers: [{name: app, image: example/app:1}]}`;
  const service = (name: string, selector: Record<string, string>) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${NAMESPACE}}
spec: {selector: ${JSON.stringify(selector)}, ports: [{name: http, port: 8080}]}`;
  return [
    service('shop', { app: 'shop' }),
    service('shop-v1', { app: 'shop', version: 'v1' }),
    service('shop-v2', { app: 'shop', version: 'v2' }),
    deployment('shop-v1', { app: 'shop', version: 'v1' }),
    deployment('shop-v2', { app: 'shop', version: 'v2' }, { 'weir.dev/sim-error-rate': '0.2' }),
    deployment('sleep', { app: 'sleep' }),
    `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: ${NAMESPACE}}
spec:
  parentRefs: [{group: "", kind: Service, name: shop, port: 8080}]
  rules: [{backendRefs: [{name: shop-v1, port: 8080, weight: 50}, {name: shop-v2, port: 8080, weight: 50}]}]`,
    service('idle', { app: 'idle' }),
    deployment('idle-v1', { app: 'idle', version: 'v1' }),
  ].join('\n---\n');
}

/** Signs in with the bearer token of a ServiceAccount that may view only NAMESPACE (a RoleBinding, not a ClusterRoleBinding). */
async function namespaceViewer(): Promise<SignedIn> {
  await kubectl(sandbox, ['-n', NAMESPACE, 'create', 'serviceaccount', 'viewer']);
  await kubectl(sandbox, ['-n', NAMESPACE, 'create', 'rolebinding', 'viewer', '--clusterrole=weir-viewer', `--serviceaccount=${NAMESPACE}:viewer`]);
  const token = (await kubectl(sandbox, ['-n', NAMESPACE, 'create', 'token', 'viewer', '--duration=1h'])).trim();
  const { POST } = await import('@/app/api/auth/login/route');
  const response = await POST(
    new Request(`${ORIGIN}/api/auth/login`, { method: 'POST', headers: { origin: ORIGIN, host: 'weir.test' }, body: JSON.stringify({ strategy: 'token', token }) }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  return { user: `system:serviceaccount:${NAMESPACE}:viewer`, read: { cookie }, write: { cookie } };
}

async function ask(caller: SignedIn, query: string): Promise<{ status: number; body: any }> {
  const response = await route.GET(new Request(`${ORIGIN}/api/metrics/services?${query}`, { headers: caller.read }));
  return { status: response.status, body: await response.json() };
}

/** Requests the simulator sent to `service` so far, by response code (its own count, not Prometheus'). */
async function simulatorCounts(service: string): Promise<{ total: number; responseCodes: Record<string, number> }> {
  const response = await fetch(`${sandbox.simulatorUrl}/split?namespace=${NAMESPACE}&service=${service}`);
  return (await response.json()) as { total: number; responseCodes: Record<string, number> };
}

let alice: SignedIn;

beforeAll(async () => {
  alice = await signIn('alice');
  await kubectl(sandbox, ['create', 'namespace', NAMESPACE]);
  const file = join(sandbox.dir, `${NAMESPACE}.yaml`);
  writeFileSync(file, shopYaml());
  await kubectl(sandbox, ['apply', '-f', file]);
  await kubectl(sandbox, ['wait', '-n', NAMESPACE, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
});

afterAll(async () => {
  await startPrometheus(sandbox);
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, '--wait=false']);
  await clusterCache('sandbox')?.stop();
});

describe(`per-row success rate of the services list, from the sandbox's Prometheus (${sandbox.prometheusUrl})`, () => {
  it('sums a Gateway API service over its version Services, says 100 % for healthy nginx and unknown for a service without requests', { timeout: 120_000 }, async () => {
    const query = `cluster=sandbox&services=demo/nginx,${NAMESPACE}/shop,${NAMESPACE}/idle,${NAMESPACE}/no-such-service`;
    // Enough requests for a steady figure (20 % errors on half of 400 requests is 10 % ± 1.5 %), and few enough
    // that all of them still fall in the 60 s window when the sandbox spreads its traffic over many services.
    const deadline = Date.now() + 90_000;
    let answer: Answer;
    do {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const { status, body } = await ask(alice, query);
      expect(status).toBe(200);
      answer = body;
    } while (((await simulatorCounts('shop')).total < 400 || !answer.services.some((row) => row.service === 'shop' && row.rps > 0)) && Date.now() < deadline);

    expect(answer).toMatchObject({ status: 'ok', window: '60s' });
    const rows = Object.fromEntries(answer.services.map((row) => [`${row.namespace}/${row.service}`, row]));
    expect(Object.keys(rows).sort()).toEqual(['demo/nginx', `${NAMESPACE}/idle`, `${NAMESPACE}/shop`]);
    expect(rows['demo/nginx']!.successRate).toBe(1);
    expect(rows['demo/nginx']!.rps).toBeGreaterThan(0);

    const shop = rows[`${NAMESPACE}/shop`]!;
    const counts = await simulatorCounts('shop');
    const simulated = 1 - (counts.responseCodes['500'] ?? 0) / counts.total;
    expect(shop.successRate).toBeGreaterThan(0.85);
    expect(shop.successRate).toBeLessThan(0.95);
    // Every request of the namespace so far falls in the 60 s window: Prometheus and the simulator's own count agree.
    expect(Math.abs(shop.successRate! - simulated)).toBeLessThan(0.03);

    expect(rows[`${NAMESPACE}/idle`]).toEqual({ namespace: NAMESPACE, service: 'idle', rps: 0, successRate: null });
  });

  it('answers a user who may view one namespace with its rows only', async () => {
    const viewer = await namespaceViewer();
    const { status, body } = await ask(viewer, `cluster=sandbox&services=demo/nginx,default/reviews,${NAMESPACE}/shop`);
    expect(status).toBe(200);
    expect((body as Answer).services.map((row) => `${row.namespace}/${row.service}`)).toEqual([`${NAMESPACE}/shop`]);
    // alice, bound cluster-wide, gets all three for the same question.
    const forAlice = await ask(alice, `cluster=sandbox&services=demo/nginx,default/reviews,${NAMESPACE}/shop`);
    expect((forAlice.body as Answer).services).toHaveLength(3);
  });

  it('answers 400 naming the field for a malformed or oversized list, 404 naming the cluster, 401 signed out', async () => {
    const field = async (query: string) => {
      const { status, body } = await ask(alice, query);
      expect(status, JSON.stringify(body)).toBe(400);
      return body.error.fields.map((f: { field: string }) => f.field);
    };
    expect(await field('cluster=sandbox')).toEqual(['query.services']);
    expect(await field('services=demo/nginx')).toEqual(['query.cluster']);
    expect(await field('cluster=sandbox&services=demo/nginx,Demo/Nginx')).toEqual(['query.services.1']);
    expect(await field('cluster=sandbox&services=demo/nginx/x')).toEqual(['query.services.0']);
    const many = Array.from({ length: 201 }, (_, index) => `demo/svc-${index}`).join(',');
    expect(await field(`cluster=sandbox&services=${many}`)).toEqual(['query.services']);

    const unknown = await ask(alice, 'cluster=nowhere&services=demo/nginx');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.fields[0].field).toBe('query.cluster');

    const anonymous = await route.GET(new Request(`${ORIGIN}/api/metrics/services?cluster=sandbox&services=demo/nginx`));
    expect(anonymous.status).toBe(401);
  });

  it('says "unavailable", with no figures, while Prometheus is down', { timeout: 90_000 }, async () => {
    await stopPrometheus(sandbox);
    const { status, body } = await ask(alice, `cluster=sandbox&services=demo/nginx,${NAMESPACE}/shop`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'unavailable', reason: 'unreachable', services: [] });
    await startPrometheus(sandbox);
    expect((await ask(alice, `cluster=sandbox&services=demo/nginx`)).body.status).toBe('ok');
  });
});
