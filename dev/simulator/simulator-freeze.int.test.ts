import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { privateIstiod, type PrivateIstiod } from './private-istiod.test-helpers.ts';
import type { RunningSimulator } from './simulator.ts';
import { serviceObject, share, splitProbe } from './split-probe.test-helpers.ts';
import { testbed } from './testbed.test-helpers.ts';

const sandbox = inject('sandbox');
const bed = testbed(sandbox);
const NAMESPACE = 'sim-freeze';
let istiod: PrivateIstiod & { remove: () => Promise<void> };
let simulator: RunningSimulator;

const to = (subset: string, weight: number) => ({ destination: { host: 'hello', subset }, weight });
const weights = (v1: number, v2: number) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'hello', namespace: NAMESPACE },
  spec: { hosts: ['hello'], http: [{ route: [to('v1', v1), to('v2', v2)] }] },
});

beforeAll(async () => {
  const subsets = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'hello', namespace: NAMESPACE }, spec: { host: 'hello', subsets: ['v1', 'v2'].map((version) => ({ name: version, labels: { version } })) } };
  await bed.workloads(NAMESPACE, [serviceObject(NAMESPACE, 'hello', { app: 'hello' })], ['v1', 'v2'], [subsets, weights(100, 0)]);
  // An istiod of this test's own, so stopping it disturbs nobody else using the sandbox.
  istiod = await privateIstiod(sandbox);
  simulator = await bed.simulatorFor(NAMESPACE, { istiodXds: istiod.xds });
}, 180_000);

afterAll(async () => {
  await bed.cleanup();
  await istiod?.remove();
});

describe('routing follows istiod, not the objects', () => {
  it('freezes at the last pushed config while istiod is down, and follows the change once it is back', async () => {
    const measure = splitProbe(simulator.url, NAMESPACE, 'hello');
    expect((await measure(5_000)).versions).toEqual({ v1: expect.any(Number) });

    await istiod.stop();
    await bed.apply('weights-20-80', [weights(20, 80)]);
    // Longer than a push takes with istiod up (under a second, see simulator-xds.int.test.ts): the change is in
    // the API server, and the simulator watches it, but only istiod could have told the sidecar.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const frozen = await measure(10_000);
    expect(frozen.versions).toEqual({ v1: frozen.total });
    expect(frozen.responseCodes).toEqual({ '200': frozen.total });

    await istiod.start();
    const observed = await measure(10_000, (recent) => share(recent, 'v2') > 0.7, 60_000);
    expect(Math.abs(share(observed, 'v1') - 0.2)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share(observed, 'v2') - 0.8)).toBeLessThanOrEqual(0.02);
  });
});
