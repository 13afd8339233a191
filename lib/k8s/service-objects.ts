import 'server-only';
import { ApiException, KubernetesObjectApi, type KubeConfig, type KubernetesObject, type V1Deployment, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { HttpError } from '@/lib/http/errors';
import { qualifyHost } from '@/lib/mesh/hosts';
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
