import type { KubernetesObject } from '@kubernetes/client-node';
import { displayHost } from '@/lib/mesh/hosts';
import { routeObjectSummary } from '@/lib/mesh/objects';
import type { MatchCondition, RouteObjectSummary, RouteSummary } from '@/lib/mesh/types';
import { GATEWAY_API } from './info';
import type { BackendRef, HeaderMatch, HTTPRoute, ParentReference, RouteMatch, RouteRule } from './types';

const OPERATOR = { Exact: 'exact', PathPrefix: 'prefix', RegularExpression: 'regex' } as const;

/** A path match that matches every request: absent, or the API's default `PathPrefix /`. */
export function isAnyPath(match: RouteMatch): boolean {
  return !match.path || ((match.path.type ?? 'PathPrefix') === 'PathPrefix' && (match.path.value ?? '/') === '/');
}

function headerCondition(header: HeaderMatch, on: 'header' | 'query'): MatchCondition {
  const cookie = on === 'header' && header.name.toLowerCase() === 'cookie';
  return { on: cookie ? 'cookie' : on, name: cookie ? undefined : header.name, operator: OPERATOR[header.type ?? 'Exact'] ?? 'exact', value: header.value };
}

/** The conditions of one HTTPRouteMatch; the default path (`PathPrefix /`) is no condition. */
export function describeMatch(match: RouteMatch): MatchCondition[] {
  const conditions: MatchCondition[] = [];
  if (!isAnyPath(match)) conditions.push({ on: 'uri', operator: OPERATOR[match.path!.type ?? 'PathPrefix'] ?? 'prefix', value: match.path!.value ?? '/' });
  for (const header of match.headers ?? []) conditions.push(headerCondition(header, 'header'));
  for (const query of match.queryParams ?? []) conditions.push(headerCondition(query, 'query'));
  if (match.method) conditions.push({ on: 'method', operator: 'exact', value: match.method });
  for (const key of Object.keys(match)) {
    if (!['path', 'headers', 'queryParams', 'method'].includes(key)) conditions.push({ on: 'other', name: key, operator: 'present', value: JSON.stringify(match[key]) });
  }
  return conditions;
}

/** Whether a backendRef names a Service in the route's own namespace (the only kind of version Weir edits). */
export function isLocalService(ref: BackendRef, namespace: string): boolean {
  return (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service' && (ref.namespace ?? namespace) === namespace;
}

/** One rule in words; `versionOf` names the version a backend Service stands for, when it is one. */
export function describeRule(rule: RouteRule, namespace: string, versionOf: (backend: BackendRef) => string | undefined = () => undefined): RouteSummary {
  const backends = rule.backendRefs ?? [];
  const total = backends.reduce((sum, ref) => sum + (ref.weight ?? 1), 0);
  const alternatives = (rule.matches ?? []).map(describeMatch);
  return {
    name: rule.name,
    matches: alternatives.some((conditions) => conditions.length === 0) ? [] : alternatives,
    destinations: backends.map((ref) => ({
      target: displayHost(ref.name, ref.namespace ?? namespace),
      version: versionOf(ref),
      port: ref.port,
      weight: total > 0 ? Math.round(((ref.weight ?? 1) * 100) / total) : 0,
    })),
    extras: [...Object.keys(rule).filter((key) => !['name', 'matches', 'backendRefs'].includes(key)), ...(backends.some((ref) => ref.filters) ? ['backendRefs.filters'] : [])],
  };
}

/** A parent as people say it: `Service reviews`, `Gateway istio-ingress/gateway`. */
export function describeParent(parent: ParentReference, namespace: string): string {
  const kind = parent.kind ?? 'Gateway';
  const where = parent.namespace && parent.namespace !== namespace ? `${parent.namespace}/` : '';
  return `${kind} ${where}${parent.name}${parent.sectionName ? `:${parent.sectionName}` : ''}${parent.port ? ` port ${parent.port}` : ''}`;
}

/** Whether a parentRef is a Service (GAMMA: the route applies to requests addressed to that Service). */
export function isServiceParent(parent: ParentReference): boolean {
  return (parent.group ?? 'gateway.networking.k8s.io') === '' && parent.kind === 'Service';
}

/** The Routing page's row for one HTTPRoute. */
export function summarizeHttpRoute(cluster: string, object: KubernetesObject): RouteObjectSummary {
  const route = object as HTTPRoute;
  const namespace = route.metadata?.namespace ?? 'default';
  const parents = route.spec?.parentRefs ?? [];
  const serviceParents = parents.filter(isServiceParent).map((parent) => displayHost(parent.name, parent.namespace ?? namespace));
  return routeObjectSummary(cluster, { ...route, kind: 'HTTPRoute' }, GATEWAY_API, {
    hosts: [...serviceParents, ...(route.spec?.hostnames ?? (parents.some((parent) => !isServiceParent(parent)) ? ['*'] : []))],
    parents: parents.map((parent) => describeParent(parent, namespace)),
    routes: (route.spec?.rules ?? []).map((rule) => describeRule(rule, namespace)),
  });
}
