'use client';

import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '@/lib/client/query-keys';
import type { ChangeEvent } from '@/lib/console/change-events';
import type { ClusterHealth, ClusterOverview } from '@/lib/console/clusters';
import { withStreamedHealth } from '@/components/layout/use-clusters';
import type { ReleaseDetail, ServiceSummary } from '@/lib/console/services';
import type { RouteObjectSummary } from '@/lib/mesh/types';

/** One changed row of the Services list, as the server's `rows` event carries it (null: the row is gone). */
interface RowPatch {
  cluster: string;
  namespace: string;
  service: string;
  row: ServiceSummary | null;
}

/** Whether a list query (`['k8s', cluster, kind, namespace]`) covers an object of this cluster and namespace. */
function covers(queryKey: readonly unknown[], cluster: string, namespace: string | undefined): boolean {
  const [, queryCluster, , queryNamespace] = queryKey as string[];
  return (queryCluster === '*' || queryCluster === cluster) && (queryNamespace === '*' || queryNamespace === namespace);
}

/** Patches every cached Routing page list by uid: replace, insert or remove the changed row. */
function patchRouteLists(client: QueryClient, event: ChangeEvent): void {
  const lists = client.getQueryCache().findAll({ queryKey: ['k8s'], predicate: (query) => query.queryKey[2] === 'routes' && query.queryKey.length === 4 });
  for (const query of lists) {
    if (!covers(query.queryKey, event.cluster, event.namespace)) continue;
    client.setQueryData<RouteObjectSummary[]>(query.queryKey, (rows) => {
      if (!rows) return rows;
      const others = rows.filter((row) => !(row.cluster === event.cluster && row.uid === event.uid));
      return event.type === 'deleted' || !event.route
        ? others
        : [...others, event.route].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
    });
  }
}

const rowOrder = (a: Pick<RowPatch, 'cluster' | 'namespace' | 'service'>, b: Pick<RowPatch, 'cluster' | 'namespace' | 'service'>) =>
  a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service);

/** Patches every cached Services list with changed rows, in the server's order (cluster, namespace, service). */
function patchServiceLists(client: QueryClient, patches: RowPatch[]): void {
  const lists = client.getQueryCache().findAll({ queryKey: ['k8s'], predicate: (query) => query.queryKey[2] === 'services' && query.queryKey.length === 4 });
  for (const query of lists) {
    const relevant = patches.filter((patch) => covers(query.queryKey, patch.cluster, patch.namespace));
    if (relevant.length === 0) continue;
    client.setQueryData<ServiceSummary[]>(query.queryKey, (rows) => {
      if (!rows) return rows;
      const next = [...rows];
      for (const patch of relevant) {
        const at = next.findIndex((row) => row.cluster === patch.cluster && row.namespace === patch.namespace && row.service === patch.service);
        if (at >= 0) next.splice(at, 1);
        if (!patch.row) continue;
        const before = next.findIndex((row) => rowOrder(row, patch) > 0);
        next.splice(before < 0 ? next.length : before, 0, patch.row);
      }
      return next;
    });
  }
}

/** Refetches the open service pages a change concerns: its row changed, or it shows the changed object. */
function refetchServicePages(client: QueryClient, concerns: (detail: ReleaseDetail, key: readonly string[]) => boolean): void {
  void client.invalidateQueries({
    queryKey: queryKeys.all(),
    predicate: (query) => {
      if (query.queryKey[2] !== 'services' || query.queryKey.length !== 5) return false;
      const detail = query.state.data as ReleaseDetail | undefined;
      return !detail || concerns(detail, query.queryKey as readonly string[]);
    },
  });
}

/**
 * Listens to the server's change stream and keeps React Query's cache current without refetching lists:
 * Services and Routing rows are patched in place; an open service page refetches when its row or one of the
 * objects it shows changes; the Approvals page when a Release changes; the clusters' health (the banner) as the
 * server sees it change. After the stream reconnects, events may have been missed, so everything is refetched once.
 */
export function ChangeStreamListener() {
  const client = useQueryClient();
  useEffect(() => {
    const source = new EventSource('/api/events');
    let connected = false;
    source.addEventListener('ready', () => {
      if (connected) void client.invalidateQueries({ queryKey: queryKeys.all() });
      connected = true;
    });
    source.addEventListener('rows', (message) => {
      const patches = JSON.parse((message as MessageEvent<string>).data) as RowPatch[];
      patchServiceLists(client, patches);
      refetchServicePages(client, (_, [, cluster, , namespace, name]) => patches.some((patch) => patch.cluster === cluster && patch.namespace === namespace && patch.service === name));
    });
    source.addEventListener('change', (message) => {
      const event = JSON.parse((message as MessageEvent<string>).data) as ChangeEvent;
      if (event.route) patchRouteLists(client, event);
      if (event.kind === 'namespaces') void client.invalidateQueries({ queryKey: queryKeys.clusters() });
      if (event.kind === 'releases') void client.invalidateQueries({ queryKey: queryKeys.list('releases') });
      if (!event.affectsServices) return;
      refetchServicePages(client, (detail, [, cluster, , namespace, name]) => {
        if (cluster !== event.cluster) return false;
        if (event.kind === 'releases') return namespace === event.namespace && name === event.name;
        return detail.view.objects.some((ref) => ref.kind === event.objectKind && ref.name === event.name && (ref.namespace ?? namespace) === event.namespace);
      });
    });
    source.addEventListener('health', (message) => {
      const health = JSON.parse((message as MessageEvent<string>).data) as Record<string, ClusterHealth>;
      client.setQueryData<ClusterOverview[]>(queryKeys.clusters(), (clusters) => withStreamedHealth(clusters, health));
    });
    // The session ended (logout in another tab, expiry): stop listening; the refetches answer 401 and sign-in follows.
    source.addEventListener('signed-out', () => {
      source.close();
      void client.invalidateQueries({ queryKey: queryKeys.all() });
    });
    return () => source.close();
  }, [client]);
  return null;
}
