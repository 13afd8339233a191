/**
 * Item 7 of issue 15: bursts of sign-ins. Token and sandbox logins, OIDC starts and proxy logins come from
 * "addresses" the way server.mjs stamps them; past the per-address or the global budget each is a 429 with
 * Retry-After, before any SelfSubjectReview or pending sign-in, and no session is created. Expired sessions are
 * swept from the store without anyone presenting their cookie.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { signInAtProvider, startOidcProvider, oidcClientEnv } from '../../test/oidc-provider.ts';

const sandbox = inject('sandbox');
const ORIGIN = 'http://weir.test';
const REDIRECT_URL = `${ORIGIN}/api/auth/oidc/callback`;
const provider = await startOidcProvider(REDIRECT_URL);
afterAll(() => provider.close());

const PER_ADDRESS = 4;
const GLOBAL = 24;
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_DEV_KUBECONFIG = sandbox.kubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_AUTH_STRATEGIES = 'dev,token,oidc,proxy';
Object.assign(process.env, oidcClientEnv(provider, REDIRECT_URL));
process.env.WEIR_PROXY_TRUSTED_ADDRESSES = '198.51.100.7';
process.env.WEIR_LOGIN_RATE_PER_ADDRESS = String(PER_ADDRESS);
process.env.WEIR_LOGIN_RATE_GLOBAL = String(GLOBAL);

const routes = {
  login: await import('@/app/api/auth/login/route'),
  start: await import('@/app/api/auth/oidc/start/route'),
  callback: await import('@/app/api/auth/oidc/callback/route'),
  proxy: await import('@/app/api/auth/proxy/route'),
  session: await import('@/app/api/auth/session/route'),
};
const { registerFrontServer, stampRequest } = await import('@/lib/auth/front-server');
const store = await import('@/lib/auth/session-store');

// What server.mjs does before Next.js starts, and to every request it passes on.
const mark = registerFrontServer();
function from(address: string, headers: Record<string, string> = {}): Record<string, string> {
  const stamped: Record<string, string> = { ...headers };
  stampRequest(stamped, address, mark);
  return stamped;
}

function login(address: string, body: unknown): Promise<Response> {
  return routes.login.POST(
    new Request(`${ORIGIN}/api/auth/login`, { method: 'POST', headers: from(address, { origin: ORIGIN, host: 'weir.test' }), body: JSON.stringify(body) }),
  );
}

async function refused(response: Response): Promise<{ retryAfter: number; message: string }> {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await response.json()) as { error: { reason: string; message: string } };
  expect(body.error.reason).toBe('TooManyRequests');
  return { retryAfter, message: body.error.message };
}

describe('login rate limits', () => {
  it('expired sessions are swept from the store without anyone coming back for them', async () => {
    const response = await login('203.0.113.250', { strategy: 'dev', user: 'victor' });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const id = cookie.slice(cookie.indexOf('=') + 1);
    const session = (await store.peekSession(id))!;
    // Thirteen hours later (WEIR_SESSION_MAX_HOURS is 12):
    session.createdAt -= 13 * 3_600_000;
    session.lastSeenAt = Date.now();
    const held = store.sessionCount();
    expect(await store.sweepSessions()).toBeGreaterThanOrEqual(1);
    expect(store.sessionCount()).toBeLessThan(held);
    expect((await routes.session.GET(new Request(ORIGIN, { headers: { cookie } }))).status).toBe(401);
  });

  it('a burst of sandbox logins from one address: the budget signs in, the rest are 429 and start no session', async () => {
    const before = store.sessionCount();
    const answers: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 3; i++) answers.push((await login('203.0.113.1', { strategy: 'dev', user: 'victor' })).status);
    expect(answers).toEqual([...Array(PER_ADDRESS).fill(200), 429, 429, 429]);
    expect(store.sessionCount()).toBe(before + PER_ADDRESS);
    const { retryAfter, message } = await refused(await login('203.0.113.1', { strategy: 'dev', user: 'victor' }));
    expect(message).toContain('from this address');
    // Four a minute: the next one is 15 s away.
    expect(retryAfter).toBeGreaterThan(10);
    // Another address is not held back by this one.
    expect((await login('203.0.113.2', { strategy: 'dev', user: 'victor' })).status).toBe(200);
  });

  it('a burst of wrong tokens (each would cost a SelfSubjectReview) is cut off the same way', async () => {
    const answers: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 2; i++) answers.push((await login('203.0.113.3', { strategy: 'token', token: `guess-${i}-${'x'.repeat(20)}` })).status);
    expect(answers).toEqual([...Array(PER_ADDRESS).fill(401), 429, 429]);
    // A correct token does not get past the limit either: no session is started.
    const before = store.sessionCount();
    await refused(await login('203.0.113.3', { strategy: 'dev', user: 'admin' }));
    expect(store.sessionCount()).toBe(before);
  });

  it('a flood of OIDC starts from one address cannot push out a sign-in another user has started', async () => {
    const victim = await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`, { headers: from('203.0.113.9') }));
    expect(victim.status).toBe(303);
    const answers: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 3; i++) answers.push((await routes.start.GET(new Request(`${ORIGIN}/api/auth/oidc/start`, { headers: from('203.0.113.4') }))).status);
    expect(answers).toEqual([...Array(PER_ADDRESS).fill(303), 429, 429, 429]);
    // The victim finishes their sign-in.
    const callbackUrl = await signInAtProvider(victim.headers.get('location')!, 'alice');
    const done = await routes.callback.GET(new Request(callbackUrl, { headers: { cookie: victim.headers.get('set-cookie')!.split(';')[0]! } }));
    expect(done.status).toBeLessThan(400);
  });

  it('proxy logins are limited per person the proxy names (all share its address), and globally', async () => {
    const proxied = (user: string) => routes.proxy.GET(new Request(`${ORIGIN}/api/auth/proxy`, { headers: from('198.51.100.7', { 'x-forwarded-user': user }) }));
    const answers: number[] = [];
    for (let i = 0; i < PER_ADDRESS + 2; i++) answers.push((await proxied('carol')).status);
    expect(answers).toEqual([...Array(PER_ADDRESS).fill(302), 429, 429]);
    expect((await proxied('dave')).status).toBe(302);
  });

  it('past the global budget every address is refused, until Retry-After has passed', async () => {
    let address = 10;
    let last: Response | undefined;
    let signedIn = 0;
    // Fresh addresses, each within its own budget: only the global one can stop them.
    for (; address < 10 + GLOBAL + 5; address++) {
      last = await login(`203.0.113.${address}`, { strategy: 'dev', user: 'victor' });
      if (last.status !== 200) break;
      signedIn += 1;
    }
    expect(signedIn).toBeLessThan(GLOBAL);
    const { retryAfter, message } = await refused(last!);
    expect(message).toContain('right now');
    expect((await login('203.0.113.200', { strategy: 'dev', user: 'victor' })).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 200));
    expect((await login('203.0.113.201', { strategy: 'dev', user: 'victor' })).status).toBe(200);
  });
});
