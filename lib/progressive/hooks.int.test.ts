import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi } from '../../test/sandbox-client.ts';
import { signIn } from '../../test/console-session.ts';
import { consoleApi } from '../../test/console-api.ts';
import { PODINFO_RELEASE, podinfoNamespace, startControllerProcess, stopProcess } from '../../test/podinfo.ts';
import type { VirtualService } from '@/lib/providers/istio/types';
import type { ProgressiveSettings, ReleaseObject } from '@/lib/release/model';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
// The controller runs in its own process (as in controller.int.test.ts); this one serves the routes the test calls.
process.env.WEIR_CONTROLLER = 'false';

const releaseRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route');
const approvalsRoute = await import('@/app/api/approvals/route');
const alice = await signIn('alice');

const SETTINGS: ProgressiveSettings = { ...PODINFO_RELEASE, stepWeight: 25, interval: '1s' };

async function start(namespace: string, settings: Partial<ProgressiveSettings>, user = alice) {
  const response = await releaseRoute.POST(
    new Request('http://weir.test/', { method: 'POST', headers: user.write, body: JSON.stringify({ action: 'start', settings: { ...SETTINGS, ...settings } }) }),
    { params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }) },
  );
  return { status: response.status, body: (await response.json()) as any };
}

async function act(namespace: string, action: string) {
  const response = await releaseRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ action }) }), {
    params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
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
    if (Date.now() > deadline) {
      const output = children.at(-1)?.output.join('').slice(-2000) ?? '';
      throw new Error(`timed out waiting for ${what}; status: ${JSON.stringify({ ...current.status, history: current.status?.history?.slice(-3) })}; controller: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = await release(namespace);
  }
  return current;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: any;
}

/** A hook or notification receiver on loopback: records every request and answers what `answer` says. */
async function receiver(answer: (request: Received, count: number) => number = () => 200): Promise<{ url: string; received: Received[]; setAnswer: (next: typeof answer) => void; server: Server }> {
  const received: Received[] = [];
  let current = answer;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const item = { headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') };
      received.push(item);
      response.writeHead(current(item, received.length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, setAnswer: (next) => (current = next), server };
}

/** Until the simulator has sent the Service its first requests (its routing comes from istiod, moments after the objects). */
async function waitForTraffic(counts: () => Promise<{ total: number }>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await counts()).total === 0) {
    if (Date.now() > deadline) throw new Error('the simulator sent the Service no traffic within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// Namespaces of this run's own, so a reused sandbox (WEIR_SANDBOX_DIR) takes the file again.
const RUN = Date.now().toString(36).slice(-5);
const servers: Server[] = [];
const children: ReturnType<typeof startControllerProcess>[] = [];
afterAll(async () => {
  await Promise.all(children.map((child) => stopProcess(child, 'SIGKILL')));
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

describe('release hooks and notifications against the real API server', () => {
  it('a confirm-traffic-increase hook answering 500 holds the step, and the history and status say why', { timeout: 120_000 }, async () => {
    const namespace = `hook-hold-${RUN}`;
    await podinfoNamespace(sandbox, namespace);
    const gate = await receiver(() => 500);
    const started = await start(namespace, { hooks: [{ name: 'gate', type: 'confirm-traffic-increase', url: gate.url, timeout: '2s', retries: 1, metadata: { ticket: 'CHG-1' } }] });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const child = startControllerProcess(sandbox);
    children.push(child);

    const held = await waitFor(namespace, 'the hold', (current) => current.status?.messageCode === 'release.status.hookHeld', 60_000);
    expect(held.status?.messageParams).toMatchObject({ hook: 'gate', type: 'confirm-traffic-increase', status: 500 });
    expect(held.status?.message).toBe('held by the confirm-traffic-increase hook "gate": it answered HTTP 500');
    expect(held.status?.history?.at(-1)).toMatchObject({ action: 'hook-held', user: 'weir-controller', reason: 'confirm-traffic-increase hook "gate" answered HTTP 500' });
    // One call and its retry; Flagger's payload: the release's name, namespace, phase and the hook's metadata.
    expect(gate.received.length).toBeGreaterThanOrEqual(2);
    expect(gate.received[0]!.body).toMatchObject({ name: 'podinfo', namespace, phase: 'Progressing', type: 'confirm-traffic-increase', metadata: { ticket: 'CHG-1', grayVersion: 'v2' } });

    // Held across several intervals: no step, no traffic to v2, and one history line for one reason.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const still = await release(namespace);
    expect(still.status?.currentStep).toBe(0);
    expect(await weights(namespace)).toEqual({ v1: 100 });
    expect(still.status?.history?.filter((entry) => entry.action === 'hook-held')).toHaveLength(1);
    const asked = gate.received.length;
    expect(asked).toBeGreaterThanOrEqual(4);

    // The hook says yes: the step goes ahead, and the hold is over.
    gate.setAnswer(() => 200);
    const stepped = await waitFor(namespace, 'step 1', (current) => (current.status?.currentStep ?? 0) >= 1, 30_000);
    await stopProcess(child);
    expect(stepped.status?.heldBy).toBeUndefined();
    expect(stepped.status?.history?.find((entry) => entry.action === 'progressive-step')?.reason).toMatch(/^step 1: v2 at 25%/);
    expect((await weights(namespace)).v2).toBeGreaterThanOrEqual(25);
  });

  it('a failing pre-rollout hook is a failed check, and at the threshold the release rolls back', { timeout: 120_000 }, async () => {
    const namespace = `hook-pre-${RUN}`;
    await podinfoNamespace(sandbox, namespace);
    const smoke = await receiver(() => 500);
    const started = await start(namespace, { threshold: 2, hooks: [{ name: 'smoke', type: 'pre-rollout', url: smoke.url }] });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const child = startControllerProcess(sandbox);
    children.push(child);
    const seen = new Set<string>();
    const done = await waitFor(
      namespace,
      'rollback',
      (current) => {
        seen.add(current.status?.message ?? '');
        return current.status?.phase === 'RolledBack';
      },
      60_000,
    );
    await stopProcess(child);
    expect([...seen]).toContain('pre-rollout hook "smoke" failed (1/2): HTTP 500');
    expect(done.status?.history?.filter((entry) => entry.action === 'hook-failed')).toHaveLength(1);
    expect(done.status?.history?.at(-1)).toMatchObject({ action: 'progressive-rollback', reason: '2 failed checks (threshold 2); last: pre-rollout hook "smoke" answered HTTP 500' });
    expect(done.status?.history?.some((entry) => entry.action === 'progressive-step')).toBe(false);
    expect(await weights(namespace)).toEqual({ v1: 100 });
  });

  it('a rollback hook that answers 2xx rolls the release back', { timeout: 180_000 }, async () => {
    const namespace = `hook-rollback-${RUN}`;
    await podinfoNamespace(sandbox, namespace);
    const stop = await receiver(() => 404);
    const started = await start(namespace, { interval: '1s', hooks: [{ name: 'big-red-button', type: 'rollback', url: stop.url }] });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const child = startControllerProcess(sandbox);
    children.push(child);
    await waitFor(namespace, 'step 1', (current) => (current.status?.currentStep ?? 0) >= 1, 90_000);
    expect(stop.received.length).toBeGreaterThan(0);
    stop.setAnswer(() => 200);
    const done = await waitFor(namespace, 'rollback', (current) => current.status?.phase === 'RolledBack', 30_000);
    await stopProcess(child);
    expect(done.status?.history?.at(-1)).toMatchObject({ action: 'progressive-rollback', user: 'weir-controller', reason: 'rollback hook "big-red-button" asked for it' });
    expect(await weights(namespace)).toEqual({ v1: 100 });
  });

  it('notifications: each release event reaches a receiver once, with an Idempotency-Key; a failing receiver gets it again', { timeout: 180_000 }, async () => {
    const namespace = `hook-notify-${RUN}`;
    await podinfoNamespace(sandbox, namespace);
    const json = await receiver();
    const chat = await receiver();
    // Fails the first delivery of every event: the event comes again, with the same key.
    const flakySeen = new Set<string>();
    const flaky = await receiver((item) => {
      const key = String(item.headers['idempotency-key']);
      if (flakySeen.has(key)) return 200;
      flakySeen.add(key);
      return 503;
    });
    const started = await start(namespace, {
      // Two steps; a check passes once Prometheus has the gray version's first requests.
      interval: '2s',
      approval: 'beforePromotion',
      notifications: [
        { name: 'json', url: json.url, format: 'json' },
        { name: 'chat', url: chat.url, format: 'chat' },
        { name: 'flaky', url: flaky.url, format: 'json' },
      ],
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const child = startControllerProcess(sandbox);
    children.push(child);

    await waitFor(namespace, 'the promotion request', (current) => current.status?.phase === 'WaitingApproval' && !current.status.outbox?.length, 120_000);
    await act(namespace, 'abort');
    await waitFor(namespace, 'rollback delivered', (current) => current.status?.phase === 'RolledBack' && !current.status.outbox?.length, 30_000);
    // A few more ticks: nothing is delivered again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await stopProcess(child);

    const keys = json.received.map((item) => item.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(keys.length);
    expect(json.received.map((item) => [item.body.kind, item.body.step ?? null])).toEqual([
      ['started', null],
      ['step', 1],
      ['step', 2],
      ['waiting-approval', 2],
      ['rolled-back', null],
    ]);
    expect(json.received.at(-1)!.body).toMatchObject({ namespace, service: 'podinfo', stableVersion: 'v1', grayVersion: 'v2', reason: 'aborted by alice' });
    expect(json.received[1]!.body).toMatchObject({ weight: 25, text: `podinfo.${namespace}: step 1, v2 at 25%` });

    // The chat format is an incoming webhook's `{ text }`, with the same keys.
    expect(chat.received.map((item) => item.headers['idempotency-key'])).toEqual(keys);
    expect(chat.received.every((item) => Object.keys(item.body).join() === 'text')).toBe(true);
    expect(chat.received.at(-1)!.body.text).toBe(`podinfo.${namespace}: rolled back to v1: aborted by alice`);

    // At least once: the failing receiver got every event twice, the same key both times.
    const flakyKeys = flaky.received.map((item) => String(item.headers['idempotency-key']));
    expect(flakyKeys.toSorted()).toEqual(keys.flatMap((key) => [String(key), String(key)]).toSorted());
  });

  it('a hook’s secret header comes from a Secret the controller reads; no API response carries its value', { timeout: 120_000 }, async () => {
    const namespace = `hook-secret-${RUN}`;
    await podinfoNamespace(sandbox, namespace);
    const token = `tok-${randomBytes(12).toString('hex')}`;
    await kubectl(sandbox, ['-n', namespace, 'create', 'secret', 'generic', 'hook-token', `--from-literal=token=${token}`]);
    const hook = await receiver();
    const settings: Partial<ProgressiveSettings> = {
      interval: '1h',
      hooks: [{ name: 'audit', type: 'event', url: hook.url, secretHeader: { header: 'X-Weir-Token', secretRef: { name: 'hook-token', key: 'token' } } }],
    };

    // Alice may not read the Secret, so she may not have the controller send it anywhere.
    const refused = await start(namespace, settings);
    expect(refused.status).toBe(403);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.hooks', code: 'field.hookSecretDenied' })]);

    await kubectl(sandbox, ['-n', namespace, 'create', 'role', 'read-hook-token', '--verb=get', '--resource=secrets', '--resource-name=hook-token']);
    await kubectl(sandbox, ['-n', namespace, 'create', 'rolebinding', 'alice-hook-token', '--role=read-hook-token', '--user=alice']);
    // Access reviews are cached per session for a while: a new session asks the API server again.
    const allowed = await start(namespace, settings, await signIn('alice'));
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);

    const child = startControllerProcess(sandbox);
    children.push(child);
    await waitFor(namespace, 'step 1 delivered', (current) => (current.status?.currentStep ?? 0) >= 1 && !current.status?.outbox?.length, 60_000);
    await stopProcess(child);
    expect(hook.received.map((item) => item.body.event.kind)).toEqual(['started', 'step']);
    expect(hook.received.every((item) => item.headers['x-weir-token'] === token)).toBe(true);
    expect(hook.received[0]!.body.metadata).toMatchObject({ eventType: 'Normal', eventMessage: `Release of v2 on podinfo.${namespace} started` });

    // What the browser can get: the service page (with the Release's YAML) and the approvals list show the ref only.
    const detail = await consoleApi(alice).detail(namespace, 'podinfo');
    const text = JSON.stringify(detail);
    expect(text).toContain('hook-token');
    expect(text).not.toContain(token);
    const approvals = await approvalsRoute.GET(new Request('http://weir.test/', { headers: alice.read }));
    expect(await approvals.text()).not.toContain(token);
    const stored = JSON.stringify(await release(namespace));
    expect(stored).not.toContain(token);
  });

  it('the sandbox’s load-test hook target raises the gray version’s traffic when a release calls it', { timeout: 120_000 }, async () => {
    const namespace = `hook-load-${RUN}`;
    await podinfoNamespace(sandbox, namespace);
    const counts = async () => (await (await fetch(`${sandbox.simulatorUrl}/split?namespace=${namespace}&service=podinfo`)).json()) as { total: number; versions: Record<string, number> };
    const ratePerSecond = async (of: (split: Awaited<ReturnType<typeof counts>>) => number) => {
      const before = of(await counts());
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return (of(await counts()) - before) / 2;
    };
    // What the simulator sends this Service on its own (its share of the sandbox's traffic).
    await waitForTraffic(counts);
    const base = await ratePerSecond((split) => split.total);
    expect(base).toBeGreaterThan(0);

    const started = await start(namespace, { interval: '1h', hooks: [{ name: 'load', type: 'event', url: `${sandbox.simulatorUrl}/load-test`, metadata: { rps: '600', seconds: '30' } }] });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const child = startControllerProcess(sandbox);
    children.push(child);
    await waitFor(namespace, 'step 1 told to the load tester', (current) => current.status?.currentStep === 1 && !current.status.outbox?.length, 60_000);
    await stopProcess(child);
    // v2 at 25%: without the load it would get a quarter of `base`; with it, more than all of it.
    const gray = await ratePerSecond((split) => split.versions.v2 ?? 0);
    expect(gray).toBeGreaterThan(base);
  });

  it('refuses a hook URL with credentials in it or another scheme, naming the field', async () => {
    const namespace = `hook-secret-${RUN}`;
    const withCredentials = await start(namespace, { hooks: [{ name: 'x', type: 'event', url: 'http://user:pass@127.0.0.1:9/hook' }] });
    expect(withCredentials.status).toBe(400);
    expect(withCredentials.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.hooks.0.url', code: 'field.hookUrlCredentials' })]);
    const ftp = await start(namespace, { notifications: [{ name: 'x', url: 'ftp://127.0.0.1/x', format: 'json' }] });
    expect(ftp.body.error.fields).toEqual([expect.objectContaining({ field: 'settings.notifications.0.url', code: 'field.hookUrlScheme' })]);
  });
});
