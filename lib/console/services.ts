import 'server-only';
import { objectYaml } from '@/lib/changes/object-yaml';
import { CORE_KINDS } from '@/lib/k8s/kinds';
import { cachesInScope, type Scope } from '@/lib/k8s/scope';
import { cachedSnapshots } from '@/lib/k8s/snapshots';
import { clusterCache, type ClusterCache } from '@/lib/k8s/watch-cache';
import { readService, routingProviders, serviceNames, type ServiceState } from '@/lib/mesh/registry';
export { cachedServiceState } from '@/lib/changes/state';
import type { ProviderInfo, ReleaseView } from '@/lib/mesh/types';
import type { ReleasePermissions } from '@/lib/auth/guard';
import { historyOf, type HistoryEntry } from '@/lib/release/history';
import { stepWeightsOf, type ApprovalRequest, type ReleaseObject, type ReleaseSpec, type ReleaseStatus } from '@/lib/release/model';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'weir-system', 'istio-system']);

/** One row of the Services page. */
export type ServiceSummary = Omit<ReleaseView, 'routes' | 'otherRoutes'> & { otherRouteCount: number };

/** Rows already built for a cluster and scope, valid while the cache's change counter stays the same. */
const memo = new WeakMap<ClusterCache, Map<string, { generation: number; rows: ServiceSummary[] }>>();

/** Whether the list shows a service: it has routing objects, or workloads that carry version labels. */
function listed(view: ReleaseView): boolean {
  return view.objects.length > 0 || view.discoveredVersions.length > 0;
}

async function servicesOfCluster(cache: ClusterCache, namespace: string | undefined): Promise<ServiceSummary[]> {
  const generation = cache.generation();
  const key = namespace ?? '*';
  const cached = memo.get(cache)?.get(key);
  if (cached && cached.generation === generation) return cached.rows;

  const rows: ServiceSummary[] = [];
  for (const [ns, snapshot] of await cachedSnapshots(cache, namespace)) {
    if (SYSTEM_NAMESPACES.has(ns)) continue;
    for (const name of serviceNames(snapshot)) {
      if (ns === 'default' && name === 'kubernetes') continue;
      const { view } = readService(snapshot, name);
      if (!listed(view)) continue;
      const { routes: _routes, otherRoutes, ...summary } = view;
      rows.push({ ...summary, otherRouteCount: otherRoutes.length });
    }
  }
  if (!memo.has(cache)) memo.set(cache, new Map());
  memo.get(cache)!.set(key, { generation, rows });
  return rows;
}

/** Every mesh service in scope: those with routing, and those whose workloads carry version labels. */
export async function listServices(scope: Scope): Promise<ServiceSummary[]> {
  const perCluster = await Promise.all(cachesInScope(scope).map((cache) => servicesOfCluster(cache, scope.namespace)));
  return perCluster
    .flat()
    .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service));
}

/** The YAML of one object the view is read from, as a person would commit it. */
export interface ObjectYaml {
  kind: string;
  name: string;
  role: 'routing' | 'version';
  yaml: string;
}

/** The service page: the release view, the YAML of its objects, and what the user may change. */
export interface ReleaseDetail {
  view: ReleaseView;
  yaml: ObjectYaml[];
  permissions?: ReleasePermissions;
  /** The latest changes, newest first (from the service's Release). */
  history: HistoryEntry[];
  /** The service's Release: strategy, progressive settings and state, and requests waiting for approval. */
  release?: ReleaseState;
  /** What "create routing" can set up, when the service has no routing. */
  routingProviders: ProviderInfo[];
}

export interface ReleaseState {
  spec: ReleaseSpec;
  status: Omit<ReleaseStatus, 'history' | 'approvals'>;
  /** The gray weight of each step, for the progress bar. */
  steps: number[];
  pendingApprovals: Omit<ApprovalRequest, 'intent'>[];
}

function releaseState(release: ReleaseObject | undefined): ReleaseState | undefined {
  if (!release?.spec) return undefined;
  const { history: _history, approvals = [], ...status } = release.status ?? {};
  return {
    spec: release.spec,
    status,
    steps: release.spec.strategy === 'progressive' ? stepWeightsOf(release.spec) : [],
    pendingApprovals: approvals.filter((request) => request.state === 'Pending').map(({ intent: _intent, ...request }) => request),
  };
}

/** YAML of the objects a view is read from, routing objects first. */
function yamlOf(state: ServiceState): ObjectYaml[] {
  const kinds = [CORE_KINDS.services, ...state.provider.kinds];
  return state.view.objects.flatMap((ref) => {
    const info = kinds.find((candidate) => candidate.kind === ref.kind);
    const where = ref.namespace && ref.namespace !== state.snapshot.namespace ? info && state.snapshot.elsewhere(info) : info && state.snapshot.list(info);
    const object = where?.find((candidate) => candidate.metadata?.name === ref.name && (!ref.namespace || candidate.metadata?.namespace === ref.namespace));
    const name = ref.namespace && ref.namespace !== state.snapshot.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
    return object ? [{ kind: ref.kind, name, role: ref.role, yaml: objectYaml(object) }] : [];
  });
}

/** The service page of a service read from the watch cache: its view, objects' YAML, history and Release state. */
export async function releaseDetail(state: ServiceState): Promise<ReleaseDetail> {
  const { cluster, namespace, service } = state.view;
  const release = await clusterCache(cluster)!.get<ReleaseObject & { metadata: object }>('releases', service, namespace);
  return {
    view: state.view,
    yaml: yamlOf(state),
    history: historyOf(release).slice(0, 50),
    release: releaseState(release),
    routingProviders: routingProviders(),
  };
}
