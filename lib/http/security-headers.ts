/**
 * The page headers that depend on the request or on where the console runs: a Content-Security-Policy with a
 * fresh nonce per page (Next.js reads it from the request's CSP header and puts it on its own scripts, so no
 * inline script runs without it) and, outside the sandbox, HSTS. Used by the root proxy.ts; static headers that
 * never change (nosniff, frame denial, referrer policy) stay in next.config.js.
 */

/** One year, subdomains included: a console that is https once stays https. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** A base64 nonce of 128 random bits (Web Crypto: proxy.ts may run where Node's crypto module does not). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The policy of a page rendered with `nonce`: scripts only with the nonce (and what they load, `strict-dynamic`);
 * no 'unsafe-inline' for scripts. Styles keep 'unsafe-inline' for React's and Recharts' style attributes (a
 * nonce there would make browsers ignore it); styles cannot run code.
 */
export function contentSecurityPolicy(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy of API answers (JSON, the sign-in return page): nothing may run, nothing may frame them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
