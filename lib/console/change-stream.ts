import 'server-only';
import { clusterTargets } from '@/lib/k8s/clusters';
import { clusterCache } from '@/lib/k8s/watch-cache';
import { toChangeEvent } from './change-events';
import { namespaceAccess } from '@/lib/auth/guard';
import type { Session } from '@/lib/auth/session-store';
import { kindByKey } from '@/lib/mesh/registry';

const KEEP_ALIVE_MS = 15_000;

/**
 * One Server-Sent Events stream of every change the watch caches see, for one browser tab. Proxies drop
 * idle connections, so a comment goes out every 15 s; the stream ends when the browser goes away.
 */
export function changeStream(session: Session, signal: AbortSignal): ReadableStream<Uint8Array> {
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
        clusterCache(name)!.subscribe((change) => {
          // Each user sees only changes to what RBAC lets them list (checks are cached per session).
          const namespace = change.object.metadata?.namespace;
          const info = kindByKey(change.kind);
          if (!info) return;
          void namespaceAccess(session, name, { group: info.group, resource: info.plural })
            .then((allowed) => (namespace ? allowed(namespace) : allowed('')))
            .then((allowed) => allowed && send(`event: change\ndata: ${JSON.stringify(toChangeEvent(change))}\n\n`))
            .catch(() => undefined);
        }),
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
