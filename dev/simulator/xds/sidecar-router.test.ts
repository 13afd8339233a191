import { describe, expect, it } from 'vitest';
import { GRAY_COOKIE, POD_IP, request, seeded, shares } from '../fixtures.test-helpers.ts';
import type { MeshRequest } from '../mesh-request.ts';
import type { RouteOutcome } from '../router.ts';
import { routeThroughSidecar } from './sidecar-router.ts';
import { cluster, endpoint, header, HELLO, helloCall, helloSnapshot, route, subsetCluster, toSubset, weighted } from './snapshot.test-helpers.ts';
import type { Route, Snapshot } from './snapshot.ts';

const VERSION_AT: Record<string, string> = Object.fromEntries(Object.entries(POD_IP).map(([version, ip]) => [ip, version]));

/** Where a request lands: the version at the chosen address, or the status Envoy answers with. */
function verdict(snapshot: Snapshot, req: MeshRequest = request(), random: () => number = () => 0.5, authority?: string): string | number {
  const outcome: RouteOutcome = routeThroughSidecar(snapshot, helloCall(authority), req, random);
  if (outcome.kind === 'answer') return outcome.status;
  if (outcome.kind === 'upstream') return VERSION_AT[outcome.address] ?? outcome.address;
  return `passthrough:${outcome.backend.name}`;
}

const routes = (...list: Route[]) => helloSnapshot(list);

describe('routing through the client sidecar: weights', () => {
  it('splits 10,000 requests 30/60/10 within two points', () => {
    const random = seeded(42);
    const snapshot = routes(route(weighted(['v1', 30], ['v2', 60], ['v3', 10])));
    const observed = shares(10_000, () => String(verdict(snapshot, request(), random)));
    expect(Math.abs(observed.v1! - 0.3)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.v2! - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.v3! - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('never sends to a weighted cluster of weight 0, even at the edges of [0, 1)', () => {
    const snapshot = routes(route(weighted(['v1', 0], ['v2', 100], ['v3', 0])));
    expect(verdict(snapshot, request(), () => 0)).toBe('v2');
    expect(verdict(snapshot, request(), () => 0.9999999999)).toBe('v2');
  });

  it('reports the cluster it picked: Service and subset from the outbound cluster name', () => {
    expect(routeThroughSidecar(routes(route(toSubset('v2'))), helloCall(), request(), () => 0.5)).toEqual({ kind: 'upstream', host: HELLO, address: POD_IP.v2, version: 'v2', workload: undefined });
  });
});

describe('routing through the client sidecar: matches', () => {
  // istiod's translation of "end-user regex ^ja.* → v2, then x-canary exact true → v3, else v1".
  const precedence = routes(
    route(toSubset('v2'), { headers: [header('end-user', { kind: 'safeRegex', value: '^ja.*' })] }),
    route(toSubset('v3'), { headers: [header('x-canary', { kind: 'exact', value: 'true' })] }),
    route(toSubset('v1')),
  );

  it('lets the first matching route win, in the order istiod sent them', () => {
    expect(verdict(precedence, request({ 'end-user': 'jason', 'x-canary': 'true' }))).toBe('v2');
    expect(verdict(precedence, request({ 'end-user': 'ann', 'x-canary': 'true' }))).toBe('v3');
    expect(verdict(precedence, request({ 'end-user': 'xjason' }))).toBe('v1');
    expect(verdict(precedence, request({ 'x-canary': 'True' }))).toBe('v1');
    const shadowed = routes(route(toSubset('v1')), route(toSubset('v2'), { headers: [header('end-user', { kind: 'exact', value: 'asm' })] }));
    expect(verdict(shadowed, request({ 'end-user': 'asm' }))).toBe('v1');
  });

  it('routes the gray cookie wherever it sits in the cookie header, and not look-alikes', () => {
    const gray = routes(route(toSubset('v2'), { headers: [header('cookie', { kind: 'safeRegex', value: GRAY_COOKIE })] }), route(toSubset('v1')));
    for (const cookie of ['gray=true', 'gray=true; session=7', 'session=7;gray=true']) expect(verdict(gray, request({ cookie }))).toBe('v2');
    for (const cookie of ['gray=false', 'xgray=true', 'gray=truex; a=b']) expect(verdict(gray, request({ cookie }))).toBe('v1');
  });

  it("honours an inverted match (Istio's withoutHeaders) only when the header is there", () => {
    const without = routes(route(toSubset('v2'), { headers: [header('end-user', { kind: 'exact', value: 'asm' }, { invert: true })] }), route(toSubset('v1')));
    expect(verdict(without, request({ 'end-user': 'ann' }))).toBe('v2');
    expect(verdict(without, request({ 'end-user': 'asm' }))).toBe('v1');
    expect(verdict(without, request())).toBe('v1');
  });
});

describe('routing through the client sidecar: the virtual host', () => {
  it('finds hello by any authority a client sends, with or without the port', () => {
    const snapshot = routes(route(toSubset('v1')));
    for (const authority of [`${HELLO}:5000`, 'hello.demo:5000', 'hello:5000', 'hello.demo', '10.96.0.10:5000']) expect(verdict(snapshot, request(), undefined, authority)).toBe('v1');
  });

  it('sends an authority no virtual host names to the allow_any passthrough, where kube-proxy picks', () => {
    expect(verdict(routes(route(toSubset('v1'))), request(), undefined, 'elsewhere.example:5000')).toBe('passthrough:hello');
  });

  it('prefers the virtual host naming the domain exactly over a wildcard one listed first', () => {
    const snapshot = routes(route(toSubset('v1')));
    snapshot.routeConfigs['5000']!.virtualHosts.unshift({ name: 'wildcard', domains: ['*.demo.svc.cluster.local'], routes: [route(toSubset('v3'))] });
    expect(verdict(snapshot)).toBe('v1');
    expect(verdict(snapshot, request(), undefined, 'other.demo.svc.cluster.local:5000')).toBe('v3');
  });
});

describe('routing through the client sidecar: answers without an upstream', () => {
  it('answers 404 when no route matches, and with the status of a direct response or redirect', () => {
    expect(verdict(routes(route(toSubset('v1'), { path: { kind: 'prefix', value: '/api' } })))).toBe(404);
    expect(verdict(routes(route({ kind: 'directResponse', status: 418 })))).toBe(418);
    expect(verdict(routes(route({ kind: 'redirect', status: 308 })))).toBe(308);
  });

  it('answers 503 labelled with the subset for a cluster without healthy endpoints or no cluster at all', () => {
    expect(routeThroughSidecar(routes(route(toSubset('v4'))), helloCall(), request(), () => 0.5)).toEqual({ kind: 'answer', status: 503, host: HELLO, version: 'v4' });
    expect(routeThroughSidecar(routes(route(toSubset('v9'))), helloCall(), request(), () => 0.5)).toEqual({ kind: 'answer', status: 503, host: HELLO, version: 'v9' });
    const down = helloSnapshot([route(toSubset('v1'))], { [subsetCluster('v1')]: cluster(subsetCluster('v1'), [endpoint(POD_IP.v1!, 'UNHEALTHY')]) });
    expect(verdict(down)).toBe(503);
  });

  it("injects a route's faults: an abort for its share of requests, a delay for its share", () => {
    const random = seeded(8);
    const faulty = routes({ ...route(toSubset('v1')), fault: { abort: { status: 503, percent: 25 }, delay: { ms: 1500, percent: 10 } } });
    const outcomes = Array.from({ length: 10_000 }, () => routeThroughSidecar(faulty, helloCall(), request(), random));
    const aborted = outcomes.filter((outcome) => outcome.kind === 'answer' && outcome.status === 503).length / outcomes.length;
    const delayed = outcomes.filter((outcome) => outcome.delayMs === 1500).length / outcomes.length;
    expect(Math.abs(aborted - 0.25)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(delayed - 0.1)).toBeLessThanOrEqual(0.02);
    expect(outcomes.filter((outcome) => outcome.kind === 'upstream').length + aborted * outcomes.length).toBe(outcomes.length);
  });

  it('answers 404 for a listener whose route configuration never arrived', () => {
    const snapshot = routes(route(toSubset('v1')));
    delete snapshot.routeConfigs['5000'];
    expect(verdict(snapshot)).toBe(404);
  });
});

describe('routing through the client sidecar: request mirroring', () => {
  const mirrored = (subset: string, percent: number) => ({ cluster: subsetCluster(subset), percent });
  const shadowVersions = (outcome: RouteOutcome) => (outcome.shadows ?? []).map((shadow) => (shadow.kind === 'upstream' ? VERSION_AT[shadow.address] : shadow.kind));

  it("sends a shadow copy of its mirror policy's share of 10,000 requests to the mirror's cluster, while every request still goes to v1", () => {
    const random = seeded(11);
    const snapshot = routes(route({ ...weighted(['v1', 100]), mirrors: [mirrored('v2', 50), mirrored('v3', 10)] }));
    const outcomes = Array.from({ length: 10_000 }, () => routeThroughSidecar(snapshot, helloCall(), request(), random));
    expect(outcomes.every((outcome) => outcome.kind === 'upstream' && outcome.address === POD_IP.v1)).toBe(true);
    const shadows = outcomes.flatMap(shadowVersions);
    expect(Math.abs(shadows.filter((version) => version === 'v2').length / outcomes.length - 0.5)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(shadows.filter((version) => version === 'v3').length / outcomes.length - 0.1)).toBeLessThanOrEqual(0.02);
    expect(shadows.length).toBe(shadows.filter((version) => version === 'v2' || version === 'v3').length);
  });

  it('mirrors every request at 100% and none at 0%, even at the edges of [0, 1)', () => {
    const all = routes(route({ ...toSubset('v1'), mirrors: [mirrored('v2', 100), mirrored('v3', 0)] }));
    for (const draw of [0, 0.5, 0.9999999999]) {
      const outcome = routeThroughSidecar(all, helloCall(), request(), () => draw);
      expect(shadowVersions(outcome)).toEqual(['v2']);
      expect(outcome.shadows?.[0]).toMatchObject({ kind: 'upstream', host: HELLO, version: 'v2' });
    }
  });

  it('drops a copy to a cluster the sidecar does not have or without a healthy host, without touching the request', () => {
    const snapshot = routes(route({ ...toSubset('v1'), mirrors: [mirrored('v9', 100), mirrored('v4', 100)] }));
    expect(routeThroughSidecar(snapshot, helloCall(), request(), () => 0.5)).toEqual({ kind: 'upstream', host: HELLO, address: POD_IP.v1, version: 'v1', workload: undefined });
  });

  it('mirrors nothing when the request itself is not forwarded: no healthy primary host, or an abort fault', () => {
    expect(routeThroughSidecar(routes(route({ ...toSubset('v4'), mirrors: [mirrored('v2', 100)] })), helloCall(), request(), () => 0.5)).toEqual({ kind: 'answer', status: 503, host: HELLO, version: 'v4' });
    const aborted = routes({ ...route({ ...toSubset('v1'), mirrors: [mirrored('v2', 100)] }), fault: { abort: { status: 503, percent: 100 } } });
    expect(routeThroughSidecar(aborted, helloCall(), request(), () => 0.5).shadows).toBeUndefined();
    const delayed = routes({ ...route({ ...toSubset('v1'), mirrors: [mirrored('v2', 100)] }), fault: { delay: { ms: 200, percent: 100 } } });
    expect(routeThroughSidecar(delayed, helloCall(), request(), () => 0.5)).toMatchObject({ kind: 'upstream', delayMs: 200, shadows: [{ kind: 'upstream', version: 'v2' }] });
  });
});

describe('routing through the client sidecar: response headers', () => {
  const STICKY = { name: 'Set-Cookie', value: 'hello-release=v2; Max-Age=600; Path=/' };
  // As istiod writes the console's session affinity (checked against its push): the Set-Cookie on v2's weighted cluster.
  const sticky = (): Route => {
    const split = weighted(['v1', 50], ['v2', 50]);
    split.weightedClusters[1]!.responseHeaders = [STICKY];
    return route(split);
  };

  it("adds the chosen weighted cluster's headers: v2's answers set the cookie, v1's do not", () => {
    const random = seeded(3);
    const outcomes = Array.from({ length: 2_000 }, () => routeThroughSidecar(routes(sticky()), helloCall(), request(), random));
    for (const outcome of outcomes) {
      const version = outcome.kind === 'upstream' ? VERSION_AT[outcome.address] : outcome.kind;
      expect(outcome.responseHeaders, version).toEqual(version === 'v2' ? [['set-cookie', STICKY.value]] : undefined);
    }
    expect(new Set(outcomes.map((outcome) => outcome.kind === 'upstream' && VERSION_AT[outcome.address]))).toEqual(new Set(['v1', 'v2']));
  });

  it("adds a single cluster's route headers (where istiod puts a single destination's), after the weighted cluster's", () => {
    const single = { ...route(toSubset('v2')), responseHeaders: [{ name: 'x-route', value: 'r' }] };
    expect(routeThroughSidecar(routes(single), helloCall(), request(), () => 0.5).responseHeaders).toEqual([['x-route', 'r']]);
    const both = { ...sticky(), responseHeaders: [{ name: 'x-route', value: 'r' }] };
    expect(routeThroughSidecar(routes(both), helloCall(), request(), () => 0.9).responseHeaders).toEqual([['set-cookie', STICKY.value], ['x-route', 'r']]);
  });

  it("adds none to Envoy's own answers, and none to a mirror's copy, while a delayed request keeps them", () => {
    const toEmpty = { ...route(toSubset('v4')), responseHeaders: [{ name: 'x-route', value: 'r' }] };
    expect(routeThroughSidecar(routes(toEmpty), helloCall(), request(), () => 0.5)).toEqual({ kind: 'answer', status: 503, host: HELLO, version: 'v4' });
    const aborted = { ...sticky(), fault: { abort: { status: 503, percent: 100 } } };
    expect(routeThroughSidecar(routes(aborted), helloCall(), request(), () => 0.9).responseHeaders).toBeUndefined();
    const mirrored = sticky();
    if (mirrored.action.kind === 'weightedClusters') mirrored.action.mirrors = [{ cluster: subsetCluster('v3'), percent: 100 }];
    const outcome = routeThroughSidecar(routes({ ...mirrored, fault: { delay: { ms: 100, percent: 100 } } }), helloCall(), request(), () => 0.9);
    expect(outcome).toMatchObject({ kind: 'upstream', address: POD_IP.v2, delayMs: 100, responseHeaders: [['set-cookie', STICKY.value]] });
    expect(outcome.shadows).toEqual([{ kind: 'upstream', host: HELLO, address: POD_IP.v3, version: 'v3', workload: undefined }]);
  });
});
