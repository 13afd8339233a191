import { gitOpsManager } from '@/lib/mesh/gitops';
import { ownerOf } from '@/lib/mesh/owner';
import type { ServiceObjects } from '@/lib/mesh/provider';
import { discoveredVersionsOf, readServiceVersions, versionNameOf, type ServiceBackedObjects } from '@/lib/mesh/service-versions';
import { objectRef } from '@/lib/mesh/objects';
import { splitEtagOf } from '@/lib/mesh/split';
import type { ReleaseView, Validation } from '@/lib/mesh/types';
import { describeSplit } from './describe';
import { SMI } from './info';
import type { TrafficSplit, TrafficSplitBackend } from './types';

/** One service's SMI objects: the TrafficSplits whose root it is (oldest first) and its version Services. */
export interface SmiObjects extends ServiceObjects, ServiceBackedObjects {
  splits: TrafficSplit[];
  /** Backend Services that other splits also send to: never deleted with a version. */
  sharedBackends: Set<string>;
}

/** TrafficSplit v1alpha2 has no `matches` (HTTPRouteGroups came with v1alpha3, which the CRD does not serve). */
export const SMI_CAPABILITIES: ReleaseView['capabilities'] = { contentRules: { supported: false, operators: [], reason: 'weight-only' }, mirror: { supported: false }, sticky: { supported: false } };

export function backendVersion(objects: Pick<SmiObjects, 'serviceName' | 'versionServices'>, backend: TrafficSplitBackend): string {
  return versionNameOf(objects.serviceName, backend.service, objects.versionServices.find((service) => service.metadata?.name === backend.service));
}

/** Reads one service's TrafficSplit and version Services into the view the console shows and the planners start from. */
export function readSmi(objects: SmiObjects): ReleaseView {
  const { namespace } = objects;
  const [split, ...others] = objects.splits;
  const backends = (split?.spec?.backends ?? []).map((backend) => ({ name: backend.service, weight: backend.weight }));
  const read = readServiceVersions(objects, backends, [], new Map());
  const validations: Validation[] = [...read.validations];
  if (others.length > 0) validations.push({ code: 'multiple-routing-objects', severity: 'warning', kind: 'TrafficSplit', subject: objects.splits.map((s) => s.metadata?.name).join(', ') });
  if (split && !objects.service) validations.push({ code: 'routing-without-service', severity: 'error', kind: 'TrafficSplit', subject: split.metadata?.name ?? '' });
  if (split && backends.length > 0 && backends.every((backend) => backend.weight === 0)) validations.push({ code: 'no-weight', severity: 'error', kind: 'TrafficSplit', subject: split.metadata?.name ?? '' });
  if (split && backends.length === 0) validations.push({ code: 'no-managed-route', severity: 'warning', kind: 'TrafficSplit', subject: split.metadata?.name ?? '' });

  return {
    cluster: objects.cluster,
    namespace,
    service: objects.serviceName,
    host: `${objects.serviceName}.${namespace}`,
    provider: SMI,
    routed: Boolean(split),
    versions: read.versions,
    otherRoutes: [],
    routes: split ? [describeSplit(split, (backend) => backendVersion(objects, backend))] : [],
    objects: [...(split ? [objectRef('TrafficSplit', split, 'routing')] : []), ...objects.versionServices.map((service) => objectRef('Service', service, 'version'))],
    discoveredVersions: discoveredVersionsOf(objects.service, objects.deployments),
    managedRouteIndex: split && backends.length > 0 ? 0 : undefined,
    validations,
    gitOps: gitOpsManager(split),
    owner: ownerOf(split),
    capabilities: SMI_CAPABILITIES,
    trafficServices: [...new Set([objects.serviceName, ...objects.versionServices.map((service) => service.metadata?.name ?? '')])],
    splitEtag: splitEtagOf(split?.metadata?.name, Object.entries(read.raw), []),
  };
}
