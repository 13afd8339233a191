import type { V1Deployment } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startPrometheus, stopPrometheus } from '../../dev/sandbox/traffic.ts';
import { adminApi } from '../../test/sandbox-client.ts';
import { signIn } from '../../test/console-session.ts';
import { PODINFO_RELEASE, podinfoNamespace, startControllerProcess, stopProcess } from '../../test/podinfo.ts';
import type { VirtualService } from '@/lib/providers/istio/types';
import type { ProgressiveSettings, ReleaseObject } from '@/lib/release/model';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
// The controller runs in its own process; this one only serves the routes the test calls.
process.env.WEIR_CONTROLLER = 'false';

const releaseRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route');
const alice = await signIn('alice');

const SETTINGS = PODINFO_RELEASE;

async function start(namespace: string, settings: Partial<ProgressiveSettings> = {}) {
  const response = await releaseRoute.POST(
    new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ action: 'start', settings: { ...SETTINGS, ...settings } }) }),
    { params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }) },
  );
  expect(response.status, await response.clone().text()).toBe(200);
}

async function act(namespace: string, action: string) {
  const response = await releaseRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ action }) }), {
    params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function release(namespace: string): Promise<ReleaseObject> {
  return adminApi(sandbox).read({ apiVersion: 'weir.dev/v1alpha1', kind: 'Release', metadata: { name: 'podinfo', namespace } } as never);
}

async function weights(namespace: string): Promise<Record<string, number>> {
  const vs = await adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'podinfo', namespace } });
  return Object.fromEntries((vs.spec?.http?.at(-1)?.route ?? []).map((route) => [route.destination?.subset ?? '', route.weight ?? 0]));
}

async function waitFor(namespace: string, what: string, done: (release: ReleaseObject) => boolean, timeoutMs: number): Promise<ReleaseObject> {
  const deadline = Date.now() + timeoutMs;
  let current = await release(namespace);
  while (!done(current)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; status: ${JSON.stringify({ ...current.status, history: current.status?.history?.length })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = await release(namespace);
  }
  return current;
}

const steps = (current: ReleaseObject) => (current.status?.history ?? []).filter((entry) => entry.action === 'progressive-step').map((entry) => entry.reason?.match(/^step (\d+)/)?.[1]);

const children: ReturnType<typeof startControllerProcess>[] = [];
afterAll(async () => {
  await Promise.all(children.map((child) => stopProcess(child, 'SIGKILL')));
  await startPrometheus(sandbox);
});

describe('the progressive-delivery controller against the real API server and Prometheus', () => {
  it('continues from the recorded step after the process is killed: each step once, in order, then promotion', { timeout: 240_000 }, async () => {
    const namespace = 'prog-restart';
    await podinfoNamespace(sandbox, namespace);
    await start(namespace);

    const first = startControllerProcess(sandbox);
    children.push(first);
    await waitFor(namespace, 'step 2', (current) => (current.status?.currentStep ?? 0) >= 2, 60_000);
    await stopProcess(first, 'SIGKILL');
    const atKill = await release(namespace);

    // Nobody leads for a few seconds (the dead holder's Lease must expire); nothing moves meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await release(namespace)).metadata?.resourceVersion).toBe(atKill.metadata?.resourceVersion);

    const second = startControllerProcess(sandbox);
    children.push(second);
    const done = await waitFor(namespace, 'promotion', (current) => current.status?.phase === 'Succeeded', 180_000);
    await stopProcess(second);

    expect(steps(done)).toEqual(['1', '2', '3', '4', '5']);
    expect(done.status?.history?.filter((entry) => entry.action === 'progressive-promote')).toHaveLength(1);
    expect(done.status?.history?.map((entry) => entry.action).slice(-7)).toEqual([
      'start-progressive',
      'progressive-step',
      'progressive-step',
      'progressive-step',
      'progressive-step',
      'progressive-step',
      'progressive-promote',
    ]);
    expect(await weights(namespace)).toEqual({ v2: 100 });
    expect(second.output.join('')).toContain('leading in cluster sandbox');
  });

  it('finishes a step a crashed controller wrote down but did not record, and records it once', { timeout: 120_000 }, async () => {
    const namespace = 'prog-pending';
    await podinfoNamespace(sandbox, namespace);
    await start(namespace, { interval: '1h' });
    const child = startControllerProcess(sandbox);
    children.push(child);
    await waitFor(namespace, 'step 1', (current) => current.status?.currentStep === 1, 60_000);
    await stopProcess(child, 'SIGKILL');

    // What a controller killed between its two writes leaves: step 2 decided, written down, not yet recorded.
    const current = await release(namespace);
    const api = (await import('@kubernetes/client-node')).CustomObjectsApi;
    const { adminConfig } = await import('../../test/sandbox-client.ts');
    await adminConfig(sandbox)
      .makeApiClient(api)
      .replaceNamespacedCustomObjectStatus({
        group: 'weir.dev',
        version: 'v1alpha1',
        plural: 'releases',
        namespace,
        name: 'podinfo',
        body: { ...current, status: { ...current.status, pending: { kind: 'step', step: 2, weight: 20, from: { weights: { v1: 90, v2: 10 }, rules: [] }, reason: 'checked before the crash', user: 'weir-controller' } } },
      });

    const next = startControllerProcess(sandbox);
    children.push(next);
    const done = await waitFor(namespace, 'step 2 recorded', (item) => item.status?.currentStep === 2 && !item.status.pending, 30_000);
    // Another second of ticks: the interval is an hour, so nothing else may happen.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stopProcess(next);
    const after = await release(namespace);
    expect(after.metadata?.resourceVersion).toBe(done.metadata?.resourceVersion);
    expect(steps(after)).toEqual(['1', '2']);
    expect(await weights(namespace)).toEqual({ v1: 80, v2: 20 });
  });

  it('pauses (nothing moves), resumes, and aborts back to stable on the operator’s word', { timeout: 120_000 }, async () => {
    const namespace = 'prog-controls';
    await podinfoNamespace(sandbox, namespace);
    await start(namespace, { interval: '1s', stepWeight: 5 });
    const child = startControllerProcess(sandbox);
    children.push(child);
    await waitFor(namespace, 'step 1', (current) => (current.status?.currentStep ?? 0) >= 1, 60_000);

    expect((await act(namespace, 'pause')).body).toMatchObject({ phase: 'Paused' });
    const paused = await release(namespace);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await release(namespace)).status?.currentStep).toBe(paused.status?.currentStep);

    expect((await act(namespace, 'resume')).body.phase).toBe('Progressing');
    await waitFor(namespace, 'a step after resuming', (current) => (current.status?.currentStep ?? 0) > (paused.status?.currentStep ?? 0), 60_000);

    expect((await act(namespace, 'abort')).status).toBe(200);
    const done = await waitFor(namespace, 'rollback', (current) => current.status?.phase === 'RolledBack', 30_000);
    await stopProcess(child);
    expect(done.status?.history?.at(-1)).toMatchObject({ action: 'progressive-rollback', user: 'alice', reason: 'aborted by alice' });
    expect(done.status?.history?.map((entry) => entry.action)).toEqual(expect.arrayContaining(['pause', 'resume', 'abort']));
    expect(await weights(namespace)).toEqual({ v1: 100 });
    // A finished release takes no more commands.
    expect((await act(namespace, 'pause')).status).toBe(409);
  });

  it('with Prometheus stopped: never promotes, counts failed checks, rolls back at the threshold', { timeout: 120_000 }, async () => {
    const namespace = 'prog-noprom';
    await podinfoNamespace(sandbox, namespace);
    await stopPrometheus(sandbox);
    await start(namespace, { interval: '1s', threshold: 3, approval: 'none' });
    const child = startControllerProcess(sandbox);
    children.push(child);

    const seen = new Set<number>();
    const done = await waitFor(
      namespace,
      'rollback',
      (current) => {
        seen.add(current.status?.failedChecks ?? 0);
        return current.status?.phase === 'RolledBack';
      },
      60_000,
    );
    await stopProcess(child);

    expect([...seen]).toEqual(expect.arrayContaining([1, 2]));
    expect(done.status?.failedChecks).toBe(2);
    expect(done.status?.currentStep).toBe(1);
    const rollback = done.status?.history?.at(-1);
    expect(rollback).toMatchObject({ action: 'progressive-rollback', user: 'weir-controller' });
    expect(rollback?.reason).toMatch(/^3 failed checks \(threshold 3\); last: metrics unavailable: Prometheus cannot be reached$/);
    expect(done.status?.history?.some((entry) => entry.action === 'progressive-promote')).toBe(false);
    expect(await weights(namespace)).toEqual({ v1: 100 });
    const gray = await adminApi(sandbox).read<V1Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'podinfo-v2', namespace } });
    expect(gray.spec?.replicas).toBe(0);
  });
});
