import 'server-only';
import { clusterTargets } from '@/lib/k8s/clusters';
import { clusterCache } from '@/lib/k8s/watch-cache';
import { toChangeEvent } from './change-events';

const KEEP_ALIVE_MS = 15_000;

/**
 * One Server-Sent Events stream of every change the watch caches see, for one browser tab. Proxies drop
 * idle connections, so a comment goes out every 15 s; the stream ends when the browser goes away.
 */
export function changeStream(signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const unsubscribers = [...clusterTargets().keys()].map((name) =>
        clusterCache(name)!.subscribe((change) => send(`event: change\ndata: ${JSON.stringify(toChangeEvent(change))}\n\n`)),
      );
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);
      cleanup = () => {
        clearInterval(keepAlive);
        unsubscribers.forEach((unsubscribe) => unsubscribe());
      };
      signal.addEventListener('abort', () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
      send('retry: 2000\nevent: ready\ndata: {}\n\n');
    },
    cancel() {
      cleanup();
    },
  });
}
