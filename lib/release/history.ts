import 'server-only';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { HistoryEntry, ReleaseObject } from './model';
import { updateStatus } from './store';

export type { HistoryEntry, SplitSnapshot } from './model';

/** The newest entries kept; older ones drop off the front. */
export const MAX_ENTRIES = 200;

/** History entries of a Release object, newest first. */
export function historyOf(release: KubernetesObject | undefined): HistoryEntry[] {
  return [...((release as ReleaseObject | undefined)?.status?.history ?? [])].reverse();
}

/** The history with one more entry at the end, trimmed to MAX_ENTRIES. */
export function appendHistory(history: HistoryEntry[] | undefined, entry: HistoryEntry): HistoryEntry[] {
  return [...(history ?? []), entry].slice(-MAX_ENTRIES);
}

/**
 * Appends a change to the service's Release status (creating the Release on first use), as the console's own
 * identity: the history is the console's record, kept in Kubernetes so every replica sees it. Append-only;
 * a write conflict re-reads and appends again, so no entry is lost.
 */
export async function recordChange(identity: KubeConfig, namespace: string, service: string, entry: HistoryEntry): Promise<void> {
  await updateStatus(identity, namespace, service, (release) => ({ ...release.status, history: appendHistory(release.status?.history, entry) }), { create: true });
}
