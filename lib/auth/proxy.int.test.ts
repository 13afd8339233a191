import { describe, expect, inject, it } from 'vitest';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_AUTH_STRATEGIES = 'token,proxy';
process.env.WEIR_PROXY_TRUSTED_ADDRESSES = '127.0.0.7';

const { GET: proxyLogin } = await import('@/app/api/auth/proxy/route');
const { registerFrontServer, stampRequest } = await import('@/lib/auth/front-server');
const { GET: session } = await import('@/app/api/auth/session/route');
const { GET: services } = await import('@/app/api/services/route');
const { POST: intents } = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');

const ORIGIN = 'http://weir.test';

// What server.mjs does before Next.js starts, and to every request (the TCP peer is `peer`).
const mark = registerFrontServer();

function fromProxy(peer: string, headers: Record<string, string>) {
  const incoming: Record<string, string> = { ...headers };
  stampRequest(incoming, peer, mark);
  return proxyLogin(new Request(`${ORIGIN}/api/auth/proxy?next=/services/sandbox/demo/nginx`, { headers: incoming }));
}

describe(`proxy login against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('signs in the user the trusted proxy names and acts as them (impersonation)', async () => {
    const response = await fromProxy('127.0.0.7', { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'release-team' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/services/sandbox/demo/nginx');
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    expect(response.headers.get('set-cookie')).toContain('HttpOnly');
    const me = (await (await session(new Request(ORIGIN, { headers: { cookie } }))).json()) as { user: { username: string; groups: string[]; strategy: string } };
    expect(me.user).toEqual({ username: 'alice', groups: ['release-team'], strategy: 'proxy' });
    const list = await services(new Request(`${ORIGIN}/api/services`, { headers: { cookie } }));
    expect(list.status).toBe(200);
    expect(((await list.json()) as { service: string }[]).map((row) => row.service)).toContain('nginx');
  });

  it('impersonates a viewer as a viewer: the API server refuses their writes', async () => {
    const response = await fromProxy('127.0.0.7', { 'x-forwarded-user': 'victor' });
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await (await session(new Request(ORIGIN, { headers: { cookie } }))).json()) as { csrfToken: string };
    const write = await intents(
      new Request(ORIGIN, {
        method: 'POST',
        headers: { cookie, origin: ORIGIN, host: 'weir.test', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ mode: 'apply', intent: { type: 'take-over', expected: 'x', version: 'v1' } }),
      }),
      { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx' }) },
    );
    expect(write.status).toBe(403);
  });

  it('trusts the headers only from the configured proxy address', async () => {
    expect((await fromProxy('127.0.0.1', { 'x-forwarded-user': 'admin' })).status).toBe(403);
    expect((await fromProxy('', { 'x-forwarded-user': 'admin' })).status).toBe(403);
    expect((await fromProxy('127.0.0.7', {})).status).toBe(401);
    expect((await fromProxy('127.0.0.7', { 'x-forwarded-user': 'system:admin' })).status).toBe(403);
    // A header must never grant cluster-admin: a system: group refuses the sign-in.
    expect((await fromProxy('127.0.0.7', { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'release-team, system:masters' })).status).toBe(403);
  });
});
