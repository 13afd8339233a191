import 'server-only';
import { weirEnv } from '@/lib/config/env';

/**
 * The console's cookies: Secure and named `__Host-…` (so no other site or subdomain can set or shadow them, and
 * they never travel over plain http) everywhere except on the sandbox, which serves http://127.0.0.1 and marks
 * them Secure only when the request arrived over https.
 */
export function secureCookies(request: Request): boolean {
  if (!weirEnv().WEIR_SANDBOX) return true;
  return new URL(request.url).protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
}

/** A cookie's name as set: `__Host-` + `base` when Secure. */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

function valueOf(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/** A cookie of a Cookie header by its base name: the `__Host-` one, or the plain one on the sandbox only. */
export function readCookie(header: string | null, base: string): string | undefined {
  const secured = valueOf(header, cookieName(base, true));
  if (secured !== undefined || !weirEnv().WEIR_SANDBOX) return secured;
  return valueOf(header, base);
}

/**
 * A Set-Cookie value (httpOnly always). `path` applies to the plain sandbox cookie only: a `__Host-` cookie
 * must have Path=/. An empty value with max-age 0 clears the cookie.
 */
export function setCookie(base: string, value: string, request: Request, options: { maxAgeSeconds: number; sameSite: 'Strict' | 'Lax'; path?: string }): string {
  const secure = secureCookies(request);
  const path = secure ? '/' : (options.path ?? '/');
  return `${cookieName(base, secure)}=${value}; Path=${path}; HttpOnly; SameSite=${options.sameSite}; Max-Age=${options.maxAgeSeconds}${secure ? '; Secure' : ''}`;
}
