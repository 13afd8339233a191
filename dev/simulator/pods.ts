/** What the simulator reads off a Pod: readiness, the workload Istio names it by, and its version. */
import type { V1Pod } from '@kubernetes/client-node';

export function podReady(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

/** The workload name Istio reports for a pod: its Deployment, found through the ReplicaSet's name. */
export function workloadOfPod(pod: V1Pod): string {
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller) ?? pod.metadata?.ownerReferences?.[0];
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (owner?.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
  return owner?.name ?? pod.metadata?.name ?? 'unknown';
}

/** The owner istio-agent reports for a pod (`kubernetes://apis/apps/v1/namespaces/<ns>/deployments/<name>`). */
export function ownerOfPod(pod: V1Pod): string | undefined {
  const owner = pod.metadata?.ownerReferences?.find((reference) => reference.controller);
  if (!owner) return undefined;
  const namespace = pod.metadata?.namespace ?? 'default';
  if (owner.kind === 'ReplicaSet') return `kubernetes://apis/apps/v1/namespaces/${namespace}/deployments/${workloadOfPod(pod)}`;
  return `kubernetes://apis/${owner.apiVersion}/namespaces/${namespace}/${owner.kind.toLowerCase()}s/${owner.name}`;
}

/** What Istio reports as destination_version: the canonical revision or `version` label. */
export function versionOf(labels: Record<string, string> | undefined): string | undefined {
  return labels?.['service.istio.io/canonical-revision'] ?? labels?.version;
}
