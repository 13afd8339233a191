import { NextResponse } from 'next/server';
import { changeStream, requireStreamSlot } from '@/lib/console/change-stream';
import { sessionOf } from '@/lib/auth/request';
import { HttpError } from '@/lib/http/errors';
import { toErrorBody } from '@/lib/http/error-body';
import { say } from '@/lib/i18n/messages';

export const dynamic = 'force-dynamic';

/** The change stream: every add / update / delete the watch caches see, as Server-Sent Events. */
export async function GET(request: Request) {
  let session;
  try {
    // The cluster session store may not answer (503).
    session = await sessionOf(request);
    if (!session) throw new HttpError(401, 'Unauthorized', say('server.signInFirst'));
    requireStreamSlot(session);
  } catch (error) {
    const body = toErrorBody(error);
    return NextResponse.json(body, { status: body.error.status, headers: body.error.status === 401 ? {} : { 'retry-after': '10' } });
  }
  return new Response(changeStream(session, request.signal), {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
