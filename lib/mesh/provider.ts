import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import type { KindInfo } from '@/lib/k8s/kinds';
import type { Intent } from './intents';
import type { NamespaceSnapshot } from './snapshot';
import type { Plan, ProviderCapabilities, ProviderInfo, ReleaseView, RouteObjectSummary } from './types';

/** One RBAC permission a user needs for an intent: `verb` on `resource` in `group`, in the service's namespace. */
export interface AccessNeed {
  group: string;
  resource: string;
  verb: string;
}

/** What every provider gathers about one service: the Service itself and the Deployments it selects. */
export interface ServiceObjects {
  cluster: string;
  namespace: string;
  serviceName: string;
  service?: V1Service;
  deployments: V1Deployment[];
}

/**
 * A mesh API Weir can read and edit: Istio's VirtualService + DestinationRule, Gateway API's HTTPRoute, SMI's
 * TrafficSplit. Everything above `lib/mesh` asks the registry for the provider of a service and works through
 * this interface, so adding an API is one folder under `lib/providers/` and one line in the registry.
 *
 * `Index` is what the provider precomputes once per namespace snapshot (objects by host, say), so that reading
 * every service of a namespace stays linear in its objects; `Objects` is one service's share of them.
 */
export interface MeshProvider<Index = unknown, Objects extends ServiceObjects = ServiceObjects> {
  readonly info: ProviderInfo;
  /** The kinds this provider reads; every cluster keeps a list+watch of each, and fresh reads list them. */
  readonly kinds: readonly KindInfo[];
  /** The kinds that route (VirtualService, HTTPRoute, ...): the Routing page lists them, `summarize` describes them. */
  readonly routeKinds: readonly KindInfo[];
  /** Kinds whose objects in one namespace can route another's hosts; snapshots then carry every namespace's (`elsewhere`). */
  readonly crossNamespaceKinds?: readonly KindInfo[];
  /**
   * For an object of one of `crossNamespaceKinds`: the namespaces, besides its own, whose services' views it can
   * change (those of the hosts it names), or `all` when it names a wildcard host. Incremental views recompute those.
   */
  reaches?(object: KubernetesObject): readonly string[] | 'all';
  readonly capabilities: ProviderCapabilities;
  /** Whether "create routing" can set this provider's objects up for a Service that has none. */
  readonly canCreateRouting: boolean;

  /** Precomputes what `routedServices`, `versionServices` and `gather` need from one namespace's objects. */
  index(snapshot: NamespaceSnapshot): Index;
  /**
   * Names of the services in the namespace whose requests this provider routes, including hosts named by its
   * objects for which no Service exists (so that mistake shows in the list).
   */
  routedServices(index: Index): Iterable<string>;
  /** Services that only stand for a version of another service (a backend of a split): not listed on their own. */
  versionServices(index: Index): Iterable<string>;
  /** One service's objects. */
  gather(snapshot: NamespaceSnapshot, index: Index, service: string): Objects;
  /** Whether these objects route the service's requests (the registry picks the provider that does). */
  claims(objects: Objects): boolean;
  /** The provider-neutral view of one service, from its objects. */
  read(objects: Objects): ReleaseView;
  /** Per intent, the ordered object changes that carry it out; a planner throws a MeshError (invalid / conflict) when it cannot. */
  readonly planners: Planners<Objects>;
  /** The RBAC a user needs, in the service's namespace, for the provider's part of an intent on this view. */
  access(intent: Intent, view?: ReleaseView): AccessNeed[];
  /** The Routing page's row for one object of a route kind. */
  summarize(cluster: string, object: KubernetesObject): RouteObjectSummary;
}

/** The intents a provider plans (scaling a version is the same for all, and planned by the registry). */
export type ProviderIntent = Exclude<Intent, { type: 'scale-version' | 'update-version' }>;

/** One planner per intent type, each given the intent of its type. */
export type Planners<Objects> = { [Type in ProviderIntent['type']]: (objects: Objects, view: ReleaseView, intent: Extract<ProviderIntent, { type: Type }>) => Plan };

/** Any provider, with its own index and objects types hidden. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProvider = MeshProvider<any, any>;
