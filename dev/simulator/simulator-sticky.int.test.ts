import { afterAll, describe, expect, inject, it } from 'vitest';
import type { CallerClass } from './client-population.ts';
import type { SplitReport } from './simulator.ts';
import { serviceObject, share, splitProbe } from './split-probe.test-helpers.ts';
import { testbed } from './testbed.test-helpers.ts';

const sandbox = inject('sandbox');
const bed = testbed(sandbox);
afterAll(() => bed.cleanup());

const COOKIE = 'podinfo-release=v2; Max-Age=600; Path=/';
/** The console's session affinity rule: requests carrying the gray version's cookie, wherever it is in the header. */
const CONSOLE_RULE = '^(.*?;\\s*)?(podinfo-release=v2)(;.*)?$';
/** The regex of Istio's docs (and the console's before), which wants no space after ';'. */
const NO_SPACE_RULE = '^(.*?;)?(podinfo-release=v2)(;.*)?$';
/** Measuring starts once the split reflects the config: istiod's first push can precede v2's endpoints (Envoy's 503s). */
const settled = (delta: SplitReport) => delta.total > 0 && !delta.responseCodes['503'];
/** Callers whose only cookies are their jar's, so the release cookie comes first in their Cookie header. */
const FRESH: CallerClass[] = [{ name: 'fresh', share: 1, headers: {}, noCookie: true }];

/**
 * `ns/podinfo` in front of hello-v1 and hello-v2, with the console's VirtualService: v2's answers on the
 * weighted route set the cookie, and (with `rule`) a route before it sends requests whose cookie header
 * matches the rule to v2.
 */
async function stickyService(namespace: string, rule: string | undefined): Promise<void> {
  const weightedRoute = {
    route: [
      { destination: { host: 'podinfo', subset: 'v1' }, weight: 50 },
      { destination: { host: 'podinfo', subset: 'v2' }, weight: 50, headers: { response: { add: { 'Set-Cookie': COOKIE } } } },
    ],
  };
  const stickyRoute = { match: [{ headers: { cookie: { regex: rule } } }], route: [{ destination: { host: 'podinfo', subset: 'v2' } }] };
  await bed.workloads(namespace, [serviceObject(namespace, 'podinfo', { app: 'hello' })], ['v1', 'v2'], [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'podinfo', namespace },
      spec: { host: 'podinfo', subsets: ['v1', 'v2'].map((version) => ({ name: version, labels: { version } })) },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'podinfo', namespace },
      spec: { hosts: ['podinfo'], http: rule === undefined ? [weightedRoute] : [stickyRoute, weightedRoute] },
    },
  ]);
}

async function split(url: string, namespace: string): Promise<SplitReport> {
  return (await (await fetch(`${url}/split?namespace=${namespace}&service=podinfo`)).json()) as SplitReport;
}

describe(`session affinity by cookie as istiod ${sandbox.istiodVersion} pushes it: v2's answers set the cookie, its rule keeps the user on v2`, () => {
  it('keeps every user who got an answer from v2 on v2 (none left), so v2 takes far more than its 50% as users stick', async () => {
    const NAMESPACE = 'sim-sticky';
    await stickyService(NAMESPACE, CONSOLE_RULE);
    const simulator = await bed.simulatorFor(NAMESPACE, { services: [`${NAMESPACE}/podinfo`], callers: FRESH });
    // Counted since the simulator started: the first requests, when few users hold the cookie yet.
    const early = await split(simulator.url, NAMESPACE);
    const observed = await splitProbe(simulator.url, NAMESPACE, 'podinfo')(20_000, settled);
    console.log(`sticky, first ${early.total} requests: ${JSON.stringify(early.versions)}; then ${JSON.stringify(observed)}`);
    expect(early.total).toBeGreaterThan(0);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(observed.sessions.users).toBe(1000);
    expect(observed.sessions.withCookie).toBeGreaterThan(900);
    expect(observed.sessions.left).toBe(0);
    expect(observed.sessions.stayed).toBeGreaterThan(0.9 * observed.sessions.withCookie);
    expect(share(observed, 'v2')).toBeGreaterThan(0.95);
    expect(share(observed, 'v2') - share(early, 'v2')).toBeGreaterThanOrEqual(0.1);
  });

  it('lets users with the cookie leave when the header is there without the rule: the cookie alone routes nothing', async () => {
    const NAMESPACE = 'sim-sticky-control';
    await stickyService(NAMESPACE, undefined);
    const simulator = await bed.simulatorFor(NAMESPACE, { services: [`${NAMESPACE}/podinfo`], callers: FRESH });
    const observed = await splitProbe(simulator.url, NAMESPACE, 'podinfo')(20_000, settled);
    console.log(`cookie without its rule: ${JSON.stringify(observed)}`);
    expect(observed.sessions.withCookie).toBeGreaterThan(900);
    expect(observed.sessions.left).toBeGreaterThan(0.9 * observed.sessions.withCookie);
    expect(Math.abs(share(observed, 'v2') - 0.5)).toBeLessThanOrEqual(0.03);
  });

  it("keeps users on v2 whose cookie comes behind an older one ('session=c1; podinfo-release=v2', as browsers send it)", async () => {
    const NAMESPACE = 'sim-sticky-older';
    await stickyService(NAMESPACE, CONSOLE_RULE);
    const simulator = await bed.simulatorFor(NAMESPACE, { services: [`${NAMESPACE}/podinfo`] });
    const observed = await splitProbe(simulator.url, NAMESPACE, 'podinfo')(20_000, settled);
    console.log(`console rule, callers with an older cookie: ${JSON.stringify(observed)}`);
    expect(observed.sessions.withCookie).toBeGreaterThan(900);
    expect(observed.sessions.left).toBe(0);
    expect(share(observed, 'v2')).toBeGreaterThan(0.9);
  });

  it("misses the cookie behind an older one with the regex of Istio's docs, which wants no space after ';'", async () => {
    const NAMESPACE = 'sim-sticky-nospace';
    await stickyService(NAMESPACE, NO_SPACE_RULE);
    const simulator = await bed.simulatorFor(NAMESPACE, { services: [`${NAMESPACE}/podinfo`] });
    const observed = await splitProbe(simulator.url, NAMESPACE, 'podinfo')(20_000, settled);
    console.log(`no-space rule, callers with an older cookie: ${JSON.stringify(observed)}`);
    expect(observed.sessions.withCookie).toBeGreaterThan(900);
    expect(observed.sessions.left).toBeGreaterThan(0.9 * observed.sessions.withCookie);
    expect(Math.abs(share(observed, 'v2') - 0.5)).toBeLessThanOrEqual(0.03);
  });
});
