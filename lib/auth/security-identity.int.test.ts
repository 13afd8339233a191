/**
 * Attacks on who the console acts as, against the sandbox's kube-apiserver: OIDC claims and auth-proxy headers
 * that are, or would be read as, system identities or someone else (padding, case, Unicode folding, invisible
 * characters, header injection), the proxy strategy without Weir's front server, and what RBAC itself lets the
 * console impersonate when its own checks are bypassed. Every attempt must be a 403 that signs no one in.
 */
import { ApiException, AuthenticationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signInAtProvider, startOidcProvider, type TestAccount, oidcClientEnv } from '../../test/oidc-provider.ts';

const sandbox = inject('sandbox');
const ORIGIN = 'http://weir.test';
const REDIRECT_URL = `${ORIGIN}/api/auth/oidc/callback`;
const PROXY = '127.0.0.7';

/** Accounts of a provider that lies: each claims a name that must not become an impersonated identity. */
const LYING_ACCOUNTS: Record<string, TestAccount & { why: string }> = {
  'padded-system': { email: ' system:masters', groups: [], why: 'a leading space (the API server trims headers)' },
  'trailing-tab-system': { email: 'system:admin\t', groups: [], why: 'a trailing tab' },
  'upper-system': { email: 'SYSTEM:admin', groups: [], why: 'upper case' },
  'fullwidth-system': { email: '\uff53\uff59\uff53\uff54\uff45\uff4d\uff1aadmin', groups: [], why: 'full-width letters (NFKC folds them)' },
  'nbsp-system': { email: '\u00a0system:kube-controller-manager', groups: [], why: 'a no-break space' },
  'serviceaccount': { email: 'system:serviceaccount:kube-system:default', groups: [], why: 'a ServiceAccount' },
  'zero-width': { email: 'sys\u200btem:admin', groups: [], why: 'a zero-width space' },
  'bidi': { email: 'alice\u202e', groups: [], why: 'a right-to-left override' },
  'inner-space': { email: 'alice admin', groups: [], why: 'inner whitespace' },
  'header-injection': { email: 'alice\r\nImpersonate-Group: system:masters', groups: [], why: 'CR LF' },
  'nul': { email: 'alice\u0000', groups: [], why: 'a NUL' },
  'not-a-string': { email: ['alice'], groups: [], why: 'an array as the user name' },
  'group-padded-masters': { email: 'carol', groups: ['weir-operators', ' system:masters'], why: 'a padded system:masters group' },
  'group-upper-masters': { email: 'carol', groups: ['System:Masters'], why: 'a system:masters group in other case' },
  'group-fullwidth-masters': { email: 'carol', groups: ['\uff53ystem:masters'], why: 'a full-width system:masters group' },
  'group-nodes': { email: 'carol', groups: ['system:nodes'], why: 'the nodes group' },
  'group-zero-width': { email: 'carol', groups: ['weir-operators\u200d'], why: 'a zero-width joiner in a group' },
  'group-not-string': { email: 'carol', groups: [{ name: 'system:masters' }], why: 'an object as a group' },
  'group-string-masters': { email: 'carol', groups: 'system:masters', why: 'a single string groups claim' },
};

const HONEST_ACCOUNTS: Record<string, TestAccount> = {
  padded: { email: '  alice  ', email_verified: true, groups: [' weir-operators ', 'release-team'] },
  chinese: { email: '张三', email_verified: true, groups: [] },
};

const provider = await startOidcProvider(REDIRECT_URL, { ...LYING_ACCOUNTS, ...HONEST_ACCOUNTS });

process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_AUTH_STRATEGIES = 'oidc,proxy';
Object.assign(process.env, oidcClientEnv(provider, REDIRECT_URL));
process.env.WEIR_PROXY_TRUSTED_ADDRESSES = PROXY;
// This suite signs in many times on purpose; the login rate limits have their own tests.
process.env.WEIR_LOGIN_RATE_PER_ADDRESS = '100000';
process.env.WEIR_LOGIN_RATE_GLOBAL = '1000000';

const routes = {
  start: await import('@/app/api/auth/oidc/start/route'),
  callback: await import('@/app/api/auth/oidc/callback/route'),
  proxy: await import('@/app/api/auth/proxy/route'),
  session: await import('@/app/api/auth/session/route'),
};
const { findSession, sessionCount } = await import('@/lib/auth/session-store');
const { sessionKubeConfig } = await import('@/lib/auth/user-client');
const { impersonatingKubeConfig } = await import('@/lib/auth/impersonation');
const { clusterTarget } = await import('@/lib/k8s/clusters');
const { FRONT_SERVER_HEADER, PEER_HEADER, registerFrontServer, stampRequest } = await import('@/lib/auth/front-server');

afterAll(() => provider.close());

function sessionCookieOf(response: Response): string | undefined {
  return response.headers
    .getSetCookie()
    .find((line) => /^(__Host-)?weir_session=/.test(line))
    ?.split(';')[0];
}

async function oidcSignIn(account: string): Promise<Response> {
  const start = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`));
  expect(start.status).toBe(303);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const callbackUrl = await signInAtProvider(start.headers.get('location')!, account);
  return routes.callback.GET(new Request(callbackUrl, { headers: { cookie } }));
}

/** Who the API server says a session is (SelfSubjectReview through the console's impersonation). */
async function apiServerSees(sessionCookie: string): Promise<{ username?: string; groups: string[] }> {
  const session = (await findSession(sessionCookie.split('=')[1]))!;
  const api = sessionKubeConfig(session, 'sandbox').makeApiClient(AuthenticationV1Api);
  const review = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  return { username: review.status?.userInfo?.username, groups: [...(review.status?.userInfo?.groups ?? [])].sort() };
}

/** A header value as it arrives over HTTP: the UTF-8 bytes, one per character. */
const wire = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

async function refusedWithoutSession(attempt: () => Promise<Response> | Response): Promise<{ status: number; message: string }> {
  const before = sessionCount();
  const response = await attempt();
  const body = (await response.clone().json()) as { error: { message: string } };
  expect(sessionCookieOf(response), 'no session cookie').toBeUndefined();
  expect(sessionCount(), 'no session created').toBe(before);
  return { status: response.status, message: body.error.message };
}

describe(`OIDC claims that would impersonate someone else, against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it.each(Object.entries(LYING_ACCOUNTS))('refuses %s (%s) with 403 and signs no one in', async (account) => {
    const { status, message } = await refusedWithoutSession(() => oidcSignIn(account));
    expect(status).toBe(403);
    expect(message).toMatch(/^Refusing to sign in: the identity provider's (user name|group) /);
  });

  it('signs in a padded claim as the name the API server sees, and only that', async () => {
    const response = await oidcSignIn('padded');
    expect(response.status, await response.clone().text()).toBe(200);
    const cookie = sessionCookieOf(response)!;
    const who = (await (await routes.session.GET(new Request(ORIGIN, { headers: { cookie } }))).json()) as { user: { username: string; groups: string[] } };
    expect(who.user).toMatchObject({ username: 'alice', groups: ['weir-operators', 'release-team'] });
    expect(await apiServerSees(cookie)).toEqual({ username: 'alice', groups: ['release-team', 'system:authenticated', 'weir-operators'] });
  });

  it('impersonates a non-ASCII name as written, not as mojibake', async () => {
    const response = await oidcSignIn('chinese');
    expect(response.status, await response.clone().text()).toBe(200);
    expect((await apiServerSees(sessionCookieOf(response)!)).username).toBe('张三');
  });
});

function proxyLogin(headers: Record<string, string>, stampedFrom?: { peer: string; mark: string }): Response | Promise<Response> {
  const incoming: Record<string, string> = { ...headers };
  if (stampedFrom) stampRequest(incoming, stampedFrom.peer, stampedFrom.mark);
  return routes.proxy.GET(new Request(`${ORIGIN}/api/auth/proxy?next=/services`, { headers: incoming }));
}

describe('the proxy strategy without server.mjs (next start, next dev)', () => {
  it('fails closed: a client naming the trusted peer itself gets 403, whatever it sends', async () => {
    const forged = { 'x-forwarded-user': 'admin', [PEER_HEADER]: PROXY };
    for (const headers of [forged, { ...forged, [FRONT_SERVER_HEADER]: 'x' }, { ...forged, [FRONT_SERVER_HEADER]: '' }]) {
      const { status, message } = await refusedWithoutSession(() => proxyLogin(headers));
      expect(status).toBe(403);
      expect(message).toMatch(/server\.mjs/);
    }
  });
});

describe('the proxy strategy behind server.mjs', () => {
  let mark: string;
  beforeAll(() => {
    mark = registerFrontServer();
  });

  it('refuses a forged front-server mark, and a client on another address naming the proxy’s', async () => {
    const forgedMark = await refusedWithoutSession(() => proxyLogin({ 'x-forwarded-user': 'alice', [PEER_HEADER]: PROXY, [FRONT_SERVER_HEADER]: `${mark.slice(0, -1)}A` }));
    expect(forgedMark.status).toBe(403);
    // server.mjs overwrites the peer header with the socket's address: the client's claim does not survive.
    const spoofed = await refusedWithoutSession(() => proxyLogin({ 'x-forwarded-user': 'alice', [PEER_HEADER]: PROXY }, { peer: '127.0.0.1', mark }));
    expect(spoofed).toEqual({ status: 403, message: 'This request did not come through the trusted auth proxy' });
  });

  const LYING_HEADERS: [string, Record<string, string>][] = [
    ['a padded system user', { 'x-forwarded-user': ' system:admin' }],
    ['an upper-case system user', { 'x-forwarded-user': 'System:Admin' }],
    ['a full-width system user (UTF-8 on the wire)', { 'x-forwarded-user': wire('\uff53\uff59\uff53\uff54\uff45\uff4d\uff1aadmin') }],
    ['a zero-width space in the user', { 'x-forwarded-user': wire('sys\u200btem:admin') }],
    ['a bidi override in the user', { 'x-forwarded-user': wire('alice\u202e') }],
    ['a ServiceAccount', { 'x-forwarded-user': 'system:serviceaccount:kube-system:default' }],
    ['a tab inside the user', { 'x-forwarded-user': 'alice\tadmin' }],
    ['bytes that are not UTF-8', { 'x-forwarded-user': 'alice\u00ff\u00fe' }],
    ['system:masters among the groups', { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'release-team, system:masters' }],
    ['an upper-case system group', { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'SYSTEM:MASTERS' }],
    ['a full-width system group', { 'x-forwarded-user': 'alice', 'x-forwarded-groups': wire('\uff53ystem:masters') }],
    ['an empty group between commas', { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'release-team,,weir-operators' }],
    ['a group with inner whitespace', { 'x-forwarded-user': 'alice', 'x-forwarded-groups': 'release team' }],
  ];

  it.each(LYING_HEADERS)('refuses %s with 403 and signs no one in', async (_, headers) => {
    const { status, message } = await refusedWithoutSession(() => proxyLogin(headers, { peer: PROXY, mark }));
    expect(status).toBe(403);
    expect(message).toMatch(/^Refusing to sign in: the auth proxy's /);
  });

  it('signs in what the trusted proxy names, as the API server will see it (UTF-8 names included)', async () => {
    const response = await proxyLogin({ 'x-forwarded-user': wire('  张三 '), 'x-forwarded-groups': ' release-team , weir-operators' }, { peer: PROXY, mark });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/services');
    expect(await apiServerSees(sessionCookieOf(response)!)).toEqual({ username: '张三', groups: ['release-team', 'system:authenticated', 'weir-operators'] });
  });
});

describe('what RBAC lets the console impersonate (deploy/rbac/impersonation.yaml), its own checks bypassed', () => {
  async function reviewAs(user: string, groups: string[]): Promise<number | string> {
    const api = impersonatingKubeConfig(clusterTarget('sandbox')!, user, groups).makeApiClient(AuthenticationV1Api);
    try {
      const review = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
      return review.status?.userInfo?.username ?? 'nobody';
    } catch (error) {
      if (error instanceof ApiException) return error.code;
      throw error;
    }
  }

  it('lets it act as a user in the listed groups', async () => {
    expect(await reviewAs('alice', ['weir-operators', 'system:authenticated'])).toBe('alice');
  });

  it.each([
    ['system:masters', ['system:masters']],
    ['system:nodes', ['system:nodes']],
    ['a group nobody listed', ['weir-operators', 'cluster-admins']],
  ])('the API server refuses the group %s (403)', async (_, groups) => {
    expect(await reviewAs('alice', groups)).toBe(403);
  });

  it('the API server refuses a ServiceAccount (403): impersonating serviceaccounts is not granted', async () => {
    expect(await reviewAs('system:serviceaccount:kube-system:default', [])).toBe(403);
    expect(await reviewAs('system:serviceaccount:weir-system:weir-console', [])).toBe(403);
  });
});
