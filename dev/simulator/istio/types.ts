/**
 * The parts of Istio's networking.istio.io/v1 objects the simulator still reads itself, written from Istio's
 * API reference rather than taken from the console: which hosts a VirtualService claims (to choose the
 * Services that get traffic; the routing comes from istiod), which hosts a ServiceEntry adds to the mesh (to
 * choose them as targets and to know how a client calls them), and where a WorkloadEntry lives (to know who
 * answers at an endpoint address istiod names).
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export interface VirtualService extends KubernetesObject {
  /** `http` is istiod's to read; the simulator only checks that a VirtualService claims the host. */
  spec?: { hosts?: string[]; gateways?: string[]; http?: unknown[] };
}

export interface WorkloadEntry extends KubernetesObject {
  spec?: { address?: string; labels?: Record<string, string> };
  /** istiod's health checking writes the `Healthy` condition here. */
  status?: { conditions?: { type?: string; status?: string }[] };
}

/** A ServiceEntry port: `protocol` (HTTP, HTTP2, GRPC, TCP, ...) is what Istio's protocol selection reads. */
export interface ServiceEntryPort {
  number?: number;
  protocol?: string;
  name?: string;
  targetPort?: number;
}

export interface ServiceEntry extends KubernetesObject {
  /**
   * Its endpoints are istiod's to compute (the pods and WorkloadEntries `workloadSelector` picks); the
   * simulator reads the hosts, addresses and ports a client calls, and which kind of entry it is.
   */
  spec?: {
    hosts?: string[];
    addresses?: string[];
    ports?: ServiceEntryPort[];
    location?: string;
    resolution?: string;
    workloadSelector?: { labels?: Record<string, string> };
    exportTo?: string[];
  };
}
