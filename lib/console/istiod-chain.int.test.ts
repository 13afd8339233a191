import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { startSimulator, type RunningSimulator } from '../../dev/simulator/simulator.ts';
import { splitProbe } from '../../dev/simulator/split-probe.test-helpers.ts';
import { consoleApi } from '../../test/console-api.ts';
import { signIn } from '../../test/console-session.ts';
import { catchAllSubsets, SidecarView } from '../../test/istiod-routes.ts';
import { bookinfoNamespace, sample } from '../../test/sandbox-client.ts';

/*
 * The whole chain of a weight change: Weir writes the VirtualService → istiod computes new routes and pushes
 * them to the sidecars → the simulator, which routes by what istiod pushed, sends the new share → what the
 * chart reads. Nothing in between reads the VirtualService but istiod. The test runs a simulator of its own
 * (the same code as the sandbox's, on the sandbox's istiod) aimed at this one service, so a thousand requests
 * take a second instead of the minutes the sandbox's simulator, shared by every service, would need.
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const alice = consoleApi(await signIn('alice'));

let simulator: RunningSimulator | undefined;
afterAll(async () => simulator?.stop());

const share = (versions: Record<string, number>, total: number, version: string) => (versions[version] ?? 0) / Math.max(1, total);

describe(`a weight change through Weir, routed by istiod (${sandbox.istiodVersion})`, () => {
  it('reaches istiod’s routes for a sidecar and the simulator’s observed share follows', async () => {
    const namespace = 'istiod-chain';
    await bookinfoNamespace(sandbox, namespace);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('virtual-service-all-v1.yaml')]);
    simulator = await startSimulator({ kubeconfig: sandbox.kubeconfig, context: 'admin', istiodXds: sandbox.istiodXds, rate: 2_000, services: [`${namespace}/reviews`] });
    const measure = splitProbe(simulator.url, namespace, 'reviews');
    const before = await measure(500, (recent) => recent.total > 0 && share(recent.versions, recent.total, 'v1') > 0.99);
    expect(share(before.versions, before.total, 'v1')).toBe(1);

    const view = await alice.settledView(namespace, 'reviews', (v) => v.routed);
    const changed = Date.now();
    const result = await alice.post(namespace, 'reviews', { mode: 'apply', intent: { type: 'set-weights', expected: view.splitEtag, weights: { v1: 20, v2: 80, v3: 0 } } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);

    // istiod's side: what it now tells a sidecar of the namespace.
    const sidecar = await SidecarView.open(sandbox, namespace, 'productpage');
    try {
      const fqdn = `reviews.${namespace}.svc.cluster.local`;
      const pushed = await sidecar.until((snapshot) => JSON.stringify(catchAllSubsets(snapshot, fqdn, 9080)) === JSON.stringify({ v1: 20, v2: 80 }));
      expect(catchAllSubsets(pushed, fqdn, 9080)).toEqual({ v1: 20, v2: 80 });
    } finally {
      sidecar.close();
    }

    // The simulator's side: the share it observes follows once istiod's push has reached it.
    const after = await measure(5_000, (recent) => recent.total > 20 && share(recent.versions, recent.total, 'v2') > 0.6);
    const observed = share(after.versions, after.total, 'v2');
    console.log(`v2 observed at ${(observed * 100).toFixed(1)}% of ${after.total} requests, ${((Date.now() - changed) / 1000).toFixed(1)} s after the write`);
    // 5,000 requests at 80%: one standard deviation is 0.6 points.
    expect(observed).toBeGreaterThan(0.77);
    expect(observed).toBeLessThan(0.83);
  });
});
