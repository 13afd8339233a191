import 'server-only';
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { authStrategies, weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { createImpersonatedSession, createSession, type Session } from './session-store';
import { reviewToken } from './user-client';

/** The cookie that ties the provider's redirect back to the sign-in this browser started. */
export const OIDC_COOKIE = 'weir_oidc';
/** How long a started sign-in may take at the provider. */
export const OIDC_PENDING_SECONDS = 600;
// Enough for any real burst of sign-ins; bounds memory when someone hammers the start route.
const MAX_PENDING = 10_000;

/** What the callback must find again: kept on the server, never in the browser. */
interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  expiresAt: number;
}

const registry = globalThis as typeof globalThis & {
  __weirOidcPending?: Map<string, PendingLogin>;
  __weirOidcConfig?: Promise<client.Configuration>;
};

function pendingLogins(): Map<string, PendingLogin> {
  registry.__weirOidcPending ??= new Map();
  return registry.__weirOidcPending;
}

function settings() {
  const env = weirEnv();
  if (!authStrategies().includes('oidc')) throw new HttpError(404, 'NotFound', 'Single sign-on is not enabled');
  return {
    issuer: new URL(env.WEIR_OIDC_ISSUER!),
    clientId: env.WEIR_OIDC_CLIENT_ID!,
    clientSecret: env.WEIR_OIDC_CLIENT_SECRET,
    redirectUrl: env.WEIR_OIDC_REDIRECT_URL!,
    scopes: env.WEIR_OIDC_SCOPES,
    usernameClaim: env.WEIR_OIDC_USERNAME_CLAIM,
    groupsClaim: env.WEIR_OIDC_GROUPS_CLAIM,
    mode: env.WEIR_OIDC_MODE,
  };
}

/** The provider's metadata, discovered once per process (again after a failure). */
function providerConfig(): Promise<client.Configuration> {
  const { issuer, clientId, clientSecret } = settings();
  registry.__weirOidcConfig ??= client
    .discovery(issuer, clientId, clientSecret, clientSecret ? undefined : client.None(), {
      // Only a localhost issuer may be plain http (checked when the configuration is parsed).
      execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
    })
    .catch((error: unknown) => {
      registry.__weirOidcConfig = undefined;
      throw new HttpError(502, 'BadGateway', `The identity provider ${issuer.href} could not be reached: ${(error as Error).message}`);
    });
  return registry.__weirOidcConfig;
}

/** A path on this site to return to after sign-in; anything else (other hosts, `//x`, `/\x`) becomes /services. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/services';
  const base = 'http://weir.invalid';
  const url = new URL(next, base);
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/services';
}

function forgetExpired(now: number): void {
  const pending = pendingLogins();
  for (const [id, login] of pending) if (login.expiresAt <= now) pending.delete(id);
  // Oldest first (Map keeps insertion order): a flood of starts pushes out only other unfinished starts.
  for (const id of pending.keys()) {
    if (pending.size < MAX_PENDING) break;
    pending.delete(id);
  }
}

/**
 * Starts an authorization-code sign-in with PKCE: remembers state, nonce and verifier under a random id (the
 * cookie value) and answers the provider URL to send the browser to.
 */
export async function startOidcLogin(next: string | null | undefined): Promise<{ id: string; url: URL }> {
  const { redirectUrl, scopes } = settings();
  const config = await providerConfig();
  const codeVerifier = client.randomPKCECodeVerifier();
  const login: PendingLogin = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier,
    next: safeNextPath(next),
    expiresAt: Date.now() + OIDC_PENDING_SECONDS * 1000,
  };
  forgetExpired(Date.now());
  const id = randomBytes(32).toString('base64url');
  pendingLogins().set(id, login);
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUrl,
    scope: scopes,
    state: login.state,
    nonce: login.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { id, url };
}

/** The pending sign-in, removed so that a replayed callback finds nothing. */
function takePending(id: string | undefined): PendingLogin {
  const login = id ? pendingLogins().get(id) : undefined;
  if (id) pendingLogins().delete(id);
  if (!login || login.expiresAt <= Date.now()) {
    throw new HttpError(400, 'BadRequest', 'This sign-in has expired or was already used; start again from the sign-in page');
  }
  return login;
}

function claimGroups(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((group): group is string => typeof group === 'string' && group !== '') : [];
}

/**
 * Finishes a sign-in at the callback: checks state, nonce and PKCE, exchanges the code, reads the ID token's
 * claims and starts a session (bearer: the ID token, confirmed by the API server; impersonate: no user token).
 */
export async function finishOidcLogin(pendingId: string | undefined, callbackUrl: URL): Promise<{ session: Session; next: string }> {
  const login = takePending(pendingId);
  const { redirectUrl, usernameClaim, groupsClaim, mode } = settings();
  const config = await providerConfig();
  // The registered redirect URL, not request.url: behind a proxy the request may name another host.
  const current = new URL(redirectUrl);
  current.search = callbackUrl.search;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      expectedState: login.state,
      expectedNonce: login.nonce,
      pkceCodeVerifier: login.codeVerifier,
      idTokenExpected: true,
    });
  } catch (error) {
    // openid-client says "invalid response encountered" and puts what was wrong (state, nonce, …) in the cause.
    const cause = (error as Error).cause instanceof Error ? `: ${((error as Error).cause as Error).message}` : '';
    const reason = error instanceof client.AuthorizationResponseError ? (error.error_description ?? error.error) : `${(error as Error).message}${cause}`;
    throw new HttpError(401, 'Unauthorized', `Single sign-on failed: ${reason}`);
  }
  const claims = tokens.claims()!;
  if (mode === 'bearer') {
    const user = await reviewToken(tokens.id_token!, 'oidc');
    return { session: createSession(user, tokens.id_token!), next: login.next };
  }
  const username = claims[usernameClaim];
  if (typeof username !== 'string' || username === '') {
    throw new HttpError(401, 'Unauthorized', `The identity provider's ID token has no "${usernameClaim}" claim`);
  }
  // Like kube-apiserver: an email that the provider says is unverified names nobody.
  if (usernameClaim === 'email' && claims.email_verified === false) {
    throw new HttpError(401, 'Unauthorized', `The identity provider has not verified the email ${username}`);
  }
  // The console's impersonation right must not turn a provider's claim into a system identity (system:masters).
  if (username.startsWith('system:')) throw new HttpError(403, 'Forbidden', `Refusing to act as "${username}" for single sign-on`);
  const groups = claimGroups(claims[groupsClaim]).filter((group) => !group.startsWith('system:'));
  return { session: createImpersonatedSession({ username, groups, strategy: 'oidc' }), next: login.next };
}

/** The pending-sign-in cookie: SameSite=Lax, because the provider sends the browser back from its own site. */
export function oidcCookie(id: string, request: Request, maxAgeSeconds: number): string {
  const secure = new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  return `${OIDC_COOKIE}=${id}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The pending-sign-in id a callback request carries. */
export function oidcCookieValue(request: Request): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === OIDC_COOKIE) return rest.join('=');
  }
  return undefined;
}
