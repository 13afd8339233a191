/**
 * Which endpoints stand behind a Service, as the sidecars learn them: Ready Pods and WorkloadEntries the
 * Service's selector (and a subset's extra labels) selects, each named by its workload for the metrics.
 */
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { behaviourOf, type Behaviour } from './behaviour.ts';
import type { WorkloadEntry } from './istio/types.ts';
import type { ServiceRef } from './services.ts';

export interface Endpoint {
  workload: string;
  workloadNamespace: string;
  /** What Istio reports as destination_version: the canonical revision or `version` label. */
  version: string | undefined;
  behaviour: Behaviour;
}

export interface EndpointSources {
  pods: readonly V1Pod[];
  deployments: readonly V1Deployment[];
  workloadEntries: readonly WorkloadEntry[];
}

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

/** Healthy endpoints per Service and label set, memoised for the life of one routing table. */
export class EndpointIndex {
  private readonly sources: EndpointSources;
  private readonly deployments = new Map<string, V1Deployment>();
  private readonly memo = new Map<string, Endpoint[]>();

  constructor(sources: EndpointSources) {
    this.sources = sources;
    for (const deployment of sources.deployments) this.deployments.set(`${deployment.metadata?.namespace}/${deployment.metadata?.name}`, deployment);
  }

  /** Ready endpoints the Service selects that also carry `labels` (a subset's); empty when there are none. */
  of(ref: ServiceRef, labels: Record<string, string> = {}): Endpoint[] {
    const key = `${ref.fqdn}|${JSON.stringify(Object.entries(labels).sort())}`;
    let found = this.memo.get(key);
    if (!found) this.memo.set(key, (found = this.resolve(ref, labels)));
    return found;
  }

  private resolve(ref: ServiceRef, labels: Record<string, string>): Endpoint[] {
    const selector = ref.service.spec?.selector;
    // A Service without a selector has hand-made endpoints, which the sandbox never has.
    if (!selector || Object.keys(selector).length === 0) return [];
    const wanted = (candidate: Record<string, string> | undefined) => selects(selector, candidate) && selects(labels, candidate);
    const endpoints: Endpoint[] = [];
    for (const pod of this.sources.pods) {
      if (pod.metadata?.namespace !== ref.namespace || !podReady(pod) || !wanted(pod.metadata?.labels)) continue;
      const workload = workloadOfPod(pod);
      const deployment = this.deployments.get(`${ref.namespace}/${workload}`);
      // The Deployment's template, not the pod, so a `kubectl annotate` takes effect without a rollout.
      const annotations = deployment?.spec?.template.metadata?.annotations ?? pod.metadata?.annotations;
      endpoints.push({ workload, workloadNamespace: ref.namespace, version: versionOf(pod.metadata?.labels), behaviour: behaviourOf(annotations) });
    }
    for (const entry of this.sources.workloadEntries) {
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
