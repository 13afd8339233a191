import type { KubernetesObject } from '@kubernetes/client-node';
import type { CacheChange } from '@/lib/k8s/watch-cache';
import type { KindKey } from '@/lib/k8s/kinds';
import { affectsServices, kindByKey, routeKindProvider } from '@/lib/mesh/registry';
import type { RouteObjectSummary } from '@/lib/mesh/types';

/** What the browser receives for one change: enough to patch lists by uid or to refetch a view. */
export interface ChangeEvent {
  cluster: string;
  kind: KindKey;
  /** The object's kind as views name it (`VirtualService`), so a service page can tell it shows this object. */
  objectKind: string;
  type: CacheChange['type'];
  uid: string;
  namespace?: string;
  name: string;
  /** For routing objects (VirtualService, HTTPRoute, TrafficSplit, ...), the Routing page's row itself. */
  route?: RouteObjectSummary;
  /** Whether the change can change a service's view (so open service pages refetch). */
  affectsServices: boolean;
}

/** Turns a watch-cache change into the event sent on the SSE stream. */
export function toChangeEvent(change: CacheChange): ChangeEvent {
  const metadata = (change.object as KubernetesObject).metadata ?? {};
  return {
    cluster: change.cluster,
    kind: change.kind,
    objectKind: change.object.kind ?? kindByKey(change.kind)?.kind ?? '',
    type: change.type,
    uid: metadata.uid ?? '',
    namespace: metadata.namespace,
    name: metadata.name ?? '',
    route: routeKindProvider(change.kind)?.summarize(change.cluster, change.object),
    affectsServices: affectsServices(change.kind),
  };
}
