'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { ReleaseAction } from '@/lib/release/model';
import { servicePath, type ServiceRef } from '@/components/services/use-release';

/** Start / pause / resume / promote now / abort a progressive release, or set the approval policy. */
export function useReleaseAction(ref: ServiceRef) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: ReleaseAction) =>
      fetchJson<{ phase: string | null; message: string | null }>(`${servicePath(ref)}/release`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(action),
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.all() }),
  });
}
