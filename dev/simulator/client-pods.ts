/**
 * Who makes the synthetic calls: per namespace, one real Ready pod, whose sidecar's config (from istiod)
 * routes them. The scenarios' `sleep` client when the namespace has one (as in Istio's samples), else the
 * first Ready pod by name, so the choice is stable while the pods are.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { ownerOfPod, podReady, workloadOfPod } from './pods.ts';

/** A client pod as the xDS agent presents its sidecar to istiod. */
export interface ClientPod {
  /** `namespace/pod`: one agent subscription each. */
  key: string;
  name: string;
  namespace: string;
  ip: string;
  labels: Record<string, string>;
  serviceAccount?: string;
  nodeName?: string;
  workloadName: string;
  owner?: string;
}

function isSleep(pod: V1Pod): boolean {
  return workloadOfPod(pod) === 'sleep' || pod.metadata?.labels?.app === 'sleep';
}

function clientOf(pod: V1Pod): ClientPod {
  const name = pod.metadata?.name ?? '';
  const namespace = pod.metadata?.namespace ?? 'default';
  return {
    key: `${namespace}/${name}`,
    name,
    namespace,
    ip: pod.status?.podIP ?? '',
    labels: pod.metadata?.labels ?? {},
    serviceAccount: pod.spec?.serviceAccountName,
    nodeName: pod.spec?.nodeName,
    workloadName: workloadOfPod(pod),
    owner: ownerOfPod(pod),
  };
}

/** The client pod of each namespace that has a Ready pod with an IP. */
export function clientPods(pods: readonly V1Pod[]): Map<string, ClientPod> {
  const byNamespace = new Map<string, V1Pod>();
  for (const pod of pods) {
    if (!podReady(pod) || !pod.status?.podIP) continue;
    const namespace = pod.metadata?.namespace ?? 'default';
    const chosen = byNamespace.get(namespace);
    const better = !chosen || (isSleep(pod) && !isSleep(chosen)) || (isSleep(pod) === isSleep(chosen) && (pod.metadata?.name ?? '') < (chosen.metadata?.name ?? ''));
    if (better) byNamespace.set(namespace, pod);
  }
  return new Map([...byNamespace].map(([namespace, pod]) => [namespace, clientOf(pod)]));
}
