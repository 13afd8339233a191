import { NextResponse } from 'next/server';
import { audit } from '@/lib/auth/audit';
import { login, loginBody, loginOptions } from '@/lib/auth/login';
import { loginRateLimited } from '@/lib/auth/rate-limit';
import { requireSameOrigin, sessionCookie } from '@/lib/auth/request';
import { weirEnv } from '@/lib/config/env';
import { toErrorBody } from '@/lib/http/error-body';
import { parseBody, respond } from '@/lib/http/handler';
import { LOGIN_MAX_BODY_BYTES } from '@/lib/http/body-limit';

export const dynamic = 'force-dynamic';

/** The login page's choices: strategies and sandbox user names. */
export function GET() {
  return respond(async () => loginOptions());
}

export async function POST(request: Request) {
  const limited = loginRateLimited(request);
  if (limited) return limited;
  try {
    requireSameOrigin(request);
    const session = await login(await parseBody(request, loginBody, { maxBytes: LOGIN_MAX_BODY_BYTES }));
    audit({ session, action: 'login', result: 'succeeded', status: 200 });
    const response = NextResponse.json({ user: session.user });
    response.headers.set('set-cookie', sessionCookie(session.id, request, weirEnv().WEIR_SESSION_MAX_HOURS * 3600));
    return response;
  } catch (error) {
    const body = toErrorBody(error);
    audit({ action: 'login', result: 'denied', status: body.error.status, message: body.error.message });
    return NextResponse.json(body, { status: body.error.status });
  }
}
