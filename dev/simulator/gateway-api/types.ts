/**
 * The parts of Gateway API's HTTPRoute (gateway.networking.k8s.io) the simulator still reads itself,
 * written from the Gateway API reference rather than taken from the console: which parents a route
 * attaches to, to choose the Services that get traffic. Its rules are istiod's to translate and push.
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

export interface HttpRoute extends KubernetesObject {
  spec?: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: unknown[] };
}
