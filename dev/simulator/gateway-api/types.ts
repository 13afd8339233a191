/**
 * The parts of Gateway API objects (gateway.networking.k8s.io) that decide where a request goes, written
 * from the Gateway API reference rather than taken from the console.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

/** `group` defaults to gateway.networking.k8s.io and `kind` to Gateway; a Service parent spells `group: ""`. */
export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface HttpPathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value?: string;
}

/** Header and query parameter matches share this shape; `type` defaults to Exact. */
export interface HttpValueMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface HttpRouteMatch {
  path?: HttpPathMatch;
  headers?: HttpValueMatch[];
  queryParams?: HttpValueMatch[];
  method?: string;
}

export interface HttpRouteFilter {
  type: string;
  requestRedirect?: { statusCode?: number };
}

/** `group` defaults to "" and `kind` to Service; `weight` to 1. */
export interface HttpBackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

export interface HttpRouteRule {
  name?: string;
  matches?: HttpRouteMatch[];
  filters?: HttpRouteFilter[];
  backendRefs?: HttpBackendRef[];
}

export interface HttpRoute extends KubernetesObject {
  spec?: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HttpRouteRule[] };
}

/** Lets routes in `from` namespaces refer to objects of the grant's own namespace. */
export interface ReferenceGrant extends KubernetesObject {
  spec?: { from?: { group: string; kind: string; namespace: string }[]; to?: { group: string; kind: string; name?: string }[] };
}
