'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '@/lib/client/query-keys';
import type { ChangeEvent } from '@/lib/console/change-events';
import type { RouteObjectSummary } from '@/lib/mesh/types';

/** Patches every cached Routing page list by uid: replace, insert or remove the changed row. */
function patchRouteLists(client: QueryClient, event: ChangeEvent): void {
  const lists = client.getQueryCache().findAll({ queryKey: ['k8s'], predicate: (query) => query.queryKey[2] === 'routes' });
  for (const query of lists) {
    const [, cluster, , namespace] = query.queryKey as string[];
    if ((cluster !== '*' && cluster !== event.cluster) || (namespace !== '*' && namespace !== event.namespace)) continue;
    client.setQueryData<RouteObjectSummary[]>(query.queryKey, (rows) => {
      if (!rows) return rows;
      const others = rows.filter((row) => !(row.cluster === event.cluster && row.uid === event.uid));
      return event.type === 'deleted' || !event.route
        ? others
        : [...others, event.route].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
    });
  }
}

/**
 * Listens to the server's change stream and keeps React Query's cache current: Routing page rows are patched
 * by uid; derived service views are refetched (batched, since one rollout produces many events).
 */
export function ChangeStreamListener() {
  const client = useQueryClient();
  useEffect(() => {
    const source = new EventSource('/api/events');
    let pending: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener('change', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as ChangeEvent;
      if (event.route) patchRouteLists(client, event);
      if (event.kind === 'namespaces') void client.invalidateQueries({ queryKey: queryKeys.clusters() });
      if (!event.affectsServices) return;
      pending ??= setTimeout(() => {
        pending = undefined;
        // Service views, and the Approvals page (its requests live in Releases).
        void client.invalidateQueries({ queryKey: queryKeys.all(), predicate: (query) => query.queryKey[2] === 'services' || query.queryKey[2] === 'releases' });
      }, 150);
    });
    return () => {
      if (pending) clearTimeout(pending);
      source.close();
    };
  }, [client]);
  return null;
}
