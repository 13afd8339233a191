import { gitOpsManager } from '@/lib/mesh/gitops';
import { ownerOf } from '@/lib/mesh/owner';
import type { ServiceObjects } from '@/lib/mesh/provider';
import { discoveredVersionsOf, readServiceVersions, versionNameOf, type BackendWeight, type ServiceBackedObjects } from '@/lib/mesh/service-versions';
import { objectRef } from '@/lib/mesh/objects';
import { policyOfMatches, splitEtagOf } from '@/lib/mesh/split';
import type { ContentCondition, ContentPolicy, ContentRuleView, ReleaseView, Validation } from '@/lib/mesh/types';
import { describeRule, isAnyPath, isLocalService } from './describe';
import { GATEWAY_API } from './info';
import { mirrorOfRule } from './rule-edits';
import type { BackendRef, HTTPRoute, RouteMatch, RouteRule } from './types';

/** One service's Gateway API objects: the HTTPRoutes that route it, governing one first, and its version Services. */
export interface GatewayObjects extends ServiceObjects, ServiceBackedObjects {
  /** Routes with this Service as parent (mesh, GAMMA) first, then Gateway routes to its versions; oldest first. */
  routes: HTTPRoute[];
  /** Backend names that stand for this service's versions (the root, its version Services, `<root>-*`). */
  members: Set<string>;
  /** Backend Services that routes other than the governing one send to: never deleted with a version. */
  sharedBackends: Set<string>;
}

export const GATEWAY_CAPABILITIES: ReleaseView['capabilities'] = { contentRules: { supported: true, operators: ['exact', 'regex'] }, mirror: { supported: true }, sticky: { supported: false } };

/** Whether a match adds nothing to "every request" (no conditions, or only the default path). */
function isCatchAllMatch(match: RouteMatch): boolean {
  return isAnyPath(match) && Object.keys(match).every((key) => key === 'path');
}

/** The backends of a rule that are versions of this service, or undefined when any backend is something else. */
function memberBackends(rule: RouteRule, objects: Pick<GatewayObjects, 'namespace' | 'members'>): BackendRef[] | undefined {
  const backends = rule.backendRefs ?? [];
  if (backends.length === 0 || !backends.every((ref) => isLocalService(ref, objects.namespace) && objects.members.has(ref.name))) return undefined;
  return backends;
}

/** Index of the rule the console manages weights on: the last catch-all rule whose backends are all versions. */
export function managedRuleIndex(rules: RouteRule[], objects: Pick<GatewayObjects, 'namespace' | 'members'>): number | undefined {
  for (let index = rules.length - 1; index >= 0; index -= 1) {
    const rule = rules[index]!;
    if ((rule.matches ?? []).every(isCatchAllMatch) && memberBackends(rule, objects)) return index;
  }
  return undefined;
}

function conditionsOf(match: RouteMatch): ContentCondition[] | undefined {
  if (!isAnyPath(match) || Object.keys(match).some((key) => key !== 'path' && key !== 'headers')) return undefined;
  const conditions: ContentCondition[] = [];
  for (const header of match.headers ?? []) {
    const type = header.type ?? 'Exact';
    if (header.name.toLowerCase() === 'cookie') {
      if (type !== 'RegularExpression') return undefined;
      conditions.push({ on: 'cookie', operator: 'regex', value: header.value });
    } else conditions.push({ on: 'header', name: header.name, operator: type === 'RegularExpression' ? 'regex' : 'exact', value: header.value });
  }
  return conditions.length > 0 ? conditions : undefined;
}

/** A rule's matches as a content policy, when they are header / cookie conditions on any path. */
export function policyOfRule(rule: RouteRule): ContentPolicy | undefined {
  return policyOfMatches((rule.matches ?? []).map(conditionsOf));
}

/** The version a member backend stands for. */
export function backendVersion(objects: Pick<GatewayObjects, 'serviceName' | 'versionServices'>, ref: BackendRef): string {
  return versionNameOf(objects.serviceName, ref.name, objects.versionServices.find((service) => service.metadata?.name === ref.name));
}

/** Parents that have not accepted the route, or could not resolve its backends, as the implementation says. */
function statusProblems(route: HTTPRoute): Validation[] {
  return (route.status?.parents ?? []).flatMap((parent) =>
    (parent.conditions ?? [])
      .filter((condition) => ['Accepted', 'ResolvedRefs'].includes(condition.type) && condition.status === 'False')
      .map((condition): Validation => ({
        code: 'route-not-accepted',
        severity: 'error',
        kind: 'HTTPRoute',
        subject: `${route.metadata?.name} (${parent.parentRef.kind ?? 'Gateway'} ${parent.parentRef.name}): ${condition.reason ?? condition.type}${condition.message ? ` — ${condition.message}` : ''}`,
      })),
  );
}

/** Reads one service's HTTPRoutes and version Services into the view the console shows and the planners start from. */
export function readGatewayApi(objects: GatewayObjects): ReleaseView {
  const { namespace } = objects;
  const [route, ...others] = objects.routes;
  const rules = route?.spec?.rules ?? [];
  const managedIndex = managedRuleIndex(rules, objects);
  const versionOf = (ref: BackendRef) => (isLocalService(ref, namespace) && objects.members.has(ref.name) ? backendVersion(objects, ref) : undefined);

  const contentRules: ContentRuleView[] = [];
  const ruleBackends = new Map<string, string>();
  const otherRoutes: ReleaseView['otherRoutes'] = [];
  rules.forEach((rule, index) => {
    if (index === managedIndex) return;
    const backends = memberBackends(rule, objects);
    const policy = backends?.length === 1 ? policyOfRule(rule) : undefined;
    if (backends && policy) {
      const version = backendVersion(objects, backends[0]!);
      contentRules.push({ index, version, policy });
      ruleBackends.set(version, backends[0]!.name);
    } else otherRoutes.push({ ...describeRule(rule, namespace, versionOf), index });
  });

  const backends: BackendWeight[] = managedIndex === undefined ? [] : (rules[managedIndex]!.backendRefs ?? []).map((ref) => ({ name: ref.name, weight: ref.weight ?? 1 }));
  const read = readServiceVersions(objects, backends, contentRules, ruleBackends);
  const mirror = managedIndex === undefined ? undefined : mirrorOfRule(rules[managedIndex], versionOf);
  const validations = [...read.validations];
  if (others.length > 0) validations.push({ code: 'multiple-routing-objects', severity: 'warning', kind: 'HTTPRoute', subject: objects.routes.map((r) => r.metadata?.name).join(', ') });
  if (route && !objects.service) validations.push({ code: 'routing-without-service', severity: 'error', kind: 'HTTPRoute', subject: route.metadata?.name ?? '' });
  if (route && managedIndex === undefined) validations.push({ code: 'no-managed-route', severity: 'warning', kind: 'HTTPRoute', subject: route.metadata?.name ?? '' });
  if (managedIndex !== undefined && Object.values(read.raw).every((weight) => weight === 0)) validations.push({ code: 'no-weight', severity: 'error', kind: 'HTTPRoute', subject: route!.metadata?.name ?? '' });
  if (route) validations.push(...statusProblems(route));

  return {
    cluster: objects.cluster,
    namespace,
    service: objects.serviceName,
    host: `${objects.serviceName}.${namespace}`,
    provider: GATEWAY_API,
    routed: Boolean(route),
    versions: read.versions,
    otherRoutes,
    routes: rules.map((rule) => describeRule(rule, namespace, versionOf)),
    objects: [...(route ? [objectRef('HTTPRoute', route, 'routing')] : []), ...objects.versionServices.map((service) => objectRef('Service', service, 'version'))],
    discoveredVersions: discoveredVersionsOf(objects.service, objects.deployments),
    managedRouteIndex: managedIndex,
    ...(mirror ? { mirror } : {}),
    validations,
    gitOps: gitOpsManager(route),
    owner: ownerOf(route),
    capabilities: GATEWAY_CAPABILITIES,
    trafficServices: [...new Set([objects.serviceName, ...objects.versionServices.map((service) => service.metadata?.name ?? '')])],
    splitEtag: splitEtagOf(route?.metadata?.name, Object.entries(read.raw), contentRules, mirror),
  };
}
