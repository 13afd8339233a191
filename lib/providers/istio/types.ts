import type { KubernetesObject } from '@kubernetes/client-node';

/*
 * The parts of Istio's networking.istio.io/v1 objects the console reads or writes. Every interface keeps an
 * index signature: fields we do not model (timeouts, retries, fault, mirror, corsPolicy, ...) are carried
 * through untouched, which is what lets an edit preserve them byte for byte.
 */

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HTTPMatchRequest {
  name?: string;
  uri?: StringMatch;
  headers?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  [field: string]: unknown;
}

export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
  [field: string]: unknown;
}

export interface HTTPRouteDestination {
  destination: Destination;
  weight?: number;
  [field: string]: unknown;
}

export interface HTTPRoute {
  name?: string;
  match?: HTTPMatchRequest[];
  route?: HTTPRouteDestination[];
  /** Routes of another VirtualService (with no hosts) take this route's place. */
  delegate?: { name: string; namespace?: string };
  [field: string]: unknown;
}

export interface VirtualService extends KubernetesObject {
  spec?: {
    hosts?: string[];
    gateways?: string[];
    exportTo?: string[];
    http?: HTTPRoute[];
    [field: string]: unknown;
  };
}

export interface Subset {
  name: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export interface DestinationRule extends KubernetesObject {
  spec?: {
    host?: string;
    subsets?: Subset[];
    [field: string]: unknown;
  };
}

export interface WorkloadEntry extends KubernetesObject {
  spec?: {
    address?: string;
    labels?: Record<string, string>;
    ports?: Record<string, number>;
    serviceAccount?: string;
    network?: string;
    weight?: number;
    [field: string]: unknown;
  };
  status?: { conditions?: { type?: string; status?: string; [field: string]: unknown }[]; [field: string]: unknown };
}

/** A probe as a WorkloadGroup spells it (Kubernetes' probe shape: one of httpGet, tcpSocket, exec). */
export interface ReadinessProbe {
  httpGet?: { path?: string; port?: number; host?: string; scheme?: string; [field: string]: unknown };
  tcpSocket?: { port?: number; host?: string; [field: string]: unknown };
  exec?: { command?: string[] };
  periodSeconds?: number;
  [field: string]: unknown;
}

/**
 * The template VMs auto-register from: istiod creates a WorkloadEntry from `metadata` and `template` when a VM's
 * istio-agent connects, annotated with the group's name, and health-checks it when the group has a probe.
 */
export interface WorkloadGroup extends KubernetesObject {
  spec?: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    template?: { ports?: Record<string, number>; serviceAccount?: string; network?: string; [field: string]: unknown };
    probe?: ReadinessProbe;
    [field: string]: unknown;
  };
}

export interface ServiceEntry extends KubernetesObject {
  spec?: {
    hosts?: string[];
    ports?: { number?: number; name?: string; protocol?: string; targetPort?: number }[];
    resolution?: string;
    location?: string;
    workloadSelector?: { labels?: Record<string, string> };
    [field: string]: unknown;
  };
}
