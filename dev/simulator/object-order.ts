/**
 * "The oldest wins" is how Istio settles two VirtualServices claiming one host and how Gateway API settles
 * ties between routes. Objects from a watch carry creationTimestamp as a string, typed ones as a Date.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

function createdAt(object: KubernetesObject): number {
  const stamp = object.metadata?.creationTimestamp as Date | string | undefined;
  const time = stamp === undefined ? Number.NaN : new Date(stamp).getTime();
  // An object not yet stored (a test's literal) has no timestamp: it counts as the newest.
  return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/** Sort comparator: oldest creationTimestamp first, then `namespace/name` in alphabetical order. */
export function oldestFirst(a: KubernetesObject, b: KubernetesObject): number {
  const age = createdAt(a) - createdAt(b);
  if (age !== 0 && !Number.isNaN(age)) return age;
  const key = (object: KubernetesObject) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
  return key(a).localeCompare(key(b));
}
