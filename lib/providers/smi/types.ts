import type { KubernetesObject } from '@kubernetes/client-node';

/** One backend of a split: a Service and its weight, relative to the other backends'. */
export interface TrafficSplitBackend {
  service: string;
  weight: number;
  [field: string]: unknown;
}

/** split.smi-spec.io/v1alpha2 TrafficSplit: requests to the root (apex) `service` are spread over `backends`. */
export interface TrafficSplit extends KubernetesObject {
  spec?: {
    service?: string;
    backends?: TrafficSplitBackend[];
    [field: string]: unknown;
  };
}
