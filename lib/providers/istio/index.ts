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

/** A namespace's Istio objects by the host they name (fully qualified). */
interface IstioIndex {
  namespace: string;
  virtualServicesByHost: Map<string, VirtualService[]>;
  destinationRulesByHost: Map<string, DestinationRule[]>;
  workloadEntries: WorkloadEntry[];
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const ROUTING: AccessNeed[] = [{ group: VIRTUAL_SERVICES.group, resource: VIRTUAL_SERVICES.plural, verb: 'update' }];
const SUBSETS: AccessNeed = { group: DESTINATION_RULES.group, resource: DESTINATION_RULES.plural, verb: 'update' };

/** Istio's VirtualService (routes, weights, matches) + DestinationRule (subsets: the versions). */
export const istioProvider: MeshProvider<IstioIndex, IstioObjects> = {
  info: ISTIO,
  kinds: [VIRTUAL_SERVICES, DESTINATION_RULES, WORKLOAD_ENTRIES],
  routeKinds: [VIRTUAL_SERVICES],
  capabilities: ISTIO_CAPABILITIES,
  canCreateRouting: true,

  index(snapshot: NamespaceSnapshot): IstioIndex {
    const index: IstioIndex = { namespace: snapshot.namespace, virtualServicesByHost: new Map(), destinationRulesByHost: new Map(), workloadEntries: snapshot.list(WORKLOAD_ENTRIES) };
    for (const vs of snapshot.list<VirtualService>(VIRTUAL_SERVICES)) {
      for (const host of new Set((vs.spec?.hosts ?? []).map((h) => qualifyHost(h, snapshot.namespace)))) push(index.virtualServicesByHost, host, vs);
    }
    for (const dr of snapshot.list<DestinationRule>(DESTINATION_RULES)) push(index.destinationRulesByHost, qualifyHost(dr.spec?.host ?? '', snapshot.namespace), dr);
    return index;
  },

  *routedServices(index) {
    for (const host of [...index.destinationRulesByHost.keys(), ...index.virtualServicesByHost.keys()]) {
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
      virtualServices: index.virtualServicesByHost.get(host) ?? [],
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
