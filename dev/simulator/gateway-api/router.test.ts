import { describe, expect, it } from 'vitest';
import { GRAY_COOKIE, helloMesh, request, seeded, shares } from '../fixtures.test-helpers.ts';
import type { MeshRequest } from '../mesh-request.ts';
import type { MeshObjects, RouteOutcome } from '../router.ts';
import { indexServices } from '../services.ts';
import { pathPrefixMatches } from './route-match.ts';
import { gatewayRouters, hostnameCovers, httpRouteRouters } from './router.ts';
import type { HttpBackendRef, HttpRoute, HttpRouteRule, ParentReference } from './types.ts';

const HELLO = 'hello.demo.svc.cluster.local';
const HELLO_PARENT: ParentReference = { group: '', kind: 'Service', name: 'hello' };

function route(name: string, rules: HttpRouteRule[], extra: { created?: string; parentRefs?: ParentReference[]; namespace?: string; hostnames?: string[] } = {}): HttpRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: extra.namespace ?? 'demo', creationTimestamp: (extra.created ?? '2025-01-01T00:00:00Z') as unknown as Date },
    spec: { parentRefs: extra.parentRefs ?? [HELLO_PARENT], hostnames: extra.hostnames, rules },
  };
}

const backend = (name: string, weight?: number, extra: Partial<HttpBackendRef> = {}): HttpBackendRef => ({ name, port: 5000, ...(weight === undefined ? {} : { weight }), ...extra });
const toVersion = (version: string): HttpRouteRule => ({ backendRefs: [backend(`hello-${version}`)] });

function routerFor(routes: HttpRoute[], overrides: Partial<MeshObjects> = {}) {
  const objects = helloMesh({ httpRoutes: routes, ...overrides });
  return httpRouteRouters({ objects, services: indexServices(objects.services) }).get(HELLO);
}

/** The backend Service a request lands on, or the status answered instead. */
function verdict(routes: HttpRoute[], req: MeshRequest = request(), random = 0.5, overrides: Partial<MeshObjects> = {}): string | number | undefined {
  const outcome: RouteOutcome | undefined = routerFor(routes, overrides)?.(req, random);
  return outcome?.kind === 'answer' ? outcome.status : outcome?.backend.name;
}

describe('HTTPRoute (GAMMA) routing: precedence', () => {
  it('lets a header rule placed after the catch-all win, because it has more header matches', () => {
    const routes = [route('hello', [toVersion('v1'), { matches: [{ headers: [{ name: 'End-User', value: 'asm' }] }], backendRefs: [backend('hello-v2')] }])];
    expect(verdict(routes, request({ 'end-user': 'asm' }))).toBe('hello-v2');
    expect(verdict(routes, request({ 'end-user': 'ASM' }))).toBe('hello-v1');
    expect(verdict(routes, request({ 'end-user': 'ann' }))).toBe('hello-v1');
  });

  it('ranks Exact path over the longest PathPrefix over a method over headers over query parameters', () => {
    const routes = [
      route('hello', [
        { matches: [{ queryParams: [{ name: 'beta', value: '1' }] }], backendRefs: [backend('hello-v1')] },
        { matches: [{ headers: [{ name: 'end-user', value: 'asm' }] }], backendRefs: [backend('hello-v2')] },
        { matches: [{ method: 'POST' }], backendRefs: [backend('hello-v3')] },
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [backend('hello-v1')] },
        { matches: [{ path: { type: 'PathPrefix', value: '/api/v2' } }], backendRefs: [backend('hello-v2')] },
        { matches: [{ path: { type: 'Exact', value: '/api' } }], backendRefs: [backend('hello-v3')] },
      ]),
    ];
    const asm = { 'end-user': 'asm' };
    expect(verdict(routes, request(asm, '/api', 'POST'))).toBe('hello-v3');
    expect(verdict(routes, request(asm, '/api/v2/items', 'POST'))).toBe('hello-v2');
    expect(verdict(routes, request(asm, '/api/items', 'POST'))).toBe('hello-v1');
    expect(verdict(routes, request(asm, '/?beta=1', 'POST'))).toBe('hello-v3');
    expect(verdict(routes, request(asm, '/?beta=1'))).toBe('hello-v2');
    expect(verdict(routes, request({}, '/?beta=1'))).toBe('hello-v1');
    expect(verdict(routes, request({}, '/'))).toBe(404);
  });

  it('breaks ties across routes by age, then namespace/name, and within a route by rule order', () => {
    const catchAll = (name: string, version: string, created: string) => route(name, [toVersion(version)], { created });
    expect(verdict([catchAll('newer', 'v1', '2025-06-01T00:00:00Z'), catchAll('older', 'v2', '2025-01-01T00:00:00Z')])).toBe('hello-v2');
    expect(verdict([catchAll('b', 'v1', '2025-01-01T00:00:00Z'), catchAll('a', 'v2', '2025-01-01T00:00:00Z')])).toBe('hello-v2');
    expect(verdict([route('one', [toVersion('v3'), toVersion('v1')])])).toBe('hello-v3');
  });

  it('lets a more specific match in a newer route beat an older catch-all route', () => {
    const routes = [
      route('base', [toVersion('v1')], { created: '2024-01-01T00:00:00Z' }),
      route('gray', [{ matches: [{ headers: [{ name: 'cookie', type: 'RegularExpression', value: GRAY_COOKIE }] }], backendRefs: [backend('hello-v2')] }]),
    ];
    expect(verdict(routes, request({ cookie: 'session=1;gray=true' }))).toBe('hello-v2');
    expect(verdict(routes, request({ cookie: 'xgray=true' }))).toBe('hello-v1');
  });
});

describe('HTTPRoute (GAMMA) routing: matches', () => {
  it('matches PathPrefix on whole path segments', () => {
    expect(pathPrefixMatches('/foo', '/foo')).toBe(true);
    expect(pathPrefixMatches('/foo', '/foo/bar')).toBe(true);
    expect(pathPrefixMatches('/foo', '/foobar')).toBe(false);
    expect(pathPrefixMatches('/foo/', '/foo')).toBe(true);
    expect(pathPrefixMatches('/', '/anything')).toBe(true);
    const routes = [route('hello', [{ matches: [{ path: { type: 'PathPrefix', value: '/foo' } }], backendRefs: [backend('hello-v2')] }, toVersion('v1')])];
    expect(verdict(routes, request({}, '/foo/bar?x=1'))).toBe('hello-v2');
    expect(verdict(routes, request({}, '/foobar'))).toBe('hello-v1');
  });

  it('matches regular expressions against the whole path, header or query value', () => {
    const routes = [
      route('hello', [
        { matches: [{ path: { type: 'RegularExpression', value: '/items/[0-9]+' } }], backendRefs: [backend('hello-v2')] },
        { matches: [{ path: { type: 'RegularExpression', value: '/.*' }, queryParams: [{ name: 'beta', type: 'RegularExpression', value: '(?i)yes' }] }], backendRefs: [backend('hello-v3')] },
      ]),
    ];
    expect(verdict(routes, request({}, '/items/42'))).toBe('hello-v2');
    expect(verdict(routes, request({}, '/items/42/reviews'))).toBe(404);
    expect(verdict(routes, request({}, '/?beta=YES'))).toBe('hello-v3');
    expect(verdict(routes, request({}, '/?beta=yesplease'))).toBe(404);
  });

  it('ranks a RegularExpression path below every PathPrefix, the catch-all "/" included, as Istio does', () => {
    const routes = [route('hello', [{ matches: [{ path: { type: 'RegularExpression', value: '/items/[0-9]+' } }], backendRefs: [backend('hello-v2')] }, toVersion('v1')])];
    expect(verdict(routes, request({}, '/items/42'))).toBe('hello-v1');
  });

  it('needs every condition of a match (AND) and any match of a rule (OR)', () => {
    const routes = [
      route('hello', [
        {
          matches: [{ headers: [{ name: 'end-user', value: 'asm' }, { name: 'x-canary', value: '1' }] }, { path: { type: 'Exact', value: '/canary' } }],
          backendRefs: [backend('hello-v2')],
        },
        toVersion('v1'),
      ]),
    ];
    expect(verdict(routes, request({ 'end-user': 'asm', 'x-canary': '1' }))).toBe('hello-v2');
    expect(verdict(routes, request({ 'end-user': 'asm' }))).toBe('hello-v1');
    expect(verdict(routes, request({}, '/canary'))).toBe('hello-v2');
  });
});

describe('HTTPRoute (GAMMA) routing: backends', () => {
  it('splits by relative weight, defaults a weight to 1 and never sends to weight 0', () => {
    const random = seeded(7);
    const split = [route('hello', [{ backendRefs: [backend('hello-v1', 90), backend('hello-v2', 10), backend('hello-v3', 0)] }])];
    const observed = shares(10_000, () => String(verdict(split, request(), random())));
    expect(Math.abs(observed['hello-v1']! - 0.9)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed['hello-v2']! - 0.1)).toBeLessThanOrEqual(0.02);
    expect(observed['hello-v3']).toBeUndefined();
    const even = [route('hello', [{ backendRefs: [backend('hello-v1'), backend('hello-v2')] }])];
    const halves = shares(10_000, () => String(verdict(even, request(), random())));
    expect(Math.abs(halves['hello-v1']! - 0.5)).toBeLessThanOrEqual(0.02);
  });

  it('answers 500 when all weights are 0, the rule has no backends, or the backend is missing or not a Service', () => {
    expect(verdict([route('hello', [{ backendRefs: [backend('hello-v1', 0), backend('hello-v2', 0)] }])])).toBe(500);
    expect(verdict([route('hello', [{}])])).toBe(500);
    expect(verdict([route('hello', [{ backendRefs: [backend('hello-v9')] }])])).toBe(500);
    expect(verdict([route('hello', [{ backendRefs: [backend('hello-v1', 1, { kind: 'ServiceImport', group: 'multicluster.x-k8s.io' })] }])])).toBe(500);
  });

  it('answers 500 for half the traffic when one of two equal backends is invalid', () => {
    const random = seeded(3);
    const routes = [route('hello', [{ backendRefs: [backend('hello-v1'), backend('hello-gone')] }])];
    const observed = shares(4_000, () => String(verdict(routes, request(), random())));
    expect(Math.abs(observed['500']! - 0.5)).toBeLessThanOrEqual(0.03);
  });

  it('needs a ReferenceGrant for a backend in another namespace', () => {
    const services = [...helloMesh().services, { metadata: { name: 'shared', namespace: 'common' }, spec: { selector: { app: 'shared' } } }];
    const routes = [route('hello', [{ backendRefs: [backend('shared', 1, { namespace: 'common' })] }])];
    expect(verdict(routes, request(), 0.5, { services })).toBe(500);
    const grant = { metadata: { name: 'demo-routes', namespace: 'common' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'demo' }], to: [{ group: '', kind: 'Service' }] } };
    expect(verdict(routes, request(), 0.5, { services, referenceGrants: [grant] })).toBe('shared');
  });

  it('answers a RequestRedirect with its status code (302 by default)', () => {
    expect(verdict([route('hello', [{ filters: [{ type: 'RequestRedirect', requestRedirect: { statusCode: 301 } }] }])])).toBe(301);
    expect(verdict([route('hello', [{ filters: [{ type: 'RequestRedirect', requestRedirect: {} }] }])])).toBe(302);
  });
});

describe('which HTTPRoutes attach where', () => {
  it('attaches to a Service parent only with group "" and kind Service, in the route namespace', () => {
    expect(routerFor([route('hello', [toVersion('v2')], { parentRefs: [{ kind: 'Service', name: 'hello' }] })])).toBeUndefined();
    expect(routerFor([route('hello', [toVersion('v2')], { parentRefs: [{ group: '', kind: 'Service', name: 'hello', namespace: 'demo' }] })])).toBeDefined();
    expect(routerFor([route('hello', [toVersion('v2')], { parentRefs: [{ group: '', kind: 'Service', name: 'hello', namespace: 'other' }] })])).toBeUndefined();
    expect(routerFor([route('hello', [toVersion('v2')], { namespace: 'other', parentRefs: [{ group: '', kind: 'Service', name: 'hello', namespace: 'demo' }] })])).toBeUndefined();
  });

  it('keeps routes with a Gateway parent out of mesh routing, and routes at the Gateway by hostname', () => {
    const atGateway = route('web', [toVersion('v3')], { parentRefs: [{ name: 'ingress' }], hostnames: ['*.example.com'] });
    expect(routerFor([atGateway])).toBeUndefined();
    const objects = helloMesh({ httpRoutes: [atGateway] });
    const gateway = gatewayRouters({ objects, services: indexServices(objects.services) }).get('demo/ingress');
    expect(gateway?.(request({ host: 'shop.example.com' }), 0.5)).toMatchObject({ kind: 'forward', backend: { name: 'hello-v3' } });
    expect(gateway?.(request({ host: 'example.com' }), 0.5)).toMatchObject({ kind: 'answer', status: 404 });
    expect(hostnameCovers('*.example.com', 'a.b.example.com:8080')).toBe(true);
  });
});
