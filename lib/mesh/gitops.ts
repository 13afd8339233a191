import type { KubernetesObject } from '@kubernetes/client-node';

/** Which GitOps tool manages an object, from the labels / annotations Argo CD and Flux put on what they sync. */
export function gitOpsManager(object: KubernetesObject | undefined): 'argocd' | 'flux' | undefined {
  const labels = object?.metadata?.labels ?? {};
  const annotations = object?.metadata?.annotations ?? {};
  if ('argocd.argoproj.io/tracking-id' in annotations || 'argocd.argoproj.io/instance' in labels) return 'argocd';
  if (Object.keys(labels).some((key) => key.startsWith('kustomize.toolkit.fluxcd.io/') || key.startsWith('helm.toolkit.fluxcd.io/'))) {
    return 'flux';
  }
  return undefined;
}
