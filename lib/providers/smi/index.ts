import { qualifyHost, serviceOfHost } from '@/lib/mesh/hosts';
import type { Intent } from '@/lib/mesh/intents';
import type { AccessNeed, MeshProvider } from '@/lib/mesh/provider';
import { gatherServiceVersions, versionServicesByRoot } from '@/lib/mesh/service-versions';
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

function byAge(a: TrafficSplit, b: TrafficSplit): number {
  return (a.metadata?.creationTimestamp ?? '').toString().localeCompare((b.metadata?.creationTimestamp ?? '').toString()) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

const split = (verb: string): AccessNeed => ({ group: TRAFFIC_SPLITS.group, resource: TRAFFIC_SPLITS.plural, verb });
const services = (verb: string): AccessNeed => ({ group: '', resource: 'services', verb });

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
    for (const item of [...snapshot.list<TrafficSplit>(TRAFFIC_SPLITS)].sort(byAge)) {
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

  plan(objects, view, intent) {
    switch (intent.type) {
      case 'create-routing':
        return planCreateRouting(objects, view, intent);
      case 'add-version':
        return planAddVersion(objects, view, intent);
      case 'set-weights':
        return planSetWeights(objects, view, intent);
      case 'set-content-rule':
        return weightOnly('policy');
      case 'take-over':
        return planTakeOver(objects, view, intent);
      case 'delete-version':
        return planDeleteVersion(objects, view, intent);
      case 'restore-split':
        return planRestoreSplit(objects, view, intent);
      case 'scale-version':
        throw new Error('scale-version is planned by the registry, not by a provider');
    }
  },

  access(intent: Intent): AccessNeed[] {
    switch (intent.type) {
      case 'create-routing':
        return [services('create'), split('create')];
      case 'add-version':
        return [services('create'), split('update')];
      case 'delete-version':
        return [split('update'), services('delete')];
      default:
        return [split('update')];
    }
  },

  summarize: summarizeTrafficSplit,
};
