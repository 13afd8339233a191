/**
 * The parts of Istio's networking.istio.io/v1 objects the data plane routes by, written from Istio's API
 * reference rather than taken from the console, so that the two read the objects independently.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

/** Exactly one of the three is set; none set means "present with any value". */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface HttpMatchRequest {
  name?: string;
  uri?: StringMatch;
  ignoreUriCase?: boolean;
  method?: StringMatch;
  headers?: Record<string, StringMatch>;
  withoutHeaders?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  gateways?: string[];
  sourceNamespace?: string;
  /** Conditions a synthetic request cannot meet (sourceLabels, port, authority, ...). */
  [other: string]: unknown;
}

export interface HttpRouteDestination {
  destination: { host: string; subset?: string; port?: { number?: number } };
  weight?: number;
}

export interface VirtualServiceHttpRoute {
  name?: string;
  match?: HttpMatchRequest[];
  route?: HttpRouteDestination[];
  redirect?: { redirectCode?: number };
  directResponse?: { status: number };
}

export interface VirtualService extends KubernetesObject {
  spec?: { hosts?: string[]; gateways?: string[]; http?: VirtualServiceHttpRoute[] };
}

export interface DestinationRule extends KubernetesObject {
  spec?: { host?: string; subsets?: { name: string; labels?: Record<string, string> }[] };
}

export interface WorkloadEntry extends KubernetesObject {
  spec?: { address?: string; labels?: Record<string, string> };
}
