import 'server-only';
import { clusterTargets } from '@/lib/k8s/clusters';
import { clusterCache, type CacheChange } from '@/lib/k8s/watch-cache';
import { toChangeEvent } from './change-events';
import { namespaceAccess, SERVICES } from '@/lib/auth/guard';
import type { Session } from '@/lib/auth/session-store';
import { watchedKinds } from '@/lib/mesh/registry';
import { serviceRows, type RowChange } from './service-rows';

const KEEP_ALIVE_MS = 15_000;
/** The kinds whose changes browsers get (the caches also watch RoleBindings, for access checks only). */
const STREAMED = new Map(watchedKinds().map((info) => [info.key, info]));

/** A row patch as the browser receives it: the row's JSON as GET /api/services serves it, or null once removed. */
function rowPatchJson(change: RowChange): string {
  return `{"cluster":${JSON.stringify(change.cluster)},"namespace":${JSON.stringify(change.namespace)},"service":${JSON.stringify(change.service)},"row":${change.json ?? 'null'}}`;
}

/**
 * One Server-Sent Events stream for one browser tab: `rows` events patch the Services list (each changed row,
 * computed once on the server for every stream), `change` events carry every object change the watch caches
 * see (the Routing page's rows, and what an open service page shows). Each user gets only what RBAC lets them
 * list; events go out in the order they happened, even when an access check has to ask the API server. Proxies
 * drop idle connections, so a comment goes out every 15 s; the stream ends when the browser goes away.
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
      // One queue per stream: a later event never overtakes an earlier one whose access check is slower.
      let queue = Promise.resolve();
      const inOrder = (work: () => Promise<void>) => {
        queue = queue.then(work).catch(() => undefined);
      };
      const onChange = (cluster: string, change: CacheChange) => {
        const info = STREAMED.get(change.kind);
        if (!info) return;
        const namespace = change.object.metadata?.namespace ?? '';
        inOrder(async () => {
          const allowed = await namespaceAccess(session, cluster, { group: info.group, resource: info.plural });
          if (await allowed(namespace)) send(`event: change\ndata: ${JSON.stringify(toChangeEvent(change))}\n\n`);
        });
      };
      const onRows = (cluster: string, changes: RowChange[]) =>
        inOrder(async () => {
          const allowed = await namespaceAccess(session, cluster, SERVICES);
          const permitted = await Promise.all(changes.map((change) => allowed(change.namespace)));
          const visible = changes.filter((_, index) => permitted[index]);
          if (visible.length > 0) send(`event: rows\ndata: [${visible.map(rowPatchJson).join(',')}]\n\n`);
        });
      const unsubscribers = [...clusterTargets().keys()].flatMap((name) => {
        const cache = clusterCache(name)!;
        return [cache.subscribe((change) => onChange(name, change)), serviceRows(cache).subscribe((changes) => onRows(name, changes))];
      });
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
