import { NextResponse } from 'next/server';
import { audit } from '@/lib/auth/audit';
import { finishOidcLogin, oidcCookie, oidcCookieValue } from '@/lib/auth/oidc';
import { returnPage } from '@/lib/auth/oidc-return';
import { sessionCookie } from '@/lib/auth/request';
import { weirEnv } from '@/lib/config/env';
import { toErrorBody } from '@/lib/http/error-body';

export const dynamic = 'force-dynamic';

/** Where the identity provider sends the browser back: finishes sign-in, then moves on to the saved page. */
export async function GET(request: Request) {
  const forgetPending = oidcCookie('', request, 0);
  try {
    const { session, next } = await finishOidcLogin(oidcCookieValue(request), new URL(request.url));
    audit({ session, action: 'login', result: 'succeeded', status: 200 });
    const response = returnPage(next, request);
    response.headers.append('set-cookie', sessionCookie(session.id, request, weirEnv().WEIR_SESSION_MAX_HOURS * 3600));
    response.headers.append('set-cookie', forgetPending);
    return response;
  } catch (error) {
    const body = toErrorBody(error);
    audit({ action: 'login', result: 'denied', status: body.error.status, message: body.error.message });
    const response = NextResponse.json(body, { status: body.error.status });
    response.headers.append('set-cookie', forgetPending);
    return response;
  }
}
