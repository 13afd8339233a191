import 'server-only';
import * as client from 'openid-client';
import { authStrategies, weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { readCookie, setCookie } from './cookies';
import { impersonatedIdentity } from './identity';
import { createImpersonatedSession, createSession, seal, unseal, type Session } from './session-store';
import { safeReturnPath } from './return-path';
import { reviewToken } from './user-client';
import { say } from '@/lib/i18n/messages';

/** The cookie that ties the provider's redirect back to the sign-in this browser started (base name, see lib/auth/cookies). */
export const OIDC_COOKIE = 'weir_oidc';
/** How long a started sign-in may take at the provider. */
export const OIDC_PENDING_SECONDS = 600;
/**
 * What the callback must find again. It travels in the pending-sign-in cookie, sealed (AES-256-GCM with the session
 * key, WEIR_SESSION_SECRET): whichever replica the provider's redirect lands on can open it, the browser cannot read
 * or alter it, and the server keeps nothing per started sign-in (hammering the start route costs no memory).
 * Each replica remembers the sign-ins it has finished or refused (USED), so the same cookie does not work twice
 * there; on another replica a replayed callback brings a code the provider has already redeemed (single use).
 * `expiresAt` bounds an old cookie.
 */
interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  expiresAt: number;
}

const registry = globalThis as typeof globalThis & { __weirOidcConfig?: Promise<client.Configuration>; __weirOidcUsed?: Map<string, number> };
// Enough for any real burst of sign-ins; bounds memory when someone replays callbacks.
const MAX_USED = 10_000;

/** Marks a pending sign-in (by its state) as taken on this replica; false when it already was. */
function takeOnce(login: PendingLogin, now: number): boolean {
  registry.__weirOidcUsed ??= new Map();
  const used = registry.__weirOidcUsed;
  for (const [state, expiresAt] of used) if (expiresAt <= now) used.delete(state);
  // Oldest first (Map keeps insertion order).
  for (const state of used.keys()) {
    if (used.size < MAX_USED) break;
    used.delete(state);
  }
  if (used.has(login.state)) return false;
  used.set(login.state, login.expiresAt);
  return true;
}

/** The seal's context: a sealed session token or anything else sealed with the key is no pending sign-in. */
const PENDING_CONTEXT = 'oidc-pending';

function settings() {
  const env = weirEnv();
  if (!authStrategies().includes('oidc')) throw new HttpError(404, 'NotFound', say('server.ssoDisabled'));
  return {
    issuer: new URL(env.WEIR_OIDC_ISSUER!),
    clientId: env.WEIR_OIDC_CLIENT_ID!,
    clientSecret: env.WEIR_OIDC_CLIENT_SECRET,
    redirectUrl: env.WEIR_OIDC_REDIRECT_URL!,
    scopes: env.WEIR_OIDC_SCOPES,
    usernameClaim: env.WEIR_OIDC_USERNAME_CLAIM,
    groupsClaim: env.WEIR_OIDC_GROUPS_CLAIM,
    mode: env.WEIR_OIDC_MODE,
    prefixes: { username: env.WEIR_OIDC_USERNAME_PREFIX, groups: env.WEIR_OIDC_GROUPS_PREFIX },
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
      // The issuer's address and the network error are for the operator's log; anyone may start a sign-in.
      console.error(`[weir] oidc: discovery at ${issuer.href} failed:`, describe(error));
      throw new HttpError(502, 'BadGateway', say('server.idpUnreachable'));
    });
  return registry.__weirOidcConfig;
}

/**
 * Starts an authorization-code sign-in with PKCE: answers state, nonce and verifier sealed (the cookie value, as
 * `id`) and the provider URL to send the browser to.
 */
export async function startOidcLogin(next: string | null | undefined): Promise<{ id: string; url: URL }> {
  const { redirectUrl, scopes } = settings();
  const config = await providerConfig();
  const codeVerifier = client.randomPKCECodeVerifier();
  const login: PendingLogin = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    codeVerifier,
    next: safeReturnPath(next),
    expiresAt: Date.now() + OIDC_PENDING_SECONDS * 1000,
  };
  const id = seal(JSON.stringify(login), PENDING_CONTEXT);
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

/** An error with its causes, for the server log (openid-client puts what was wrong in the cause). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error && parts.length < 4; current = current.cause) parts.push(current.message);
  return parts.length > 0 ? parts.join(': ') : String(error);
}

/**
 * What the browser is told when the callback fails: the provider's own error for the user, or which check
 * failed, never the token endpoint's address or a network error (those go to the server log).
 */
function signInFailure(error: unknown): HttpError {
  if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
    const text = `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
    return new HttpError(401, 'Unauthorized', say('server.ssoProviderAnswered', { answer: text }));
  }
  const detail = describe(error);
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket|network/i.test(detail)) {
    return new HttpError(502, 'BadGateway', say('server.ssoUnreachable'));
  }
  const check = /"state"/.test(detail) ? 'state' : /nonce/.test(detail) ? 'nonce' : 'unverified';
  return new HttpError(401, 'Unauthorized', say('server.ssoCheckFailed', { check }));
}

/** The pending sign-in the cookie carries (the callback clears the cookie), if it opens, has not expired and was not taken here before. */
function takePending(id: string | undefined): PendingLogin {
  let login: PendingLogin | undefined;
  try {
    login = id ? (JSON.parse(unseal(id, PENDING_CONTEXT)) as PendingLogin) : undefined;
  } catch {
    login = undefined;
  }
  // Taken before the expiry is checked: a refused sign-in stays refused whatever the clock says later.
  if (!login || !takeOnce(login, Date.now()) || login.expiresAt <= Date.now()) {
    throw new HttpError(400, 'BadRequest', say('server.ssoExpired'));
  }
  return login;
}

/** The groups claim as a list: absent is none, one string is one group; anything else is checked name by name. */
function claimGroups(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Finishes a sign-in at the callback: checks state, nonce and PKCE, exchanges the code, reads the ID token's
 * claims and starts a session (bearer: the ID token, confirmed by the API server; impersonate: no user token).
 */
export async function finishOidcLogin(pendingId: string | undefined, callbackUrl: URL): Promise<{ session: Session; next: string }> {
  const login = takePending(pendingId);
  const { redirectUrl, usernameClaim, groupsClaim, mode, prefixes } = settings();
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
    console.error('[weir] oidc: sign-in failed at the callback:', describe(error));
    throw signInFailure(error);
  }
  const claims = tokens.claims()!;
  if (mode === 'bearer') {
    const user = await reviewToken(tokens.id_token!, 'oidc');
    return { session: await createSession(user, tokens.id_token!), next: login.next };
  }
  const username = claims[usernameClaim];
  if (username === undefined || username === null || username === '') {
    throw new HttpError(401, 'Unauthorized', say('server.ssoNoClaim', { claim: usernameClaim }));
  }
  // Like kube-apiserver: an email that the provider says is unverified names nobody.
  if (usernameClaim === 'email' && claims.email_verified === false) {
    throw new HttpError(401, 'Unauthorized', say('server.ssoEmailUnverified', { email: JSON.stringify(username) }));
  }
  // The console's impersonation right must not turn a provider's claim into a system identity (system:masters),
  // nor a name the API server reads differently (" system:masters" arrives trimmed): normalised, then checked.
  const identity = impersonatedIdentity('identity provider', username, claimGroups(claims[groupsClaim]), prefixes);
  return { session: await createImpersonatedSession({ ...identity, strategy: 'oidc' }), next: login.next };
}

/**
 * The pending-sign-in cookie: SameSite=Lax, because the provider sends the browser back from its own site;
 * `__Host-weir_oidc` (Secure, Path=/) outside the sandbox, so a sibling subdomain cannot plant its own.
 */
export function oidcCookie(id: string, request: Request, maxAgeSeconds: number): string {
  return setCookie(OIDC_COOKIE, id, request, { maxAgeSeconds, sameSite: 'Lax', path: '/api/auth/oidc' });
}

/** The pending-sign-in id a callback request carries. */
export function oidcCookieValue(request: Request): string | undefined {
  return readCookie(request.headers.get('cookie'), OIDC_COOKIE);
}
