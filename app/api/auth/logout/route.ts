import { NextResponse } from 'next/server';
import { audit } from '@/lib/auth/audit';
import { requireMutation, sessionCookie } from '@/lib/auth/request';
import { deleteSession } from '@/lib/auth/session-store';
import { toErrorBody } from '@/lib/http/error-body';

export const dynamic = 'force-dynamic';

export async function POST(request: Request) {
  try {
    const session = await requireMutation(request);
    await deleteSession(session.id);
    audit({ session, action: 'logout', result: 'succeeded', status: 200 });
    const response = NextResponse.json({ ok: true });
    response.headers.set('set-cookie', sessionCookie('', request, 0));
    return response;
  } catch (error) {
    const body = toErrorBody(error);
    return NextResponse.json(body, { status: body.error.status });
  }
}
