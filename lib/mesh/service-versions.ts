import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { CORE_KINDS, type KindInfo } from '@/lib/k8s/kinds';
import type { Intent } from './intents';
import type { AccessNeed } from './provider';
import { VERSION_LABEL } from './plan-common';
import { selects, type NamespaceSnapshot } from './snapshot';
import type { ContentRuleView, Validation, VersionView } from './types';
import { toPercent } from './weights';
import { deploymentView } from './workloads';

/*
 * Versions as Services: Gateway API's HTTPRoute and SMI's TrafficSplit send weights to backend Services, one
 * per version (`reviews-v1`, `reviews-v2`), each selecting the root Service's workloads plus a version label.
 * Both providers read and create versions the same way, here.
 */

function selectorKey(selector: Record<string, string>): string {
  return JSON.stringify(Object.entries(selector).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Version Services of each root Service in a namespace: a Service whose selector is the root's plus a
 * `version` label. Computed once per snapshot; linear in the namespace's Services.
 */
export function versionServicesByRoot(snapshot: NamespaceSnapshot): Map<string, V1Service[]> {
  return snapshot.derived('version-services-by-root', () => {
    const roots = new Map<string, string[]>();
    for (const service of snapshot.services()) {
      const selector = service.spec?.selector ?? {};
      if (Object.keys(selector).length === 0 || VERSION_LABEL in selector) continue;
      const key = selectorKey(selector);
      roots.set(key, [...(roots.get(key) ?? []), service.metadata?.name ?? '']);
    }
    const byRoot = new Map<string, V1Service[]>();
    for (const service of snapshot.services()) {
      const { [VERSION_LABEL]: version, ...rest } = service.spec?.selector ?? {};
      if (version === undefined || Object.keys(rest).length === 0) continue;
      for (const root of roots.get(selectorKey(rest)) ?? []) byRoot.set(root, [...(byRoot.get(root) ?? []), service]);
    }
    return byRoot;
  });
}

/** The version a backend Service stands for: its selector's version label, else the name after `<root>-`, else its name. */
export function versionNameOf(root: string, backendName: string, backend: V1Service | undefined): string {
  const label = backend?.spec?.selector?.[VERSION_LABEL];
  if (label) return label;
  return backendName.startsWith(`${root}-`) && backendName.length > root.length + 1 ? backendName.slice(root.length + 1) : backendName;
}

/** What a service-backed provider gathered about one service. */
export interface ServiceBackedObjects {
  serviceName: string;
  service?: V1Service;
  /** Version Services of the root, and every Service a backend names that exists. */
  versionServices: V1Service[];
  /** Deployments selected by the root and by each version Service. */
  deployments: V1Deployment[];
}

/** The Services and Deployments a service-backed provider gathers for a root and the backends its objects name. */
export function gatherServiceVersions(snapshot: NamespaceSnapshot, root: string, backendNames: Iterable<string>): ServiceBackedObjects {
  const service = snapshot.service(root);
  const services = new Map<string, V1Service>();
  for (const version of versionServicesByRoot(snapshot).get(root) ?? []) services.set(version.metadata?.name ?? '', version);
  for (const name of backendNames) {
    const backend = snapshot.service(name);
    if (backend) services.set(name, backend);
  }
  const deployments = new Map<string, V1Deployment>();
  for (const selected of [service, ...services.values()]) {
    for (const deployment of snapshot.deploymentsSelectedBy(selected?.spec?.selector)) deployments.set(deployment.metadata?.name ?? '', deployment);
  }
  return { serviceName: root, service, versionServices: [...services.values()], deployments: [...deployments.values()] };
}

/** A backend of the managed rule (or split) and its weight as the API writes it (relative). */
export interface BackendWeight {
  name: string;
  weight: number;
}

export interface ServiceVersions {
  versions: VersionView[];
  /** Percent per version (whole numbers adding up to 100, or all 0). */
  percent: Record<string, number>;
  /** The weights as written, summed per version: what the split's fingerprint covers. */
  raw: Record<string, number>;
  validations: Validation[];
  /** Version name → backend Service name. */
  backendOf: Map<string, string>;
}

/**
 * The versions of a service whose versions are Services: every backend of the managed rule and every version
 * Service of the root, with weights as percents, content rules, workloads and the problems a user must know.
 */
export function readServiceVersions(objects: ServiceBackedObjects, backends: BackendWeight[], rules: ContentRuleView[], ruleBackends: Map<string, string>): ServiceVersions {
  const byName = new Map(objects.versionServices.map((service) => [service.metadata?.name ?? '', service]));
  const validations: Validation[] = [];
  const backendOf = new Map<string, string>();
  const raw: Record<string, number> = {};
  const order: string[] = [];
  const note = (version: string, backendName: string) => {
    if (!backendOf.has(version)) {
      backendOf.set(version, backendName);
      order.push(version);
    }
  };
  for (const backend of backends) {
    const version = versionNameOf(objects.serviceName, backend.name, byName.get(backend.name));
    note(version, backend.name);
    raw[version] = (raw[version] ?? 0) + backend.weight;
  }
  for (const [version, backendName] of ruleBackends) note(version, backendName);
  for (const service of objects.versionServices) {
    const name = service.metadata?.name ?? '';
    note(versionNameOf(objects.serviceName, name, service), name);
  }
  const percent = toPercent(Object.fromEntries(order.map((version) => [version, raw[version] ?? 0])));
  const stable = order.reduce<string | undefined>((best, version) => (best === undefined || (percent[version] ?? 0) > (percent[best] ?? 0) ? version : best), undefined);

  const versions = order.map((name): VersionView => {
    const backendName = backendOf.get(name)!;
    const backend = byName.get(backendName);
    if (!backend) validations.push({ code: 'route-to-missing-version', severity: 'error', subject: backendName, kind: 'Service' });
    const labels = backend?.spec?.selector ?? {};
    const workloads = backend && Object.keys(labels).length > 0 ? objects.deployments.filter((d) => selects(labels, d.spec?.template.metadata?.labels)).map(deploymentView) : [];
    const ready = workloads.reduce((sum, workload) => sum + workload.ready, 0);
    const version: VersionView = {
      name,
      labels,
      weight: percent[name] ?? 0,
      role: name === stable ? 'stable' : 'gray',
      workloads,
      ready,
      desired: workloads.reduce((sum, workload) => sum + workload.desired, 0),
      rules: rules.filter((rule) => rule.version === name),
      backend: { kind: 'Service', name: backendName },
    };
    if (backend && workloads.length === 0) validations.push({ code: 'version-without-workload', severity: 'warning', subject: name });
    if ((version.weight > 0 || version.rules.length > 0) && ready === 0) validations.push({ code: 'traffic-without-ready-endpoint', severity: 'error', subject: name });
    return version;
  });
  return { versions, percent, raw, validations, backendOf };
}

/** Version labels on the workloads behind the root Service, for "create routing". */
export function discoveredVersionsOf(root: V1Service | undefined, deployments: V1Deployment[]): string[] {
  const selector = root?.spec?.selector ?? {};
  const values = deployments
    .filter((deployment) => Object.keys(selector).length > 0 && selects(selector, deployment.spec?.template.metadata?.labels))
    .map((deployment) => deployment.spec?.template.metadata?.labels?.[VERSION_LABEL])
    .filter((value): value is string => Boolean(value));
  return [...new Set(values)].sort();
}

/** The RBAC a user needs where versions are Services: the routing kind, and Services when versions come or go. */
export function serviceBackedAccess(routing: KindInfo, intent: Intent): AccessNeed[] {
  const route = (verb: string): AccessNeed => ({ group: routing.group, resource: routing.plural, verb });
  const services = (verb: string): AccessNeed => ({ group: CORE_KINDS.services.group, resource: CORE_KINDS.services.plural, verb });
  switch (intent.type) {
    case 'create-routing':
      return [services('create'), route('create')];
    case 'add-version':
      return [services('create'), route('update')];
    case 'delete-version':
      return [route('update'), services('delete')];
    default:
      return [route('update')];
  }
}
