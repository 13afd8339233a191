'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Said } from '@/lib/i18n/format';
import { ApiError, fetchJson } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/query-keys';
import type { IntentResult } from '@/lib/changes/pipeline';
import type { Intent } from '@/lib/mesh/intents';
import { servicePath, type ServiceRef } from '@/components/services/use-release';

function post(ref: ServiceRef, mode: 'preview' | 'apply', intent: Intent): Promise<IntentResult> {
  return fetchJson<IntentResult>(`${servicePath(ref)}/intents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mode, intent }),
  });
}

/** Field errors of a failed call keyed by the intent's field (`weights.v2`), for display next to inputs. */
export function fieldErrorsOf(error: unknown, describe: (said: Said) => string): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  return Object.fromEntries(error.fields.map((field) => [field.field.replace(/^intent\./, ''), describe(field)]));
}

/** Preview (diff + server-side dry run) and apply of one wizard's intent; apply refreshes the service. */
export function useIntent(ref: ServiceRef) {
  const queryClient = useQueryClient();
  const preview = useMutation({ mutationFn: (intent: Intent) => post(ref, 'preview', intent) });
  const apply = useMutation({
    mutationFn: (intent: Intent) => post(ref, 'apply', intent),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.all() }),
  });
  return { preview, apply };
}
