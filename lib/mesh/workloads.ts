import type { V1Deployment } from '@kubernetes/client-node';
import type { WorkloadView } from './types';

/** A Deployment as a version's workload: its first container's image, ready of desired replicas. */
export function deploymentView(deployment: V1Deployment): WorkloadView {
  return {
    form: 'pods',
    kind: 'Deployment',
    name: deployment.metadata?.name ?? '',
    image: deployment.spec?.template.spec?.containers[0]?.image,
    ready: deployment.status?.readyReplicas ?? 0,
    desired: deployment.spec?.replicas ?? 1,
  };
}
