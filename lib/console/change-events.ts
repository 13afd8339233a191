import type { KubernetesObject } from '@kubernetes/client-node';
import type { CacheChange } from '@/lib/k8s/watch-cache';
import type { KindKey } from '@/lib/k8s/kinds';
import { summarizeVirtualService, type VirtualServiceSummary } from '@/lib/providers/istio/describe';
import type { VirtualService } from '@/lib/providers/istio/types';

/** What the browser receives for one change: enough to patch lists by uid or to refetch a view. */
export interface ChangeEvent {
  cluster: string;
  kind: KindKey;
  type: CacheChange['type'];
  uid: string;
  namespace?: string;
  name: string;
  /** For VirtualServices, the list row itself, so the list is patched without a refetch. */
  virtualService?: VirtualServiceSummary;
}

/** Turns a watch-cache change into the event sent on the SSE stream. */
export function toChangeEvent(change: CacheChange): ChangeEvent {
  const metadata = (change.object as KubernetesObject).metadata ?? {};
  return {
    cluster: change.cluster,
    kind: change.kind,
    type: change.type,
    uid: metadata.uid ?? '',
    namespace: metadata.namespace,
    name: metadata.name ?? '',
    virtualService: change.kind === 'virtualservices' ? summarizeVirtualService(change.cluster, change.object as VirtualService) : undefined,
  };
}
