import 'server-only';
import { ApiException, KubernetesObjectApi, type KubeConfig, type KubernetesObject, type V1Deployment, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { qualifyHost, serviceOfHost } from '@/lib/mesh/hosts';
import type { ServiceObjects } from '@/lib/providers/istio/read';
import type { DestinationRule, VirtualService, WorkloadEntry } from '@/lib/providers/istio/types';
import { KINDS, apiVersionOf, type KindKey } from './kinds';
import type { ClusterCache } from './watch-cache';

/** The objects of one namespace that service views are built from. */
export interface NamespaceObjects {
  services: V1Service[];
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  deployments: V1Deployment[];
  workloadEntries: WorkloadEntry[];
  pods: V1Pod[];
}

/** Narrows a namespace's objects to those of one service (by host and by the Service's selector). */
export function objectsOfService(cluster: string, namespace: string, name: string, all: NamespaceObjects): ServiceObjects {
  const host = qualifyHost(name, namespace);
  return {
    cluster,
    namespace,
    serviceName: name,
    service: all.services.find((service) => service.metadata?.name === name),
    virtualServices: all.virtualServices.filter((vs) => (vs.spec?.hosts ?? []).some((h) => qualifyHost(h, namespace) === host)),
    destinationRules: all.destinationRules.filter((dr) => qualifyHost(dr.spec?.host ?? '', namespace) === host),
    deployments: all.deployments,
    workloadEntries: all.workloadEntries,
    pods: [],
  };
}

/** A namespace's objects from the watch cache (reads for pages). */
export async function cachedNamespaceObjects(cache: ClusterCache, namespace?: string): Promise<NamespaceObjects> {
  const [services, virtualServices, destinationRules, deployments, workloadEntries] = await Promise.all([
    cache.list<V1Service>('services', namespace),
    cache.list<VirtualService>('virtualservices', namespace),
    cache.list<DestinationRule>('destinationrules', namespace),
    cache.list<V1Deployment>('deployments', namespace),
    cache.list<WorkloadEntry>('workloadentries', namespace),
  ]);
  return { services, virtualServices, destinationRules, deployments, workloadEntries, pods: [] };
}

async function listFresh<T extends KubernetesObject>(api: KubernetesObjectApi, kind: KindKey, namespace: string): Promise<T[]> {
  const info = KINDS[kind];
  const list = await api.list<T>(apiVersionOf(info), info.kind, namespace);
  // Lists leave apiVersion / kind off their items; writes need them.
  return list.items.map((item) => ({ ...item, apiVersion: apiVersionOf(info), kind: info.kind }));
}

/** Lists in a missing namespace answer empty; a write there deserves a plain 404 instead. */
async function requireNamespace(api: KubernetesObjectApi, namespace: string): Promise<void> {
  try {
    await api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) {
      throw new HttpError(404, 'NotFound', `Namespace "${namespace}" does not exist`, [{ field: 'path.namespace', message: `namespace "${namespace}" does not exist` }]);
    }
    throw error;
  }
}

/**
 * One service's objects read straight from the API server (not the cache), as the writer sees them: the
 * starting point of every plan that will be applied, so resourceVersions are the newest.
 */
export async function freshServiceObjects(kubeConfig: KubeConfig, cluster: string, namespace: string, name: string): Promise<ServiceObjects> {
  const api = kubeConfig.makeApiClient(KubernetesObjectApi);
  const [, services, virtualServices, destinationRules, deployments, workloadEntries] = await Promise.all([
    requireNamespace(api, namespace),
    listFresh<V1Service>(api, 'services', namespace),
    listFresh<VirtualService>(api, 'virtualservices', namespace),
    listFresh<DestinationRule>(api, 'destinationrules', namespace),
    listFresh<V1Deployment>(api, 'deployments', namespace),
    listFresh<WorkloadEntry>(api, 'workloadentries', namespace),
  ]);
  return objectsOfService(cluster, namespace, name, { services, virtualServices, destinationRules, deployments, workloadEntries, pods: [] });
}

interface NamespaceIndex {
  services: V1Service[];
  virtualServicesByHost: Map<string, VirtualService[]>;
  destinationRulesByHost: Map<string, DestinationRule[]>;
  deploymentsByLabel: Map<string, V1Deployment[]>;
  workloadEntriesByLabel: Map<string, WorkloadEntry[]>;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Indexes many namespaces' objects once, so building every service's view is linear in the number of objects
 * (a naive filter per service is quadratic and is what made a 1,000-service list slow).
 */
export function indexObjects(all: NamespaceObjects): Map<string, NamespaceIndex> {
  const index = new Map<string, NamespaceIndex>();
  const of = (namespace = '') => {
    let entry = index.get(namespace);
    if (!entry) {
      entry = { services: [], virtualServicesByHost: new Map(), destinationRulesByHost: new Map(), deploymentsByLabel: new Map(), workloadEntriesByLabel: new Map() };
      index.set(namespace, entry);
    }
    return entry;
  };
  for (const service of all.services) of(service.metadata?.namespace).services.push(service);
  for (const vs of all.virtualServices) {
    const namespace = vs.metadata?.namespace ?? '';
    for (const host of new Set((vs.spec?.hosts ?? []).map((h) => qualifyHost(h, namespace)))) push(of(namespace).virtualServicesByHost, host, vs);
  }
  for (const dr of all.destinationRules) {
    const namespace = dr.metadata?.namespace ?? '';
    push(of(namespace).destinationRulesByHost, qualifyHost(dr.spec?.host ?? '', namespace), dr);
  }
  for (const deployment of all.deployments) {
    for (const [key, value] of Object.entries(deployment.spec?.template.metadata?.labels ?? {})) push(of(deployment.metadata?.namespace).deploymentsByLabel, `${key}=${value}`, deployment);
  }
  for (const entry of all.workloadEntries) {
    for (const [key, value] of Object.entries(entry.spec?.labels ?? {})) push(of(entry.metadata?.namespace).workloadEntriesByLabel, `${key}=${value}`, entry);
  }
  return index;
}

/**
 * Names of the services a namespace's list shows: every Service, and every host of this namespace that a
 * VirtualService or DestinationRule names although no Service exists (so that mistake shows in the list).
 */
export function serviceNamesInIndex(namespace: string, index: NamespaceIndex): string[] {
  const names = new Set(index.services.map((service) => service.metadata?.name ?? ''));
  for (const host of [...index.destinationRulesByHost.keys(), ...index.virtualServicesByHost.keys()]) {
    const service = serviceOfHost(host, namespace);
    if (service && service.namespace === namespace) names.add(service.name);
  }
  return [...names].filter(Boolean);
}

/** One service's objects from an index: candidates by host and by one label of the Service's selector. */
export function serviceObjectsFromIndex(cluster: string, namespace: string, name: string, index: NamespaceIndex): ServiceObjects {
  const service = index.services.find((candidate) => candidate.metadata?.name === name);
  const host = qualifyHost(name, namespace);
  const [firstKey, firstValue] = Object.entries(service?.spec?.selector ?? {})[0] ?? [];
  const label = firstKey === undefined ? undefined : `${firstKey}=${firstValue}`;
  return {
    cluster,
    namespace,
    serviceName: name,
    service,
    virtualServices: index.virtualServicesByHost.get(host) ?? [],
    destinationRules: index.destinationRulesByHost.get(host) ?? [],
    deployments: label ? (index.deploymentsByLabel.get(label) ?? []) : [],
    workloadEntries: label ? (index.workloadEntriesByLabel.get(label) ?? []) : [],
    pods: [],
  };
}
