import { describe, expect, it } from 'vitest';
import { callerPopulation, clientPopulation } from './client-population.ts';
import { helloMesh, seeded } from './fixtures.test-helpers.ts';
import type { VirtualService } from './istio/types.ts';
import type { MeshRequest } from './mesh-request.ts';
import { RoutingTable } from './routing-table.ts';
import { parseSetCookie, SessionUsers } from './sessions.ts';
import { simulateRequest, type RequestOutcome } from './simulate-request.ts';
import { header, helloSnapshot, route, toSubset, weighted } from './xds/snapshot.test-helpers.ts';
import type { Route } from './xds/snapshot.ts';

const HELLO = { namespace: 'demo', name: 'hello' };
const SLEEP = 'demo/sleep-7d9c-s';
/** The console's session affinity as istiod pushes it: the rule before the weighted route, and v2's Set-Cookie on its weighted cluster. */
const CONSOLE_RULE = '^(.*?;)?(hello-release=v2)(;.*)?$';
const SET_COOKIE = 'hello-release=v2; Max-Age=600; Path=/';

function stickyRoutes(rule: string | undefined): Route[] {
  const split = weighted(['v1', 50], ['v2', 50]);
  split.weightedClusters[1]!.responseHeaders = [{ name: 'Set-Cookie', value: SET_COOKIE }];
  const sticky = route(toSubset('v2'), { headers: [header('cookie', { kind: 'safeRegex', value: rule ?? '' })] });
  return rule === undefined ? [route(split)] : [sticky, route(split)];
}

/** Only decides that hello gets traffic: where it goes is the snapshot's business. */
const virtualService: VirtualService = { metadata: { name: 'hello', namespace: 'demo' }, spec: { hosts: ['hello'], http: [{ route: [{ destination: { host: 'hello' } }] }] } };

/** The real router and answers over a snapshot with `routes`; `count` requests from users picked at random among `callers`. */
function run(routes: Route[], callers: MeshRequest[], count: number, sessions = new SessionUsers(() => 0), random = seeded(7)) {
  const table = new RoutingTable(helloMesh({ virtualServices: [virtualService] }), (key) => (key === SLEEP ? helloSnapshot(routes) : undefined));
  const target = table.routed.find((service) => service.name === 'hello')!;
  const outcomes: RequestOutcome[] = [];
  for (let index = 0; index < count; index += 1) {
    const user = Math.floor(random() * callers.length);
    const outcome = sessions.send(user, target, callers[user]!, (request) => simulateRequest(table, target, request, random));
    if (outcome) outcomes.push(outcome);
  }
  return { sessions, outcomes, counts: sessions.counts('demo', 'hello') };
}

const v2Share = (outcomes: RequestOutcome[]) => outcomes.filter((outcome) => outcome.destinationVersion === 'v2').length / outcomes.length;
/** Callers whose only cookies are their jar's (the console's rule wants its cookie first). */
const fresh = (size = 1000) => callerPopulation([{ name: 'fresh', share: 1, headers: {}, noCookie: true }], size);

describe('Set-Cookie as a user agent reads it', () => {
  it('keeps name, value, Path, Secure and the expiry (Max-Age over Expires, by the clock); ignores what a browser ignores', () => {
    expect(parseSetCookie(SET_COOKIE, 1_000)).toEqual({ name: 'hello-release', value: 'v2', path: '/', expiresAt: 601_000, secure: false });
    expect(parseSetCookie('a = b ; expires=Thu, 01 Jan 2026 00:00:00 GMT; max-age=5; secure; path=relative', 0)).toEqual({ name: 'a', value: 'b', expiresAt: 5_000, secure: true });
    expect(parseSetCookie('a=b; Expires=Thu, 01 Jan 2026 00:00:00 GMT', 0)?.expiresAt).toBe(Date.UTC(2026, 0, 1));
    expect(parseSetCookie('a=b; Max-Age=0', 10)?.expiresAt).toBe(-Infinity);
    expect(parseSetCookie('a=b; Max-Age=soon', 10)?.expiresAt).toBeUndefined();
    expect(parseSetCookie('novalue', 0)).toBeUndefined();
    expect(parseSetCookie('=v', 0)).toBeUndefined();
  });
});

describe('session users: cookie jars', () => {
  /** An answer from `version` with these headers, as simulateRequest returns it. */
  const answer = (version: string, headers: [string, string][] = [], extra: Partial<RequestOutcome> = {}): RequestOutcome => ({
    calledService: HELLO,
    caller: 'user',
    destinationService: 'hello.demo.svc.cluster.local',
    destinationServiceName: 'hello',
    destinationServiceNamespace: 'demo',
    destinationWorkload: `hello-${version}`,
    destinationWorkloadNamespace: 'demo',
    destinationVersion: version,
    responseCode: 200,
    latencyMs: 1,
    sourceWorkload: 'sleep',
    ...(headers.length > 0 ? { responseHeaders: headers } : {}),
    ...extra,
  });
  const caller = clientPopulation(1, 1)[0]!;

  it("sends the jar's cookies after the class's own, joined by '; ', to the Service that set them only", () => {
    const sessions = new SessionUsers(() => 0);
    const sent: MeshRequest[] = [];
    const exchange = (reply: RequestOutcome) => (request: MeshRequest) => (sent.push(request), reply);
    sessions.send(0, HELLO, caller, exchange(answer('v2', [['set-cookie', SET_COOKIE], ['set-cookie', 'b=2; Path=/']])));
    sessions.send(0, HELLO, caller, exchange(answer('v2', [['set-cookie', 'hello-release=again; Path=/']])));
    sessions.send(0, HELLO, caller, exchange(answer('v2')));
    sessions.send(0, { namespace: 'demo', name: 'other' }, caller, exchange(answer('v1')));
    sessions.send(1, HELLO, caller, exchange(answer('v1')));
    expect(sent.map((request) => request.headers.cookie)).toEqual([
      'gray=true; session=c0',
      'gray=true; session=c0; hello-release=v2; b=2',
      // Replaced in place: a cookie keeps its creation time.
      'gray=true; session=c0; hello-release=again; b=2',
      'gray=true; session=c0',
      'gray=true; session=c0',
    ]);
    expect(caller.headers.cookie).toBe('gray=true; session=c0');
    expect(sessions.counts('demo', 'hello')).toEqual({ users: 2, withCookie: 1, stayed: 1, left: 0 });
    expect(sessions.counts('demo', 'other')).toEqual({ users: 1, withCookie: 0, stayed: 0, left: 0 });
  });

  it('honours Max-Age by the clock (0 deletes), Path by path-match, and stores no Secure cookie from a plain-text call', () => {
    let now = 0;
    const sessions = new SessionUsers(() => now);
    const cookies: (string | undefined)[] = [];
    const send = (reply: RequestOutcome, path = '/') =>
      sessions.send(0, HELLO, { ...fresh(1)[0]!, path }, (request) => {
        cookies.push(request.headers.cookie);
        return reply;
      });
    send(answer('v2', [['set-cookie', SET_COOKIE], ['set-cookie', 's=1; Secure'], ['set-cookie', 'app=1; Path=/app; Max-Age=600'], ['set-cookie', 'dir=1']]), '/docs/page');
    expect(sessions.counts('demo', 'hello').withCookie).toBe(1);
    send(answer('v2'), '/docs/other');
    send(answer('v2'), '/app/x');
    send(answer('v2'), '/application');
    now = 599_000;
    send(answer('v2', [['set-cookie', 'dir=; Max-Age=0; Path=/docs']]), '/docs/x');
    send(answer('v2'), '/docs/x');
    now = 600_001;
    send(answer('v1'), '/');
    // Longer paths first; `dir` took the request's directory, /docs, as its path.
    expect(cookies).toEqual([undefined, 'dir=1; hello-release=v2', 'app=1; hello-release=v2', 'hello-release=v2', 'dir=1; hello-release=v2', 'hello-release=v2', undefined]);
    // Expired: it holds no cookie, and v1's answer to a request without it is not a leaving.
    expect(sessions.counts('demo', 'hello')).toEqual({ users: 1, withCookie: 0, stayed: 1, left: 0 });
  });

  it("counts a user as left once an answer from another version came to a request carrying its cookie, whatever came after; Envoy's own answers count for nothing", () => {
    const sessions = new SessionUsers(() => 0);
    const send = (user: number, reply: RequestOutcome) => sessions.send(user, HELLO, fresh(2)[user]!, () => reply);
    send(0, answer('v2', [['set-cookie', SET_COOKIE]]));
    send(0, answer('unknown', [], { byProxy: true, responseCode: 503, destinationWorkload: 'unknown' }));
    expect(sessions.counts('demo', 'hello')).toEqual({ users: 1, withCookie: 1, stayed: 0, left: 0 });
    send(0, answer('v2'));
    send(0, answer('v1'));
    send(0, answer('v2'));
    send(1, answer('v1', [['set-cookie', 'primary=v1']]));
    send(1, answer('v1'));
    expect(sessions.counts('demo', 'hello')).toEqual({ users: 2, withCookie: 2, stayed: 1, left: 1 });
    // Nothing sent (no config from istiod yet): not a user.
    sessions.send(5, HELLO, fresh(6)[5]!, () => undefined);
    expect(sessions.counts('demo', 'hello').users).toBe(2);
  });
});

describe("session affinity through the real router, as istiod pushes the console's", () => {
  it('keeps every user who got v2 on v2 (none left), so v2 takes far more than its 50% as users stick', () => {
    const { outcomes, counts } = run(stickyRoutes(CONSOLE_RULE), fresh(), 20_000);
    expect(counts.left).toBe(0);
    expect(counts.users).toBe(1000);
    expect(counts.withCookie).toBeGreaterThan(990);
    expect(counts.stayed).toBeGreaterThan(990);
    const early = v2Share(outcomes.slice(0, 1000));
    const late = v2Share(outcomes.slice(-5000));
    expect(early).toBeLessThan(0.75);
    expect(late).toBeGreaterThan(0.99);
  });

  it('lets them leave without the rule: the cookie alone routes nothing', () => {
    const { outcomes, counts } = run(stickyRoutes(undefined), fresh(), 20_000);
    expect(counts.withCookie).toBeGreaterThan(990);
    expect(counts.left).toBeGreaterThan(0.9 * counts.withCookie);
    expect(Math.abs(v2Share(outcomes.slice(-5000)) - 0.5)).toBeLessThanOrEqual(0.03);
  });

  it("misses the cookie behind an older one ('session=c1; hello-release=v2': the rule wants no space after ';'), which a rule allowing the space finds", () => {
    const ordinary = clientPopulation(0.1);
    const missed = run(stickyRoutes(CONSOLE_RULE), ordinary, 20_000);
    expect(missed.counts.left).toBeGreaterThan(0.9 * missed.counts.withCookie);
    const found = run(stickyRoutes('^(.*?; ?)?(hello-release=v2)(;.*)?$'), ordinary, 20_000);
    expect(found.counts.left).toBe(0);
    expect(v2Share(found.outcomes.slice(-5000))).toBeGreaterThan(0.99);
  });
});
