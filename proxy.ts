import { NextResponse, type NextRequest } from 'next/server';
import { weirEnv } from '@/lib/config/env';
import { HSTS, contentSecurityPolicy, newNonce } from '@/lib/http/security-headers';

/**
 * Runs before every page: a fresh CSP nonce, given to Next.js in the request's CSP header (it puts the nonce on
 * its scripts) and sent to the browser in the response's; HSTS outside the sandbox. API routes and static files
 * are left out (their headers are in next.config.js), so request bodies are not buffered here.
 */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy(newNonce(), process.env.NODE_ENV === 'development');
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('content-security-policy', policy);
  if (!weirEnv().WEIR_SANDBOX) response.headers.set('strict-transport-security', HSTS);
  return response;
}

export const config = {
  matcher: ['/((?!api/|_next/static/|_next/image|favicon).*)'],
};
