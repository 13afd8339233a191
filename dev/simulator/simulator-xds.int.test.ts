import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CallerClass } from './client-population.ts';
import type { RunningSimulator } from './simulator.ts';
import { serviceObject, share, splitProbe, timeUntil } from './split-probe.test-helpers.ts';
import { testbed } from './testbed.test-helpers.ts';

const sandbox = inject('sandbox');
const bed = testbed(sandbox);
afterAll(() => bed.cleanup());

const to = (subset: string, weight?: number) => ({ destination: { host: 'hello', subset }, ...(weight === undefined ? {} : { weight }) });
const virtualService = (namespace: string, http: object[]) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'hello', namespace }, spec: { hosts: ['hello'], http } });
const subsets = (namespace: string, versions: string[]) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: { name: 'hello', namespace },
  spec: { host: 'hello', subsets: versions.map((version) => ({ name: version, labels: { version } })) },
});

describe(`a VirtualService weight change reaches the simulator through istiod ${sandbox.istiodVersion}`, () => {
  const NAMESPACE = 'sim-push';
  let simulator: RunningSimulator;

  beforeAll(async () => {
    await bed.workloads(NAMESPACE, [serviceObject(NAMESPACE, 'hello', { app: 'hello' })], ['v1', 'v2'], [subsets(NAMESPACE, ['v1', 'v2']), virtualService(NAMESPACE, [{ route: [to('v1', 100), to('v2', 0)] }])]);
    simulator = await bed.simulatorFor(NAMESPACE);
  });

  it('goes from 100/0 to 20/80 within a few seconds of kubectl apply, and then splits 10,000 requests within two points', async () => {
    const measure = splitProbe(simulator.url, NAMESPACE, 'hello');
    expect((await measure(5_000)).versions).toEqual({ v1: expect.any(Number) });

    const pushedBefore = Math.max(...((await (await fetch(`${simulator.url}/xds`)).json()) as { snapshotAt?: number }[]).map((status) => status.snapshotAt ?? 0));
    const applying = Date.now();
    await bed.apply('weights-20-80', [virtualService(NAMESPACE, [{ route: [to('v1', 20), to('v2', 80)] }])]);
    const applied = Date.now();
    const followedMs = await timeUntil(simulator.url, NAMESPACE, 'hello', (recent) => share(recent, 'v2') > 0.7);
    const pushedAt = Math.max(...((await (await fetch(`${simulator.url}/xds`)).json()) as { snapshotAt?: number }[]).map((status) => status.snapshotAt ?? 0));
    console.log(`kubectl apply took ${applied - applying} ms; istiod's push reached the agent ${pushedAt - applied} ms after it; the split followed ${Math.round(followedMs)} ms after it`);
    expect(pushedAt).toBeGreaterThan(pushedBefore);
    expect(followedMs).toBeLessThan(5_000);

    const observed = await measure(10_000);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(Math.abs(share(observed, 'v1') - 0.2)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v2') - 0.8)).toBeLessThanOrEqual(0.02);
  });
});

describe('header rules that a reader of the VirtualService could get wrong, judged by the RDS istiod pushes', () => {
  const NAMESPACE = 'sim-precedence';
  // Each class is a tenth of the callers; the rest are ordinary users.
  const CALLERS: CallerClass[] = [
    { name: 'jason', share: 0.1, headers: { 'end-user': 'jason' } },
    { name: 'jane-canary', share: 0.1, headers: { 'end-user': 'jane', 'x-canary': 'true' } },
    { name: 'canary', share: 0.1, headers: { 'x-canary': 'true' } },
    { name: 'canary-capitalised', share: 0.1, headers: { 'x-canary': 'True' } },
    { name: 'xjason', share: 0.1, headers: { 'end-user': 'xjason' } },
    { name: 'Jason', share: 0.1, headers: { 'end-user': 'Jason' } },
    { name: 'gray', share: 0.1, headers: { cookie: 'gray=true', 'end-user': 'asm' } },
  ];
  let simulator: RunningSimulator;

  beforeAll(async () => {
    const rules = [
      { match: [{ headers: { 'end-user': { regex: '^ja.*' } } }], route: [to('v2')] },
      { match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [to('v3')] },
      { route: [to('v1', 80), to('v2', 20)] },
    ];
    await bed.workloads(NAMESPACE, [serviceObject(NAMESPACE, 'hello', { app: 'hello' })], ['v1', 'v2', 'v3'], [subsets(NAMESPACE, ['v1', 'v2', 'v3']), virtualService(NAMESPACE, rules)]);
    simulator = await bed.simulatorFor(NAMESPACE, { callers: CALLERS });
  });

  it('sends each caller class where the first matching route says: an anchored, case-sensitive regex, then an exact header, then 80/20', async () => {
    const observed = await splitProbe(simulator.url, NAMESPACE, 'hello')(20_000, (recent) => Boolean(recent.callers.canary?.v3));
    const shareOf = (caller: string, version: string) => {
      const versions = observed.callers[caller] ?? {};
      return (versions[version] ?? 0) / Object.values(versions).reduce((sum, n) => sum + n, 0);
    };
    // The regex route comes first, so it wins over the x-canary route for jane too.
    expect(observed.callers.jason).toEqual({ v2: expect.any(Number) });
    expect(observed.callers['jane-canary']).toEqual({ v2: expect.any(Number) });
    expect(observed.callers.canary).toEqual({ v3: expect.any(Number) });
    // Not `^ja.*` (RE2 matches the whole value, case-sensitively) nor exactly `true`: the catch-all 80/20.
    for (const caller of ['canary-capitalised', 'xjason', 'Jason', 'gray', 'user']) {
      expect(Object.keys(observed.callers[caller] ?? {}).sort(), caller).toEqual(['v1', 'v2']);
      expect(Math.abs(shareOf(caller, 'v1') - 0.8), caller).toBeLessThanOrEqual(0.05);
    }
    expect(observed.responseCodes).toEqual({ '200': observed.total });
  });
});
