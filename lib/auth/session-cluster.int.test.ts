/**
 * The cluster session store (WEIR_SESSION_STORE=cluster) against the real API server: each session is a Secret in
 * weir-system that any replica reads. "Another replica" here is this process with its cache emptied: it knows
 * nothing but the key and what the Secret holds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { signIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_CONTROLLER = 'false';
process.env.WEIR_SESSION_STORE = 'cluster';
process.env.WEIR_SESSION_SECRET = 'session-cluster-int-test-key-0123456789';

const store = await import('@/lib/auth/session-store');
const sessionRoute = await import('@/app/api/auth/session/route');
const logoutRoute = await import('@/app/api/auth/logout/route');
const NAMESPACE = 'weir-system';

const registry = globalThis as typeof globalThis & { __weirSessionCache?: Map<string, unknown> };
/** What another replica knows of sessions: nothing in memory. */
function asAnotherReplica(): void {
  registry.__weirSessionCache?.clear();
}

function idOf(cookie: string): string {
  return cookie.slice(cookie.indexOf('=') + 1);
}

async function secretOf(id: string): Promise<any | undefined> {
  const out = await kubectl(sandbox, ['get', 'secret', '-n', NAMESPACE, store.sessionSecretName(id), '-o', 'json', '--ignore-not-found']);
  return out.trim() ? JSON.parse(out) : undefined;
}

async function sessionStatus(cookie: string): Promise<number> {
  return (await sessionRoute.GET(new Request('http://weir.test/api/auth/session', { headers: { cookie } }))).status;
}

describe(`sessions kept in Secrets of kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('a sign-in writes one Secret named by an HMAC of the session id, sealed: no id, name or token readable in it', async () => {
    const alice = await signIn('alice');
    const id = idOf(alice.read.cookie!);
    const secret = await secretOf(id);
    expect(secret.metadata.name).toMatch(/^weir-session-[0-9a-f]{40}$/);
    expect(secret.metadata.labels).toMatchObject({ 'weir.dev/session': 'true' });
    const text = JSON.stringify(secret) + Buffer.from(secret.data.session, 'base64').toString();
    const token = (parse(readFileSync(sandbox.kubeconfig, 'utf8')) as { users: { name: string; user: { token: string } }[] }).users.find((user) => user.name === 'alice')!.user.token;
    for (const secretPart of [id, token, 'alice', alice.write['x-csrf-token']!]) expect(text.includes(secretPart)).toBe(false);
  });

  it('another replica finds the session and accepts its CSRF token (derived from the id, stored nowhere)', async () => {
    const alice = await signIn('alice');
    asAnotherReplica();
    const found = await store.findSession(idOf(alice.read.cookie!));
    expect(found?.user.username).toBe('alice');
    expect(found?.csrfToken).toBe(alice.write['x-csrf-token']);
  });

  it('a Secret’s content copied under another session’s name opens nowhere', async () => {
    const alice = await signIn('alice');
    const secret = await secretOf(idOf(alice.read.cookie!));
    const forged = 'forged-session-id-0123456789abcdefghijklmnop';
    const copy = { apiVersion: 'v1', kind: 'Secret', type: secret.type, metadata: { name: store.sessionSecretName(forged), namespace: NAMESPACE, labels: secret.metadata.labels, annotations: secret.metadata.annotations }, data: secret.data };
    const file = `${sandbox.dir}/forged-session.json`;
    writeFileSync(file, JSON.stringify(copy));
    await kubectl(sandbox, ['create', '-f', file]);
    asAnotherReplica();
    expect(await store.findSession(forged)).toBeUndefined();
    expect(await sessionStatus(`weir_session=${forged}`)).toBe(401);
  });

  it('logout deletes the Secret: no replica accepts the session afterwards', async () => {
    const alice = await signIn('alice');
    const id = idOf(alice.read.cookie!);
    const logout = await logoutRoute.POST(new Request('http://weir.test/api/auth/logout', { method: 'POST', headers: alice.write }));
    expect(logout.status).toBe(200);
    expect(await secretOf(id)).toBeUndefined();
    asAnotherReplica();
    expect(await sessionStatus(alice.read.cookie!)).toBe(401);
  });

  it('the idle timeout holds across replicas: activity is recorded in the Secret, and a stale one ends the session for all', async () => {
    const alice = await signIn('alice');
    const id = idOf(alice.read.cookie!);
    // Thirty-one minutes without a request anywhere (WEIR_SESSION_IDLE_MINUTES is 30):
    await kubectl(sandbox, ['annotate', 'secret', '-n', NAMESPACE, store.sessionSecretName(id), '--overwrite', `weir.dev/last-seen=${Date.now() - 31 * 60_000}`]);
    asAnotherReplica();
    expect(await sessionStatus(alice.read.cookie!)).toBe(401);
    expect(await secretOf(id)).toBeUndefined();
  });

  it('a replica records activity in the Secret when what it holds is a minute old, so others do not time the session out', async () => {
    const alice = await signIn('alice');
    const id = idOf(alice.read.cookie!);
    const old = Date.now() - 20 * 60_000;
    await kubectl(sandbox, ['annotate', 'secret', '-n', NAMESPACE, store.sessionSecretName(id), '--overwrite', `weir.dev/last-seen=${old}`]);
    asAnotherReplica();
    expect(await sessionStatus(alice.read.cookie!)).toBe(200);
    const recorded = Number((await secretOf(id)).metadata.annotations['weir.dev/last-seen']);
    expect(recorded).toBeGreaterThan(Date.now() - 10_000);
  });

  it('the sweep deletes the Secrets of sessions nobody came back for, whichever replica made them', async () => {
    const alice = await signIn('alice');
    const id = idOf(alice.read.cookie!);
    await kubectl(sandbox, ['annotate', 'secret', '-n', NAMESPACE, store.sessionSecretName(id), '--overwrite', `weir.dev/last-seen=${Date.now() - 31 * 60_000}`]);
    asAnotherReplica();
    expect(await store.sweepSessions()).toBeGreaterThanOrEqual(1);
    expect(await secretOf(id)).toBeUndefined();
  });
});
