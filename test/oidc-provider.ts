/**
 * A real OpenID Connect provider (oidc-provider) in the test process, on a free 127.0.0.1 port, with one client
 * and a few accounts. Its development interactions take a login form POST, so a test can sign in without a
 * browser: see `signInAtProvider`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  /** Any JSON value: an attacker-controlled provider may send anything as a claim. */
  email: unknown;
  email_verified?: boolean;
  groups: unknown;
}

export const ACCOUNTS: Record<string, TestAccount> = {
  alice: { email: 'alice', email_verified: true, groups: ['weir-operators', 'release-team'] },
  victor: { email: 'victor', email_verified: true, groups: ['weir-viewers'] },
  carol: { email: 'carol', email_verified: true, groups: [] },
  mallory: { email: 'system:admin', email_verified: true, groups: ['system:masters'] },
  unverified: { email: 'alice', email_verified: false, groups: [] },
};

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/** The provider's one client, known before it starts (a test may configure the console first). */
export const TEST_CLIENT_ID = 'weir-console';
export const TEST_CLIENT_SECRET = 'weir-console-test-secret-0123456789';

/**
 * Starts the provider; `redirectUri` is the console's callback as the test configures it; `extra` adds accounts;
 * `port` (default: a free one) lets a test name the issuer before the provider is up.
 */
export async function startOidcProvider(redirectUri: string, extra: Record<string, TestAccount> = {}, port = 0): Promise<TestProvider> {
  const accounts = { ...ACCOUNTS, ...extra };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = TEST_CLIENT_ID;
  const clientSecret = TEST_CLIENT_SECRET;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
    // Real providers (Dex, Keycloak) put requested claims in the ID token; the console reads only the ID token.
    conformIdTokenClaims: false,
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_context, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** Cookies of one host, as a browser would keep them for the provider (paths ignored: one site, short flow). */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * Follows the provider's redirects from an authorization URL, logs `account` in and consents, and answers the
 * URL the provider sends the browser back to (the console's callback, with code and state).
 */
/** The settings of a console that signs users in at `provider` (impersonate mode); set them before the first route loads. */
export function oidcClientEnv(provider: TestProvider, redirectUrl: string): Record<string, string> {
  return {
    WEIR_OIDC_ISSUER: provider.issuer,
    WEIR_OIDC_CLIENT_ID: provider.clientId,
    WEIR_OIDC_CLIENT_SECRET: provider.clientSecret,
    WEIR_OIDC_REDIRECT_URL: redirectUrl,
    WEIR_OIDC_MODE: 'impersonate',
  };
}

export async function signInAtProvider(authorizationUrl: string, account: string): Promise<URL> {
  const jar = new CookieJar();
  const issuerOrigin = new URL(authorizationUrl).origin;
  let url = new URL(authorizationUrl);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== issuerOrigin) return url;
    const response = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: jar.header(), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    jar.store(response);
    body = undefined;
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const page = await response.text();
    if (response.status !== 200 || !url.pathname.startsWith('/interaction/')) throw new Error(`provider answered ${response.status} at ${url}: ${page.slice(0, 500)}`);
    // The development interaction pages: a login form, then a consent form.
    body = /name="login"/.test(page) ? new URLSearchParams({ prompt: 'login', login: account, password: 'any' }) : new URLSearchParams({ prompt: 'consent' });
  }
  throw new Error('the provider kept redirecting');
}
