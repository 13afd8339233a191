import type { KubernetesObject } from '@kubernetes/client-node';
import { displayHost } from '@/lib/mesh/hosts';
import { routeObjectSummary } from '@/lib/mesh/objects';
import type { MatchCondition, RouteObjectSummary, RouteSummary } from '@/lib/mesh/types';
import { ISTIO } from './info';
import type { HTTPMatchRequest, HTTPRoute, StringMatch, VirtualService } from './types';

function stringMatch(match: StringMatch | undefined): Pick<MatchCondition, 'operator' | 'value'> {
  if (!match || Object.keys(match).length === 0) return { operator: 'present', value: '' };
  if (match.exact !== undefined) return { operator: 'exact', value: match.exact };
  if (match.prefix !== undefined) return { operator: 'prefix', value: match.prefix };
  return { operator: 'regex', value: match.regex ?? '' };
}

/** The conditions of one Istio HTTPMatchRequest, cookies called out since gray rules use them. */
export function describeMatch(match: HTTPMatchRequest): MatchCondition[] {
  const conditions: MatchCondition[] = [];
  for (const [name, value] of Object.entries(match.headers ?? {})) {
    const on = name.toLowerCase() === 'cookie' ? 'cookie' : 'header';
    conditions.push({ on, name: on === 'cookie' ? undefined : name, ...stringMatch(value) });
  }
  if (match.uri) conditions.push({ on: 'uri', ...stringMatch(match.uri) });
  for (const [name, value] of Object.entries(match.queryParams ?? {})) {
    conditions.push({ on: 'query', name, ...stringMatch(value) });
  }
  for (const key of ['method', 'authority'] as const) {
    const value = match[key] as StringMatch | undefined;
    if (value) conditions.push({ on: key, ...stringMatch(value) });
  }
  const known = new Set(['name', 'headers', 'uri', 'queryParams', 'method', 'authority']);
  for (const key of Object.keys(match)) {
    if (!known.has(key)) conditions.push({ on: 'other', name: key, operator: 'present', value: JSON.stringify(match[key]) });
  }
  return conditions;
}

/** A route's destinations with effective weights (Istio gives a lone unweighted destination 100%). */
export function describeRoute(route: HTTPRoute, namespace: string): RouteSummary {
  const destinations = route.route ?? [];
  return {
    name: route.name,
    matches: (route.match ?? []).map(describeMatch),
    destinations: destinations.map((entry) => ({
      target: displayHost(entry.destination.host, namespace),
      version: entry.destination.subset,
      port: entry.destination.port?.number,
      weight: entry.weight ?? (destinations.length === 1 ? 100 : 0),
    })),
    extras: [
      ...(route.delegate ? [`delegate ${route.delegate.namespace ? `${route.delegate.namespace}/` : ''}${route.delegate.name}`] : []),
      ...Object.keys(route).filter((key) => !['name', 'match', 'route', 'delegate'].includes(key)),
    ],
  };
}

/** The Routing page's row for one VirtualService. */
export function summarizeVirtualService(cluster: string, object: KubernetesObject): RouteObjectSummary {
  const vs = object as VirtualService;
  const namespace = vs.metadata?.namespace ?? 'default';
  return routeObjectSummary(cluster, { ...vs, kind: 'VirtualService' }, ISTIO, {
    hosts: (vs.spec?.hosts ?? []).map((host) => displayHost(host, namespace)),
    parents: (vs.spec?.gateways ?? []).length > 0 ? vs.spec!.gateways! : ['mesh'],
    routes: (vs.spec?.http ?? []).map((route) => describeRoute(route, namespace)),
  });
}
