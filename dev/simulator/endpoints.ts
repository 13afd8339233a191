/**
 * Who answers at an endpoint. For xDS-routed calls the sidecar names an address, and the simulator looks
 * up the Pod (by pod IP) or WorkloadEntry (by address) there, for its workload, version and behaviour
 * annotations. For SMI and for passthrough (kube-proxy) the simulator itself finds the Ready Pods and
 * WorkloadEntries a Service's selector picks.
 */
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { behaviourOf, type Behaviour } from './behaviour.ts';
import type { WorkloadEntry } from './istio/types.ts';
import { podReady, versionOf, workloadOfPod } from './pods.ts';
import type { ServiceRef } from './services.ts';

export interface Endpoint {
  workload: string;
  workloadNamespace: string;
  /** What Istio reports as destination_version: the canonical revision or `version` label. */
  version: string | undefined;
  behaviour: Behaviour;
  /** A VM that is not an endpoint by Istio's health checking (see entryReady): its requests get a 503. */
  unhealthy?: boolean;
}

/**
 * Whether a WorkloadEntry receives traffic, as the console reads it (lib/providers/istio/health.ts): its
 * `Healthy` condition when one is written; without one, ready unless health checks are enabled on it.
 */
export function entryReady(entry: WorkloadEntry): boolean {
  const condition = entry.status?.conditions?.find((candidate) => candidate.type === 'Healthy');
  if (condition) return condition.status === 'True';
  return entry.metadata?.annotations?.['proxy.istio.io/health-checks-enabled'] !== 'true';
}

export interface EndpointSources {
  pods: readonly V1Pod[];
  deployments: readonly V1Deployment[];
  workloadEntries: readonly WorkloadEntry[];
}

function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** Endpoints by Service and by address, memoised for the life of one routing table. */
export class EndpointIndex {
  private readonly sources: EndpointSources;
  private readonly deployments = new Map<string, V1Deployment>();
  private readonly memo = new Map<string, Endpoint[]>();
  private addresses: Map<string, Endpoint[]> | undefined;

  constructor(sources: EndpointSources) {
    this.sources = sources;
    for (const deployment of sources.deployments) this.deployments.set(`${deployment.metadata?.namespace}/${deployment.metadata?.name}`, deployment);
  }

  private ofPod(pod: V1Pod): Endpoint {
    const namespace = pod.metadata?.namespace ?? 'default';
    const workload = workloadOfPod(pod);
    const deployment = this.deployments.get(`${namespace}/${workload}`);
    // The Deployment's template, not the pod, so a `kubectl annotate` takes effect without a rollout.
    const annotations = deployment?.spec?.template.metadata?.annotations ?? pod.metadata?.annotations;
    const image = (deployment?.spec?.template.spec ?? pod.spec)?.containers[0]?.image;
    return { workload, workloadNamespace: namespace, version: versionOf(pod.metadata?.labels), behaviour: behaviourOf(annotations, image) };
  }

  private ofEntry(entry: WorkloadEntry): Endpoint {
    return {
      workload: entry.metadata?.name ?? 'unknown',
      workloadNamespace: entry.metadata?.namespace ?? 'default',
      version: versionOf(entry.spec?.labels),
      behaviour: behaviourOf(entry.metadata?.annotations),
      ...(entryReady(entry) ? {} : { unhealthy: true }),
    };
  }

  /** Ready endpoints the Service selects that also carry `labels` (where kube-proxy would send); empty when there are none. */
  of(ref: ServiceRef, labels: Record<string, string> = {}): Endpoint[] {
    const key = `${ref.fqdn}|${JSON.stringify(Object.entries(labels).sort())}`;
    let found = this.memo.get(key);
    if (!found) this.memo.set(key, (found = this.resolve(ref, labels)));
    return found;
  }

  private resolve(ref: ServiceRef, labels: Record<string, string>): Endpoint[] {
    // Only a Service's ClusterIP has kube-proxy behind it: a connection passed through to a ServiceEntry's
    // address (or to none) reaches nobody, since only the sidecar knows that address.
    if (ref.kind === 'ServiceEntry') return [];
    const selector = ref.service.spec?.selector;
    // A Service without a selector has hand-made endpoints, which the sandbox never has.
    if (!selector || Object.keys(selector).length === 0) return [];
    const wanted = (candidate: Record<string, string> | undefined) => selects(selector, candidate) && selects(labels, candidate);
    const endpoints: Endpoint[] = [];
    for (const pod of this.sources.pods) {
      if (pod.metadata?.namespace === ref.namespace && podReady(pod) && wanted(pod.metadata?.labels)) endpoints.push(this.ofPod(pod));
    }
    for (const entry of this.sources.workloadEntries) {
      if (entry.metadata?.namespace === ref.namespace && entryReady(entry) && wanted(entry.spec?.labels)) endpoints.push(this.ofEntry(entry));
    }
    return endpoints;
  }

  /**
   * The workload at `address`. Pod IPs are unique; WorkloadEntry addresses need not be, so one in
   * `namespace` (the Service's) wins.
   */
  at(address: string, namespace: string): Endpoint | undefined {
    if (!this.addresses) {
      this.addresses = new Map();
      const add = (at: string | undefined, endpoint: Endpoint) => at && this.addresses!.set(at, [...(this.addresses!.get(at) ?? []), endpoint]);
      // Ready pods first: a pod IP reused by a terminating pod must not hide the live one.
      const pods = [...this.sources.pods].sort((a, b) => Number(podReady(b)) - Number(podReady(a)));
      for (const pod of pods) add(pod.status?.podIP, this.ofPod(pod));
      for (const entry of this.sources.workloadEntries) add(entry.spec?.address, this.ofEntry(entry));
    }
    const found = this.addresses.get(address) ?? [];
    return found.find((endpoint) => endpoint.workloadNamespace === namespace) ?? found[0];
  }
}
