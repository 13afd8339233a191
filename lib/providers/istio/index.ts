import { qualifyHost, serviceOfHost } from '@/lib/mesh/hosts';
import type { Intent } from '@/lib/mesh/intents';
import { oldestFirst } from '@/lib/mesh/objects';
import type { AccessNeed, MeshProvider } from '@/lib/mesh/provider';
import { selects, type NamespaceSnapshot } from '@/lib/mesh/snapshot';
import type { ReleaseView } from '@/lib/mesh/types';
import { summarizeVirtualService } from './describe';
import { ISTIO } from './info';
import { DESTINATION_RULES, SERVICE_ENTRIES, VIRTUAL_SERVICES, WORKLOAD_ENTRIES, WORKLOAD_GROUPS } from './kinds';
import { planAddVersion, planCreateRouting, planDeleteVersion, planRestoreSplit, planSetContentRule, planSetMirror, planSetSticky, planSetWeights, planTakeOver } from './plan';
import { groupLabels, ISTIO_CAPABILITIES, readIstio, virtualServicesFor, type IstioObjects } from './read';
import type { DestinationRule, ServiceEntry, VirtualService, WorkloadEntry, WorkloadGroup } from './types';
import { virtualServicesOfHost } from './visibility';

/** A namespace's Istio objects: VirtualServices of every namespace (they route across), the rest by host. */
interface IstioIndex {
  namespace: string;
  /** VirtualServices of every namespace by each host they name (fully qualified, resolved in their namespace). */
  virtualServicesByHost: Map<string, VirtualService[]>;
  /** VirtualServices with a wildcard host (`*.example.svc.cluster.local`): candidates for any host. */
  wildcardVirtualServices: VirtualService[];
  /** Hosts of this namespace that some VirtualService names. */
  namedHosts: Set<string>;
  destinationRulesByHost: Map<string, DestinationRule[]>;
  workloadEntries: WorkloadEntry[];
  workloadGroups: WorkloadGroup[];
  /** ServiceEntries of this namespace with a workloadSelector (VMs and pods behind a host), by each host they name. */
  serviceEntriesByHost: Map<string, ServiceEntry[]>;
}

/** The name a ServiceEntry's host is listed under: the Service name for a host of this namespace, else the host. */
function serviceEntryName(host: string, namespace: string): string {
  const service = serviceOfHost(host, namespace);
  return service?.namespace === namespace ? service.name : host;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** VirtualServices by each exact host they name (resolved in their own namespace), and those with wildcard hosts. */
function byHost(virtualServices: VirtualService[], fallbackNamespace: string): { exact: Map<string, VirtualService[]>; wildcards: VirtualService[] } {
  const exact = new Map<string, VirtualService[]>();
  const wildcards: VirtualService[] = [];
  for (const vs of virtualServices) {
    const hosts = new Set((vs.spec?.hosts ?? []).map((h) => qualifyHost(h, vs.metadata?.namespace ?? fallbackNamespace)));
    if ([...hosts].some((host) => host.includes('*'))) wildcards.push(vs);
    for (const host of hosts) if (!host.includes('*')) push(exact, host, vs);
  }
  return { exact, wildcards };
}

/** The VirtualServices naming a host: those this namespace's sidecars use, in istiod's order, and the rest. */
function routingOf(index: IstioIndex, host: string): Pick<IstioObjects, 'virtualServices' | 'hiddenVirtualServices'> {
  const candidates = [...new Set([...(index.virtualServicesByHost.get(host) ?? []), ...index.wildcardVirtualServices])];
  const { visible, hidden } = virtualServicesOfHost(candidates, host, index.namespace);
  return { virtualServices: visible, hiddenVirtualServices: hidden };
}

const ROUTING: AccessNeed[] = [{ group: VIRTUAL_SERVICES.group, resource: VIRTUAL_SERVICES.plural, verb: 'update' }];
const SUBSETS: AccessNeed = { group: DESTINATION_RULES.group, resource: DESTINATION_RULES.plural, verb: 'update' };

/** Istio's VirtualService (routes, weights, matches) + DestinationRule (subsets: the versions). */
export const istioProvider: MeshProvider<IstioIndex, IstioObjects> = {
  info: ISTIO,
  kinds: [VIRTUAL_SERVICES, DESTINATION_RULES, WORKLOAD_ENTRIES, WORKLOAD_GROUPS, SERVICE_ENTRIES],
  routeKinds: [VIRTUAL_SERVICES],
  // A VirtualService in one namespace routes another's host when it names it by FQDN (and exports it there).
  crossNamespaceKinds: [VIRTUAL_SERVICES],
  reaches(object) {
    const vs = object as VirtualService;
    const hosts = (vs.spec?.hosts ?? []).map((host) => qualifyHost(host, vs.metadata?.namespace ?? ''));
    if (hosts.some((host) => host.includes('*'))) return 'all';
    return [...new Set(hosts.flatMap((host) => serviceOfHost(host, vs.metadata?.namespace ?? '')?.namespace ?? []))];
  },
  capabilities: ISTIO_CAPABILITIES,
  canCreateRouting: true,

  index(snapshot: NamespaceSnapshot): IstioIndex {
    const own = byHost(snapshot.list<VirtualService>(VIRTUAL_SERVICES), snapshot.namespace);
    // Other namespaces' VirtualServices, indexed once per cluster view and shared by every namespace's snapshot.
    const cluster = snapshot.derivedAcrossCluster('istio-virtual-services-by-host', (everywhere) => byHost((everywhere.get(VIRTUAL_SERVICES.key) ?? []) as VirtualService[], ''));
    const index: IstioIndex = {
      namespace: snapshot.namespace,
      virtualServicesByHost: new Map(),
      wildcardVirtualServices: [...own.wildcards, ...cluster.wildcards.filter((vs) => vs.metadata?.namespace !== snapshot.namespace)],
      namedHosts: new Set(),
      destinationRulesByHost: new Map(),
      workloadEntries: snapshot.list(WORKLOAD_ENTRIES),
      workloadGroups: snapshot.list(WORKLOAD_GROUPS),
      serviceEntriesByHost: new Map(),
    };
    for (const se of snapshot.list<ServiceEntry>(SERVICE_ENTRIES)) {
      if (Object.keys(se.spec?.workloadSelector?.labels ?? {}).length === 0) continue;
      for (const host of se.spec?.hosts ?? []) if (!host.includes('*')) push(index.serviceEntriesByHost, qualifyHost(host, snapshot.namespace), se);
    }
    const suffix = `.${snapshot.namespace}.svc.cluster.local`;
    for (const [host, list] of own.exact) index.virtualServicesByHost.set(host, [...list]);
    for (const [host, list] of cluster.exact) {
      if (!host.endsWith(suffix)) continue;
      const elsewhere = list.filter((vs) => vs.metadata?.namespace !== snapshot.namespace);
      if (elsewhere.length > 0) index.virtualServicesByHost.set(host, [...(index.virtualServicesByHost.get(host) ?? []), ...elsewhere]);
    }
    for (const host of index.virtualServicesByHost.keys()) if (host.endsWith(suffix)) index.namedHosts.add(host);
    for (const dr of snapshot.list<DestinationRule>(DESTINATION_RULES)) push(index.destinationRulesByHost, qualifyHost(dr.spec?.host ?? '', snapshot.namespace), dr);
    return index;
  },

  *routedServices(index) {
    for (const host of [...index.destinationRulesByHost.keys(), ...index.namedHosts]) {
      const service = serviceOfHost(host, index.namespace);
      if (service?.namespace === index.namespace) yield service.name;
    }
    for (const host of index.serviceEntriesByHost.keys()) {
      const service = serviceOfHost(host, index.namespace);
      if (!service || service.namespace === index.namespace) yield serviceEntryName(host, index.namespace);
    }
  },

  versionServices: () => [],

  gather(snapshot, index, service): IstioObjects {
    const host = qualifyHost(service, snapshot.namespace);
    const root = snapshot.service(service);
    // No Service of that name: a ServiceEntry with a workloadSelector can define the host (its oldest one, as istiod merges them).
    const serviceEntry = root ? undefined : [...(index.serviceEntriesByHost.get(host) ?? [])].sort(oldestFirst)[0];
    const selector = root?.spec?.selector ?? serviceEntry?.spec?.workloadSelector?.labels ?? {};
    return {
      cluster: snapshot.cluster,
      namespace: snapshot.namespace,
      serviceName: service,
      service: root,
      ...routingOf(index, host),
      destinationRules: index.destinationRulesByHost.get(host) ?? [],
      deployments: snapshot.deploymentsSelectedBy(selector),
      workloadEntries: Object.keys(selector).length > 0 ? index.workloadEntries.filter((entry) => selects(selector, entry.spec?.labels)) : [],
      workloadGroups: Object.keys(selector).length > 0 ? index.workloadGroups.filter((group) => selects(selector, groupLabels(group))) : [],
      serviceEntry,
    };
  },

  claims: (objects) => virtualServicesFor(objects).length > 0,

  read: readIstio,

  planners: {
    'create-routing': planCreateRouting,
    'add-version': planAddVersion,
    'set-weights': planSetWeights,
    'set-content-rule': planSetContentRule,
    'take-over': planTakeOver,
    'delete-version': planDeleteVersion,
    'restore-split': planRestoreSplit,
    'set-mirror': planSetMirror,
    'set-sticky': planSetSticky,
  },

  access(intent: Intent, view?: ReleaseView): AccessNeed[] {
    switch (intent.type) {
      case 'create-routing':
        return [
          { group: DESTINATION_RULES.group, resource: DESTINATION_RULES.plural, verb: 'create' },
          { group: VIRTUAL_SERVICES.group, resource: VIRTUAL_SERVICES.plural, verb: 'create' },
        ];
      case 'add-version':
        return [SUBSETS, ...ROUTING, ...(intent.vms ? [{ group: WORKLOAD_ENTRIES.group, resource: WORKLOAD_ENTRIES.plural, verb: 'create' }] : [])];
      case 'delete-version': {
        const vms = !intent.keepWorkload && view?.versions.find((v) => v.name === intent.version)?.workloads.some((w) => w.form === 'vm' && (w.managed || intent.deleteUnmanagedVms));
        return [...ROUTING, SUBSETS, ...(vms ? [{ group: WORKLOAD_ENTRIES.group, resource: WORKLOAD_ENTRIES.plural, verb: 'delete' }] : [])];
      }
      default:
        return ROUTING;
    }
  },

  summarize: summarizeVirtualService,
};
