import { describe, expect, it } from 'vitest';
import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { MeshError } from '@/lib/mesh/errors';
import { deployment, plan as planOf, rejection as refusal, replaced, serviceObject, snapshotFrom, stateOf, yamlObjects } from '@/lib/mesh/fixtures.test-helpers';
import { cookieRegex, type Intent } from '@/lib/mesh/intents';
import { serviceNames } from '@/lib/mesh/registry';
import { REVIEWS_50_V3, REVIEWS_90_10, REVIEWS_TEST_V2, REVIEWS_V1, fooObjects, reviewsWithRoute } from './samples.test-helpers';
import type { HTTPRoute } from './types';

const view = (objects: KubernetesObject[], service = 'reviews') => stateOf(objects, service).view;
const plan = (objects: KubernetesObject[], intent: Intent, service = 'reviews') => planOf(stateOf(objects, service), intent);
const rejection = (work: () => unknown) => refusal(work, MeshError);
const weightsOf = (route: HTTPRoute, rule = -1) => (route.spec!.rules!.at(rule)!.backendRefs ?? []).map((ref) => [ref.name, ref.weight]);
const gray = { match: 'all' as const, conditions: [{ on: 'cookie' as const, operator: 'regex' as const, value: cookieRegex('gray', 'true') }] };

describe('reading HTTPRoutes of Istio’s Bookinfo samples', () => {
  it('reads route-reviews-90-10 as versions v1 90 / v2 10, with v3 (its Service exists) at 0', () => {
    const reviews = view(reviewsWithRoute(REVIEWS_90_10));
    expect(reviews.provider).toEqual({ id: 'gateway-api', name: 'Gateway API' });
    expect(reviews.routed).toBe(true);
    expect(reviews.versions.map((v) => [v.name, v.weight, v.role, v.backend?.name])).toEqual([
      ['v1', 90, 'stable', 'reviews-v1'],
      ['v2', 10, 'gray', 'reviews-v2'],
      ['v3', 0, 'gray', 'reviews-v3'],
    ]);
    expect(reviews.versions[0]!.workloads).toEqual([expect.objectContaining({ form: 'pods', name: 'reviews-v1', ready: 1 })]);
    expect(reviews.objects.map((o) => `${o.kind}/${o.name}:${o.role}`)).toEqual(['HTTPRoute/reviews:routing', 'Service/reviews-v1:version', 'Service/reviews-v2:version', 'Service/reviews-v3:version']);
    expect(reviews.trafficServices).toEqual(['reviews', 'reviews-v1', 'reviews-v2', 'reviews-v3']);
    expect(reviews.validations).toEqual([]);
    expect(reviews.capabilities.contentRules).toEqual({ supported: true, operators: ['exact', 'regex'] });
  });

  it('gives a backend without a weight the default of 1, so a lone backend gets everything', () => {
    expect(view(reviewsWithRoute(REVIEWS_V1)).versions.map((v) => [v.name, v.weight])).toEqual([
      ['v1', 100],
      ['v2', 0],
      ['v3', 0],
    ]);
  });

  it('reads route-reviews-test-v2’s header match as a content rule for v2, before the catch-all rule', () => {
    const reviews = view(reviewsWithRoute(REVIEWS_TEST_V2));
    expect(reviews.managedRouteIndex).toBe(1);
    expect(reviews.versions.find((v) => v.name === 'v2')!.rules).toEqual([
      { index: 0, version: 'v2', policy: { match: 'all', conditions: [{ on: 'header', name: 'end-user', operator: 'exact', value: 'jason' }] } },
    ]);
    expect(reviews.routes[0]!.matches).toEqual([[{ on: 'header', name: 'end-user', operator: 'exact', value: 'jason' }]]);
  });

  it('shows the version Services as parts of the service, not as services of their own', () => {
    expect(serviceNames(snapshotFrom(reviewsWithRoute(REVIEWS_50_V3))).sort()).toEqual(['reviews']);
  });

  it('flags traffic to a version with no ready pod, and a backend Service that does not exist', () => {
    const objects = reviewsWithRoute(REVIEWS_50_V3, { v1: 1, v2: 1, v3: 0 }).filter((o) => o.metadata?.name !== 'reviews-v2');
    expect(view(objects).validations).toContainEqual({ code: 'traffic-without-ready-endpoint', severity: 'error', subject: 'v3' });
    const missing = view(reviewsWithRoute(REVIEWS_90_10).filter((o) => !(o.kind === 'Service' && o.metadata?.name === 'reviews-v2')));
    expect(missing.validations).toContainEqual({ code: 'route-to-missing-version', severity: 'error', subject: 'reviews-v2', kind: 'Service' });
  });

  it('reports what the implementation wrote in the route’s status', () => {
    const objects = reviewsWithRoute(REVIEWS_90_10).map((object) =>
      object.kind === 'HTTPRoute'
        ? { ...object, status: { parents: [{ parentRef: { group: '', kind: 'Service', name: 'reviews' }, controllerName: 'istio.io/gateway-controller', conditions: [{ type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', message: 'backend(reviews-v9) not found' }] }] } }
        : object,
    );
    expect(view(objects).validations).toContainEqual(expect.objectContaining({ code: 'route-not-accepted', subject: expect.stringContaining('BackendNotFound — backend(reviews-v9) not found') }));
  });

  it('changes the split etag when a weight changes, and only then', () => {
    const a = view(reviewsWithRoute(REVIEWS_90_10)).splitEtag;
    expect(view(reviewsWithRoute(REVIEWS_90_10)).splitEtag).toBe(a);
    expect(view(reviewsWithRoute(REVIEWS_50_V3)).splitEtag).not.toBe(a);
  });
});

describe('reading the Gateway API guide’s traffic split on a Gateway parent', () => {
  it('reads foo-route as the service foo: v1 90 / v2 10 and the header rule for testers', () => {
    const foo = view(fooObjects(), 'foo');
    expect(Object.fromEntries(foo.versions.map((v) => [v.name, v.weight]))).toEqual({ v1: 90, v2: 10 });
    expect(foo.versions.find((v) => v.name === 'v1')!.role).toBe('stable');
    expect(foo.versions.find((v) => v.name === 'v2')!.rules[0]!.policy).toEqual({ match: 'all', conditions: [{ on: 'header', name: 'traffic', operator: 'exact', value: 'test' }] });
    expect(foo.routes[1]!.extras).toEqual(['timeouts', 'filters']);
  });
});

describe('planning on HTTPRoutes', () => {
  it('writes new weights on the catch-all rule, summing to 100, and keeps filters, timeouts and labels', () => {
    const objects = fooObjects();
    const { steps } = plan(objects, { type: 'set-weights', expected: 'x', weights: { v1: 20, v2: 80 } }, 'foo');
    expect(steps).toHaveLength(1);
    const route = replaced<HTTPRoute>(steps, 'HTTPRoute');
    expect(weightsOf(route)).toEqual([
      ['foo-v1', 20],
      ['foo-v2', 80],
    ]);
    const before = objects.find((o) => o.kind === 'HTTPRoute') as HTTPRoute;
    expect(route.spec!.rules![1]!.timeouts).toEqual(before.spec!.rules![1]!.timeouts);
    expect(route.spec!.rules![1]!.filters).toEqual(before.spec!.rules![1]!.filters);
    expect(route.spec!.rules![0]).toEqual(before.spec!.rules![0]);
    expect({ ...route.spec, rules: undefined }).toEqual({ ...before.spec, rules: undefined });
    expect(route.metadata).toEqual(before.metadata);
  });

  it('adds a version: Deployment, wait until ready, its Service, then its backendRef with 30% taken from stable', () => {
    const { steps } = plan(reviewsWithRoute(REVIEWS_V1, { v1: 2 }).filter((o) => !/reviews-v[23]/.test(o.metadata?.name ?? '')), {
      type: 'add-version',
      expected: 'x',
      version: 'v4',
      image: 'reviews:v4',
      replicas: 2,
      env: [],
      weight: 30,
    });
    expect(steps.map((s) => `${s.action}:${'object' in s ? `${s.object.kind}/${s.object.metadata?.name}` : s.deployment.name}`)).toEqual([
      'create:Deployment/reviews-v4',
      'wait-ready:reviews-v4',
      'create:Service/reviews-v4',
      'replace:HTTPRoute/reviews',
    ]);
    const service = (steps[2] as { object: V1Service }).object;
    expect(service.spec).toEqual({ selector: { app: 'reviews', version: 'v4' }, ports: [{ port: 9080, name: 'http' }] });
    expect((steps[0] as { object: V1Deployment }).object.spec!.template.metadata!.labels).toEqual({ app: 'reviews', version: 'v4' });
    expect(weightsOf(replaced<HTTPRoute>(steps, 'HTTPRoute'))).toEqual([
      ['reviews-v1', 70],
      ['reviews-v4', 30],
    ]);
    expect(replaced<HTTPRoute>(steps, 'HTTPRoute').spec!.rules![0]!.backendRefs![1]).toEqual({ group: '', kind: 'Service', name: 'reviews-v4', port: 9080, weight: 30 });
  });

  it('adds a cookie-gated version at 0% with its own rule before the catch-all rule', () => {
    const { steps } = plan(reviewsWithRoute(REVIEWS_V1, { v1: 1 }).filter((o) => !/reviews-v[23]/.test(o.metadata?.name ?? '')), {
      type: 'add-version',
      expected: 'x',
      version: 'v2',
      image: 'reviews:v2',
      replicas: 1,
      env: [],
      weight: 0,
      policy: { match: 'any', conditions: [...gray.conditions, { on: 'header', name: 'end-user', operator: 'exact', value: 'asm' }] },
    });
    const rules = replaced<HTTPRoute>(steps, 'HTTPRoute').spec!.rules!;
    expect(rules[0]).toEqual({
      matches: [
        { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'RegularExpression', name: 'cookie', value: cookieRegex('gray', 'true') }] },
        { path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'end-user', value: 'asm' }] },
      ],
      backendRefs: [{ group: '', kind: 'Service', name: 'reviews-v2', port: 9080 }],
    });
    expect(rules[1]!.backendRefs).toEqual([{ name: 'reviews-v1', port: 9080, weight: 100 }]);
    const after = view(reviewsWithRoute(REVIEWS_V1).map((o) => (o.kind === 'HTTPRoute' ? replaced<HTTPRoute>(steps, 'HTTPRoute') : o)));
    expect(after.versions.find((v) => v.name === 'v2')!.rules.map((rule) => rule.policy.match)).toEqual(['any']);
  });

  it('refuses a prefix header match, which HTTPRoute cannot express, naming the condition', () => {
    const error = rejection(() =>
      plan(reviewsWithRoute(REVIEWS_90_10), { type: 'set-content-rule', expected: 'x', version: 'v2', policy: { match: 'all', conditions: [{ on: 'header', name: 'x-user', operator: 'prefix', value: 'qa-' }] } }),
    );
    expect(error.code).toBe('invalid');
    expect(error.fields).toMatchObject([{ field: 'policy.conditions.0.operator', message: expect.stringContaining('^qa-.*') }]);
  });

  it('gives one version 100% on take over, keeps the others’ backendRefs at 0, and removes content rules', () => {
    const { steps } = plan(reviewsWithRoute(REVIEWS_TEST_V2), { type: 'take-over', expected: 'x', version: 'v2' });
    const route = replaced<HTTPRoute>(steps, 'HTTPRoute');
    expect(route.spec!.rules).toHaveLength(1);
    expect(weightsOf(route)).toEqual([
      ['reviews-v1', 0],
      ['reviews-v2', 100],
    ]);
  });

  it('deletes a version: backendRef, then its Service, then its Deployment; refuses while it gets traffic', () => {
    const objects = reviewsWithRoute(REVIEWS_90_10);
    expect(rejection(() => plan(objects, { type: 'delete-version', expected: 'x', version: 'v2', keepWorkload: false })).code).toBe('conflict');
    const after = reviewsWithRoute(REVIEWS_90_10.replace('weight: 90', 'weight: 0').replace('weight: 10', 'weight: 100'));
    const { steps } = plan(after, { type: 'delete-version', expected: 'x', version: 'v1', keepWorkload: false });
    expect(steps.map((s) => `${s.action}:${'object' in s ? `${s.object.kind}/${s.object.metadata?.name}` : ''}`)).toEqual(['replace:HTTPRoute/reviews', 'delete:Service/reviews-v1', 'delete:Deployment/reviews-v1']);
    expect(weightsOf(replaced<HTTPRoute>(steps, 'HTTPRoute'))).toEqual([['reviews-v2', 100]]);
  });

  it('keeps a version Service that another route also sends to', () => {
    const other = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews-from-gateway
spec:
  parentRefs:
  - name: public
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /reviews
    backendRefs:
    - name: reviews-v3
      port: 9080`;
    const objects = [...reviewsWithRoute(REVIEWS_90_10), ...yamlObjects(other)];
    const { steps } = plan(objects, { type: 'delete-version', expected: 'x', version: 'v3', keepWorkload: true });
    expect(steps.map((s) => s.action)).toEqual([]);
  });

  it('creates routing as Istio’s ambient docs do: a Service per version, then an HTTPRoute with the Service as parent', () => {
    const objects = [serviceObject('cart', 'shop'), deployment('cart', 'v1', 1, 'shop'), deployment('cart', 'v2', 1, 'shop')];
    const state = stateOf(objects, 'cart', 'shop');
    const { steps } = planOf(state, { type: 'create-routing', stableVersion: 'v1', provider: 'gateway-api' });
    expect(steps.map((s) => (s.action === 'create' ? `${s.object.kind}/${s.object.metadata?.name}` : s.action))).toEqual(['Service/cart-v1', 'Service/cart-v2', 'HTTPRoute/cart']);
    const route = (steps[2] as { object: HTTPRoute }).object;
    expect(route.spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'cart', port: 9080 }],
      rules: [{ backendRefs: [{ group: '', kind: 'Service', name: 'cart-v1', port: 9080, weight: 100 }] }],
    });
  });

  it('refuses to create routing with a provider that is not registered, naming the field', () => {
    const objects = [serviceObject('cart', 'shop'), deployment('cart', 'v1', 1, 'shop')];
    const error = rejection(() => planOf(stateOf(objects, 'cart', 'shop'), { type: 'create-routing', stableVersion: 'v1', provider: 'linkerd' }));
    expect(error.fields).toMatchObject([{ field: 'provider', message: 'must be one of istio, gateway-api, smi' }]);
  });
});

describe('a host routed by a VirtualService and an HTTPRoute at once', () => {
  it('is an error the view names, and no change is planned until one is removed', () => {
    const vs = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}`;
    const objects = [...reviewsWithRoute(REVIEWS_90_10), ...yamlObjects(vs)];
    const state = stateOf(objects, 'reviews');
    expect(state.claimants.map((c) => c.id)).toEqual(['istio', 'gateway-api']);
    expect(state.view.validations).toContainEqual({ code: 'multiple-providers', severity: 'error', subject: 'VirtualService reviews · HTTPRoute reviews' });
    const error = rejection(() => planOf(state, { type: 'set-weights', expected: 'x', weights: { v1: 100 } }));
    expect(error.message).toBe('reviews.default is routed by Istio and Gateway API at once; remove one before changing its split');
  });
});


describe('mirroring on HTTPRoutes (a RequestMirror filter)', () => {
  const objects = reviewsWithRoute(REVIEWS_90_10);
  const asObjects = (route: HTTPRoute) => objects.map((o) => (o.kind === 'HTTPRoute' ? route : o));
  const mirrored = (percent: number) => replaced<HTTPRoute>(plan(objects, { type: 'set-mirror', expected: 'x', version: 'v3', percent }).steps, 'HTTPRoute');

  it("copies a share of the managed rule's requests to the version's Service, keeping the weights, and reads it back", () => {
    const route = mirrored(50);
    expect(weightsOf(route)).toEqual([
      ['reviews-v1', 90],
      ['reviews-v2', 10],
    ]);
    expect(route.spec!.rules![0]!.filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { group: '', kind: 'Service', name: 'reviews-v3', port: 9080 }, percent: 50 } }]);
    const read = view(asObjects(route));
    expect(read.mirror).toEqual({ version: 'v3', percent: 50 });
    expect(read.capabilities.mirror.supported).toBe(true);
    expect(read.splitEtag).not.toBe(view(objects).splitEtag);
  });

  it('writes a share that is not whole as a fraction per 10,000, and no share at 100%', () => {
    expect(mirrored(12.5).spec!.rules![0]!.filters).toEqual([expect.objectContaining({ requestMirror: expect.objectContaining({ fraction: { numerator: 1250, denominator: 10_000 } }) })]);
    expect(view(asObjects(mirrored(12.5))).mirror).toEqual({ version: 'v3', percent: 12.5 });
    expect(mirrored(100).spec!.rules![0]!.filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: expect.objectContaining({ name: 'reviews-v3' }) } }]);
  });

  it('stops mirroring, keeping the rule as it was; drops the mirror when its version takes over, keeps it otherwise', () => {
    const withMirror = asObjects(mirrored(50));
    const stopped = replaced<HTTPRoute>(plan(withMirror, { type: 'set-mirror', expected: 'x', version: null, percent: 100 }).steps, 'HTTPRoute');
    expect(stopped.spec!.rules).toEqual((objects.find((o) => o.kind === 'HTTPRoute') as HTTPRoute).spec!.rules);
    const takenOver = replaced<HTTPRoute>(plan(withMirror, { type: 'take-over', expected: 'x', version: 'v3' }).steps, 'HTTPRoute');
    expect(takenOver.spec!.rules![0]!.filters).toBeUndefined();
    const byOther = replaced<HTTPRoute>(plan(withMirror, { type: 'take-over', expected: 'x', version: 'v1' }).steps, 'HTTPRoute');
    expect(byOther.spec!.rules![0]!.filters).toHaveLength(1);
  });

  it('keeps the rule\'s other filters when mirroring starts and stops', () => {
    const foo = fooObjects();
    const before = (foo.find((o) => o.kind === 'HTTPRoute') as HTTPRoute).spec!.rules![1]!.filters!;
    const route = replaced<HTTPRoute>(plan(foo, { type: 'set-mirror', expected: 'x', version: 'v2', percent: 5 }, 'foo').steps, 'HTTPRoute');
    expect(route.spec!.rules![1]!.filters).toEqual([...before, expect.objectContaining({ type: 'RequestMirror' })]);
  });
});
