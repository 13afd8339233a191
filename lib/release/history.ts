import 'server-only';
import { ApiException, CustomObjectsApi, KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { KINDS, apiVersionOf } from '@/lib/k8s/kinds';
import type { ContentPolicy, ReleaseView } from '@/lib/mesh/types';

/** The part of a split the console owns: weights of the catch-all route and the content rules. */
export interface SplitSnapshot {
  weights: Record<string, number>;
  rules: { version: string; policy: ContentPolicy }[];
}

/** One line of a service's history: who changed what, when, from which split to which, and why. */
export interface HistoryEntry {
  time: string;
  user: string;
  action: string;
  from: SplitSnapshot;
  to: SplitSnapshot;
  reason?: string;
}

interface Release extends KubernetesObject {
  spec?: { service?: string; strategy?: string };
  status?: { history?: HistoryEntry[]; [field: string]: unknown };
}

const MAX_ENTRIES = 200;
const ATTEMPTS = 5;

/** The split a view shows, as the history records it. */
export function snapshotOf(view: ReleaseView): SplitSnapshot {
  return {
    weights: Object.fromEntries(view.versions.filter((v) => v.weight > 0).map((v) => [v.name, v.weight])),
    rules: view.versions.flatMap((v) => v.rules.map((rule) => ({ version: v.name, policy: rule.policy }))),
  };
}

/** History entries of a Release object, newest first. */
export function historyOf(release: KubernetesObject | undefined): HistoryEntry[] {
  return [...((release as Release | undefined)?.status?.history ?? [])].reverse();
}

async function readOrCreate(api: KubernetesObjectApi, namespace: string, service: string): Promise<Release> {
  const ref = { apiVersion: apiVersionOf(KINDS.releases), kind: KINDS.releases.kind, metadata: { name: service, namespace } };
  try {
    return await api.read<Release>(ref);
  } catch (error) {
    if (!(error instanceof ApiException) || error.code !== 404) throw error;
  }
  try {
    return await api.create<Release>({ ...ref, metadata: { ...ref.metadata, labels: { 'app.kubernetes.io/managed-by': 'weir' } }, spec: { service, strategy: 'manual' } });
  } catch (error) {
    if (error instanceof ApiException && error.code === 409) return api.read<Release>(ref);
    throw error;
  }
}

/**
 * Appends a change to the service's Release status (creating the Release on first use), as the console's own
 * identity: the history is the console's record, kept in Kubernetes so every replica sees it. Append-only;
 * a write conflict re-reads and appends again, so no entry is lost.
 */
export async function recordChange(identity: KubeConfig, namespace: string, service: string, entry: HistoryEntry): Promise<void> {
  const api = identity.makeApiClient(KubernetesObjectApi);
  const statusApi = identity.makeApiClient(CustomObjectsApi);
  for (let attempt = 1; ; attempt += 1) {
    const release = await readOrCreate(api, namespace, service);
    const history = [...(release.status?.history ?? []), entry].slice(-MAX_ENTRIES);
    // The status subresource: the resourceVersion in the body makes a concurrent append a 409, not a loss.
    const body: Release = { ...release, status: { ...release.status, history } };
    try {
      await statusApi.replaceNamespacedCustomObjectStatus({
        group: KINDS.releases.group,
        version: KINDS.releases.version,
        plural: KINDS.releases.plural,
        namespace,
        name: service,
        body,
      });
      return;
    } catch (error) {
      if (error instanceof ApiException && error.code === 409 && attempt < ATTEMPTS) continue;
      throw error;
    }
  }
}
