/**
 * Username / groups prefixes (WEIR_OIDC_*_PREFIX, WEIR_PROXY_*_PREFIX) against the sandbox's kube-apiserver: an
 * identity provider's or auth proxy's user can never be taken for a cluster user of the same name, and a group
 * RBAC does not let the console impersonate (impersonation.yaml lists unprefixed groups) is refused by the API server.
 */
import { ApiException, AuthenticationV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { signInAtProvider, startOidcProvider, oidcClientEnv } from '../../test/oidc-provider.ts';

const sandbox = inject('sandbox');
const ORIGIN = 'http://weir.test';
const REDIRECT_URL = `${ORIGIN}/api/auth/oidc/callback`;
const provider = await startOidcProvider(REDIRECT_URL, { 'oidc-prefixed': { email: 'oidc:alice', email_verified: true, groups: [] } });

process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_AUTH_STRATEGIES = 'oidc,proxy';
Object.assign(process.env, oidcClientEnv(provider, REDIRECT_URL));
process.env.WEIR_OIDC_USERNAME_PREFIX = 'oidc:';
process.env.WEIR_OIDC_GROUPS_PREFIX = 'oidc:';
process.env.WEIR_PROXY_TRUSTED_ADDRESSES = '127.0.0.7';
process.env.WEIR_PROXY_USERNAME_PREFIX = 'proxy:';
process.env.WEIR_PROXY_GROUPS_PREFIX = 'proxy:';
process.env.WEIR_LOGIN_RATE_PER_ADDRESS = '100000';
process.env.WEIR_LOGIN_RATE_GLOBAL = '1000000';

const routes = {
  start: await import('@/app/api/auth/oidc/start/route'),
  callback: await import('@/app/api/auth/oidc/callback/route'),
  proxy: await import('@/app/api/auth/proxy/route'),
  session: await import('@/app/api/auth/session/route'),
  services: await import('@/app/api/services/route'),
};
const { findSession } = await import('@/lib/auth/session-store');
const { sessionKubeConfig } = await import('@/lib/auth/user-client');
const { registerFrontServer, stampRequest } = await import('@/lib/auth/front-server');
const mark = registerFrontServer();

afterAll(() => provider.close());

function sessionCookieOf(response: Response): string {
  return response.headers.getSetCookie().find((line) => line.startsWith('weir_session='))!.split(';')[0]!;
}

async function oidcSignIn(account: string): Promise<string> {
  const start = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`));
  const callbackUrl = await signInAtProvider(start.headers.get('location')!, account);
  const response = await routes.callback.GET(new Request(callbackUrl, { headers: { cookie: start.headers.get('set-cookie')!.split(';')[0]! } }));
  expect(response.status, await response.clone().text()).toBe(200);
  return sessionCookieOf(response);
}

async function proxySignIn(user: string, groups?: string): Promise<string> {
  const headers: Record<string, string> = { 'x-forwarded-user': user, ...(groups ? { 'x-forwarded-groups': groups } : {}) };
  stampRequest(headers, '127.0.0.7', mark);
  return sessionCookieOf(await routes.proxy.GET(new Request(`${ORIGIN}/api/auth/proxy`, { headers })));
}

async function review(cookie: string): Promise<{ username?: string; groups?: string[] } | number> {
  const api = sessionKubeConfig((await findSession(cookie.split('=')[1]))!, 'sandbox').makeApiClient(AuthenticationV1Api);
  try {
    const answer = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    return { username: answer.status?.userInfo?.username, groups: answer.status?.userInfo?.groups };
  } catch (error) {
    if (error instanceof ApiException) return error.code;
    throw error;
  }
}

async function serviceNames(cookie: string): Promise<string[]> {
  const response = await routes.services.GET(new Request(`${ORIGIN}/api/services`, { headers: { cookie } }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { service: string }[]).map((row) => row.service);
}

describe(`username and groups prefixes against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('an identity provider’s "alice" is oidc:alice to the API server, with none of the cluster user alice’s rights', async () => {
    const carol = await oidcSignIn('carol');
    expect(await review(carol)).toEqual({ username: 'oidc:carol', groups: ['system:authenticated'] });
    const claimedAlice = await oidcSignIn('oidc-prefixed');
    expect(await review(claimedAlice)).toMatchObject({ username: 'oidc:oidc:alice' });
    // alice's RoleBindings name "alice": an IdP account that calls itself alice sees nothing of hers.
    expect(await serviceNames(claimedAlice)).toEqual([]);
  });

  it('a proxy’s user is proxy:<name>; its groups are proxy:<group>', async () => {
    const victor = await proxySignIn('victor');
    expect(await review(victor)).toEqual({ username: 'proxy:victor', groups: ['system:authenticated'] });
    const me = (await (await routes.session.GET(new Request(ORIGIN, { headers: { cookie: await proxySignIn('alice', 'release-team') } }))).json()) as { user: unknown };
    expect(me.user).toMatchObject({ username: 'proxy:alice', groups: ['proxy:release-team'] });
  });

  it('a prefixed group that impersonation.yaml does not list is refused by the API server (403): RBAC has the last word', async () => {
    const alice = await oidcSignIn('alice');
    expect((await findSession(alice.split('=')[1]))!.user.groups).toEqual(['oidc:weir-operators', 'oidc:release-team']);
    expect(await review(alice)).toBe(403);
  });
});
