import { describe, expect, inject, it } from 'vitest';
import { resourceVersions } from '../../test/sandbox-client.ts';
import { signIn, type SignedIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;

const routes = {
  clusters: await import('@/app/api/clusters/route'),
  services: await import('@/app/api/services/route'),
  routes: await import('@/app/api/routes/route'),
  service: await import('@/app/api/services/[cluster]/[namespace]/[name]/route'),
  metrics: await import('@/app/api/services/[cluster]/[namespace]/[name]/metrics/route'),
  intents: await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route'),
  events: await import('@/app/api/events/route'),
  approvals: await import('@/app/api/approvals/route'),
  decide: await import('@/app/api/approvals/[cluster]/[namespace]/[name]/[id]/route'),
  release: await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route'),
  session: await import('@/app/api/auth/session/route'),
  logout: await import('@/app/api/auth/logout/route'),
};

const nginx = { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx' }) };
const ORIGIN = 'http://weir.test';

type Caller = SignedIn | undefined;

async function stable(caller: SignedIn): Promise<{ etag: string; version: string }> {
  const response = await routes.service.GET(new Request(ORIGIN, { headers: caller.read }), nginx);
  const { view } = (await response.json()) as { view: { splitEtag: string; versions: { name: string; role: string }[] } };
  return { etag: view.splitEtag, version: view.versions.find((v) => v.role === 'stable')!.name };
}

/** Every route of the console, called as `caller`; answers the HTTP status. */
const CALLS: Record<string, (caller: Caller, admin: SignedIn) => Promise<number>> = {
  'GET /api/clusters': async (c) => (await routes.clusters.GET(new Request(`${ORIGIN}/api/clusters`, { headers: c?.read }))).status,
  'GET /api/services': async (c) => (await routes.services.GET(new Request(`${ORIGIN}/api/services`, { headers: c?.read }))).status,
  'GET /api/routes': async (c) => (await routes.routes.GET(new Request(`${ORIGIN}/api/routes`, { headers: c?.read }))).status,
  'GET /api/services/…/nginx': async (c) => (await routes.service.GET(new Request(ORIGIN, { headers: c?.read }), nginx)).status,
  'GET /api/services/…/nginx/metrics': async (c) => (await routes.metrics.GET(new Request(`${ORIGIN}/x?range=5`, { headers: c?.read }), nginx)).status,
  'GET /api/events': async (c) => {
    const abort = new AbortController();
    const response = routes.events.GET(new Request(`${ORIGIN}/api/events`, { headers: c?.read, signal: abort.signal }));
    abort.abort();
    return response.status;
  },
  'GET /api/approvals': async (c) => (await routes.approvals.GET(new Request(`${ORIGIN}/api/approvals`, { headers: c?.read }))).status,
  'GET /api/auth/session': async (c) => (await routes.session.GET(new Request(`${ORIGIN}/api/auth/session`, { headers: c?.read }))).status,
  'POST intents (preview)': async (c, admin) => {
    const { etag, version } = await stable(admin);
    const body = JSON.stringify({ mode: 'preview', intent: { type: 'take-over', expected: etag, version } });
    return (await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: c?.write ?? { origin: ORIGIN, host: 'weir.test' } }), nginx)).status;
  },
  'POST intents (apply)': async (c, admin) => {
    const { etag, version } = await stable(admin);
    const body = JSON.stringify({ mode: 'apply', intent: { type: 'take-over', expected: etag, version } });
    return (await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: c?.write ?? { origin: ORIGIN, host: 'weir.test' } }), nginx)).status;
  },
  // nginx runs no progressive release: whoever may update Releases gets 409, the others 403 before that.
  'POST release (pause)': async (c) => {
    const body = JSON.stringify({ action: 'pause' });
    return (await routes.release.POST(new Request(ORIGIN, { method: 'POST', body, headers: c?.write ?? { origin: ORIGIN, host: 'weir.test' } }), nginx)).status;
  },
  // No such request: an approver learns that (404); anyone else is refused first (403).
  'POST approval (approve)': async (c) => {
    const body = JSON.stringify({ decision: 'approve' });
    const params = { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx', id: 'no-such-request' }) };
    return (await routes.decide.POST(new Request(ORIGIN, { method: 'POST', body, headers: c?.write ?? { origin: ORIGIN, host: 'weir.test' } }), params)).status;
  },
};

const RELEASE_CALLS = ['POST release (pause)', 'POST approval (approve)'];
const READS = Object.keys(CALLS).filter((name) => name.startsWith('GET'));
const WRITES = Object.keys(CALLS).filter((name) => name.startsWith('POST') && !RELEASE_CALLS.includes(name));
const release = (pause: number, approve: number) => ({ 'POST release (pause)': pause, 'POST approval (approve)': approve });

/** What RBAC (deploy/rbac/roles.yaml) allows each sandbox user: the console must answer exactly this. */
const EXPECTED: Record<string, Record<string, number>> = {
  admin: { ...Object.fromEntries([...READS.map((r) => [r, 200]), ...WRITES.map((w) => [w, 200])]), ...release(409, 404) },
  alice: { ...Object.fromEntries([...READS.map((r) => [r, 200]), ...WRITES.map((w) => [w, 200])]), ...release(409, 403) },
  bob: { ...Object.fromEntries([...READS.map((r) => [r, 200]), ...WRITES.map((w) => [w, 200])]), ...release(409, 404) },
  victor: { ...Object.fromEntries([...READS.map((r) => [r, 200]), ...WRITES.map((w) => [w, 403])]), ...release(403, 403) },
  anonymous: { ...Object.fromEntries([...READS.map((r) => [r, 401]), ...WRITES.map((w) => [w, 401])]), ...release(401, 401) },
};

describe(`access matrix against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it.each(Object.keys(EXPECTED))('%s gets exactly what RBAC allows, and refused calls change nothing', async (user) => {
    const admin = await signIn('admin');
    const caller = user === 'anonymous' ? undefined : await signIn(user);
    const before = await resourceVersions(sandbox, 'demo');
    const answered: Record<string, number> = {};
    for (const [name, call] of Object.entries(CALLS)) answered[name] = await call(caller, admin);
    expect(answered).toEqual(EXPECTED[user]);
    if (user === 'victor' || user === 'anonymous') expect(await resourceVersions(sandbox, 'demo')).toEqual(before);
  });

  it('a viewer sees the services but is told, per service, that they cannot change routing', async () => {
    const victor = await signIn('victor');
    const response = await routes.service.GET(new Request(ORIGIN, { headers: victor.read }), nginx);
    expect(((await response.json()) as { permissions: unknown }).permissions).toEqual({ editRouting: false, manageWorkloads: false, manageReleases: false });
    const alice = await signIn('alice');
    const forAlice = await routes.service.GET(new Request(ORIGIN, { headers: alice.read }), nginx);
    expect(((await forAlice.json()) as { permissions: unknown }).permissions).toEqual({ editRouting: true, manageWorkloads: true, manageReleases: true });
  });

  it('refuses a change without the CSRF token or from another origin, and signs out', async () => {
    const alice = await signIn('alice');
    const { etag, version } = await stable(alice);
    const body = JSON.stringify({ mode: 'apply', intent: { type: 'take-over', expected: etag, version } });
    const noToken = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: { ...alice.write, 'x-csrf-token': 'forged' } }), nginx);
    expect(noToken.status).toBe(403);
    const crossSite = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: { ...alice.write, origin: 'https://evil.example' } }), nginx);
    expect(crossSite.status).toBe(403);
    const logout = await routes.logout.POST(new Request(`${ORIGIN}/api/auth/logout`, { method: 'POST', headers: alice.write }));
    expect(logout.status).toBe(200);
    expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await routes.session.GET(new Request(`${ORIGIN}/api/auth/session`, { headers: alice.read }))).status).toBe(401);
  });

  it('refuses a token the API server does not accept', async () => {
    const { POST } = await import('@/app/api/auth/login/route');
    const response = await POST(
      new Request(`${ORIGIN}/api/auth/login`, { method: 'POST', headers: { origin: ORIGIN, host: 'weir.test' }, body: JSON.stringify({ strategy: 'token', token: 'not-a-real-token-0123456789' }) }),
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { fields: { field: string }[] } }).error.fields[0]!.field).toBe('token');
  });
});
