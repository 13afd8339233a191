/**
 * SMI TrafficSplit routing: calls to the root Service are spread over the backend Services by relative
 * weight. Istio does not implement SMI, so this stays the simulator's own even when Istio and Gateway API
 * routing come from istiod. Where SMI is silent the simulator answers like Envoy with nothing to send to:
 * a missing backend Service, or weights that add up to nothing, are a 503.
 */
import { qualifyHost } from '../hosts.ts';
import type { MeshRequest } from '../mesh-request.ts';
import { oldestFirst } from '../object-order.ts';
import type { RouteOutcome, Router } from '../router.ts';
import type { ServiceIndex, ServiceRef } from '../services.ts';
import { pickByWeight } from '../weighted-pick.ts';
import type { TrafficSplit } from './types.ts';

/** The TrafficSplit whose root is `service` (the oldest, when several claim it). */
export function trafficSplitFor(service: ServiceRef, splits: readonly TrafficSplit[]): TrafficSplit | undefined {
  return splits
    .filter((split) => split.metadata?.namespace === service.namespace && qualifyHost(split.spec?.service ?? '', service.namespace) === service.fqdn)
    .sort(oldestFirst)[0];
}

/** Routes calls to the root Service of `split`. */
export function trafficSplitRouter(service: ServiceRef, split: TrafficSplit, services: ServiceIndex): Router {
  const backends = split.spec?.backends ?? [];
  return (_request: MeshRequest, random: () => number): RouteOutcome => {
    const picked = pickByWeight(backends, (backend) => Number(backend.weight) || 0, random());
    if (!picked) return { kind: 'answer', status: 503, host: service.fqdn, version: 'unknown' };
    const host = qualifyHost(picked.service, service.namespace);
    const backend = services.get(host);
    return backend ? { kind: 'forward', backend } : { kind: 'answer', status: 503, host, version: 'unknown' };
  };
}
