import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../test/console-api.ts';
import { signIn } from '../../test/console-session.ts';
import { adminApi, resourceVersions, sample } from '../../test/sandbox-client.ts';
import { cookieRegex } from '@/lib/mesh/intents';
import { REVIEWS_50_V3, REVIEWS_90_10, REVIEWS_TEST_V2, REVIEWS_V1, FOO_SPLIT_WITH_HEADER } from '@/lib/providers/gateway-api/samples.test-helpers';
import type { HTTPRoute } from '@/lib/providers/gateway-api/types';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const alice = consoleApi(await signIn('alice'));

async function applyText(namespace: string, text: string): Promise<void> {
  const { writeFileSync } = await import('node:fs');
  const file = `${sandbox.dir}/gw-${namespace}-${Date.now()}.yaml`;
  writeFileSync(file, text);
  await kubectl(sandbox, ['apply', '-n', namespace, '-f', file]);
}

/** A namespace with Bookinfo (ready Deployments), its per-version Services and one HTTPRoute. */
async function bookinfoWithRoute(namespace: string, route: string): Promise<void> {
  await kubectl(sandbox, ['create', 'namespace', namespace]);
  await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('bookinfo.yaml'), '-f', sample('bookinfo-versions.yaml')]);
  await applyText(namespace, route);
  await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
}

async function readRoute(namespace: string, name = 'reviews'): Promise<HTTPRoute> {
  return adminApi(sandbox).read<HTTPRoute>({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name, namespace } });
}


const weights = (view: { versions: { name: string; weight: number }[] }) => Object.fromEntries(view.versions.map((v) => [v.name, v.weight]));

/** Everything of a stored route but the backends of the managed rule: what an edit must keep, byte for byte. */
function foreign(route: HTTPRoute, managedRules: number[]) {
  const rules = route.spec!.rules!.map((rule, index) => (managedRules.includes(index) ? { ...rule, backendRefs: undefined } : rule));
  const { resourceVersion: _rv, generation: _generation, managedFields: _managed, ...metadata } = route.metadata!;
  return { metadata, spec: { ...route.spec, rules } };
}

describe(`Gateway API HTTPRoutes against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it.each([
    ['route-reviews-90-10', REVIEWS_90_10, { v1: 90, v2: 10, v3: 0 }],
    ['route-reviews-v1', REVIEWS_V1, { v1: 100, v2: 0, v3: 0 }],
    ['route-reviews-50-v3', REVIEWS_50_V3, { v1: 50, v2: 0, v3: 50 }],
    ['route-reviews-test-v2', REVIEWS_TEST_V2, { v1: 100, v2: 0, v3: 0 }],
  ])('reads Istio’s %s as the API server stores it', async (name, route, expected) => {
    const namespace = `gw-read-${name.replace('route-reviews-', '')}`;
    await bookinfoWithRoute(namespace, route);
    const view = await alice.settledView(namespace, 'reviews', (v) => v.routed);
    expect(view.provider.id).toBe('gateway-api');
    expect(weights(view)).toEqual(expected);
    expect(view.validations).toEqual([]);
    if (name.endsWith('test-v2')) expect(view.versions.find((v) => v.name === 'v2')!.rules[0]!.policy.conditions).toEqual([{ on: 'header', name: 'end-user', operator: 'exact', value: 'jason' }]);
  });

  it('reads the Gateway API guide’s split on a Gateway parent, header rule included', async () => {
    const namespace = 'gw-read-foo';
    await kubectl(sandbox, ['create', 'namespace', namespace]);
    const deploymentOf = (version: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `foo-${version}`, labels: { app: 'foo', version } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'foo', version } }, template: { metadata: { labels: { app: 'foo', version } }, spec: { containers: [{ name: 'foo', image: `foo:${version}` }] } } },
    });
    const serviceOf = (name: string, selector: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ port: 8080 }] } });
    await applyText(
      namespace,
      [deploymentOf('v1'), deploymentOf('v2'), serviceOf('foo', { app: 'foo' }), serviceOf('foo-v1', { app: 'foo', version: 'v1' }), serviceOf('foo-v2', { app: 'foo', version: 'v2' })]
        .map((object) => stringify(object))
        .join('---\n') + `---\n${FOO_SPLIT_WITH_HEADER}`,
    );
    await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
    const view = await alice.settledView(namespace, 'foo', (v) => v.routed && v.versions.every((version) => version.ready > 0));
    expect(view.objects[0]).toMatchObject({ kind: 'HTTPRoute', name: 'foo-route', role: 'routing' });
    expect(weights(view)).toEqual({ v1: 90, v2: 10 });
    expect(view.versions.find((v) => v.name === 'v2')!.rules).toHaveLength(1);
  });

  it('walks every wizard (add, weights, content rule, take over, delete) keeping every field it does not own byte for byte', async () => {
    const namespace = 'gw-walk';
    await bookinfoWithRoute(namespace, REVIEWS_V1);
    // Fields Weir does not own, on the route as a person would write them.
    const original = await readRoute(namespace);
    original.metadata!.annotations = { 'team.example.com/owner': 'books' };
    original.spec!.parentRefs!.push({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'http' });
    original.spec!.rules = [
      { matches: [{ path: { type: 'PathPrefix', value: '/admin' } }], backendRefs: [{ name: 'reviews-v1', port: 9080 }] },
      { ...original.spec!.rules![0]!, timeouts: { request: '7s' }, filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-weir-test', value: 'kept' }] } }] },
    ];
    await adminApi(sandbox).replace(original);
    const start = await readRoute(namespace);
    const kept = foreign(start, [1]);

    let view = await alice.settledView(namespace, 'reviews', (v) => v.managedRouteIndex === 1);
    expect(view.otherRoutes.map((route) => route.index)).toEqual([0]);
    let result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { type: 'add-version', expected: view.splitEtag, version: 'v4', image: 'reviews:v4', replicas: 1, env: [], weight: 20 } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.outcomes.map((o: { action: string; kind: string }) => `${o.action}:${o.kind}`)).toEqual(['create:Deployment', 'wait-ready:Deployment', 'create:Service', 'replace:HTTPRoute']);
    let route = await readRoute(namespace);
    expect(route.spec!.rules![1]!.backendRefs!.map((ref) => [ref.name, ref.weight])).toEqual([
      ['reviews-v1', 80],
      ['reviews-v4', 20],
    ]);
    const service = await adminApi(sandbox).read<V1Service>({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews-v4', namespace } });
    expect(service.spec!.selector).toEqual({ app: 'reviews', version: 'v4' });

    view = await alice.settledView(namespace, 'reviews', (v) => weights(v).v4 === 20);
    result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { type: 'set-weights', expected: view.splitEtag, weights: { v1: 40, v2: 0, v3: 0, v4: 60 } } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    view = await alice.settledView(namespace, 'reviews', (v) => weights(v).v4 === 60);
    const policy = { match: 'any', conditions: [{ on: 'cookie', operator: 'regex', value: cookieRegex('gray', 'true') }] };
    result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { type: 'set-content-rule', expected: view.splitEtag, version: 'v4', policy } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    route = await readRoute(namespace);
    expect(route.spec!.rules).toHaveLength(3);
    expect(route.spec!.rules![1]).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: 'cookie', value: cookieRegex('gray', 'true') }] }],
      backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v4', port: 9080, weight: 1 }],
    });
    expect(foreign({ ...route, spec: { ...route.spec, rules: [route.spec!.rules![0]!, route.spec!.rules![2]!] } }, [1])).toEqual(kept);

    view = await alice.settledView(namespace, 'reviews', (v) => v.versions.some((version) => version.rules.length > 0));
    result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { type: 'take-over', expected: view.splitEtag, version: 'v4' } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    view = await alice.settledView(namespace, 'reviews', (v) => weights(v).v4 === 100);
    result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { type: 'delete-version', expected: view.splitEtag, version: 'v1', keepWorkload: false } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    route = await readRoute(namespace);
    expect(route.spec!.rules!.at(-1)!.backendRefs!.map((ref) => [ref.name, ref.weight])).toEqual([['reviews-v4', 100]]);
    // The admin rule still sends to reviews-v1, so its Service stays; its Deployment goes.
    expect((await resourceVersions(sandbox, namespace))['Service/reviews-v1']).toBeTruthy();
    expect((await resourceVersions(sandbox, namespace))['Deployment/reviews-v1']).toBeUndefined();
    expect(foreign(route, [1])).toEqual(kept);
  });

  it('creates routing with Gateway API for a Service that has none', async () => {
    const namespace = 'gw-create';
    await kubectl(sandbox, ['create', 'namespace', namespace]);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('helloworld.yaml')]);
    await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
    const before = await alice.settledView(namespace, 'helloworld', (v) => v.discoveredVersions.length === 2);
    expect(before.routed).toBe(false);
    const result = await alice.post(namespace, 'helloworld', { mode: 'apply', intent: { type: 'create-routing', stableVersion: 'v1', provider: 'gateway-api' } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const route = await readRoute(namespace, 'helloworld');
    expect(route.spec!.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'helloworld', port: 5000 }]);
    const view = await alice.settledView(namespace, 'helloworld', (v) => v.routed);
    expect(view.provider.id).toBe('gateway-api');
    expect(weights(view)).toEqual({ v1: 100, v2: 0 });
    const again = await alice.post(namespace, 'helloworld', { mode: 'apply', intent: { type: 'create-routing', stableVersion: 'v1', provider: 'istio' } });
    expect(again.status).toBe(409);
  });

  describe('refusals change nothing', () => {
    const namespace = 'gw-refusals';
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['a prefix header match, which HTTPRoute cannot express', { type: 'set-content-rule', version: 'v2', policy: { match: 'all', conditions: [{ on: 'header', name: 'x-user', operator: 'prefix', value: 'qa' }] } }, 422, 'intent.policy.conditions.0.operator'],
      ['an unknown version', { type: 'set-weights', weights: { v1: 50, v9: 50 } }, 422, 'intent.weights.v9'],
      ['weights that do not add up to 100', { type: 'set-weights', weights: { v1: 50, v2: 40 } }, 400, 'intent.weights'],
      ['deleting a version that gets traffic', { type: 'delete-version', version: 'v2' }, 409, ''],
      ['scaling a version that gets traffic to 0', { type: 'scale-version', version: 'v2', replicas: 0 }, 409, ''],
      ['a stale split', { type: 'set-weights', expected: 'stale000', weights: { v1: 10, v2: 90 } }, 409, ''],
    ];
    it.each(cases)('%s', async (_name, intent, status, field) => {
      if (!(await resourceVersions(sandbox, namespace))['HTTPRoute/reviews']) await bookinfoWithRoute(namespace, REVIEWS_90_10);
      const view = await alice.settledView(namespace, 'reviews', (v) => v.routed);
      const before = await resourceVersions(sandbox, namespace);
      const result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { expected: view.splitEtag, ...intent } });
      expect(result.status, JSON.stringify(result.body)).toBe(status);
      expect(result.body.error.message).toBeTruthy();
      if (field) expect(result.body.error.fields.map((f: { field: string }) => f.field)).toContain(field);
      if (intent.expected === 'stale000') expect(weights(result.body.error.details.current)).toMatchObject({ v1: 90, v2: 10 });
      expect(await resourceVersions(sandbox, namespace)).toEqual(before);
    });
  });

  it('answers a write that lost a race with 409 and the current split, never overwriting it', async () => {
    const namespace = 'gw-race';
    await bookinfoWithRoute(namespace, REVIEWS_90_10);
    const seen = await alice.settledView(namespace, 'reviews', (v) => v.routed);
    // Someone else moves the split with kubectl after the user looked.
    const route = await readRoute(namespace);
    route.spec!.rules![0]!.backendRefs![1]!.weight = 30;
    route.spec!.rules![0]!.backendRefs![0]!.weight = 70;
    await adminApi(sandbox).replace(route);
    const result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { type: 'set-weights', expected: seen.splitEtag, weights: { v1: 0, v2: 100 } } });
    expect(result.status).toBe(409);
    expect((await readRoute(namespace)).spec!.rules![0]!.backendRefs!.map((ref) => ref.weight)).toEqual([70, 30]);
  });
});
