import { mirrorUnsupported, stickyUnsupported } from '@/lib/mesh/plan-common';
import { qualifyHost, serviceOfHost } from '@/lib/mesh/hosts';
import { oldestFirst } from '@/lib/mesh/objects';
import type { MeshProvider } from '@/lib/mesh/provider';
import { gatherServiceVersions, serviceBackedAccess, versionServicesByRoot } from '@/lib/mesh/service-versions';
import type { NamespaceSnapshot } from '@/lib/mesh/snapshot';
import { summarizeTrafficSplit } from './describe';
import { SMI } from './info';
import { TRAFFIC_SPLITS } from './kinds';
import { planAddVersion, planCreateRouting, planDeleteVersion, planRestoreSplit, planSetWeights, planTakeOver, weightOnly } from './plan';
import { SMI_CAPABILITIES, readSmi, type SmiObjects } from './read';
import type { TrafficSplit } from './types';

interface SmiIndex {
  /** Splits by the root Service (of this namespace) they split. */
  splitsByRoot: Map<string, TrafficSplit[]>;
  versionServices: Map<string, string[]>;
}


/**
 * SMI TrafficSplit (split.smi-spec.io, as Open Service Mesh uses it): requests to a root Service are spread over
 * backend Services, one per version, by weight. No request matching in the version the CRD serves.
 */
export const smiProvider: MeshProvider<SmiIndex, SmiObjects> = {
  info: SMI,
  kinds: [TRAFFIC_SPLITS],
  routeKinds: [TRAFFIC_SPLITS],
  capabilities: SMI_CAPABILITIES,
  canCreateRouting: true,

  index(snapshot: NamespaceSnapshot): SmiIndex {
    const splitsByRoot = new Map<string, TrafficSplit[]>();
    for (const item of [...snapshot.list<TrafficSplit>(TRAFFIC_SPLITS)].sort(oldestFirst)) {
      const root = serviceOfHost(qualifyHost(item.spec?.service ?? '', snapshot.namespace), snapshot.namespace);
      if (root?.namespace === snapshot.namespace) splitsByRoot.set(root.name, [...(splitsByRoot.get(root.name) ?? []), item]);
    }
    const versionServices = new Map([...versionServicesByRoot(snapshot)].map(([root, versions]) => [root, versions.map((v) => v.metadata?.name ?? '')]));
    return { splitsByRoot, versionServices };
  },

  routedServices: (index) => index.splitsByRoot.keys(),

  *versionServices(index) {
    for (const [root, splits] of index.splitsByRoot) {
      yield* index.versionServices.get(root) ?? [];
      for (const item of splits) for (const backend of item.spec?.backends ?? []) if (backend.service !== root) yield backend.service;
    }
  },

  gather(snapshot, index, service): SmiObjects {
    const splits = index.splitsByRoot.get(service) ?? [];
    const [governing] = splits;
    const sharedBackends = new Set<string>();
    for (const items of index.splitsByRoot.values()) {
      for (const item of items) if (item !== governing) for (const backend of item.spec?.backends ?? []) sharedBackends.add(backend.service);
    }
    const backed = gatherServiceVersions(snapshot, service, (governing?.spec?.backends ?? []).map((backend) => backend.service));
    return { cluster: snapshot.cluster, namespace: snapshot.namespace, ...backed, splits, sharedBackends };
  },

  claims: (objects) => objects.splits.length > 0,

  read: readSmi,

  planners: {
    'create-routing': planCreateRouting,
    'add-version': planAddVersion,
    'set-weights': planSetWeights,
    'set-content-rule': () => weightOnly('policy'),
    'take-over': planTakeOver,
    'delete-version': planDeleteVersion,
    'restore-split': planRestoreSplit,
    'set-mirror': (_objects, view) => mirrorUnsupported(view),
    'set-sticky': (_objects, view) => stickyUnsupported(view),
  },

  access: (intent) => serviceBackedAccess(TRAFFIC_SPLITS, intent),

  summarize: summarizeTrafficSplit,
};
