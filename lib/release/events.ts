import 'server-only';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { CORE_KINDS, apiVersionOf } from '@/lib/k8s/kinds';
import type { ReleaseObject } from './model';

/**
 * Records a Kubernetes Event on a Release (approvals, promotions, rollbacks), so `kubectl describe release`
 * and event pipelines see what Weir decided. Best effort: a failed Event is logged, never undoes the decision.
 */
export async function releaseEvent(identity: KubeConfig, release: ReleaseObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  const { namespace, name, uid } = release.metadata ?? {};
  if (!namespace || !name) return;
  const now = new Date();
  try {
    await identity.makeApiClient(CoreV1Api).createNamespacedEvent({
      namespace,
      body: {
        metadata: { generateName: `${name}.`, namespace },
        involvedObject: { apiVersion: apiVersionOf(CORE_KINDS.releases), kind: CORE_KINDS.releases.kind, namespace, name, uid },
        type,
        reason,
        message: message.slice(0, 1024),
        source: { component: 'weir' },
        reportingComponent: 'weir.dev/console',
        reportingInstance: process.env.HOSTNAME || 'weir',
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  } catch (error) {
    console.error(`[weir] could not record event ${reason} on release ${namespace}/${name}:`, error instanceof Error ? error.message.split('\n')[0] : error);
  }
}
