import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi } from '../../test/sandbox-client.ts';
import { signIn, type SignedIn } from '../../test/console-session.ts';
import { podinfoNamespace } from '../../test/podinfo.ts';
import type { VirtualService } from '@/lib/providers/istio/types';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_CONTROLLER = 'false';

const intentsRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');
const serviceRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const releaseRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route');
const approvalsRoute = await import('@/app/api/approvals/route');
const decideRoute = await import('@/app/api/approvals/[cluster]/[namespace]/[name]/[id]/route');

const [alice, bob, victor, admin] = (await Promise.all(['alice', 'bob', 'victor', 'admin'].map(signIn))) as [SignedIn, SignedIn, SignedIn, SignedIn];
const namespace = 'approvals';
const service = { cluster: 'sandbox', namespace, name: 'podinfo' };

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as any };
}

async function view(user: SignedIn) {
  return (await json(await serviceRoute.GET(new Request('http://weir.test/', { headers: user.read }), { params: Promise.resolve(service) }))).body;
}

async function takeOver(user: SignedIn, version: string) {
  const { view: current } = await view(user);
  const body = { mode: 'apply', intent: { type: 'take-over', expected: current.splitEtag, version } };
  return json(await intentsRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: user.write, body: JSON.stringify(body) }), { params: Promise.resolve(service) }));
}

async function setPolicy(user: SignedIn, approval: string) {
  const body = JSON.stringify({ action: 'set-policy', approval });
  return json(await releaseRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: user.write, body }), { params: Promise.resolve(service) }));
}

async function decide(user: SignedIn, id: string, decision: string, comment = '') {
  const body = JSON.stringify({ decision, comment });
  return json(await decideRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: user.write, body }), { params: Promise.resolve({ ...service, id }) }));
}

async function approvals(user: SignedIn) {
  return json(await approvalsRoute.GET(new Request('http://weir.test/api/approvals', { headers: user.read })));
}

async function weights() {
  const vs = await adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'podinfo', namespace } });
  return Object.fromEntries((vs.spec?.http?.at(-1)?.route ?? []).map((route) => [route.destination?.subset ?? '', route.weight ?? 0]));
}

async function waitForCache<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const value = await read();
    if (ok(value) || attempt > 50) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

await podinfoNamespace(sandbox, namespace);

describe('approvals: team leads approve promotions, checked with a SubjectAccessReview', () => {
  let requestId = '';

  it('holds an operator’s take-over as a pending request when the policy asks for approval', async () => {
    expect((await setPolicy(bob, 'beforePromotion')).status).toBe(200);
    const held = await takeOver(alice, 'v2');
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ mode: 'requested', request: { kind: 'change', state: 'Pending', requestedBy: 'alice', summary: 'v2 takes over all traffic' } });
    expect(held.body.request.from.weights).toEqual({ v1: 100 });
    expect(held.body.request.to.weights).toEqual({ v2: 100 });
    requestId = held.body.request.id;
    // Nothing changed in the cluster.
    expect(await weights()).toEqual({ v1: 100 });
  });

  it('lists the request for everyone who may read Releases there; only a team lead who did not ask may decide', async () => {
    const forBob = await waitForCache(() => approvals(bob), (answer) => answer.body.pending?.some((item: any) => item.request.id === requestId));
    expect(forBob.body.pending.find((item: any) => item.request.id === requestId)).toMatchObject({ namespace, service: 'podinfo', canDecide: true, mine: false });
    const forAlice = await approvals(alice);
    expect(forAlice.body.pending.find((item: any) => item.request.id === requestId)).toMatchObject({ canDecide: false, mine: true });
    const forVictor = await approvals(victor);
    expect(forVictor.body.pending.find((item: any) => item.request.id === requestId)).toMatchObject({ canDecide: false, mine: false });
    // The intent itself (with its etag) stays on the server.
    expect(forBob.body.pending[0].request.intent).toBeUndefined();
  });

  it('refuses the requester, a viewer and an operator with 403, and changes nothing', async () => {
    const own = await decide(alice, requestId, 'approve');
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/alice may not approve releases in namespace approvals/);
    const viewer = await decide(victor, requestId, 'approve');
    expect(viewer.status).toBe(403);
    expect(await weights()).toEqual({ v1: 100 });
  });

  it('refuses a team lead’s own request even though the role may approve (SelfApproval)', async () => {
    const adminsOwn = await takeOver(admin, 'v3');
    expect(adminsOwn.body.mode).toBe('requested');
    const self = await decide(admin, adminsOwn.body.request.id, 'approve');
    expect(self.status).toBe(403);
    expect(self.body.error.reason).toBe('SelfApproval');
    const rejected = await decide(bob, adminsOwn.body.request.id, 'reject', 'one release at a time');
    expect(rejected.status).toBe(200);
    expect(rejected.body.request).toMatchObject({ state: 'Rejected', decidedBy: 'bob', comment: 'one release at a time' });
  });

  it('runs the change as the approver when bob approves; the history and an Event say who asked and who approved', async () => {
    const approved = await decide(bob, requestId, 'approve', 'looks healthy');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(await weights()).toEqual({ v2: 100 });

    const again = await decide(bob, requestId, 'approve');
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('This request was already approved by bob');

    const detail = await waitForCache(() => view(alice), (body) => body.history?.[0]?.action === 'take-over');
    expect(detail.history[0]).toMatchObject({ user: 'alice', action: 'take-over', reason: 'approved by bob: looks healthy' });
    const events = await adminApi(sandbox).list<CoreV1Event>('v1', 'Event', namespace);
    const messages = events.items.filter((event) => event.involvedObject.kind === 'Release').map((event) => `${event.reason}: ${event.message}`);
    expect(messages).toContain("ReleaseApproved: bob approved alice's request (v2 takes over all traffic): looks healthy");
    expect(messages).toContain("ReleaseRejected: bob rejected admin's request (v3 takes over all traffic): one release at a time");
  });

  it('lets only an approver relax the policy', async () => {
    const relaxed = await setPolicy(alice, 'none');
    expect(relaxed.status).toBe(403);
    expect(relaxed.body.error.fields).toEqual([{ field: 'approval', code: 'field.relaxPolicy', message: 'relaxing the policy needs the approve verb' }]);
    expect((await setPolicy(alice, 'beforeEveryStep')).status).toBe(200);
    expect((await setPolicy(bob, 'none')).status).toBe(200);
    // Victor may not update Releases at all: the RBAC check answers before anything is written.
    expect((await setPolicy(victor, 'beforePromotion')).status).toBe(403);
    expect(await kubectl(sandbox, ['get', 'release', 'podinfo', '-n', namespace, '-o', 'jsonpath={.spec.approval}'])).toBe('none');
  });

  it('rejects bad decisions with the field named, and unknown requests with 404', async () => {
    const bad = await decide(bob, requestId, 'maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('decision');
    expect((await decide(bob, 'no-such-request', 'approve')).status).toBe(404);
  });

  it('holds a mirror under "before every step" (the copies reach the version, with what they write), saying what it copies', async () => {
    expect((await setPolicy(bob, 'beforeEveryStep')).status).toBe(200);
    const { view: current } = await view(alice);
    const body = { mode: 'apply', intent: { type: 'set-mirror', expected: current.splitEtag, version: 'v3', percent: 50 } };
    const held = await json(await intentsRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify(body) }), { params: Promise.resolve(service) }));
    expect(held.status, JSON.stringify(held.body)).toBe(200);
    expect(held.body).toMatchObject({ mode: 'requested', request: { kind: 'change', state: 'Pending', summary: 'copy 50% of the requests to v3 (answers dropped)' } });
    const vs = await adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'podinfo', namespace } });
    expect(vs.spec?.http?.at(-1)?.mirror).toBeUndefined();
    expect((await setPolicy(bob, 'none')).status).toBe(200);
  });
});
