/**
 * What a sidecar knows, rebuilt from the watched objects whenever they change: which Services are routed by
 * a mesh VirtualService, and for a host + subset, which endpoints are healthy (Ready Pods and WorkloadEntries
 * selected by the Service and the DestinationRule subset's labels). Pure: no I/O.
 */
import type { V1Deployment, V1Pod, V1Service } from '@kubernetes/client-node';
import { qualifyHost } from '@/lib/mesh/hosts';
import { destinationRulesFor, virtualServicesFor, type ServiceObjects } from '@/lib/providers/istio/read';
import type { DestinationRule, VirtualService, WorkloadEntry } from '@/lib/providers/istio/types';
import { behaviourOf, type Behaviour } from './behaviour';

export interface MeshObjects {
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  services: V1Service[];
  pods: V1Pod[];
  deployments: V1Deployment[];
  workloadEntries: WorkloadEntry[];
}

/** A Kubernetes Service as a destination: its FQDN and names for the metric labels. */
export interface ServiceRef {
  fqdn: string;
  name: string;
  namespace: string;
  service: V1Service;
}

/** A Service that a mesh VirtualService routes: the simulator sends it traffic. */
export interface RoutedService extends ServiceRef {
  virtualService: VirtualService;
  /** `source_workload` of its synthetic callers: the scenario's `sleep` client when the namespace has one. */
  source: string;
}

export interface Endpoint {
  workload: string;
  workloadNamespace: string;
  /** The `version` label of the workload, which is what Istio reports as destination_version. */
  version: string | undefined;
  behaviour: Behaviour;
}

/** `missing-subset`: the DestinationRule has no such subset (Envoy has no cluster for it). */
export type Endpoints = Endpoint[] | 'missing-subset';

const KEY = (namespace: string, name: string) => `${namespace}/${name}`;

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

function podReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

/** The workload name Istio reports for a pod: its Deployment, found through the ReplicaSet's name. */
function workloadOfPod(pod: V1Pod): string {
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller) ?? pod.metadata?.ownerReferences?.[0];
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner?.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
  return owner?.name ?? pod.metadata?.name ?? 'unknown';
}

function versionOf(labels: Record<string, string> | undefined): string | undefined {
  return labels?.['service.istio.io/canonical-revision'] ?? labels?.version;
}

function serviceObjects(namespace: string, serviceName: string, objects: MeshObjects): ServiceObjects {
  return { cluster: '', namespace, serviceName, virtualServices: objects.virtualServices, destinationRules: objects.destinationRules, deployments: [], workloadEntries: [], pods: [] };
}

export class RoutingTable {
  readonly routed: RoutedService[] = [];
  private readonly services = new Map<string, ServiceRef>();
  private readonly deployments = new Map<string, V1Deployment>();
  private readonly endpoints = new Map<string, Endpoints>();
  private readonly objects: MeshObjects;

  constructor(objects: MeshObjects) {
    this.objects = objects;
    for (const deployment of objects.deployments) {
      this.deployments.set(KEY(deployment.metadata?.namespace ?? '', deployment.metadata?.name ?? ''), deployment);
    }
    const clients = new Set(objects.deployments.filter((d) => d.metadata?.name === 'sleep').map((d) => d.metadata?.namespace));
    for (const service of objects.services) {
      const name = service.metadata?.name ?? '';
      const namespace = service.metadata?.namespace ?? 'default';
      const ref: ServiceRef = { fqdn: qualifyHost(name, namespace), name, namespace, service };
      this.services.set(ref.fqdn, ref);
      // Istio merges VirtualServices only at gateways; for sidecars the oldest claiming a host wins.
      const [virtualService] = virtualServicesFor(serviceObjects(namespace, name, objects));
      if (virtualService) this.routed.push({ ...ref, virtualService, source: clients.has(namespace) ? 'sleep' : 'simulator' });
    }
    this.routed.sort((a, b) => a.fqdn.localeCompare(b.fqdn));
  }

  /** The Kubernetes Service behind an FQDN, if the cluster has one. */
  service(fqdn: string): ServiceRef | undefined {
    return this.services.get(fqdn);
  }

  /** Healthy endpoints of a host's subset (or of the whole Service when no subset is named); memoised. */
  endpointsOf(fqdn: string, subset: string | undefined): Endpoints {
    const key = `${fqdn}|${subset ?? ''}`;
    let found = this.endpoints.get(key);
    if (!found) {
      found = this.resolve(fqdn, subset);
      this.endpoints.set(key, found);
    }
    return found;
  }

  private resolve(fqdn: string, subset: string | undefined): Endpoints {
    const ref = this.services.get(fqdn);
    if (!ref) return [];
    let subsetLabels: Record<string, string> = {};
    if (subset !== undefined) {
      const [rule] = destinationRulesFor(serviceObjects(ref.namespace, ref.name, this.objects));
      const found = rule?.spec?.subsets?.find((candidate) => candidate.name === subset);
      if (!found) return 'missing-subset';
      subsetLabels = found.labels ?? {};
    }
    const selector = ref.service.spec?.selector;
    // A Service without a selector has hand-made endpoints, which the sandbox never has.
    if (!selector || Object.keys(selector).length === 0) return [];
    const wanted = (labels: Record<string, string> | undefined) => selects(selector, labels) && selects(subsetLabels, labels);
    const endpoints: Endpoint[] = [];
    for (const pod of this.objects.pods) {
      if (pod.metadata?.namespace !== ref.namespace || !podReady(pod) || !wanted(pod.metadata?.labels)) continue;
      const workload = workloadOfPod(pod);
      const deployment = this.deployments.get(KEY(ref.namespace, workload));
      // The Deployment's template, not the pod, so a `kubectl annotate` takes effect without a rollout.
      const annotations = deployment?.spec?.template.metadata?.annotations ?? pod.metadata?.annotations;
      endpoints.push({ workload, workloadNamespace: ref.namespace, version: versionOf(pod.metadata?.labels), behaviour: behaviourOf(annotations) });
    }
    for (const entry of this.objects.workloadEntries) {
      if (entry.metadata?.namespace !== ref.namespace || !wanted(entry.spec?.labels)) continue;
      endpoints.push({
        workload: entry.metadata?.name ?? 'unknown',
        workloadNamespace: ref.namespace,
        version: versionOf(entry.spec?.labels),
        behaviour: behaviourOf(entry.metadata?.annotations),
      });
    }
    return endpoints;
  }
}
