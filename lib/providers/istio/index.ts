import { qualifyHost, serviceOfHost } from '@/lib/mesh/hosts';
import type { Intent } from '@/lib/mesh/intents';
import type { AccessNeed, MeshProvider } from '@/lib/mesh/provider';
import { selects, type NamespaceSnapshot } from '@/lib/mesh/snapshot';
import type { ReleaseView } from '@/lib/mesh/types';
import { summarizeVirtualService } from './describe';
import { ISTIO } from './info';
import { DESTINATION_RULES, VIRTUAL_SERVICES, WORKLOAD_ENTRIES } from './kinds';
import { planAddVersion, planCreateRouting, planDeleteVersion, planRestoreSplit, planSetContentRule, planSetWeights, planTakeOver } from './plan';
import { ISTIO_CAPABILITIES, readIstio, virtualServicesFor, type IstioObjects } from './read';
import type { DestinationRule, VirtualService, WorkloadEntry } from './types';
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
  kinds: [VIRTUAL_SERVICES, DESTINATION_RULES, WORKLOAD_ENTRIES],
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
    };
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
  },

  versionServices: () => [],

  gather(snapshot, index, service): IstioObjects {
    const host = qualifyHost(service, snapshot.namespace);
    const root = snapshot.service(service);
    const selector = root?.spec?.selector ?? {};
    return {
      cluster: snapshot.cluster,
      namespace: snapshot.namespace,
      serviceName: service,
      service: root,
      ...routingOf(index, host),
      destinationRules: index.destinationRulesByHost.get(host) ?? [],
      deployments: snapshot.deploymentsSelectedBy(root?.spec?.selector),
      workloadEntries: Object.keys(selector).length > 0 ? index.workloadEntries.filter((entry) => selects(selector, entry.spec?.labels)) : [],
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
  },

  access(intent: Intent, view?: ReleaseView): AccessNeed[] {
    switch (intent.type) {
      case 'create-routing':
        return [
          { group: DESTINATION_RULES.group, resource: DESTINATION_RULES.plural, verb: 'create' },
          { group: VIRTUAL_SERVICES.group, resource: VIRTUAL_SERVICES.plural, verb: 'create' },
        ];
      case 'add-version':
        return [SUBSETS, ...ROUTING];
      case 'delete-version': {
        const vms = !intent.keepWorkload && view?.versions.find((v) => v.name === intent.version)?.workloads.some((w) => w.form === 'vm');
        return [...ROUTING, SUBSETS, ...(vms ? [{ group: WORKLOAD_ENTRIES.group, resource: WORKLOAD_ENTRIES.plural, verb: 'delete' }] : [])];
      }
      default:
        return ROUTING;
    }
  },

  summarize: summarizeVirtualService,
};
