import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { signIn } from '../../test/console-session.ts';
import { PODINFO_RELEASE, podinfoNamespace, startControllerProcess, stopProcess } from '../../test/podinfo.ts';
import type { ReleaseDetail } from '@/lib/console/services';

/*
 * A release that nobody drives: the service page says whether a progressive-delivery controller holds the cluster's
 * Lease, read from the real API server. Its own lease namespace, so no other suite's controller can answer for it.
 */

const sandbox = inject('sandbox');
const LEASE_NAMESPACE = 'weir-liveness';
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_CONTROLLER = 'false';
process.env.WEIR_NAMESPACE = LEASE_NAMESPACE;

const releaseRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route');
const serviceRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const alice = await signIn('alice');
const params = (namespace: string) => ({ params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }) });

async function controllerOnPage(namespace: string): Promise<ReleaseDetail['release']> {
  const response = await serviceRoute.GET(new Request('http://weir.test/', { headers: alice.read }), params(namespace));
  expect(response.status).toBe(200);
  return ((await response.json()) as ReleaseDetail).release;
}

/** The page's answer once `state` shows (the console reads the Lease at most every 3 s). */
async function waitForState(namespace: string, state: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let release = await controllerOnPage(namespace);
  while (release?.controller?.state !== state && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    release = await controllerOnPage(namespace);
  }
  expect(release?.controller?.state, JSON.stringify(release?.controller)).toBe(state);
  return release!;
}

const children: ReturnType<typeof startControllerProcess>[] = [];
afterAll(async () => {
  await Promise.all(children.map((child) => stopProcess(child, 'SIGKILL')));
});

describe('whether a controller drives a release, from its Lease on the real API server', () => {
  it('says no controller runs while none holds the Lease, then running once one leads, then stopped after it is killed', { timeout: 120_000 }, async () => {
    const namespace = 'liveness';
    await podinfoNamespace(sandbox, namespace);
    await kubectl(sandbox, ['create', 'namespace', LEASE_NAMESPACE]);
    const started = await releaseRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ action: 'start', settings: PODINFO_RELEASE }) }), params(namespace));
    expect(started.status, await started.clone().text()).toBe(200);

    // Nobody holds weir-liveness/weir-release-controller: the release is Progressing on paper only.
    const idle = await waitForState(namespace, 'stopped');
    expect(idle.status.phase).toBe('Progressing');
    expect(idle.status.currentStep ?? 0).toBe(0);

    const controller = startControllerProcess(sandbox, { WEIR_NAMESPACE: LEASE_NAMESPACE });
    children.push(controller);
    const driven = await waitForState(namespace, 'running');
    expect(driven.controller).toMatchObject({ state: 'running', renewedAt: expect.any(String) });

    // SIGKILL: no clean hand-over, so the Lease (3 s here) runs out unrenewed.
    await stopProcess(controller, 'SIGKILL');
    const orphaned = await waitForState(namespace, 'stopped');
    expect(orphaned.controller).toMatchObject({ state: 'stopped', renewedAt: expect.any(String) });
  });
});
