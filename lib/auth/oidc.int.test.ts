import { readFileSync } from 'node:fs';
import { AuthenticationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi, bookinfoNamespace, sample } from '../../test/sandbox-client.ts';
import type { VirtualService } from '@/lib/providers/istio/types';
import { signInAtProvider, startOidcProvider, oidcClientEnv } from '../../test/oidc-provider.ts';

const sandbox = inject('sandbox');
const ORIGIN = 'http://weir.test';
const REDIRECT_URL = `${ORIGIN}/api/auth/oidc/callback`;
const provider = await startOidcProvider(REDIRECT_URL);

// The configuration is parsed once per process: all of it before the first route runs.
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_DEV_KUBECONFIG = sandbox.kubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_AUTH_STRATEGIES = 'oidc,dev';
Object.assign(process.env, oidcClientEnv(provider, REDIRECT_URL));

const routes = {
  start: await import('@/app/api/auth/oidc/start/route'),
  callback: await import('@/app/api/auth/oidc/callback/route'),
  session: await import('@/app/api/auth/session/route'),
  login: await import('@/app/api/auth/login/route'),
  services: await import('@/app/api/services/route'),
  intents: await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route'),
  service: await import('@/app/api/services/[cluster]/[namespace]/[name]/route'),
};
const { findSession } = await import('@/lib/auth/session-store');
const { sessionKubeConfig } = await import('@/lib/auth/user-client');
const { safeReturnPath } = await import('@/lib/auth/return-path');

/** Bookinfo's reviews in a namespace of its own: the OIDC users' changes really change its split. */
const NAMESPACE = 'oidc-writes';
const reviews = { params: Promise.resolve({ cluster: 'sandbox', namespace: NAMESPACE, name: 'reviews' }) };

beforeAll(async () => {
  await bookinfoNamespace(sandbox, NAMESPACE);
  await kubectl(sandbox, ['apply', '-n', NAMESPACE, '-f', sample('virtual-service-all-v1.yaml')]);
});

afterAll(async () => {
  provider.close();
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, '--wait=false', '--ignore-not-found']);
});

interface ReviewsView {
  splitEtag: string;
  routed: boolean;
  versions: { name: string; weight: number; ready: number }[];
}

/** The reviews view as the cookie's user reads it, once the watch cache holds its routing, ready pods and `until`. */
async function reviewsView(cookie: string, until: (view: ReviewsView) => boolean = () => true): Promise<ReviewsView> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await routes.service.GET(new Request(ORIGIN, { headers: { cookie } }), reviews);
    const view = response.status === 200 ? ((await response.json()) as { view: ReviewsView }).view : undefined;
    if (view?.routed && view.versions.length === 3 && view.versions.every((v) => v.ready > 0) && until(view)) return view;
    if (Date.now() > deadline) throw new Error(`reviews.${NAMESPACE} answered ${response.status} ${JSON.stringify(view?.versions ?? '')} after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The catch-all route's weights of reviews as the API server holds them, versions at 0 left out. */
async function storedWeights(): Promise<Record<string, number>> {
  const vs = await adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: NAMESPACE } });
  const route = (vs.spec?.http?.at(-1)?.route ?? []) as { destination: { subset: string }; weight?: number }[];
  return Object.fromEntries(
    route.map((entry) => [entry.destination.subset, entry.weight ?? (route.length === 1 ? 100 : 0)] as const).filter(([, weight]) => weight > 0),
  );
}

async function csrfOf(cookie: string): Promise<string> {
  return ((await (await routes.session.GET(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie } }))).json()) as { csrfToken: string }).csrfToken;
}

async function postIntent(cookie: string, mode: 'preview' | 'apply', intent: unknown): Promise<{ status: number; body: any }> {
  const headers = { cookie, origin: ORIGIN, host: 'weir.test', 'x-csrf-token': await csrfOf(cookie), 'content-type': 'application/json' };
  const response = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body: JSON.stringify({ mode, intent }), headers }), reviews);
  return { status: response.status, body: await response.json() };
}

/** A started sign-in as the browser holds it: the pending cookie and the provider's answer for `account`. */
async function startedAt(account: string, next?: string): Promise<{ cookie: string; callbackUrl: URL; location: URL; setCookie: string }> {
  const query = next === undefined ? '' : `?${new URLSearchParams({ next })}`;
  const response = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start${query}`));
  expect(response.status).toBe(303);
  const setCookie = response.headers.get('set-cookie')!;
  const location = new URL(response.headers.get('location')!);
  const callbackUrl = await signInAtProvider(location.href, account);
  return { cookie: setCookie.split(';')[0]!, callbackUrl, location, setCookie };
}

async function callback(url: URL, cookie: string): Promise<Response> {
  return routes.callback.GET(new Request(url, { headers: { cookie } }));
}

function sessionCookieOf(response: Response): string | undefined {
  return response.headers
    .getSetCookie()
    .find((line) => line.startsWith('weir_session='))
    ?.split(';')[0];
}

async function signedIn(account: string): Promise<string> {
  const { cookie, callbackUrl } = await startedAt(account);
  const response = await callback(callbackUrl, cookie);
  expect(response.status, await response.clone().text()).toBe(200);
  return sessionCookieOf(response)!;
}

describe(`oidc sign-in against oidc-provider and kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('sends the browser to the provider with PKCE, state and nonce, keeping them on the server', async () => {
    const response = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`));
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(provider.issuer);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      client_id: provider.clientId,
      redirect_uri: REDIRECT_URL,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid email profile groups',
    });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(location.searchParams.get(name)).toMatch(/^[\w-]{40,}$/);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^weir_oidc=[\w-]{40,}; Path=\/api\/auth\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/);
    // The cookie is only a key: neither the state, the nonce nor the verifier travel through the browser in it.
    expect(cookie).not.toContain(location.searchParams.get('state')!);
  });

  it('signs alice in, lands on the saved page, and reads with her RBAC through impersonation', async () => {
    const { cookie, callbackUrl } = await startedAt('alice', '/services/sandbox/demo/nginx?tab=routing');
    expect(callbackUrl.origin + callbackUrl.pathname).toBe(REDIRECT_URL);
    expect(callbackUrl.searchParams.get('code')).toBeTruthy();

    const response = await callback(callbackUrl, cookie);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.text()).toContain('<meta http-equiv="refresh" content="0;url=/services/sandbox/demo/nginx?tab=routing">');
    const setCookies = response.headers.getSetCookie();
    expect(setCookies.find((line) => line.startsWith('weir_session='))).toMatch(/HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookies.find((line) => line.startsWith('weir_oidc='))).toMatch(/^weir_oidc=; .*Max-Age=0$/);

    const session = sessionCookieOf(response)!;
    const who = await routes.session.GET(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie: session } }));
    expect(who.status).toBe(200);
    expect(((await who.json()) as { user: unknown }).user).toEqual({ username: 'alice', groups: ['weir-operators', 'release-team'], strategy: 'oidc' });

    const services = await routes.services.GET(new Request(`${ORIGIN}/api/services`, { headers: { cookie: session } }));
    expect(services.status).toBe(200);
    const rows = (await services.json()) as { namespace: string; service: string }[];
    expect(rows).toContainEqual(expect.objectContaining({ namespace: 'demo', service: 'nginx' }));
  });

  it('the API server sees the impersonated user with each group as its own group', async () => {
    const session = (await findSession((await signedIn('alice')).split('=')[1]))!;
    expect(session.credential).toEqual({ kind: 'impersonate', user: 'alice', groups: ['weir-operators', 'release-team', 'system:authenticated'] });
    const api = sessionKubeConfig(session, 'sandbox').makeApiClient(AuthenticationV1Api);
    const review = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    expect(review.status?.userInfo?.username).toBe('alice');
    expect([...(review.status?.userInfo?.groups ?? [])].sort()).toEqual(['release-team', 'system:authenticated', 'weir-operators']);
  });

  it('acts with the signed-in user’s rights, not the console’s: a stranger sees nothing, a viewer may not change routing', async () => {
    const carol = await signedIn('carol');
    const services = await routes.services.GET(new Request(`${ORIGIN}/api/services`, { headers: { cookie: carol } }));
    expect(services.status).toBe(200);
    expect(await services.json()).toEqual([]);

    // A change that really changes something (v2, at 0%, takes over from v1): refused, and nothing moved.
    const victor = await signedIn('victor');
    const view = await reviewsView(victor);
    expect(await storedWeights()).toEqual({ v1: 100 });
    for (const mode of ['preview', 'apply'] as const) {
      const refused = await postIntent(victor, mode, { type: 'take-over', expected: view.splitEtag, version: 'v2' });
      expect(refused.status).toBe(403);
    }
    expect(await storedWeights()).toEqual({ v1: 100 });
  });

  it('an operator signed in through OIDC changes the split: dry-run, applied as them, read back from the API server', async () => {
    const alice = await signedIn('alice');
    const view = await reviewsView(alice);
    const stable = view.versions.find((version) => version.weight === 100)!.name;
    const idle = view.versions.find((version) => version.weight === 0)!.name;
    const intent = { type: 'take-over', expected: view.splitEtag, version: idle };

    const preview = await postIntent(alice, 'preview', intent);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.outcomes.map((outcome: { kind: string; name: string; status: string }) => `${outcome.kind}/${outcome.name} ${outcome.status}`)).toEqual(['VirtualService/reviews dry-run']);
    expect(await storedWeights()).toEqual({ [stable]: 100 });

    const applied = await postIntent(alice, 'apply', intent);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.outcomes.map((outcome: { kind: string; name: string; status: string }) => `${outcome.kind}/${outcome.name} ${outcome.status}`)).toEqual(['VirtualService/reviews done']);
    expect(await storedWeights()).toEqual({ [idle]: 100 });
    const after = await reviewsView(alice, (current) => current.versions.find((v) => v.name === idle)?.weight === 100);
    expect(after.versions.find((v) => v.name === stable)!.weight).toBe(0);

    // kube-apiserver's audit log: the write (not only its dry run) came as alice, impersonated by the console.
    const writes = async () =>
      readFileSync(`${sandbox.dir}/logs/audit.log`, 'utf8')
        .split('\n')
        .filter((line) => line.includes('"oidc-writes"') && line.includes('virtualservices'))
        .map((line) => JSON.parse(line) as { verb: string; requestURI: string; stage: string; impersonatedUser?: { username: string }; objectRef: { name: string }; responseStatus?: { code: number } })
        .filter((event) => event.verb === 'update' && event.objectRef.name === 'reviews' && event.stage === 'ResponseComplete' && !event.requestURI.includes('dryRun'));
    await expect.poll(async () => (await writes()).length, { timeout: 5_000 }).toBe(1);
    expect((await writes())[0]).toMatchObject({ impersonatedUser: { username: 'alice' }, responseStatus: { code: 200 } });
  });

  it('refuses a replayed callback (the same state twice)', async () => {
    const { cookie, callbackUrl } = await startedAt('alice');
    expect((await callback(callbackUrl, cookie)).status).toBe(200);
    const replay = await callback(callbackUrl, cookie);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/expired or was already used/);
    expect(sessionCookieOf(replay)).toBeUndefined();
  });

  it('refuses a tampered state, and the sign-in cannot be finished afterwards', async () => {
    const { cookie, callbackUrl } = await startedAt('alice');
    const tampered = new URL(callbackUrl);
    tampered.searchParams.set('state', `${callbackUrl.searchParams.get('state')!.slice(0, -2)}xx`);
    const refused = await callback(tampered, cookie);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/state/);
    expect(sessionCookieOf(refused)).toBeUndefined();
    expect((await callback(callbackUrl, cookie)).status).toBe(400);
  });

  it('refuses a callback from a browser that did not start the sign-in (no or another pending cookie)', async () => {
    const { callbackUrl } = await startedAt('alice');
    expect((await callback(callbackUrl, '')).status).toBe(400);
    const other = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`));
    const otherCookie = other.headers.get('set-cookie')!.split(';')[0]!;
    const refused = await callback(callbackUrl, otherCookie);
    expect(refused.status).toBe(401);
    expect(sessionCookieOf(refused)).toBeUndefined();
  });

  it('refuses a sign-in finished after the 10 minutes it may take', async () => {
    const { cookie, callbackUrl } = await startedAt('alice');
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 10 * 60_000 + 1);
    try {
      const late = await callback(callbackUrl, cookie);
      expect(late.status).toBe(400);
      expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    } finally {
      clock.mockRestore();
    }
    // Expired means gone: turning the clock back does not revive it.
    expect((await callback(callbackUrl, cookie)).status).toBe(400);
  });

  it('does not let a provider claim turn into a system identity or an unverified email into a user', async () => {
    const system = await startedAt('mallory');
    expect((await callback(system.callbackUrl, system.cookie)).status).toBe(403);
    const unverified = await startedAt('unverified');
    expect((await callback(unverified.callbackUrl, unverified.cookie)).status).toBe(401);
  });

  it('returns only to paths on this site', async () => {
    const { cookie, callbackUrl } = await startedAt('alice', 'https://evil.example/x');
    expect(await (await callback(callbackUrl, cookie)).text()).toContain('content="0;url=/services"');
    expect(['//evil.example', '/\\evil.example', 'javascript:alert(1)', '', '/releases?a=1#b'].map(safeReturnPath)).toEqual(['/services', '/services', '/services', '/services', '/releases?a=1#b']);
  });

  it('offers SSO on the login page', async () => {
    const options = (await (await routes.login.GET()).json()) as { strategies: string[] };
    expect(options.strategies).toContain('oidc');
  });
});
