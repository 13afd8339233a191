import type { KubernetesObject } from '@kubernetes/client-node';
import { displayHost } from '@/lib/mesh/hosts';
import { routeObjectSummary } from '@/lib/mesh/objects';
import type { RouteObjectSummary, RouteSummary } from '@/lib/mesh/types';
import { SMI } from './info';
import type { TrafficSplit, TrafficSplitBackend } from './types';

/** A split in words: every request to the root goes to one of the backends, by weight. */
export function describeSplit(split: TrafficSplit, versionOf: (backend: TrafficSplitBackend) => string | undefined = () => undefined): RouteSummary {
  const namespace = split.metadata?.namespace ?? 'default';
  const backends = split.spec?.backends ?? [];
  const total = backends.reduce((sum, backend) => sum + backend.weight, 0);
  return {
    matches: [],
    destinations: backends.map((backend) => ({
      target: displayHost(backend.service, namespace),
      version: versionOf(backend),
      weight: total > 0 ? Math.round((backend.weight * 100) / total) : 0,
    })),
    extras: Object.keys(split.spec ?? {}).filter((key) => key !== 'service' && key !== 'backends'),
  };
}

/** The Routing page's row for one TrafficSplit. */
export function summarizeTrafficSplit(cluster: string, object: KubernetesObject): RouteObjectSummary {
  const split = object as TrafficSplit;
  const namespace = split.metadata?.namespace ?? 'default';
  return routeObjectSummary(cluster, { ...split, kind: 'TrafficSplit' }, SMI, {
    hosts: split.spec?.service ? [displayHost(split.spec.service, namespace)] : [],
    parents: ['mesh'],
    routes: [describeSplit(split)],
  });
}
