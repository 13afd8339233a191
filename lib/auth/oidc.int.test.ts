import { AuthenticationV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { signIn } from '../../test/console-session.ts';
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

afterAll(() => provider.close());

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
    const session = findSession((await signedIn('alice')).split('=')[1])!;
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

    const victor = await signedIn('victor');
    const { csrfToken } = (await (await routes.session.GET(new Request(`${ORIGIN}/api/auth/session`, { headers: { cookie: victor } }))).json()) as { csrfToken: string };
    const admin = await signIn('admin');
    const nginx = { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx' }) };
    const { view } = (await (await routes.service.GET(new Request(ORIGIN, { headers: admin.read }), nginx)).json()) as {
      view: { splitEtag: string; versions: { name: string; role: string }[] };
    };
    const stable = view.versions.find((version) => version.role === 'stable')!.name;
    const body = JSON.stringify({ mode: 'preview', intent: { type: 'take-over', expected: view.splitEtag, version: stable } });
    const headers = { cookie: victor, origin: ORIGIN, host: 'weir.test', 'x-csrf-token': csrfToken, 'content-type': 'application/json' };
    const refused = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', body, headers }), nginx);
    expect(refused.status).toBe(403);
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
