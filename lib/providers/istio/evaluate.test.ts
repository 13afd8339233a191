import { describe, expect, it } from 'vitest';
import { evaluateRequest, pickDestination, type MeshRequest } from './evaluate';
import { sampleObjects } from '@/lib/mesh/fixtures.test-helpers';
import type { HTTPRoute, VirtualService } from './types';

/** mulberry32: a tiny seeded PRNG, so the split test is repeatable. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GRAY_COOKIE = '^(.*?;)?(gray=true)(;.*)?$';

function hello(http: HTTPRoute[]): VirtualService {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'hello', namespace: 'demo' }, spec: { hosts: ['hello'], http } };
}

function to(subset: string, weight?: number) {
  return { destination: { host: 'hello', subset }, ...(weight === undefined ? {} : { weight }) };
}

function request(headers: Record<string, string> = {}, path = '/'): MeshRequest {
  return { headers, path };
}

function subsetFor(vs: VirtualService, req: MeshRequest, random = 0.5): string | undefined {
  return evaluateRequest(vs, req, random)?.destination?.subset;
}

describe('evaluateRequest: weights', () => {
  it('splits 10,000 requests 30/60/10 within two points', () => {
    const vs = hello([{ route: [to('v1', 30), to('v2', 60), to('v3', 10)] }]);
    const random = seeded(42);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i += 1) {
      const subset = subsetFor(vs, request(), random())!;
      counts[subset] = (counts[subset] ?? 0) + 1;
    }
    expect(Math.abs(counts.v1! / 10_000 - 0.3)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(counts.v2! / 10_000 - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(counts.v3! / 10_000 - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('sends everything to a lone destination without a weight, and qualifies its host', () => {
    const decision = evaluateRequest(hello([{ route: [to('v1')] }]), request(), 0.999);
    expect(decision?.destination).toEqual({ host: 'hello.demo.svc.cluster.local', subset: 'v1' });
  });

  it('never picks a destination of weight 0, even at the edges of [0, 1)', () => {
    const route: HTTPRoute = { route: [to('v1', 0), to('v2', 100), to('v3', 0)] };
    expect(pickDestination(route, 0)?.destination.subset).toBe('v2');
    expect(pickDestination(route, 0.9999999999)?.destination.subset).toBe('v2');
    expect(pickDestination({ route: [to('v1', 0), to('v2', 0)] }, 0.5)).toBeUndefined();
  });
});

describe('evaluateRequest: matches', () => {
  const gray = hello([
    { match: [{ headers: { cookie: { regex: GRAY_COOKIE } } }, { headers: { 'end-user': { exact: 'asm' } } }], route: [to('v2')] },
    { route: [to('v1', 100)] },
  ]);

  it('routes the gray cookie wherever it sits in the cookie header', () => {
    expect(subsetFor(gray, request({ cookie: 'gray=true' }))).toBe('v2');
    expect(subsetFor(gray, request({ cookie: 'gray=true; session=7' }))).toBe('v2');
    expect(subsetFor(gray, request({ cookie: 'session=7;gray=true' }))).toBe('v2');
    expect(subsetFor(gray, request({ cookie: 'session=7;gray=true;theme=dark' }))).toBe('v2');
  });

  it('does not route look-alike cookies (RE2 matches the whole value)', () => {
    expect(subsetFor(gray, request({ cookie: 'gray=false' }))).toBe('v1');
    expect(subsetFor(gray, request({ cookie: 'xgray=true' }))).toBe('v1');
    expect(subsetFor(gray, request({ cookie: 'gray=truex; a=b' }))).toBe('v1');
    expect(subsetFor(gray, request())).toBe('v1');
  });

  it('routes by header when any match block holds', () => {
    expect(subsetFor(gray, request({ 'end-user': 'asm' }))).toBe('v2');
    expect(subsetFor(gray, request({ 'end-user': 'asm2' }))).toBe('v1');
  });

  it('needs every condition of one block (AND) and treats an empty match as "present"', () => {
    const vs = hello([
      { match: [{ headers: { 'x-canary': {}, 'end-user': { prefix: 'qa-' } } }], route: [to('v3')] },
      { route: [to('v1')] },
    ]);
    expect(subsetFor(vs, request({ 'x-canary': '', 'end-user': 'qa-ann' }))).toBe('v3');
    expect(subsetFor(vs, request({ 'end-user': 'qa-ann' }))).toBe('v1');
    expect(subsetFor(vs, request({ 'x-canary': '1', 'end-user': 'ann' }))).toBe('v1');
  });

  it('matches the path without its query string: exact, prefix and anchored regex', () => {
    const vs = hello([
      { match: [{ uri: { exact: '/login' } }], route: [to('v1')] },
      { match: [{ uri: { prefix: '/api/' } }], route: [to('v2')] },
      { match: [{ uri: { regex: '/items/[0-9]+' } }], route: [to('v3')] },
      { route: [to('v4')] },
    ]);
    expect(subsetFor(vs, request({}, '/login?next=/'))).toBe('v1');
    expect(subsetFor(vs, request({}, '/login/again'))).toBe('v4');
    expect(subsetFor(vs, request({}, '/api/users'))).toBe('v2');
    expect(subsetFor(vs, request({}, '/items/42'))).toBe('v3');
    expect(subsetFor(vs, request({}, '/items/42/reviews'))).toBe('v4');
  });

  it('lets the first matching route win, as in the Bookinfo "jason" sample', () => {
    const [reviews] = sampleObjects('virtual-service-reviews-test-v2.yaml') as VirtualService[];
    expect(subsetFor(reviews!, request({ 'end-user': 'jason' }))).toBe('v2');
    expect(subsetFor(reviews!, request({ 'end-user': 'ann' }))).toBe('v1');
    const shadowed = hello([{ route: [to('v1')] }, { match: [{ headers: { 'end-user': { exact: 'asm' } } }], route: [to('v2')] }]);
    expect(subsetFor(shadowed, request({ 'end-user': 'asm' }))).toBe('v1');
  });

  it('answers nothing when no route matches (Envoy replies 404)', () => {
    const vs = hello([{ match: [{ uri: { prefix: '/api' } }], route: [to('v1')] }]);
    expect(evaluateRequest(vs, request({}, '/'), 0.5)).toBeUndefined();
  });

  it('never matches conditions a synthetic request cannot carry', () => {
    const vs = hello([{ match: [{ sourceLabels: { app: 'frontend' } }], route: [to('v2')] }, { route: [to('v1')] }]);
    expect(subsetFor(vs, request())).toBe('v1');
  });
});
