import { Watch, type KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi, adminConfig, bookinfoNamespace, resourceVersions, sample } from '../../test/sandbox-client.ts';
import { signIn } from '../../test/console-session.ts';
import type { DestinationRule, VirtualService } from '@/lib/providers/istio/types';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;

const { POST } = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');
const alice = await signIn('alice');
const { GET } = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');

async function view(namespace: string, name = 'reviews') {
  const response = await GET(new Request('http://weir.test/', { headers: alice.read }), { params: Promise.resolve({ cluster: 'sandbox', namespace, name }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { view: { splitEtag: string; versions: { name: string; weight: number }[] } }).view;
}

async function post(namespace: string, body: unknown, name = 'reviews') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await POST(new Request('http://weir.test/', { method: 'POST', body: text, headers: alice.write }), {
    params: Promise.resolve({ cluster: 'sandbox', namespace, name }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function readVs(namespace: string, name = 'reviews'): Promise<VirtualService> {
  return adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace } });
}

function spec(vs: VirtualService) {
  return JSON.parse(JSON.stringify(vs.spec));
}

// Fields the console does not own, put on every route of every sample so an edit has something to keep.
const EXTRAS = {
  timeout: '7s',
  retries: { attempts: 3, perTryTimeout: '2s', retryOn: 'gateway-error,connect-failure' },
  fault: { delay: { fixedDelay: '5ms', percentage: { value: 1 } } },
  mirror: { host: 'ratings', subset: 'v1' },
  mirrorPercentage: { value: 5 },
  corsPolicy: { allowOrigins: [{ exact: 'https://example.com' }], allowMethods: ['GET'], maxAge: '24h' },
  headers: { request: { set: { 'x-weir-test': 'kept' } } },
};

const FIXTURES = [
  'virtual-service-all-v1.yaml',
  'virtual-service-reviews-80-20.yaml',
  'virtual-service-reviews-90-10.yaml',
  'virtual-service-reviews-test-v2.yaml',
  'virtual-service-reviews-v2-v3.yaml',
  'virtual-service-reviews-v3.yaml',
];

describe(`writes against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it.each(FIXTURES)('keeps every field it does not own when editing weights on %s', async (fixture) => {
    const namespace = `fp-${fixture.replace(/^virtual-service-|\.yaml$/g, '').replace(/[^a-z0-9]+/g, '-')}`;
    await bookinfoNamespace(sandbox, namespace);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample(fixture)]);
    const original = await readVs(namespace);
    original.spec!.http = original.spec!.http!.map((route) => ({ ...route, ...EXTRAS }));
    await adminApi(sandbox).replace(original);
    const before = await readVs(namespace);

    const current = await view(namespace);
    const { status, body } = await post(namespace, { mode: 'apply', intent: { type: 'set-weights', expected: current.splitEtag, weights: { v1: 30, v2: 60, v3: 10 } } });
    expect(status, JSON.stringify(body)).toBe(200);

    const after = await readVs(namespace);
    const expected = spec(before);
    const managed = expected.http.length - 1;
    expect(spec(after).http[managed].route.map((r: { destination: { subset: string }; weight: number }) => [r.destination.subset, r.weight])).toEqual([
      ...expected.http[managed].route
        .map((r: { destination: { subset: string } }) => r.destination.subset)
        .filter((s: string) => ['v1', 'v2', 'v3'].includes(s))
        .map((s: string) => [s, { v1: 30, v2: 60, v3: 10 }[s]]),
      ...['v1', 'v2', 'v3']
        .filter((s) => !expected.http[managed].route.some((r: { destination: { subset: string } }) => r.destination.subset === s))
        .map((s) => [s, { v1: 30, v2: 60, v3: 10 }[s]]),
    ]);
    // Everything else, byte for byte: other routes, and every field of the managed route but its destinations.
    const { route: _after, ...afterRest } = spec(after).http[managed];
    const { route: _before, ...beforeRest } = expected.http[managed];
    expect(afterRest).toEqual(beforeRest);
    expect(spec(after).http.slice(0, managed)).toEqual(expected.http.slice(0, managed));
    expect({ ...spec(after), http: undefined }).toEqual({ ...expected, http: undefined });
    expect(after.metadata?.labels).toEqual(before.metadata?.labels);
    expect(after.metadata?.annotations).toEqual(before.metadata?.annotations);
  });

  it('settles 20 concurrent weight changes with 2xx or 409 only, never losing a change', async () => {
    const namespace = 'concurrency';
    await bookinfoNamespace(sandbox, namespace);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('virtual-service-reviews-80-20.yaml')]);

    const seen: Record<string, number>[] = [];
    const watch = new Watch(adminConfig(sandbox));
    const request = await watch.watch(
      `/apis/networking.istio.io/v1/namespaces/${namespace}/virtualservices`,
      {},
      (_phase: string, object: KubernetesObject) => {
        const route = (object as VirtualService).spec?.http?.at(-1)?.route ?? [];
        seen.push(Object.fromEntries(route.map((entry) => [entry.destination.subset!, entry.weight ?? (route.length === 1 ? 100 : 0)])));
      },
      () => undefined,
    );

    // 20 operators at once; each saw the split at some moment and asks for its own.
    const accepted: { expected: string; weights: Record<string, number>; etagAfter: string }[] = [];
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        const start = await view(namespace);
        const v2 = (index * 7) % 101;
        const weights = { v1: 100 - v2, v2 };
        const { status, body } = await post(namespace, { mode: 'apply', intent: { type: 'set-weights', expected: start.splitEtag, weights } });
        statuses.push(status);
        if (status === 200) accepted.push({ expected: start.splitEtag, weights, etagAfter: body.view.splitEtag });
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    request.abort();

    expect(statuses.every((status) => status === 200 || status === 409), `statuses: ${statuses.join(',')}`).toBe(true);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    // Each accepted change was made on the split left by the previous accepted one: none overwrote an unseen change.
    const etags = new Set(accepted.map((change) => change.expected));
    expect(etags.size).toBe(accepted.length);
    const final = await view(namespace);
    const last = accepted.find((change) => change.etagAfter === final.splitEtag);
    expect(last, 'the final VirtualService is one of the accepted changes').toBeDefined();
    expect(Object.fromEntries(final.versions.filter((v) => v.weight > 0).map((v) => [v.name, v.weight]))).toEqual(
      Object.fromEntries(Object.entries(last!.weights).filter(([, w]) => w > 0)),
    );
    // A watcher never saw a split that did not add up to 100.
    expect(seen.length).toBeGreaterThan(0);
    for (const split of seen) expect(Object.values(split).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('records each applied change in the service Release history: who, what, from which split to which', async () => {
    const namespace = 'history';
    await bookinfoNamespace(sandbox, namespace);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('virtual-service-reviews-80-20.yaml')]);
    const current = await view(namespace);
    const { status, body } = await post(namespace, { mode: 'apply', intent: { type: 'set-weights', expected: current.splitEtag, weights: { v1: 50, v2: 50 } } });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.historyRecorded).toBe(true);
    const release = await adminApi(sandbox).read<KubernetesObject & { status: { history: unknown[] } }>({
      apiVersion: 'weir.dev/v1alpha1',
      kind: 'Release',
      metadata: { name: 'reviews', namespace },
    });
    expect(release.status.history).toEqual([
      expect.objectContaining({ user: 'alice', action: 'set-weights', from: { weights: { v1: 80, v2: 20 }, rules: [] }, to: { weights: { v1: 50, v2: 50 }, rules: [] } }),
    ]);
  });

  it('lists a DestinationRule host that has no Service, flagged as an error', async () => {
    const { GET: list } = await import('@/app/api/services/route');
    await kubectl(sandbox, ['create', 'namespace', 'ghosts']);
    await adminApi(sandbox).create({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'ghost', namespace: 'ghosts' },
      spec: { host: 'ghost', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
    } as KubernetesObject);
    let ghost: { validations: { code: string }[] } | undefined;
    for (let tries = 0; tries < 40 && !ghost; tries += 1) {
      const rows = (await (await list(new Request('http://weir.test/api/services?namespace=ghosts', { headers: alice.read }))).json()) as { service: string; validations: { code: string }[] }[];
      ghost = rows.find((row) => row.service === 'ghost');
      if (!ghost) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ghost?.validations.map((v) => v.code)).toContain('routing-without-service');
  });

  it('reads scenario 4: a Deployment and two VMs behind one service, split 30/60/10', async () => {
    const hybrid = (await view('hybrid-hello', 'hello2')) as unknown as {
      versions: { name: string; weight: number; ready: number; workloads: { kind: string; address?: string }[] }[];
    };
    expect(hybrid.versions.map((v) => [v.name, v.weight, v.workloads.map((w) => w.kind)])).toEqual([
      ['en', 30, ['Deployment']],
      ['fr', 60, ['WorkloadEntry']],
      ['es', 10, ['WorkloadEntry']],
    ]);
    expect(hybrid.versions.every((v) => v.ready > 0)).toBe(true);
  });

  it('creates routing for a Service that has none: a subset per version, all traffic to the stable one', async () => {
    const namespace = 'hello';
    await kubectl(sandbox, ['create', 'namespace', namespace]);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('helloworld.yaml')]);
    const before = await view(namespace, 'helloworld');
    expect(before.versions).toEqual([]);
    const { status, body } = await post(namespace, { mode: 'apply', intent: { type: 'create-routing', stableVersion: 'v1' } }, 'helloworld');
    expect(status, JSON.stringify(body)).toBe(200);
    const dr = await adminApi(sandbox).read<DestinationRule>({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'helloworld', namespace } });
    expect(dr.spec?.subsets?.map((subset) => subset.name)).toEqual(['v1', 'v2']);
    expect((await readVs(namespace, 'helloworld')).spec?.http?.[0]?.route).toEqual([{ destination: { host: 'helloworld', subset: 'v1' }, weight: 100 }]);
    const again = await post(namespace, { mode: 'apply', intent: { type: 'create-routing', stableVersion: 'v1' } }, 'helloworld');
    expect(again.status).toBe(409);
  });

  describe('bad input gets a clear 4xx and changes nothing', () => {
    const namespace = 'badinput';
    const cases: [string, unknown, number, string][] = [
      ['unknown version', { type: 'set-weights', weights: { v1: 50, v9: 50 } }, 422, 'intent.weights.v9'],
      ['weights not summing to 100', { type: 'set-weights', weights: { v1: 50, v2: 40 } }, 400, 'intent.weights'],
      ['negative weight', { type: 'set-weights', weights: { v1: 110, v2: -10 } }, 400, 'intent.weights.v2'],
      ['fractional weight', { type: 'set-weights', weights: { v1: 50.5, v2: 49.5 } }, 400, 'intent.weights.v1'],
      ['invalid version name', { type: 'add-version', version: 'V_2!', image: 'x', replicas: 1, weight: 0 }, 400, 'intent.version'],
      ['invalid regex', { type: 'set-content-rule', version: 'v2', policy: { match: 'any', conditions: [{ on: 'cookie', operator: 'regex', value: '(' }] } }, 400, 'intent.policy.conditions.0.value'],
      ['RE2-incompatible regex', { type: 'set-content-rule', version: 'v2', policy: { match: 'any', conditions: [{ on: 'header', name: 'x', operator: 'regex', value: '(?=a)b' }] } }, 400, 'intent.policy.conditions.0.value'],
      ['unknown intent type', { type: 'scale-to-zero' }, 400, 'intent.type'],
      ['deleting a version with traffic', { type: 'delete-version', version: 'v1' }, 409, ''],
    ];

    it.each(cases)('%s', async (_name, intent, status, field) => {
      if (!(await resourceVersions(sandbox, namespace))['VirtualService/reviews']) {
        await bookinfoNamespace(sandbox, namespace);
        await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('virtual-service-reviews-80-20.yaml')]);
      }
      const before = await resourceVersions(sandbox, namespace);
      const current = await view(namespace);
      const result = await post(namespace, { mode: 'apply', intent: { expected: current.splitEtag, ...(intent as object) } });
      expect(result.status, JSON.stringify(result.body)).toBe(status);
      expect(result.body.error.message).toBeTruthy();
      if (field) expect(result.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await resourceVersions(sandbox, namespace)).toEqual(before);
    });

    it('refuses an unknown namespace, a bad path and an oversized body', async () => {
      const missing = await post('no-such-namespace', { mode: 'apply', intent: { type: 'set-weights', expected: 'x', weights: { v1: 100 } } });
      expect(missing.status).toBe(404);
      expect(missing.body.error.fields[0].field).toBe('path.namespace');
      const badPath = await post('Bad_Namespace', { mode: 'apply', intent: {} });
      expect(badPath.status).toBe(400);
      expect(badPath.body.error.fields[0].field).toBe('path.namespace');
      const before = await resourceVersions(sandbox, namespace);
      const huge = await post(namespace, JSON.stringify({ mode: 'apply', intent: { type: 'set-weights', expected: 'x', weights: { v1: 100 } }, pad: 'x'.repeat(70_000) }));
      expect(huge.status).toBe(413);
      const notJson = await post(namespace, '{not json');
      expect(notJson.status).toBe(400);
      expect(await resourceVersions(sandbox, namespace)).toEqual(before);
    });

    it('answers 409 with the current split when the split changed since the user looked', async () => {
      const before = await resourceVersions(sandbox, namespace);
      const result = await post(namespace, { mode: 'apply', intent: { type: 'set-weights', expected: 'stale000', weights: { v1: 10, v2: 90 } } });
      expect(result.status).toBe(409);
      expect(result.body.error.details.current.versions.map((v: { name: string; weight: number }) => [v.name, v.weight])).toContainEqual(['v1', 80]);
      expect(await resourceVersions(sandbox, namespace)).toEqual(before);
    });
  });
});
