import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectRef, ProviderInfo, RouteObjectSummary } from './types';

/** Oldest first, then by name: the order Istio uses when several objects claim one host (the oldest wins). */
export function oldestFirst(a: KubernetesObject, b: KubernetesObject): number {
  return createdAt(a) - createdAt(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** Milliseconds since the epoch of an object's creation (a Date from the API client, or its RFC 3339 text); 0 when unknown. */
function createdAt(object: KubernetesObject): number {
  const value = object.metadata?.creationTimestamp as Date | string | undefined;
  const time = value === undefined ? Number.NaN : new Date(value).getTime();
  return Number.isFinite(time) ? time : 0;
}

/** A view's reference to an object it is read from. */
export function objectRef(kind: string, object: KubernetesObject, role: ObjectRef['role']): ObjectRef {
  return { kind, name: object.metadata?.name ?? '', namespace: object.metadata?.namespace, resourceVersion: object.metadata?.resourceVersion ?? '', role };
}

/** The Routing page's row for a routing object: its identity, plus what the provider says it routes. */
export function routeObjectSummary(
  cluster: string,
  object: KubernetesObject,
  provider: ProviderInfo,
  routing: Pick<RouteObjectSummary, 'hosts' | 'parents' | 'routes'>,
): RouteObjectSummary {
  return {
    cluster,
    namespace: object.metadata?.namespace ?? 'default',
    name: object.metadata?.name ?? '',
    uid: object.metadata?.uid ?? '',
    resourceVersion: object.metadata?.resourceVersion ?? '',
    provider,
    kind: object.kind ?? '',
    ...routing,
  };
}
