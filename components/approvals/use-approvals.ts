'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { ApprovalItem } from '@/lib/release/model';

/** Requests waiting for a team lead and the latest decisions; refreshed by the change stream (Release events). */
export function useApprovals() {
  return useQuery({
    queryKey: queryKeys.list('releases'),
    queryFn: () => fetchJson<{ pending: ApprovalItem[]; decided: ApprovalItem[] }>('/api/approvals'),
    refetchInterval: 30_000,
  });
}

export function useDecision(item: ApprovalItem) {
  const queryClient = useQueryClient();
  const path = ['approvals', item.cluster, item.namespace, item.service, item.request.id].map(encodeURIComponent).join('/');
  return useMutation({
    mutationFn: (decision: { decision: 'approve' | 'reject'; comment: string }) =>
      fetchJson(`/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(decision) }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.all() }),
  });
}
