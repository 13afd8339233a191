import { describe, expect, it } from 'vitest';
import { GRAY_COOKIE, helloMesh, request, seeded, service, shares } from '../fixtures.test-helpers.ts';
import type { MeshRequest } from '../mesh-request.ts';
import type { RouteOutcome } from '../router.ts';
import { indexServices } from '../services.ts';
import { pickDestination, virtualServiceRouters } from './router.ts';
import type { DestinationRule, VirtualService, VirtualServiceHttpRoute } from './types.ts';

const HELLO = 'hello.demo.svc.cluster.local';

function hello(http: VirtualServiceHttpRoute[], extra: Partial<VirtualService> = {}): VirtualService {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'hello', namespace: 'demo' }, spec: { hosts: ['hello'], http }, ...extra };
}

const to = (subset: string, weight?: number) => ({ destination: { host: 'hello', subset }, ...(weight === undefined ? {} : { weight }) });

const subsets: DestinationRule = {
  metadata: { name: 'hello', namespace: 'demo' },
  spec: { host: 'hello.demo.svc.cluster.local', subsets: ['v1', 'v2', 'v3', 'v4'].map((name) => ({ name, labels: { version: name } })) },
};

function routeWith(virtualServices: VirtualService[], req: MeshRequest = request(), random = 0.5, destinationRules = [subsets]): RouteOutcome | undefined {
  const objects = helloMesh({ virtualServices, destinationRules });
  return virtualServiceRouters({ objects, services: indexServices(objects.services) }).get(HELLO)?.(req, random);
}

/** The subset a request lands on, or the status the proxy answers with. */
function verdict(vs: VirtualService, req: MeshRequest = request(), random = 0.5): string | number | undefined {
  const outcome = routeWith([vs], req, random);
  return outcome?.kind === 'answer' ? outcome.status : outcome?.labels?.version;
}

describe('VirtualService routing: weights', () => {
  it('splits 10,000 requests 30/60/10 within two points', () => {
    const random = seeded(42);
    const vs = hello([{ route: [to('v1', 30), to('v2', 60), to('v3', 10)] }]);
    const observed = shares(10_000, () => String(verdict(vs, request(), random())));
    expect(Math.abs(observed.v1! - 0.3)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.v2! - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.v3! - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('sends everything to a lone destination without a weight, and resolves its subset to labels', () => {
    expect(routeWith([hello([{ route: [to('v1')] }])], request(), 0.999)).toMatchObject({ kind: 'forward', backend: { fqdn: HELLO }, labels: { version: 'v1' }, version: 'v1' });
  });

  it('never picks a destination of weight 0, even at the edges of [0, 1)', () => {
    const route: VirtualServiceHttpRoute = { route: [to('v1', 0), to('v2', 100), to('v3', 0)] };
    expect(pickDestination(route, 0)?.destination.subset).toBe('v2');
    expect(pickDestination(route, 0.9999999999)?.destination.subset).toBe('v2');
    expect(pickDestination({ route: [to('v1', 0), to('v2', 0)] }, 0.5)).toBeUndefined();
  });
});

describe('VirtualService routing: matches', () => {
  const gray = hello([
    { match: [{ headers: { cookie: { regex: GRAY_COOKIE } } }, { headers: { 'end-user': { exact: 'asm' } } }], route: [to('v2')] },
    { route: [to('v1', 100)] },
  ]);

  it('routes the gray cookie wherever it sits in the cookie header', () => {
    for (const cookie of ['gray=true', 'gray=true; session=7', 'session=7;gray=true', 'session=7;gray=true;theme=dark']) expect(verdict(gray, request({ cookie }))).toBe('v2');
  });

  it('does not route look-alike cookies: RE2 matches the whole value', () => {
    for (const cookie of ['gray=false', 'xgray=true', 'gray=truex; a=b']) expect(verdict(gray, request({ cookie }))).toBe('v1');
    expect(verdict(gray, request())).toBe('v1');
    expect(verdict(hello([{ match: [{ headers: { 'end-user': { regex: 'qa' } } }], route: [to('v3')] }, { route: [to('v1')] }]), request({ 'end-user': 'qa-ann' }))).toBe('v1');
  });

  it("reads RE2's leading (?i) as case-insensitive", () => {
    const vs = hello([{ match: [{ headers: { 'end-user': { regex: '(?i)jason' } } }], route: [to('v2')] }, { route: [to('v1')] }]);
    expect(verdict(vs, request({ 'end-user': 'JaSoN' }))).toBe('v2');
    expect(verdict(vs, request({ 'end-user': 'jasonx' }))).toBe('v1');
  });

  it('routes by header when any match block holds, and needs every condition of one block', () => {
    expect(verdict(gray, request({ 'end-user': 'asm' }))).toBe('v2');
    expect(verdict(gray, request({ 'end-user': 'asm2' }))).toBe('v1');
    const vs = hello([{ match: [{ headers: { 'x-canary': {}, 'end-user': { prefix: 'qa-' } } }], route: [to('v3')] }, { route: [to('v1')] }]);
    expect(verdict(vs, request({ 'x-canary': '', 'end-user': 'qa-ann' }))).toBe('v3');
    expect(verdict(vs, request({ 'end-user': 'qa-ann' }))).toBe('v1');
    expect(verdict(vs, request({ 'x-canary': '1', 'end-user': 'ann' }))).toBe('v1');
  });

  it('matches the path without its query string: exact, prefix and anchored regex; and query parameters and methods', () => {
    const vs = hello([
      { match: [{ uri: { exact: '/login' } }], route: [to('v1')] },
      { match: [{ uri: { prefix: '/api/' }, method: { exact: 'POST' } }], route: [to('v2')] },
      { match: [{ uri: { regex: '/items/[0-9]+' } }], route: [to('v3')] },
      { match: [{ queryParams: { beta: { exact: '1' } } }], route: [to('v2')] },
      { route: [to('v4')] },
    ]);
    expect(verdict(vs, request({}, '/login?next=/'))).toBe('v1');
    expect(verdict(vs, request({}, '/login/again'))).toBe('v4');
    expect(verdict(vs, request({}, '/api/users', 'POST'))).toBe('v2');
    expect(verdict(vs, request({}, '/api/users', 'GET'))).toBe('v4');
    expect(verdict(vs, request({}, '/items/42'))).toBe('v3');
    expect(verdict(vs, request({}, '/items/42/reviews'))).toBe('v4');
    expect(verdict(vs, request({}, '/?beta=1'))).toBe('v2');
    expect(verdict(vs, request({}, '/?beta=10'))).toBe('v4');
  });

  it('excludes requests that carry a withoutHeaders header', () => {
    const vs = hello([{ match: [{ withoutHeaders: { 'end-user': { exact: 'asm' } } }], route: [to('v1')] }, { route: [to('v2')] }]);
    expect(verdict(vs, request({ 'end-user': 'ann' }))).toBe('v1');
    expect(verdict(vs, request({ 'end-user': 'asm' }))).toBe('v2');
  });

  it('lets the first matching route win, even when a later one is more specific', () => {
    const shadowed = hello([{ route: [to('v1')] }, { match: [{ headers: { 'end-user': { exact: 'asm' } } }], route: [to('v2')] }]);
    expect(verdict(shadowed, request({ 'end-user': 'asm' }))).toBe('v1');
  });

  it('never matches conditions a synthetic request cannot carry', () => {
    const vs = hello([{ match: [{ sourceLabels: { app: 'frontend' } }], route: [to('v2')] }, { route: [to('v1')] }]);
    expect(verdict(vs, request())).toBe('v1');
  });
});

describe('VirtualService routing: answers without an upstream', () => {
  it('answers 404 when no route matches, and with the status of a direct response or redirect', () => {
    expect(verdict(hello([{ match: [{ uri: { prefix: '/api' } }], route: [to('v1')] }]))).toBe(404);
    expect(verdict(hello([{ directResponse: { status: 418 } }]))).toBe(418);
    expect(verdict(hello([{ redirect: { redirectCode: 308 } }]))).toBe(308);
  });

  it('answers 503 labelled with the subset for a subset the DestinationRule does not define', () => {
    expect(routeWith([hello([{ route: [to('v9')] }])])).toEqual({ kind: 'answer', status: 503, host: HELLO, version: 'v9' });
    expect(routeWith([hello([{ route: [to('v1')] }])], request(), 0.5, [])).toMatchObject({ kind: 'answer', status: 503, version: 'v1' });
  });
});

describe('which VirtualService routes a Service', () => {
  it('takes any spelling of the host in the namespace, and only sidecar-bound ones', () => {
    for (const host of ['hello', 'hello.demo', 'hello.demo.svc', HELLO]) expect(routeWith([{ ...hello([{ route: [to('v2')] }]), spec: { hosts: [host], http: [{ route: [to('v2')] }] } }])).toBeDefined();
    expect(routeWith([hello([{ route: [to('v2')] }], { spec: { hosts: ['hello'], gateways: ['ingress'], http: [{ route: [to('v2')] }] } })])).toBeUndefined();
    expect(routeWith([hello([{ route: [to('v2')] }], { spec: { hosts: ['hello'], gateways: ['ingress', 'mesh'], http: [{ route: [to('v2')] }] } })])).toBeDefined();
    expect(routeWith([hello([{ route: [to('v2')] }], { metadata: { name: 'hello', namespace: 'other' } })])).toBeUndefined();
  });

  it('follows the oldest of two VirtualServices claiming the host, whatever order they are listed in', () => {
    const older = hello([{ route: [to('v1')] }], { metadata: { name: 'zzz', namespace: 'demo', creationTimestamp: new Date('2024-01-01T00:00:00Z') } });
    const newer = hello([{ route: [to('v2')] }], { metadata: { name: 'aaa', namespace: 'demo', creationTimestamp: '2025-01-01T00:00:00Z' as unknown as Date } });
    expect(routeWith([newer, older])).toMatchObject({ labels: { version: 'v1' } });
    expect(routeWith([older, newer])).toMatchObject({ labels: { version: 'v1' } });
  });

  it('prefers a VirtualService naming the host exactly over one whose wildcard covers it', () => {
    const wildcard = hello([{ route: [to('v2')] }], { metadata: { name: 'all', namespace: 'demo', creationTimestamp: new Date('2020-01-01T00:00:00Z') }, spec: { hosts: ['*.demo.svc.cluster.local'], http: [{ route: [to('v2')] }] } });
    expect(routeWith([wildcard])).toMatchObject({ labels: { version: 'v2' } });
    expect(routeWith([wildcard, hello([{ route: [to('v1')] }])])).toMatchObject({ labels: { version: 'v1' } });
  });

  it('answers 503 for a destination host that is no Service of the cluster', () => {
    const objects = helloMesh({ services: [service('hello')], virtualServices: [hello([{ route: [{ destination: { host: 'gone' } }] }])] });
    const outcome = virtualServiceRouters({ objects, services: indexServices(objects.services) }).get(HELLO)?.(request(), 0.5);
    expect(outcome).toEqual({ kind: 'answer', status: 503, host: 'gone.demo.svc.cluster.local', version: 'unknown' });
  });
});
