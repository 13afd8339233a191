import { gitOpsManager } from '@/lib/mesh/gitops';
import { displayHost, qualifyHost } from '@/lib/mesh/hosts';
import { ownerOf } from '@/lib/mesh/owner';
import { MANAGED_BY, VERSION_LABEL } from '@/lib/mesh/plan-common';
import { deploymentView } from '@/lib/mesh/workloads';
import type { ServiceObjects } from '@/lib/mesh/provider';
import { selects } from '@/lib/mesh/snapshot';
import { objectRef, oldestFirst } from '@/lib/mesh/objects';
import { policyOfMatches, splitEtagOf } from '@/lib/mesh/split';
import type { ContentCondition, ContentPolicy, ContentRuleView, ObjectRef, ProbeView, ReleaseView, Validation, VersionView, WorkloadView } from '@/lib/mesh/types';
import { istioAnalysis } from './analysis';
import { bindsToMesh } from './visibility';
import { describeRoute } from './describe';
import { mirrorOf, stickyOf } from './route-edits';
import { healthOf } from './health';
import { ISTIO } from './info';
import type { DestinationRule, HTTPRoute, ReadinessProbe, ServiceEntry, VirtualService, WorkloadEntry, WorkloadGroup } from './types';

const MANAGED_BY_KEY = 'app.kubernetes.io/managed-by';

/** One service's Istio objects: the VirtualServices and DestinationRules naming its host, its VMs. */
export interface IstioObjects extends ServiceObjects {
  /** VirtualServices of any namespace that the service's own namespace's sidecars use for its host, governing one first. */
  virtualServices: VirtualService[];
  /** Those naming the host that these sidecars do not use: bound to gateways only, or exported elsewhere. */
  hiddenVirtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  /** WorkloadEntries the Service (or the ServiceEntry) selects. */
  workloadEntries: WorkloadEntry[];
  /** WorkloadGroups whose VMs the Service (or the ServiceEntry) would select once they register. */
  workloadGroups: WorkloadGroup[];
  /** The ServiceEntry whose workloadSelector stands for the service, when the host is one's and no Service has it. */
  serviceEntry?: ServiceEntry;
}

export const ISTIO_CAPABILITIES: ReleaseView['capabilities'] = { contentRules: { supported: true, operators: ['exact', 'prefix', 'regex'] }, mirror: { supported: true }, sticky: { supported: true } };

/** Whether a Service or a ServiceEntry with a workloadSelector defines the host (its workloads are the endpoints). */
function hasService(objects: Pick<IstioObjects, 'service' | 'serviceEntry'>): boolean {
  return Boolean(objects.service ?? objects.serviceEntry);
}

function hostOf(objects: Pick<IstioObjects, 'namespace' | 'serviceName'>): string {
  return qualifyHost(objects.serviceName, objects.namespace);
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
  return policyOfMatches((route.match ?? []).map(conditionsOf));
}

/** A content rule the console manages: a match route whose one destination is a subset of this host. */
export function contentRuleOf(route: HTTPRoute, index: number, host: string, namespace: string): ContentRuleView | undefined {
  const destinations = route.route ?? [];
  if (destinations.length !== 1 || !routesOnlyTo(route, host, namespace)) return undefined;
  const version = destinations[0]!.destination.subset;
  const policy = policyOfRoute(route);
  return version && policy ? { index, version, policy } : undefined;
}

/** A VM as a version's workload: ready 1/1 only when Istio sends it traffic (see health.ts). */
export function workloadEntryView(entry: WorkloadEntry): WorkloadView {
  const { health, ready, probed } = healthOf(entry);
  const managed = entry.metadata?.labels?.[MANAGED_BY_KEY] === MANAGED_BY[MANAGED_BY_KEY];
  const group = entry.metadata?.annotations?.[AUTO_REGISTRATION_GROUP];
  return { form: 'vm', kind: 'WorkloadEntry', name: entry.metadata?.name ?? '', address: entry.spec?.address, ready: ready ? 1 : 0, desired: 1, health, probed, managed, ...(group ? { group } : {}) };
}

/** istiod's annotation on a WorkloadEntry it created when a VM of a WorkloadGroup connected. */
export const AUTO_REGISTRATION_GROUP = 'istio.io/autoRegistrationGroup';

function probeView(probe: ReadinessProbe | undefined): ProbeView | undefined {
  if (!probe) return undefined;
  const every = probe.periodSeconds === undefined ? {} : { periodSeconds: probe.periodSeconds };
  if (probe.httpGet) return { type: 'http', path: probe.httpGet.path ?? '/', port: probe.httpGet.port, ...every };
  if (probe.tcpSocket) return { type: 'tcp', port: probe.tcpSocket.port, ...every };
  if (probe.exec) return { type: 'exec', command: (probe.exec.command ?? []).join(' '), ...every };
  return undefined;
}

/**
 * A WorkloadGroup as a version's workload: the VMs that will auto-register from it. It serves nothing itself (0/0:
 * its registered VMs are counted as their WorkloadEntries), so a version with only a group and no VM connected yet
 * has no ready endpoint, as istiod sees it, and the readiness gate refuses to send it traffic.
 */
export function workloadGroupView(group: WorkloadGroup): WorkloadView {
  const probe = probeView(group.spec?.probe);
  return { form: 'vm', kind: 'WorkloadGroup', name: group.metadata?.name ?? '', ready: 0, desired: 0, probed: Boolean(probe), ...(probe ? { probe } : {}) };
}

/** The labels a WorkloadGroup's VMs register with. */
export function groupLabels(group: WorkloadGroup): Record<string, string> | undefined {
  return group.spec?.metadata?.labels;
}

/** The VirtualServices sidecars of the service's namespace use for its host, the governing one first (see visibility.ts). */
export function virtualServicesFor(objects: Pick<IstioObjects, 'virtualServices'>): VirtualService[] {
  return objects.virtualServices;
}

export function destinationRulesFor(objects: Pick<IstioObjects, 'namespace' | 'serviceName' | 'destinationRules'>): DestinationRule[] {
  const host = hostOf(objects);
  return objects.destinationRules.filter((dr) => qualifyHost(dr.spec?.host ?? '', dr.metadata?.namespace ?? objects.namespace) === host).sort(oldestFirst);
}

function ref(kind: string, object: VirtualService | DestinationRule | undefined, role: ObjectRef['role']): ObjectRef[] {
  return object ? [objectRef(kind, object, role)] : [];
}

/** Reads one service's Istio objects into the view the console shows and the planners start from. */
export function readIstio(objects: IstioObjects): ReleaseView {
  const host = hostOf(objects);
  const { namespace } = objects;
  const [vs, ...extraVirtualServices] = virtualServicesFor(objects);
  const [dr] = destinationRulesFor(objects);
  const routes = vs?.spec?.http ?? [];
  const managedIndex = managedRouteIndex(vs, host, namespace);
  const managedRoute = managedIndex === undefined ? undefined : routes[managedIndex];
  const mirror = mirrorOf(managedRoute, host, namespace);
  const sticky = stickyOf(managedRoute, host, namespace);

  const weights = new Map<string, number>();
  for (const destination of managedRoute ? describeRoute(managedRoute, namespace).destinations : []) {
    if (destination.version) weights.set(destination.version, (weights.get(destination.version) ?? 0) + destination.weight);
  }

  const rules: ContentRuleView[] = [];
  const otherRoutes: ReleaseView['otherRoutes'] = [];
  routes.forEach((route, index) => {
    if (index === managedIndex) return;
    const rule = contentRuleOf(route, index, host, namespace);
    if (rule) rules.push(rule);
    else otherRoutes.push({ ...describeRoute(route, namespace), index });
  });

  const subsets = [...(dr?.spec?.subsets ?? [])];
  const referenced = new Set([...weights.keys(), ...rules.map((rule) => rule.version), ...(mirror ? [mirror.version] : [])]);
  const validations: Validation[] = [];
  for (const name of referenced) {
    if (!subsets.some((subset) => subset.name === name)) {
      validations.push({ code: 'route-to-missing-version', severity: 'error', subject: name, kind: 'DestinationRule' });
      subsets.push({ name, labels: {} });
    }
  }

  const stableName =
    [...weights.entries()].reduce<[string, number] | undefined>((best, entry) => (!best || entry[1] > best[1] ? entry : best), undefined)?.[0] ?? subsets[0]?.name;

  const versions: VersionView[] = subsets.map((subset) => {
    const labels = subset.labels ?? {};
    const hasLabels = Object.keys(labels).length > 0;
    const workloads = hasLabels
      ? [
          ...objects.deployments.filter((d) => selects(labels, d.spec?.template.metadata?.labels)).map(deploymentView),
          ...objects.workloadEntries.filter((e) => selects(labels, e.spec?.labels)).map(workloadEntryView),
          ...objects.workloadGroups.filter((g) => selects(labels, groupLabels(g))).map(workloadGroupView),
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
      backend: dr ? { kind: 'DestinationRule subset', name: subset.name } : undefined,
    };
    // Without a Service there are no workloads to select; that problem is reported once, as routing-without-service.
    if (workloads.length === 0 && hasLabels && hasService(objects)) validations.push({ code: 'version-without-workload', severity: 'warning', subject: subset.name });
    if ((version.weight > 0 || version.rules.length > 0) && ready === 0) {
      validations.push({ code: 'traffic-without-ready-endpoint', severity: 'error', subject: subset.name });
    }
    return version;
  });

  const named = (v: VirtualService) => (v.metadata?.namespace && v.metadata.namespace !== namespace ? `${v.metadata.namespace}/${v.metadata?.name}` : (v.metadata?.name ?? ''));
  if (extraVirtualServices.length > 0) {
    validations.push({ code: 'multiple-routing-objects', severity: 'warning', subject: [vs!, ...extraVirtualServices].map(named).join(', '), kind: 'VirtualService' });
  }
  if (vs && vs.metadata?.namespace && vs.metadata.namespace !== namespace) {
    validations.push({ code: 'routing-elsewhere', severity: 'warning', subject: named(vs), kind: 'VirtualService' });
  }
  const elsewhere = objects.hiddenVirtualServices.filter((v) => bindsToMesh(v) && v.metadata?.namespace !== namespace);
  if (elsewhere.length > 0) validations.push({ code: 'routing-for-other-clients', severity: 'warning', subject: elsewhere.map(named).join(', '), kind: 'VirtualService' });
  const delegates = routes.flatMap((route) => (route.delegate ? [`${route.delegate.namespace ?? vs?.metadata?.namespace ?? namespace}/${route.delegate.name}`] : []));
  if (delegates.length > 0) validations.push({ code: 'delegated-routes', severity: 'warning', subject: delegates.join(', '), kind: 'VirtualService' });
  if ((dr || vs) && !hasService(objects)) validations.push({ code: 'routing-without-service', severity: 'error', subject: (dr ?? vs)!.metadata?.name ?? '', kind: dr ? 'DestinationRule' : 'VirtualService' });
  if (vs && managedIndex === undefined) validations.push({ code: 'no-managed-route', severity: 'warning', subject: vs.metadata?.name ?? '', kind: 'VirtualService' });
  const total = [...weights.values()].reduce((sum, value) => sum + value, 0);
  if (managedRoute && total !== 100) validations.push({ code: 'weights-not-100', severity: 'error', subject: String(total) });
  // Istio's subset analyzer counts pods only: a subset served by VMs (WorkloadEntries) alone is not a problem.
  const vmOnly = versions.some((v) => v.workloads.length > 0 && v.workloads.every((w) => w.form === 'vm'));
  const explained = (code: string) => code === 'IST0173' && vmOnly && !validations.some((v) => v.code === 'version-without-workload');
  validations.push(...istioAnalysis([{ kind: 'VirtualService', object: vs }, { kind: 'DestinationRule', object: dr }], validations, explained));

  const discoveredVersions = [
    ...new Set(
      [...objects.deployments.map((d) => d.spec?.template.metadata?.labels?.[VERSION_LABEL]), ...objects.workloadEntries.map((e) => e.spec?.labels?.[VERSION_LABEL]), ...objects.workloadGroups.map((g) => groupLabels(g)?.[VERSION_LABEL])].filter(
        (value): value is string => Boolean(value),
      ),
    ),
  ].sort();

  return {
    cluster: objects.cluster,
    namespace,
    service: objects.serviceName,
    host: objects.serviceEntry ? displayHost(host, namespace) : `${objects.serviceName}.${namespace}`,
    provider: ISTIO,
    routed: Boolean(vs),
    versions,
    otherRoutes,
    routes: routes.map((route) => describeRoute(route, namespace)),
    // A ServiceEntry standing for the host is shown with the objects that define its versions (its workloadSelector does).
    objects: [...ref('VirtualService', vs, 'routing'), ...ref('DestinationRule', dr, 'version'), ...(objects.serviceEntry ? [objectRef('ServiceEntry', objects.serviceEntry, 'version')] : [])],
    discoveredVersions,
    managedRouteIndex: managedIndex,
    validations,
    gitOps: gitOpsManager(vs) ?? gitOpsManager(dr),
    owner: ownerOf(vs),
    capabilities: ISTIO_CAPABILITIES,
    trafficServices: [objects.serviceName],
    ...(mirror ? { mirror } : {}),
    ...(sticky ? { sticky } : {}),
    splitEtag: splitEtagOf(vs?.metadata?.name, weights, rules, mirror, sticky),
  };
}
