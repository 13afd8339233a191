import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from '@/lib/http/errors';
import { readCookie, setCookie } from './cookies';
import { findSession, type Session } from './session-store';
import { say } from '@/lib/i18n/messages';

/** The session cookie's base name: `__Host-weir_session` when Secure (always outside the sandbox). */
export const SESSION_COOKIE = 'weir_session';
export const CSRF_HEADER = 'x-csrf-token';

/** The session id a Cookie header carries, if any (the layout reads it from next/headers). */
export function sessionIdOf(cookieHeader: string | null): string | undefined {
  return readCookie(cookieHeader, SESSION_COOKIE);
}

/** The live session of a request, from its session cookie. */
export function sessionOf(request: Request): Promise<Session | undefined> {
  return findSession(sessionIdOf(request.headers.get('cookie')));
}

/** The request's session, or 401. */
export async function requireSession(request: Request): Promise<Session> {
  const session = await sessionOf(request);
  if (!session) throw new HttpError(401, 'Unauthorized', say('server.signInFirst'));
  return session;
}

/** A request that changes something must come from our own pages: same Origin. */
export function requireSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  // `Origin: null` (sandboxed frames, file: pages, some redirects) and garbage are refused like another site.
  if (!origin || !host || !URL.canParse(origin) || new URL(origin).host !== host) {
    throw new HttpError(403, 'Forbidden', say('server.crossSite'));
  }
}

/** Constant-time comparison: equal-length digests, so how long it takes says nothing about the token. */
function sameToken(sent: string | null, expected: string): boolean {
  if (sent === null) return false;
  return timingSafeEqual(createHash('sha256').update(sent).digest(), createHash('sha256').update(expected).digest());
}

/** The session of a mutating request, checked for Origin and for the session's CSRF token. */
export async function requireMutation(request: Request): Promise<Session> {
  requireSameOrigin(request);
  const session = await requireSession(request);
  if (!sameToken(request.headers.get(CSRF_HEADER), session.csrfToken)) {
    throw new HttpError(403, 'Forbidden', say('server.csrf'));
  }
  return session;
}

/** The Set-Cookie value for a session id (empty id and max-age 0 clear it): httpOnly, SameSite=Strict, Secure + __Host- outside the sandbox. */
export function sessionCookie(id: string, request: Request, maxAgeSeconds: number): string {
  return setCookie(SESSION_COOKIE, id, request, { maxAgeSeconds, sameSite: 'Strict' });
}
