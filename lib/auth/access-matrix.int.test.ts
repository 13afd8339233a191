import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi, bookinfoNamespace, resourceVersions, sample } from '../../test/sandbox-client.ts';
import { signIn, type SignedIn } from '../../test/console-session.ts';
import type { VirtualService } from '@/lib/providers/istio/types';

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
/** Bookinfo's reviews (v1, v2, v3) in a namespace of its own: the matrix's writes really change its split. */
const NAMESPACE = 'access-matrix';
const reviews = { params: Promise.resolve({ cluster: 'sandbox', namespace: NAMESPACE, name: 'reviews' }) };
const ORIGIN = 'http://weir.test';

type Caller = SignedIn | undefined;

beforeAll(async () => {
  await bookinfoNamespace(sandbox, NAMESPACE);
  await kubectl(sandbox, ['apply', '-n', NAMESPACE, '-f', sample('virtual-service-all-v1.yaml')]);
});

afterAll(async () => {
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, '--wait=false', '--ignore-not-found']);
});

interface ReviewsView {
  splitEtag: string;
  routed: boolean;
  versions: { name: string; weight: number; ready: number }[];
}

/** The reviews view as `caller` reads it, once the watch cache holds its routing (and `until` holds). */
async function reviewsView(caller: SignedIn, until: (view: ReviewsView) => boolean = () => true): Promise<ReviewsView> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await routes.service.GET(new Request(ORIGIN, { headers: caller.read }), reviews);
    const view = response.status === 200 ? ((await response.json()) as { view: ReviewsView }).view : undefined;
    if (view?.routed && view.versions.length === 3 && until(view)) return view;
    if (Date.now() > deadline) throw new Error(`reviews.${NAMESPACE} answered ${response.status} ${JSON.stringify(view?.versions ?? '')} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A take-over that changes something: a ready version that has no traffic now takes all of it (taking over
 * with the version that already has 100% would be a plan with no steps, which reaches no API server).
 */
async function realTakeOver(admin: SignedIn): Promise<{ etag: string; version: string }> {
  const view = await reviewsView(admin, (current) => current.versions.every((v) => v.ready > 0));
  const idle = view.versions.find((v) => v.weight === 0 && v.ready > 0);
  if (!idle) throw new Error(`no ready version without traffic in ${JSON.stringify(view.versions)}`);
  return { etag: view.splitEtag, version: idle.name };
}

/** The catch-all route's weights of reviews as the API server holds them, versions at 0 left out. */
async function storedWeights(): Promise<Record<string, number>> {
  const vs = await adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: NAMESPACE } });
  const route = (vs.spec?.http?.at(-1)?.route ?? []) as { destination: { subset: string }; weight?: number }[];
  return Object.fromEntries(
    route.map((entry) => [entry.destination.subset, entry.weight ?? (route.length === 1 ? 100 : 0)] as const).filter(([, weight]) => weight > 0),
  );
}

/** What the last 'POST intents' calls sent and got: the test reads the API server against them. */
const sent: { preview?: { version: string; status: number; body: any }; apply?: { version: string; status: number; body: any } } = {};

/** Every route of the console, called as `caller`; answers the HTTP status. */
const CALLS: Record<string, (caller: Caller, admin: SignedIn) => Promise<number>> = {
  'GET /api/clusters': async (c) => (await routes.clusters.GET(new Request(`${ORIGIN}/api/clusters`, { headers: c?.read }))).status,
  'GET /api/services': async (c) => (await routes.services.GET(new Request(`${ORIGIN}/api/services`, { headers: c?.read }))).status,
  'GET /api/routes': async (c) => (await routes.routes.GET(new Request(`${ORIGIN}/api/routes`, { headers: c?.read }))).status,
  'GET /api/services/…/nginx': async (c) => (await routes.service.GET(new Request(ORIGIN, { headers: c?.read }), nginx)).status,
  'GET /api/services/…/nginx/metrics': async (c) => (await routes.metrics.GET(new Request(`${ORIGIN}/x?range=5`, { headers: c?.read }), nginx)).status,
  'GET /api/events': async (c) => {
    const abort = new AbortController();
    const response = await routes.events.GET(new Request(`${ORIGIN}/api/events`, { headers: c?.read, signal: abort.signal }));
    abort.abort();
    return response.status;
  },
  'GET /api/approvals': async (c) => (await routes.approvals.GET(new Request(`${ORIGIN}/api/approvals`, { headers: c?.read }))).status,
  'GET /api/auth/session': async (c) => (await routes.session.GET(new Request(`${ORIGIN}/api/auth/session`, { headers: c?.read }))).status,
  'POST intents (preview)': async (c, admin) => {
    const { etag, version } = await realTakeOver(admin);
    const body = JSON.stringify({ mode: 'preview', intent: { type: 'take-over', expected: etag, version } });
    const response = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: c?.write ?? { origin: ORIGIN, host: 'weir.test' } }), reviews);
    sent.preview = { version, status: response.status, body: await response.json() };
    return response.status;
  },
  'POST intents (apply)': async (c, admin) => {
    const { etag, version } = await realTakeOver(admin);
    const body = JSON.stringify({ mode: 'apply', intent: { type: 'take-over', expected: etag, version } });
    const response = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: c?.write ?? { origin: ORIGIN, host: 'weir.test' } }), reviews);
    sent.apply = { version, status: response.status, body: await response.json() };
    return response.status;
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
    await reviewsView(admin);
    const before = await resourceVersions(sandbox, 'demo');
    const reviewsBefore = await resourceVersions(sandbox, NAMESPACE);
    const weightsBefore = await storedWeights();
    const answered: Record<string, number> = {};
    for (const [name, call] of Object.entries(CALLS)) answered[name] = await call(caller, admin);
    expect(answered).toEqual(EXPECTED[user]);
    if (EXPECTED[user]!['POST intents (apply)'] === 200) {
      // The preview was a real plan, dry-run by the API server, and the apply reached it: read it back.
      expect(sent.preview!.body.steps.map((step: { action: string; kind: string; name: string }) => `${step.action} ${step.kind}/${step.name}`)).toEqual(['replace VirtualService/reviews']);
      expect(sent.preview!.body.outcomes.map((outcome: { status: string }) => outcome.status)).toEqual(['dry-run']);
      expect(sent.apply!.body.outcomes.map((outcome: { status: string }) => outcome.status)).toEqual(['done']);
      expect(weightsBefore[sent.apply!.version]).toBeUndefined();
      expect(await storedWeights()).toEqual({ [sent.apply!.version]: 100 });
      expect((await resourceVersions(sandbox, NAMESPACE))['VirtualService/reviews']).not.toEqual(reviewsBefore['VirtualService/reviews']);
      const seen = await reviewsView(caller!, (view) => view.versions.some((v) => v.name === sent.apply!.version && v.weight === 100));
      expect(seen.versions.find((v) => v.name === sent.apply!.version)!.weight).toBe(100);
    } else {
      expect(await storedWeights()).toEqual(weightsBefore);
      expect(await resourceVersions(sandbox, NAMESPACE)).toEqual(reviewsBefore);
    }
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
    const { etag, version } = await realTakeOver(alice);
    const weightsBefore = await storedWeights();
    const body = JSON.stringify({ mode: 'apply', intent: { type: 'take-over', expected: etag, version } });
    const noToken = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: { ...alice.write, 'x-csrf-token': 'forged' } }), reviews);
    expect(noToken.status).toBe(403);
    const crossSite = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers: { ...alice.write, origin: 'https://evil.example' } }), reviews);
    expect(crossSite.status).toBe(403);
    // A real change, refused: the API server still holds the split as it was.
    expect(await storedWeights()).toEqual(weightsBefore);
    expect(weightsBefore[version]).toBeUndefined();
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
