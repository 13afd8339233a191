import { NextResponse } from 'next/server';
import { loginRateLimited } from '@/lib/auth/rate-limit';
import { OIDC_PENDING_SECONDS, oidcCookie, startOidcLogin } from '@/lib/auth/oidc';
import { toErrorBody } from '@/lib/http/error-body';

export const dynamic = 'force-dynamic';

/** Sends the browser to the identity provider; `?next=/path` is where to land after sign-in. */
export async function GET(request: Request) {
  const limited = loginRateLimited(request);
  if (limited) return limited;
  try {
    const { id, url } = await startOidcLogin(new URL(request.url).searchParams.get('next'));
    const response = NextResponse.redirect(url, 303);
    response.headers.set('cache-control', 'no-store');
    response.headers.append('set-cookie', oidcCookie(id, request, OIDC_PENDING_SECONDS));
    return response;
  } catch (error) {
    const body = toErrorBody(error);
    return NextResponse.json(body, { status: body.error.status });
  }
}
