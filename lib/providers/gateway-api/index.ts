import { stickyUnsupported } from '@/lib/mesh/plan-common';
import { oldestFirst } from '@/lib/mesh/objects';
import type { MeshProvider } from '@/lib/mesh/provider';
import { gatherServiceVersions, serviceBackedAccess, versionServicesByRoot } from '@/lib/mesh/service-versions';
import type { NamespaceSnapshot } from '@/lib/mesh/snapshot';
import { isLocalService, isServiceParent, summarizeHttpRoute } from './describe';
import { GATEWAY_API } from './info';
import { HTTP_ROUTES } from './kinds';
import { planAddVersion, planCreateRouting, planDeleteVersion, planRestoreSplit, planSetContentRule, planSetMirror, planSetWeights, planTakeOver } from './plan';
import { GATEWAY_CAPABILITIES, readGatewayApi, type GatewayObjects } from './read';
import type { HTTPRoute } from './types';

/** A namespace's HTTPRoutes by the service they route. */
interface GatewayIndex {
  /** Routes whose parent is a Service of this namespace (GAMMA producer routes), by that Service. */
  meshRoutes: Map<string, HTTPRoute[]>;
  /** Routes with Gateway parents whose backends are all versions of one Service, by that Service. */
  gatewayRoutes: Map<string, HTTPRoute[]>;
  /** Local Service backends of each route. */
  backends: Map<HTTPRoute, Set<string>>;
  versionServices: Map<string, string[]>;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}


/**
 * Gateway API HTTPRoute: a version is a backend Service (`<service>-<version>`), weights are relative and
 * written to add up to 100, content rules are rules with header matches before the catch-all rule. Routes
 * attached to the Service itself (GAMMA, as Istio's ambient mode uses them) and to Gateways are both read.
 */
export const gatewayApiProvider: MeshProvider<GatewayIndex, GatewayObjects> = {
  info: GATEWAY_API,
  kinds: [HTTP_ROUTES],
  routeKinds: [HTTP_ROUTES],
  capabilities: GATEWAY_CAPABILITIES,
  canCreateRouting: true,

  index(snapshot: NamespaceSnapshot): GatewayIndex {
    const { namespace } = snapshot;
    const byRoot = versionServicesByRoot(snapshot);
    const rootOf = new Map<string, string>();
    for (const [root, versions] of byRoot) for (const version of versions) rootOf.set(version.metadata?.name ?? '', root);
    const rootOfBackend = (name: string): string | undefined => {
      if (rootOf.has(name)) return rootOf.get(name);
      if (snapshot.service(name)) return name;
      const dash = name.lastIndexOf('-');
      return dash > 0 && snapshot.service(name.slice(0, dash)) ? name.slice(0, dash) : undefined;
    };
    const index: GatewayIndex = {
      meshRoutes: new Map(),
      gatewayRoutes: new Map(),
      backends: new Map(),
      versionServices: new Map([...byRoot].map(([root, versions]) => [root, versions.map((v) => v.metadata?.name ?? '')])),
    };
    for (const item of [...snapshot.list<HTTPRoute>(HTTP_ROUTES)].sort(oldestFirst)) {
      const backends = new Set((item.spec?.rules ?? []).flatMap((rule) => (rule.backendRefs ?? []).filter((ref) => isLocalService(ref, namespace)).map((ref) => ref.name)));
      index.backends.set(item, backends);
      const parents = item.spec?.parentRefs ?? [];
      const serviceParents = parents.filter((parent) => isServiceParent(parent) && (parent.namespace ?? namespace) === namespace);
      for (const name of new Set(serviceParents.map((parent) => parent.name))) push(index.meshRoutes, name, item);
      if (serviceParents.length === 0 && parents.length > 0) {
        const roots = new Set([...backends].map(rootOfBackend));
        const [root] = roots;
        if (roots.size === 1 && root) push(index.gatewayRoutes, root, item);
      }
    }
    return index;
  },

  *routedServices(index) {
    yield* index.meshRoutes.keys();
    yield* index.gatewayRoutes.keys();
  },

  *versionServices(index) {
    for (const root of new Set([...index.meshRoutes.keys(), ...index.gatewayRoutes.keys()])) {
      yield* index.versionServices.get(root) ?? [];
      for (const item of [...(index.meshRoutes.get(root) ?? []), ...(index.gatewayRoutes.get(root) ?? [])]) {
        for (const name of index.backends.get(item) ?? []) if (name !== root) yield name;
      }
    }
  },

  gather(snapshot, index, service): GatewayObjects {
    const routes = [...(index.meshRoutes.get(service) ?? []), ...(index.gatewayRoutes.get(service) ?? [])];
    const [governing] = routes;
    const members = new Set([service, ...(index.versionServices.get(service) ?? [])]);
    for (const name of (governing && index.backends.get(governing)) ?? []) if (name.startsWith(`${service}-`)) members.add(name);
    const sharedBackends = new Set<string>();
    for (const [item, names] of index.backends) if (item !== governing) for (const name of names) sharedBackends.add(name);
    const referenced = governing ? [...index.backends.get(governing)!].filter((name) => members.has(name)) : [];
    const backed = gatherServiceVersions(snapshot, service, referenced);
    return { cluster: snapshot.cluster, namespace: snapshot.namespace, ...backed, routes, members, sharedBackends };
  },

  claims: (objects) => objects.routes.length > 0,

  read: readGatewayApi,

  planners: {
    'create-routing': planCreateRouting,
    'add-version': planAddVersion,
    'set-weights': planSetWeights,
    'set-content-rule': planSetContentRule,
    'take-over': planTakeOver,
    'delete-version': planDeleteVersion,
    'restore-split': planRestoreSplit,
    'set-mirror': planSetMirror,
    'set-sticky': (_objects, view) => stickyUnsupported(view),
  },

  access: (intent) => serviceBackedAccess(HTTP_ROUTES, intent),

  summarize: summarizeHttpRoute,
};
