import 'server-only';
import { clusterTargets } from '@/lib/k8s/clusters';
import { clusterCache, type CacheChange } from '@/lib/k8s/watch-cache';
import { toChangeEvent } from './change-events';
import { namespaceAccess, SERVICES } from '@/lib/auth/guard';
import { onSessionEnd, peekSession, type Session } from '@/lib/auth/session-store';
import { weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { watchedKinds } from '@/lib/mesh/registry';
import { serviceRows, type RowChange } from './service-rows';
import { watchClusterHealth } from './clusters';
import { say } from '@/lib/i18n/messages';

const registry = globalThis as typeof globalThis & { __weirOpenStreams?: Map<string, number> };

function openStreams(): Map<string, number> {
  registry.__weirOpenStreams ??= new Map();
  return registry.__weirOpenStreams;
}

/**
 * 429 when the session already holds WEIR_STREAMS_PER_SESSION open streams (each costs a subscription to every
 * watch cache and an access check per event): a leaked tab or a script cannot open them without end.
 */
export function requireStreamSlot(session: Session): void {
  const limit = weirEnv().WEIR_STREAMS_PER_SESSION;
  if ((openStreams().get(session.id) ?? 0) >= limit) {
    throw new HttpError(429, 'TooManyRequests', say('server.tooManyStreams', { limit }));
  }
}
/** The kinds whose changes browsers get (the caches also watch RoleBindings, for access checks only). */
const STREAMED = new Map(watchedKinds().map((info) => [info.key, info]));

/** A row patch as the browser receives it: the row's JSON as GET /api/services serves it, or null once removed. */
function rowPatchJson(change: RowChange): string {
  return `{"cluster":${JSON.stringify(change.cluster)},"namespace":${JSON.stringify(change.namespace)},"service":${JSON.stringify(change.service)},"row":${change.json ?? 'null'}}`;
}

/**
 * One Server-Sent Events stream for one browser tab: `rows` events patch the Services list (each changed row,
 * computed once on the server for every stream), `change` events carry every object change the watch caches
 * see (the Routing page's rows, and what an open service page shows), `health` events every cluster's health
 * (the banner: connecting, API server unreachable, resyncing) when it changes. Each user gets only what RBAC lets them
 * list; events go out in the order they happened, even when an access check has to ask the API server. Proxies
 * drop idle connections, so a comment goes out every WEIR_STREAM_KEEPALIVE_SECONDS (15 s), after re-checking the
 * session; the stream ends when the browser goes away or the session ends (logout, expiry): `signed-out`.
 */
export function changeStream(session: Session, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  let open = true;
  return new ReadableStream({
    start(controller) {
      openStreams().set(session.id, (openStreams().get(session.id) ?? 0) + 1);
      const send = (text: string) => {
        if (!open) return;
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
      const close = () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      // The session ends (logout, expiry, sweep): say so, so the page goes to sign-in instead of reconnecting.
      const signedOut = () => {
        send('event: signed-out\ndata: {}\n\n');
        close();
      };
      const stopOnEnd = onSessionEnd(session.id, signedOut);
      // Each keep-alive re-checks the session without counting as activity: an idle tab does not keep it alive.
      const keepAlive = setInterval(() => {
        peekSession(session.id).then(
          (found) => (found === session ? send(': keep-alive\n\n') : signedOut()),
          // The session store did not answer: the stream stays open, and the next keep-alive asks again.
          () => send(': keep-alive\n\n'),
        );
      }, weirEnv().WEIR_STREAM_KEEPALIVE_SECONDS * 1000);
      cleanup = () => {
        if (!open) return;
        open = false;
        clearInterval(keepAlive);
        stopOnEnd();
        unsubscribers.forEach((unsubscribe) => unsubscribe());
        const left = (openStreams().get(session.id) ?? 1) - 1;
        if (left > 0) openStreams().set(session.id, left);
        else openStreams().delete(session.id);
      };
      signal.addEventListener('abort', close);
      send('retry: 2000\nevent: ready\ndata: {}\n\n');
      // Health names clusters and kinds only, like GET /api/clusters, which every signed-in user may read.
      const stopHealth = watchClusterHealth((health) => send(`event: health\ndata: ${JSON.stringify(health)}\n\n`));
      if (open) unsubscribers.push(stopHealth);
      else stopHealth();
    },
    cancel() {
      cleanup();
    },
  });
}
