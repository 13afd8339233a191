/**
 * Attacks a browser-side attacker can make on a console outside the sandbox, against the sandbox's kube-apiserver:
 * sign-in redirects that leave the site, cookies that could be planted or sent over http, cross-site and forged
 * CSRF requests, and answers that would tell an anonymous or signed-in user the addresses of internal servers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REDIRECT_ATTACKS } from '../../test/redirect-attacks.ts';
import { signInAtProvider, startOidcProvider, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestProvider } from '../../test/oidc-provider.ts';

const sandbox = inject('sandbox');
const ORIGIN = 'https://weir.example';
const HOST = 'weir.example';
const REDIRECT_URL = `${ORIGIN}/api/auth/oidc/callback`;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// The identity provider is down when the first sign-in starts; it comes up on this port afterwards.
const idpPort = await closedPort();
const prometheusPort = await closedPort();
const deadApiServerPort = await closedPort();

// The sandbox's cluster, plus one whose API server does not answer (its watches fail).
const kubeconfig = parse(readFileSync(sandbox.consoleKubeconfig, 'utf8')) as {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
};
kubeconfig.clusters.push({ name: 'unreachable', cluster: { server: `https://127.0.0.1:${deadApiServerPort}`, 'insecure-skip-tls-verify': true } });
kubeconfig.contexts.push({ name: 'unreachable', context: { cluster: 'unreachable', user: kubeconfig.contexts[0]!.context.user } });
const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'weir-security-')), 'console.kubeconfig');
writeFileSync(kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });

process.env.WEIR_KUBECONFIG = kubeconfigPath;
// Not the sandbox: cookies must be Secure and __Host- whatever the request looks like.
delete process.env.WEIR_SANDBOX;
process.env.WEIR_AUTH_STRATEGIES = 'oidc';
process.env.WEIR_OIDC_ISSUER = `http://127.0.0.1:${idpPort}`;
process.env.WEIR_OIDC_CLIENT_ID = TEST_CLIENT_ID;
process.env.WEIR_OIDC_CLIENT_SECRET = TEST_CLIENT_SECRET;
process.env.WEIR_OIDC_REDIRECT_URL = REDIRECT_URL;
process.env.WEIR_OIDC_MODE = 'impersonate';
process.env.WEIR_PROMETHEUS_URL = `http://127.0.0.1:${prometheusPort}`;
process.env.WEIR_LOGIN_RATE_PER_ADDRESS = '100000';
process.env.WEIR_LOGIN_RATE_GLOBAL = '1000000';

const routes = {
  start: await import('@/app/api/auth/oidc/start/route'),
  callback: await import('@/app/api/auth/oidc/callback/route'),
  session: await import('@/app/api/auth/session/route'),
  logout: await import('@/app/api/auth/logout/route'),
  login: await import('@/app/api/auth/login/route'),
  clusters: await import('@/app/api/clusters/route'),
  serviceMetrics: await import('@/app/api/services/[cluster]/[namespace]/[name]/metrics/route'),
  listMetrics: await import('@/app/api/metrics/services/route'),
};
const { sessionCount } = await import('@/lib/auth/session-store');

/** Every way of writing an internal address this suite knows of. */
const INTERNAL = [
  new URL(sandbox.apiServerUrl).host,
  `127.0.0.1:${idpPort}`,
  `127.0.0.1:${prometheusPort}`,
  `127.0.0.1:${deadApiServerPort}`,
  'ECONNREFUSED',
  'fetch failed',
];

function expectNoInternalAddress(text: string): void {
  for (const address of INTERNAL) expect(text, `answer names ${address}`).not.toContain(address);
}

let provider: TestProvider | undefined;
afterAll(() => provider?.close());

describe(`an identity provider that is down, for an anonymous visitor (kube-apiserver ${sandbox.apiServerVersion})`, () => {
  it('answers 502 without the provider’s address or the network error', async () => {
    const response = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`));
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(JSON.parse(text)).toEqual({ error: { status: 502, reason: 'BadGateway', code: 'server.idpUnreachable', message: 'The identity provider could not be reached; try again later' } });
    expectNoInternalAddress(text);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

/** A sign-in through the provider; answers the callback's response. */
async function signInVia(next?: string): Promise<{ start: Response; callback: Response }> {
  const query = next === undefined ? '' : `?${new URLSearchParams({ next })}`;
  const start = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start${query}`));
  expect(start.status, await start.clone().text()).toBe(303);
  const pending = start.headers.get('set-cookie')!.split(';')[0]!;
  const callbackUrl = await signInAtProvider(start.headers.get('location')!, 'alice');
  const callback = await routes.callback.GET(new Request(callbackUrl, { headers: { cookie: pending } }));
  return { start, callback };
}

function sessionOf(response: Response): string {
  const line = response.headers.getSetCookie().find((value) => value.startsWith('__Host-weir_session='));
  expect(line, response.headers.getSetCookie().join(' | ')).toBeDefined();
  return line!.split(';')[0]!;
}

describe('with the identity provider up', () => {
  let alice: string;
  let csrfToken: string;

  beforeAll(async () => {
    provider = await startOidcProvider(REDIRECT_URL, {}, idpPort);
    const { callback } = await signInVia();
    alice = sessionOf(callback);
    csrfToken = ((await (await routes.session.GET(new Request(ORIGIN, { headers: { cookie: alice } }))).json()) as { csrfToken: string }).csrfToken;
  });

  describe('sign-in redirects never leave the site', () => {
    it.each(REDIRECT_ATTACKS)('OIDC with next=%j lands on /services', async (next) => {
      const { callback } = await signInVia(next);
      expect(callback.status).toBe(200);
      const page = await callback.text();
      expect(page).toContain('<meta http-equiv="refresh" content="0;url=/services">');
      expect(page).not.toContain('evil');
    });

    it('OIDC keeps a path of this site', async () => {
      const { callback } = await signInVia('/services/sandbox/demo/nginx?tab=routing');
      expect(await callback.text()).toContain('content="0;url=/services/sandbox/demo/nginx?tab=routing"');
    });
  });

  describe('cookies outside the sandbox', () => {
    it('are Secure and __Host- (Path=/, no Domain), even when the request came over plain http', async () => {
      const { start, callback } = await signInVia();
      expect(start.headers.get('set-cookie')).toMatch(/^__Host-weir_oidc=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
      const lines = callback.headers.getSetCookie();
      expect(lines.find((line) => line.startsWith('__Host-weir_session='))).toMatch(/^__Host-weir_session=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
      expect(lines.find((line) => line.startsWith('__Host-weir_oidc='))).toMatch(/^__Host-weir_oidc=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0; Secure$/);

      const overHttp = await routes.start.GET(new Request('http://weir.example/api/auth/oidc/start'));
      expect(overHttp.headers.get('set-cookie')).toMatch(/^__Host-weir_oidc=.*; Secure$/);
    });

    it('a session id under the plain name (planted by a sibling site or over http) is nobody', async () => {
      const id = alice.split('=')[1]!;
      const planted = await routes.session.GET(new Request(ORIGIN, { headers: { cookie: `weir_session=${id}` } }));
      expect(planted.status).toBe(401);
      const pending = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`));
      const pendingId = pending.headers.get('set-cookie')!.split(';')[0]!.split('=')[1]!;
      // A planted plain pending cookie does not finish anyone's sign-in either.
      const callback = await routes.callback.GET(new Request(`${REDIRECT_URL}?code=x&state=y`, { headers: { cookie: `weir_oidc=${pendingId}` } }));
      expect(callback.status).toBe(400);
    });
  });

  describe('cross-site and forged requests', () => {
    const logout = (headers: Record<string, string>) => routes.logout.POST(new Request(`${ORIGIN}/api/auth/logout`, { method: 'POST', headers: { cookie: alice, host: HOST, ...headers } }));

    async function stillSignedIn(): Promise<void> {
      expect((await routes.session.GET(new Request(ORIGIN, { headers: { cookie: alice } }))).status).toBe(200);
    }

    it.each([
      ['Origin: null', { origin: 'null', 'x-csrf-token': '' }],
      ['an unparsable Origin', { origin: 'not a url', 'x-csrf-token': '' }],
      ['another site', { origin: 'https://evil.example' }],
      ['a look-alike host', { origin: 'https://weir.example.evil.example' }],
      ['no Origin', {}],
    ])('refuses %s with a clean 403 and keeps the session', async (_, headers) => {
      const response = await logout({ 'x-csrf-token': csrfToken, ...headers });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { reason: string; message: string } }).error).toMatchObject({ reason: 'Forbidden', message: 'Cross-site request refused (Origin does not match)' });
      await stillSignedIn();
    });

    it('refuses a sign-in POST with Origin: null (a sandboxed frame) with 403, not 500', async () => {
      const before = sessionCount();
      for (const origin of ['null', 'file://', '']) {
        const response = await routes.login.POST(
          new Request(`${ORIGIN}/api/auth/login`, { method: 'POST', headers: { origin, host: HOST, 'content-type': 'application/json' }, body: '{"strategy":"token","token":"0123456789abcdef"}' }),
        );
        expect(response.status, origin).toBe(403);
        expect(((await response.json()) as { error: { reason: string } }).error.reason).toBe('Forbidden');
      }
      expect(sessionCount()).toBe(before);
    });

    it('refuses a missing, empty, truncated, extended or one-character-off CSRF token, and another session’s', async () => {
      const other = sessionOf((await signInVia()).callback);
      const otherToken = ((await (await routes.session.GET(new Request(ORIGIN, { headers: { cookie: other } }))).json()) as { csrfToken: string }).csrfToken;
      const last = csrfToken.at(-1) === 'A' ? 'B' : 'A';
      for (const token of [undefined, '', csrfToken.slice(0, -1), `${csrfToken}A`, `${csrfToken.slice(0, -1)}${last}`, otherToken, csrfToken.toUpperCase()]) {
        const response = await logout({ origin: ORIGIN, ...(token === undefined ? {} : { 'x-csrf-token': token }) });
        expect(response.status, `token ${token}`).toBe(403);
        expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/CSRF/);
      }
      await stillSignedIn();
    });

    it('accepts the right token from the same origin (and then the session is gone)', async () => {
      const before = sessionCount();
      expect((await logout({ origin: ORIGIN, 'x-csrf-token': csrfToken })).status).toBe(200);
      expect(sessionCount()).toBe(before - 1);
      expect((await routes.session.GET(new Request(ORIGIN, { headers: { cookie: alice } }))).status).toBe(401);
    });
  });

  describe('answers to a signed-in user name no internal address', () => {
    let bob: string;
    beforeAll(async () => {
      bob = sessionOf((await signInVia()).callback);
    });

    it('/api/clusters: no API server URL, and a failing watch only by its kind', async () => {
      let clusters: { name: string; unhealthy: { kind: string; failing: boolean }[] }[] = [];
      // The unreachable cluster's watches report their first failure within a second or two.
      for (let attempt = 0; attempt < 30; attempt++) {
        const response = await routes.clusters.GET(new Request(`${ORIGIN}/api/clusters`, { headers: { cookie: bob } }));
        expect(response.status).toBe(200);
        const text = await response.text();
        expectNoInternalAddress(text);
        expect(text).not.toMatch(/https?:\/\//);
        clusters = JSON.parse(text);
        if (clusters.find((cluster) => cluster.name === 'unreachable')?.unhealthy.some((kind) => kind.failing)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(clusters.map((cluster) => cluster.name).sort()).toEqual(['sandbox', 'unreachable']);
      const unreachable = clusters.find((cluster) => cluster.name === 'unreachable')!;
      expect(unreachable.unhealthy.some((kind) => kind.failing)).toBe(true);
      for (const kind of unreachable.unhealthy) expect(Object.keys(kind).sort()).toEqual(['failing', 'kind', 'restarts', 'synced']);
    });

    it('metrics with Prometheus down: says so, without its address', async () => {
      const params = { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx' }) };
      const chart = await routes.serviceMetrics.GET(new Request(`${ORIGIN}/api/services/sandbox/demo/nginx/metrics`, { headers: { cookie: bob } }), params);
      const chartText = await chart.text();
      expect(chart.status, chartText).toBe(200);
      expect(JSON.parse(chartText)).toMatchObject({ status: 'unavailable', reason: 'unreachable', message: 'Prometheus cannot be reached' });
      expectNoInternalAddress(chartText);

      const list = await routes.listMetrics.GET(new Request(`${ORIGIN}/api/metrics/services?cluster=sandbox&services=demo/nginx`, { headers: { cookie: bob } }));
      const listText = await list.text();
      expect(list.status, listText).toBe(200);
      expect(JSON.parse(listText)).toMatchObject({ status: 'unavailable', message: 'Prometheus cannot be reached' });
      expectNoInternalAddress(listText);
    });
  });
});
