import { NextResponse } from 'next/server';
import { loginRateLimited } from '@/lib/auth/rate-limit';
import { audit } from '@/lib/auth/audit';
import { proxySession } from '@/lib/auth/proxy';
import { sessionCookie } from '@/lib/auth/request';
import { safeReturnPath } from '@/lib/auth/return-path';
import { weirEnv } from '@/lib/config/env';
import { toErrorBody } from '@/lib/http/error-body';

export const dynamic = 'force-dynamic';

/** Signs in the user a trusted auth proxy names, then goes on to `next` (same site, so a redirect keeps the cookie). */
export async function GET(request: Request) {
  const limited = loginRateLimited(request);
  if (limited) return limited;
  try {
    const session = await proxySession(request);
    audit({ session, action: 'login', result: 'succeeded', status: 302 });
    // A relative Location: the browser stays on the origin it asked, whatever Host the request claimed.
    const next = safeReturnPath(new URL(request.url).searchParams.get('next'));
    const response = new NextResponse(null, { status: 302, headers: { location: next, 'cache-control': 'no-store' } });
    response.headers.set('set-cookie', sessionCookie(session.id, request, weirEnv().WEIR_SESSION_MAX_HOURS * 3600));
    return response;
  } catch (error) {
    const body = toErrorBody(error);
    audit({ action: 'login:proxy', result: 'denied', status: body.error.status, message: body.error.message });
    return NextResponse.json(body, { status: body.error.status });
  }
}
