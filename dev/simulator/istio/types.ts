/**
 * The parts of Istio's networking.istio.io/v1 objects the simulator still reads itself, written from Istio's
 * API reference rather than taken from the console: which hosts a VirtualService claims (to choose the
 * Services that get traffic; the routing comes from istiod), and where a WorkloadEntry lives (to know who
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
