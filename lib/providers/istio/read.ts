import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import { fingerprint } from '@/lib/mesh/etag';
import { gitOpsManager } from '@/lib/mesh/gitops';
import { qualifyHost } from '@/lib/mesh/hosts';
import type { ContentCondition, ContentPolicy, ContentRuleView, ReleaseView, Validation, VersionView, WorkloadView } from '@/lib/mesh/types';
import { describeRoute } from './describe';
import type { DestinationRule, HTTPRoute, VirtualService, WorkloadEntry } from './types';

/** The objects that make up one service's routing and workloads, gathered by the caller. */
export interface ServiceObjects {
  cluster: string;
  namespace: string;
  serviceName: string;
  service?: V1Service;
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  deployments: V1Deployment[];
  workloadEntries: WorkloadEntry[];
  pods: V1Pod[];
}

/** The label Istio's samples and the managed consoles use to name a version. */
export const VERSION_LABEL = 'version';

function hostOf(objects: Pick<ServiceObjects, 'namespace' | 'serviceName'>): string {
  return qualifyHost(objects.serviceName, objects.namespace);
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** True when every destination of the route is this service's host. */
function routesOnlyTo(route: HTTPRoute, host: string, namespace: string): boolean {
  const destinations = route.route ?? [];
  return destinations.length > 0 && destinations.every((entry) => qualifyHost(entry.destination.host, namespace) === host);
}

/** Index of the route the console manages weights on: the last catch-all route to this host. */
export function managedRouteIndex(vs: VirtualService | undefined, host: string, namespace: string): number | undefined {
  const routes = vs?.spec?.http ?? [];
  for (let index = routes.length - 1; index >= 0; index -= 1) {
    const route = routes[index]!;
    if ((route.match ?? []).length === 0 && routesOnlyTo(route, host, namespace)) return index;
  }
  return undefined;
}

function conditionsOf(match: NonNullable<HTTPRoute['match']>[number]): ContentCondition[] | undefined {
  if (Object.keys(match).some((key) => key !== 'headers' && key !== 'name')) return undefined;
  const conditions: ContentCondition[] = [];
  for (const [name, value] of Object.entries(match.headers ?? {})) {
    if (name.toLowerCase() === 'cookie') {
      if (value.regex === undefined) return undefined;
      conditions.push({ on: 'cookie', operator: 'regex', value: value.regex });
    } else if (value.exact !== undefined) conditions.push({ on: 'header', name, operator: 'exact', value: value.exact });
    else if (value.prefix !== undefined) conditions.push({ on: 'header', name, operator: 'prefix', value: value.prefix });
    else if (value.regex !== undefined) conditions.push({ on: 'header', name, operator: 'regex', value: value.regex });
    else return undefined;
  }
  return conditions.length > 0 ? conditions : undefined;
}

/** A route's matches as a content policy, when they are header / cookie conditions the console can edit. */
export function policyOfRoute(route: HTTPRoute): ContentPolicy | undefined {
  const matches = route.match ?? [];
  if (matches.length === 0) return undefined;
  const perMatch = matches.map(conditionsOf);
  if (perMatch.some((conditions) => !conditions)) return undefined;
  if (perMatch.length === 1) return { match: 'all', conditions: perMatch[0]! };
  if (perMatch.every((conditions) => conditions!.length === 1)) return { match: 'any', conditions: perMatch.map((c) => c![0]!) };
  return undefined;
}

/** A content rule the console manages: a match route whose one destination is a subset of this host. */
export function contentRuleOf(route: HTTPRoute, index: number, host: string, namespace: string): ContentRuleView | undefined {
  const destinations = route.route ?? [];
  if (destinations.length !== 1 || !routesOnlyTo(route, host, namespace)) return undefined;
  const version = destinations[0]!.destination.subset;
  const policy = policyOfRoute(route);
  return version && policy ? { index, version, policy } : undefined;
}

function deploymentView(deployment: V1Deployment): WorkloadView {
  return {
    kind: 'Deployment',
    name: deployment.metadata?.name ?? '',
    image: deployment.spec?.template.spec?.containers[0]?.image,
    ready: deployment.status?.readyReplicas ?? 0,
    desired: deployment.spec?.replicas ?? 1,
  };
}

function workloadEntryView(entry: WorkloadEntry): WorkloadView {
  return { kind: 'WorkloadEntry', name: entry.metadata?.name ?? '', address: entry.spec?.address, ready: 1, desired: 1 };
}

/** The routing VirtualService of a host, and how many claim it (Istio merges only at gateways). */
export function virtualServicesFor(objects: ServiceObjects): VirtualService[] {
  const host = hostOf(objects);
  return objects.virtualServices
    .filter((vs) => (vs.spec?.hosts ?? []).some((h) => qualifyHost(h, vs.metadata?.namespace ?? objects.namespace) === host))
    .filter((vs) => (vs.spec?.gateways ?? []).length === 0 || (vs.spec?.gateways ?? []).includes('mesh'))
    .sort((a, b) => (a.metadata?.creationTimestamp ?? '').toString().localeCompare((b.metadata?.creationTimestamp ?? '').toString()) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export function destinationRulesFor(objects: ServiceObjects): DestinationRule[] {
  const host = hostOf(objects);
  return objects.destinationRules.filter((dr) => qualifyHost(dr.spec?.host ?? '', dr.metadata?.namespace ?? objects.namespace) === host);
}

/** Reads one service's objects into the view the console shows and the planners start from. */
export function readRelease(objects: ServiceObjects): ReleaseView {
  const host = hostOf(objects);
  const { namespace } = objects;
  const selector = objects.service?.spec?.selector ?? {};
  const [vs, ...extraVirtualServices] = virtualServicesFor(objects);
  const [dr] = destinationRulesFor(objects);
  const routes = vs?.spec?.http ?? [];
  const managedIndex = managedRouteIndex(vs, host, namespace);
  const managedRoute = managedIndex === undefined ? undefined : routes[managedIndex];

  const weights = new Map<string, number>();
  for (const destination of managedRoute ? describeRoute(managedRoute, namespace).destinations : []) {
    if (destination.subset) weights.set(destination.subset, (weights.get(destination.subset) ?? 0) + destination.weight);
  }

  const rules: ContentRuleView[] = [];
  const otherRoutes: ReleaseView['otherRoutes'] = [];
  routes.forEach((route, index) => {
    if (index === managedIndex) return;
    const rule = contentRuleOf(route, index, host, namespace);
    if (rule) rules.push(rule);
    else otherRoutes.push({ ...describeRoute(route, namespace), index });
  });

  const backing = {
    deployments: objects.deployments.filter((d) => selects(selector, d.spec?.template.metadata?.labels)),
    entries: objects.workloadEntries.filter((e) => Object.keys(selector).length > 0 && selects(selector, e.spec?.labels)),
  };

  const subsets = [...(dr?.spec?.subsets ?? [])];
  const referenced = new Set([...weights.keys(), ...rules.map((rule) => rule.version)]);
  const validations: Validation[] = [];
  for (const name of referenced) {
    if (!subsets.some((subset) => subset.name === name)) {
      validations.push({ code: 'route-to-missing-subset', severity: 'error', subject: name });
      subsets.push({ name, labels: {} });
    }
  }

  const stableName = [...weights.entries()].reduce<[string, number] | undefined>(
    (best, entry) => (!best || entry[1] > best[1] ? entry : best),
    undefined,
  )?.[0] ?? subsets[0]?.name;

  const versions: VersionView[] = subsets.map((subset) => {
    const labels = subset.labels ?? {};
    const hasLabels = Object.keys(labels).length > 0;
    const workloads = hasLabels
      ? [
          ...backing.deployments.filter((d) => selects(labels, d.spec?.template.metadata?.labels)).map(deploymentView),
          ...backing.entries.filter((e) => selects(labels, e.spec?.labels)).map(workloadEntryView),
        ]
      : [];
    const ready = workloads.reduce((sum, workload) => sum + workload.ready, 0);
    const version: VersionView = {
      name: subset.name,
      labels,
      weight: weights.get(subset.name) ?? 0,
      role: subset.name === stableName ? 'stable' : 'gray',
      workloads,
      ready,
      desired: workloads.reduce((sum, workload) => sum + workload.desired, 0),
      rules: rules.filter((rule) => rule.version === subset.name),
    };
    if (workloads.length === 0 && hasLabels) validations.push({ code: 'subset-without-workload', severity: 'warning', subject: subset.name });
    if ((version.weight > 0 || version.rules.length > 0) && ready === 0) {
      validations.push({ code: 'traffic-without-ready-endpoint', severity: 'error', subject: subset.name });
    }
    return version;
  });

  if (extraVirtualServices.length > 0) {
    validations.push({ code: 'multiple-virtual-services', severity: 'warning', subject: [vs, ...extraVirtualServices].map((v) => v!.metadata?.name).join(', ') });
  }
  if (dr && !objects.service) validations.push({ code: 'destination-rule-host-without-service', severity: 'error', subject: dr.metadata?.name ?? '' });
  if (vs && managedIndex === undefined) validations.push({ code: 'no-managed-route', severity: 'warning', subject: vs.metadata?.name ?? '' });
  const total = [...weights.values()].reduce((sum, value) => sum + value, 0);
  if (managedRoute && total !== 100) validations.push({ code: 'weights-not-100', severity: 'error', subject: String(total) });

  const discoveredVersions = [
    ...new Set(
      [...backing.deployments.map((d) => d.spec?.template.metadata?.labels?.[VERSION_LABEL]), ...backing.entries.map((e) => e.spec?.labels?.[VERSION_LABEL])].filter(
        (value): value is string => Boolean(value),
      ),
    ),
  ].sort();

  return {
    cluster: objects.cluster,
    namespace,
    service: objects.serviceName,
    host: `${objects.serviceName}.${namespace}`,
    provider: 'istio',
    versions,
    otherRoutes,
    routes: routes.map((route) => describeRoute(route, namespace)),
    virtualService: vs && { kind: 'VirtualService', name: vs.metadata?.name ?? '', resourceVersion: vs.metadata?.resourceVersion ?? '' },
    destinationRule: dr && { kind: 'DestinationRule', name: dr.metadata?.name ?? '', resourceVersion: dr.metadata?.resourceVersion ?? '' },
    discoveredVersions,
    managedRouteIndex: managedIndex,
    validations,
    gitOps: gitOpsManager(vs) ?? gitOpsManager(dr),
    splitEtag: splitEtagOf(vs?.metadata?.name, weights, rules),
  };
}

/** The fingerprint of the console-owned state: which VirtualService, its weights, its content rules. */
export function splitEtagOf(vsName: string | undefined, weights: Map<string, number>, rules: ContentRuleView[]): string {
  const canonical = JSON.stringify({
    vs: vsName ?? null,
    weights: [...weights.entries()].sort(([a], [b]) => a.localeCompare(b)),
    rules: rules.map((rule) => [rule.version, rule.policy]),
  });
  return fingerprint(canonical);
}
