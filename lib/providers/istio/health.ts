import type { WorkloadEntry } from './types';

/*
 * A VM's health as Istio's health checking records it. The istio-agent on the VM runs the WorkloadGroup's
 * probe and istiod writes the result as the `Healthy` condition of the WorkloadEntry's status; the entry is
 * then annotated `proxy.istio.io/health-checks-enabled: "true"` (set at auto-registration when the group has a
 * probe). Istio's rule (pilot serviceentry `isHealthy`): with health checks enabled, an entry is an endpoint only
 * once the condition says True (no condition yet: not ready); without them it is always an endpoint.
 * A Healthy condition written on an entry without the annotation is honoured too (False means not ready):
 * something probed it, and moving traffic onto a VM reported down is what the gate is there to refuse.
 */

export const HEALTH_CHECKS_ANNOTATION = 'proxy.istio.io/health-checks-enabled';
export const HEALTHY_CONDITION = 'Healthy';

/** `not-probed`: no Healthy condition; ready unless health checks are enabled (then it waits for a first probe). */
export type VmHealth = 'healthy' | 'unhealthy' | 'not-probed';

export interface EntryHealth {
  health: VmHealth;
  /** Whether Istio sends it traffic. */
  ready: boolean;
  /** Whether a probe is configured (the health-checks annotation). */
  probed: boolean;
}

interface Condition {
  type?: string;
  status?: string;
}

export function healthOf(entry: WorkloadEntry): EntryHealth {
  const probed = entry.metadata?.annotations?.[HEALTH_CHECKS_ANNOTATION] === 'true';
  const conditions = ((entry as { status?: { conditions?: Condition[] } }).status?.conditions ?? []) as Condition[];
  const condition = conditions.find((candidate) => candidate.type === HEALTHY_CONDITION);
  if (!condition) return { health: 'not-probed', ready: !probed, probed };
  const healthy = condition.status === 'True';
  return { health: healthy ? 'healthy' : 'unhealthy', ready: healthy, probed };
}
