'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '@/lib/client/query-keys';
import type { ChangeEvent } from '@/lib/console/change-events';
import type { VirtualServiceSummary } from '@/lib/providers/istio/describe';

/** Patches every cached VirtualService list by uid: replace, insert or remove the changed row. */
function patchVirtualServiceLists(client: QueryClient, event: ChangeEvent): void {
  const lists = client.getQueryCache().findAll({ queryKey: ['k8s'], predicate: (query) => query.queryKey[2] === 'virtualservices' });
  for (const query of lists) {
    const [, cluster, , namespace] = query.queryKey as string[];
    if ((cluster !== '*' && cluster !== event.cluster) || (namespace !== '*' && namespace !== event.namespace)) continue;
    client.setQueryData<VirtualServiceSummary[]>(query.queryKey, (rows) => {
      if (!rows) return rows;
      const others = rows.filter((row) => !(row.cluster === event.cluster && row.uid === event.uid));
      return event.type === 'deleted' || !event.virtualService ? others : [...others, event.virtualService].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    });
  }
}

const RELEASE_KINDS = new Set(['virtualservices', 'destinationrules', 'services', 'deployments', 'workloadentries', 'httproutes', 'trafficsplits', 'releases']);

/**
 * Listens to the server's change stream and keeps React Query's cache current: list rows are patched by
 * uid; derived service views are refetched (batched, since one rollout produces many events).
 */
export function ChangeStreamListener() {
  const client = useQueryClient();
  useEffect(() => {
    const source = new EventSource('/api/events');
    let pending: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener('change', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as ChangeEvent;
      if (event.kind === 'virtualservices') patchVirtualServiceLists(client, event);
      if (event.kind === 'namespaces') void client.invalidateQueries({ queryKey: queryKeys.clusters() });
      if (!RELEASE_KINDS.has(event.kind)) return;
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
