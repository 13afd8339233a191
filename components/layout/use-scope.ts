'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback } from 'react';

export interface ScopeState {
  cluster?: string;
  namespace?: string;
}

/** The cluster / namespace the user is looking at, kept in the URL so links and reloads keep it. */
export function useScope(): [ScopeState, (patch: Partial<ScopeState> & Record<string, string | undefined>) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const scope: ScopeState = {
    cluster: params.get('cluster') || undefined,
    namespace: params.get('namespace') || undefined,
  };
  const update = useCallback(
    (patch: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params.toString());
      for (const [key, value] of Object.entries(patch)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );
  return [scope, update];
}
