import 'server-only';
import { HttpError } from '@/lib/http/errors';
import { findSession, type Session } from './session-store';

export const SESSION_COOKIE = 'weir_session';
export const CSRF_HEADER = 'x-csrf-token';

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** The live session of a request, from its session cookie. */
export function sessionOf(request: Request): Session | undefined {
  return findSession(cookieValue(request.headers.get('cookie'), SESSION_COOKIE));
}

/** The request's session, or 401. */
export function requireSession(request: Request): Session {
  const session = sessionOf(request);
  if (!session) throw new HttpError(401, 'Unauthorized', 'Sign in first');
  return session;
}

/** A request that changes something must come from our own pages: same Origin. */
export function requireSameOrigin(request: Request): void {
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!origin || !host || new URL(origin).host !== host) {
    throw new HttpError(403, 'Forbidden', 'Cross-site request refused (Origin does not match)');
  }
}

/** The session of a mutating request, checked for Origin and for the session's CSRF token. */
export function requireMutation(request: Request): Session {
  requireSameOrigin(request);
  const session = requireSession(request);
  if (request.headers.get(CSRF_HEADER) !== session.csrfToken) {
    throw new HttpError(403, 'Forbidden', 'Missing or wrong CSRF token; reload the page and try again');
  }
  return session;
}

/** The Set-Cookie value for a session id (empty id and max-age 0 clear it). */
export function sessionCookie(id: string, request: Request, maxAgeSeconds: number): string {
  const secure = new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
