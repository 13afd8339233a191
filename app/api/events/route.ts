import { changeStream } from '@/lib/console/change-stream';

export const dynamic = 'force-dynamic';

/** The change stream: every add / update / delete the watch caches see, as Server-Sent Events. */
export function GET(request: Request) {
  return new Response(changeStream(request.signal), {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
}
