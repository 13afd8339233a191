import { describe, expect, it } from 'vitest';
import { request } from '../fixtures.test-helpers.ts';
import { httpRequest } from './http-request.ts';
import { routeMatches } from './route-match.ts';
import { everything, header } from './snapshot.test-helpers.ts';
import type { RouteMatch } from './snapshot.ts';

const AUTHORITY = 'hello.demo.svc.cluster.local:5000';

function holds(match: Partial<RouteMatch>, headers: Record<string, string> = {}, path = '/', method = 'GET'): boolean {
  return routeMatches({ ...everything, ...match }, httpRequest(request(headers, path, method), AUTHORITY));
}

describe('Envoy route matching: paths', () => {
  it('matches prefix, exact path and path-separated prefix without the query string, honouring case_sensitive', () => {
    expect(holds({ path: { kind: 'path', value: '/login' } }, {}, '/login?next=/')).toBe(true);
    expect(holds({ path: { kind: 'path', value: '/login' } }, {}, '/login/again')).toBe(false);
    expect(holds({ path: { kind: 'prefix', value: '/api' } }, {}, '/apis')).toBe(true);
    expect(holds({ path: { kind: 'pathSeparatedPrefix', value: '/api' } }, {}, '/apis')).toBe(false);
    expect(holds({ path: { kind: 'pathSeparatedPrefix', value: '/api' } }, {}, '/api/users')).toBe(true);
    expect(holds({ path: { kind: 'pathSeparatedPrefix', value: '/api' } }, {}, '/api')).toBe(true);
    expect(holds({ path: { kind: 'prefix', value: '/API' } }, {}, '/api/x')).toBe(false);
    expect(holds({ path: { kind: 'prefix', value: '/API' }, caseSensitive: false }, {}, '/api/x')).toBe(true);
  });

  it('matches a path regex against the whole path, and case_sensitive does not apply to it', () => {
    expect(holds({ path: { kind: 'safeRegex', value: '/items/[0-9]+' } }, {}, '/items/42?x=1')).toBe(true);
    expect(holds({ path: { kind: 'safeRegex', value: '/items/[0-9]+' } }, {}, '/items/42/reviews')).toBe(false);
    expect(holds({ path: { kind: 'safeRegex', value: '/items' }, caseSensitive: false }, {}, '/ITEMS')).toBe(false);
  });

  it('holds a CONNECT matcher only for CONNECT', () => {
    expect(holds({ path: { kind: 'connect' } })).toBe(false);
    expect(holds({ path: { kind: 'connect' } }, {}, '/', 'CONNECT')).toBe(true);
  });
});

describe('Envoy route matching: headers', () => {
  it('matches a regex against the whole value (RE2 full match), with (?i) for case', () => {
    const ja = header('end-user', { kind: 'safeRegex', value: '^ja.*' });
    expect(holds({ headers: [ja] }, { 'end-user': 'jason' })).toBe(true);
    expect(holds({ headers: [ja] }, { 'end-user': 'ja' })).toBe(true);
    expect(holds({ headers: [ja] }, { 'end-user': 'xjason' })).toBe(false);
    expect(holds({ headers: [ja] }, { 'end-user': 'Jason' })).toBe(false);
    expect(holds({ headers: [header('end-user', { kind: 'safeRegex', value: 'qa' })] }, { 'end-user': 'qa-ann' })).toBe(false);
    expect(holds({ headers: [header('end-user', { kind: 'safeRegex', value: '(?i)jason' })] }, { 'end-user': 'JaSoN' })).toBe(true);
  });

  it('matches exact, prefix, suffix and contains, with ignore_case when asked', () => {
    expect(holds({ headers: [header('x-canary', { kind: 'exact', value: 'true' })] }, { 'x-canary': 'True' })).toBe(false);
    expect(holds({ headers: [header('x-canary', { kind: 'exact', value: 'true', ignoreCase: true })] }, { 'x-canary': 'True' })).toBe(true);
    expect(holds({ headers: [header('end-user', { kind: 'prefix', value: 'qa-' })] }, { 'end-user': 'qa-ann' })).toBe(true);
    expect(holds({ headers: [header('end-user', { kind: 'suffix', value: '@corp' })] }, { 'end-user': 'ann@corp' })).toBe(true);
    expect(holds({ headers: [header('cookie', { kind: 'contains', value: 'gray=true' })] }, { cookie: 'a=b; gray=true' })).toBe(true);
  });

  it('needs every header matcher to hold, and looks up names without regard to case', () => {
    const both = [header('X-Canary', { kind: 'exact', value: '1' }), header('end-user', { kind: 'prefix', value: 'qa-' })];
    expect(holds({ headers: both }, { 'x-canary': '1', 'end-user': 'qa-ann' })).toBe(true);
    expect(holds({ headers: both }, { 'end-user': 'qa-ann' })).toBe(false);
  });

  it('fails every matcher on an absent header except present: false, also when inverted', () => {
    const exact = header('end-user', { kind: 'exact', value: 'asm' });
    expect(holds({ headers: [exact] })).toBe(false);
    // An inverted string match still needs the header: Istio's withoutHeaders does not catch its absence.
    expect(holds({ headers: [{ ...exact, invert: true }] })).toBe(false);
    expect(holds({ headers: [{ ...exact, invert: true }] }, { 'end-user': 'ann' })).toBe(true);
    expect(holds({ headers: [{ ...exact, invert: true }] }, { 'end-user': 'asm' })).toBe(false);
    expect(holds({ headers: [header('x-canary', { present: false })] })).toBe(true);
    expect(holds({ headers: [header('x-canary', { present: false })] }, { 'x-canary': '' })).toBe(false);
    expect(holds({ headers: [header('x-canary', { present: true })] }, { 'x-canary': '' })).toBe(true);
    expect(holds({ headers: [header('x-canary', { present: true }, { invert: true })] })).toBe(true);
    expect(holds({ headers: [header('x-canary', { present: true }, { invert: true })] }, { 'x-canary': '1' })).toBe(false);
  });

  it('treats a missing header as empty when told to', () => {
    const empty = header('x-canary', { kind: 'exact', value: '' }, { treatMissingAsEmpty: true });
    expect(holds({ headers: [empty] })).toBe(true);
    expect(holds({ headers: [{ ...empty, invert: true }] })).toBe(false);
  });

  it('sees the pseudo-headers the sidecar adds: :authority, :method, :path', () => {
    expect(holds({ headers: [header(':authority', { kind: 'prefix', value: 'hello.demo' })] })).toBe(true);
    expect(holds({ headers: [header(':method', { kind: 'exact', value: 'POST' })] }, {}, '/', 'POST')).toBe(true);
    expect(holds({ headers: [header(':method', { kind: 'exact', value: 'POST' })] })).toBe(false);
    expect(holds({ headers: [header(':path', { kind: 'exact', value: '/a?b=1' })] }, {}, '/a?b=1')).toBe(true);
  });

  it('matches integer ranges as [start, end)', () => {
    const range = { name: 'x-tier', range: { start: 1, end: 3 } };
    expect(holds({ headers: [range] }, { 'x-tier': '2' })).toBe(true);
    expect(holds({ headers: [range] }, { 'x-tier': '3' })).toBe(false);
    expect(holds({ headers: [range] }, { 'x-tier': 'two' })).toBe(false);
  });
});

describe('Envoy route matching: query parameters, cookies, what it cannot evaluate', () => {
  it('needs the query parameter present, and its value to match', () => {
    const beta = { name: 'beta', string: { kind: 'exact' as const, value: '1' } };
    expect(holds({ queryParameters: [beta] }, {}, '/?beta=1')).toBe(true);
    expect(holds({ queryParameters: [beta] }, {}, '/?beta=10')).toBe(false);
    expect(holds({ queryParameters: [beta] })).toBe(false);
    expect(holds({ queryParameters: [{ name: 'beta', present: true }] }, {}, '/?beta=')).toBe(true);
  });

  it('matches a cookie by name, and an inverted cookie match holds when the cookie is absent', () => {
    const grayCookie = { name: 'gray', string: { kind: 'exact' as const, value: 'true' } };
    expect(holds({ cookies: [grayCookie] }, { cookie: 'session=1; gray=true' })).toBe(true);
    expect(holds({ cookies: [grayCookie] }, { cookie: 'xgray=true' })).toBe(false);
    expect(holds({ cookies: [{ ...grayCookie, invert: true }] })).toBe(true);
  });

  it('never holds a match with a condition it cannot evaluate', () => {
    expect(holds({ unsupported: ['runtime_fraction'] })).toBe(false);
    expect(holds({ headers: [{ name: 'x', unsupported: 'header match custom' }] }, { x: '1' })).toBe(false);
  });
});
