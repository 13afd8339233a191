/** SMI's TrafficSplit (split.smi-spec.io/v1alpha2), from the SMI specification. */
import type { KubernetesObject } from '@kubernetes/client-node';

export interface TrafficSplit extends KubernetesObject {
  spec?: {
    /** The root (apex) Service that callers address: a short name or an FQDN. */
    service?: string;
    /** Backend Services in the split's namespace; weights are relative, not percentages. */
    backends?: { service: string; weight: number }[];
  };
}
