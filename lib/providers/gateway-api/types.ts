import type { KubernetesObject } from '@kubernetes/client-node';

/*
 * The parts of gateway.networking.k8s.io/v1 HTTPRoute the console reads or writes. Every interface keeps an
 * index signature: fields we do not model (filters, timeouts, sessionPersistence, ...) are carried through
 * untouched, which is what lets an edit preserve them byte for byte.
 */

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
  [field: string]: unknown;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  /** Relative to the rule's other backends; 1 when absent, 0 sends nothing. */
  weight?: number;
  [field: string]: unknown;
}

export interface HeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
  [field: string]: unknown;
}

export interface PathMatch {
  type?: 'Exact' | 'PathPrefix' | 'RegularExpression';
  value?: string;
}

export interface RouteMatch {
  path?: PathMatch;
  headers?: HeaderMatch[];
  queryParams?: HeaderMatch[];
  method?: string;
  [field: string]: unknown;
}

export interface RouteRule {
  name?: string;
  matches?: RouteMatch[];
  backendRefs?: BackendRef[];
  filters?: unknown[];
  [field: string]: unknown;
}

export interface RouteCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface HTTPRoute extends KubernetesObject {
  spec?: {
    parentRefs?: ParentReference[];
    hostnames?: string[];
    rules?: RouteRule[];
    [field: string]: unknown;
  };
  status?: { parents?: { parentRef: ParentReference; controllerName?: string; conditions?: RouteCondition[] }[] };
}
