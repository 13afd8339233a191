import 'server-only';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { objectYaml } from '@/lib/changes/object-yaml';
import { CORE_KINDS, type KindInfo } from '@/lib/k8s/kinds';
import { cachesInScope, scopeQuery, type Scope } from '@/lib/k8s/scope';
import { clusterCache } from '@/lib/k8s/watch-cache';
import { routingProviders, type ServiceState } from '@/lib/mesh/registry';
import { mayAccess, namespaceAccess, RELEASES, SERVICES } from '@/lib/auth/guard';
import type { Session } from '@/lib/auth/session-store';
import { requireSessionCluster } from '@/lib/auth/user-client';
import { COMPARE, matchesFilter, SORT_KEYS, type SortKey } from './service-order';
import { serviceRows, type KeptRow, type ServiceRows, type ServiceSummary } from './service-rows';
export { cachedServiceState } from '@/lib/changes/state';
import type { ProviderInfo, ReleaseView } from '@/lib/mesh/types';
import type { ReleasePermissions } from '@/lib/auth/guard';
import { historyOf, type HistoryEntry } from '@/lib/release/history';
import { isActive, stepWeightsOf, type ApprovalRequest, type ReleaseObject, type ReleaseSpec, type ReleaseStatus } from '@/lib/release/model';
import { controllerLiveness, type ControllerLiveness } from '@/lib/progressive/liveness';

export type { ServiceSummary } from './service-rows';

/**
 * Every mesh service in scope the user may list Services in, as the JSON array GET /api/services serves: those
 * with routing, and those whose workloads carry version labels; by cluster, namespace and name. Served from
 * the kept rows (only namespaces changed since the last call are recomputed); access is asked per namespace.
 */
export async function listServicesJson(session: Session, scope: Scope): Promise<KeptList> {
  const visible = await visibleNamespaces(session, scope);
  // The same rows for the same namespaces are the same bytes: users with the same access share one encoding.
  const versions = new Map(visible.map(({ rows }) => [rows, rows.version]));
  const key = `${[...versions.values()].join(',')}|${visible.map(({ rows, namespace }) => `${rows.cluster}/${namespace}`).join(' ')}`;
  const kept = listBodies.get(key);
  if (kept && [...versions].every(([rows]) => kept.rows.has(rows))) return kept;
  const parts = visible.map(({ rows, namespace }) => rows.namespaceJson(namespace));
  const bytes = new Uint8Array(Buffer.from(`[${parts.filter(Boolean).join(',')}]`));
  // A new tag for every body built (no hash of 7 MB on the path after a change): this process's id and a count, so
  // another replica or a restart never answers 304 for bytes it did not send; at worst a client is sent equal bytes.
  const etag = `"${PROCESS_TAG}-${(listsBuilt += 1)}"`;
  const list = { rows: new Set(versions.keys()), bytes, etag };
  listBodies.delete(key);
  listBodies.set(key, list);
  // The newest always stays; older ones while the kept bytes fit LIST_BODY_BYTES.
  let keptBytes = 0;
  for (const [entryKey, entry] of [...listBodies].reverse()) {
    keptBytes += entry.bytes.byteLength;
    if (keptBytes > LIST_BODY_BYTES && entryKey !== key) listBodies.delete(entryKey);
  }
  return list;
}

/** A list as served: its bytes, and their entity tag (a browser that holds them gets 304 instead of them again). */
export interface KeptList {
  bytes: Uint8Array<ArrayBuffer>;
  etag: string;
}

/**
 * The last lists served, encoded, by rows versions and visible namespaces: a few users' worth, up to 16 MB in all
 * (one list of 10,000 services is about 7 MB; a namespace-scoped user's is small).
 */
const listBodies = new Map<string, KeptList & { rows: Set<ServiceRows> }>();
const PROCESS_TAG = randomBytes(12).toString('base64url');
let listsBuilt = 0;
const LIST_BODY_BYTES = 16 * 1024 * 1024;

/** The kept rows of each cluster and namespace in scope that the user may list Services in, in the list's order. */
async function visibleNamespaces(session: Session, scope: Scope): Promise<{ rows: ServiceRows; namespace: string }[]> {
  if (scope.cluster) requireSessionCluster(session, scope.cluster);
  const caches = cachesInScope(scope).sort((a, b) => a.target.name.localeCompare(b.target.name));
  const perCluster = await Promise.all(
    caches.map(async (cache) => {
      const rows = serviceRows(cache);
      try {
        const [, allowed] = await Promise.all([rows.refresh(), namespaceAccess(session, cache.target.name, SERVICES)]);
        const namespaces = scope.namespace ? [scope.namespace] : rows.namespaceNames();
        const permitted = await Promise.all(namespaces.map((namespace) => allowed(namespace)));
        return namespaces.filter((_, index) => permitted[index]).map((namespace) => ({ rows, namespace }));
      } catch (error) {
        // Over several clusters, one that cannot answer the access check leaves out its rows, not everyone's
        // (its health banner says why); asked for by name, the error is the answer.
        if (scope.cluster) throw error;
        console.error(`[weir] services of cluster ${cache.target.name} left out:`, error instanceof Error ? error.message : error);
        return [];
      }
    }),
  );
  return perCluster.flat();
}

/** The first screen of the Services page as it filters and sorts: shown before the whole list has arrived. */
export interface FirstRows {
  /** How many rows the whole list has with this filter. */
  total: number;
  rows: ServiceSummary[];
}

/** GET /api/services's query, and the Services page's URL: scope, order and filter. */
export const servicesQuery = scopeQuery.extend({
  /** Only the first N rows in the page's order and filter, with the total: `{ total, rows }`. */
  first: z.coerce.number().int().min(1).max(500).optional(),
  sort: z.enum(SORT_KEYS).default('name'),
  q: z.string().max(200).default(''),
});

/** The first screen the Services page renders on the server, and the URL it was rendered for. */
export interface FirstScreen {
  cluster?: string;
  namespace?: string;
  sort: SortKey;
  filter: string;
  first: FirstRows;
}

/**
 * The Services page's first screen for its URL's scope, order and filter, rendered into the HTML so the count
 * and the first rows show before any script has run. Undefined when the URL does not parse or the list cannot
 * be read: the page then asks the API itself and shows the error as it says it.
 */
export async function firstScreen(session: Session, params: Record<string, string | string[] | undefined>, limit: number): Promise<FirstScreen | undefined> {
  const single = Object.fromEntries(Object.entries(params).flatMap(([key, value]) => (typeof value === 'string' && value !== '' ? [[key, value]] : [])));
  const parsed = servicesQuery.safeParse(single);
  if (!parsed.success) return undefined;
  const { sort, q: filter, cluster, namespace } = parsed.data;
  try {
    const first = JSON.parse(await firstServicesJson(session, { cluster, namespace }, { limit, sort, filter })) as FirstRows;
    return { cluster, namespace, sort, filter, first };
  } catch {
    return undefined;
  }
}

/** The first `limit` rows of the list in the page's order and filter, and how many there are in all, as JSON. */
export async function firstServicesJson(session: Session, scope: Scope, order: { limit: number; sort: SortKey; filter: string }): Promise<string> {
  const matching: KeptRow[] = [];
  for (const { rows, namespace } of await visibleNamespaces(session, scope)) {
    for (const row of rows.namespaceKeptRows(namespace)) if (matchesFilter(row.searchText, order.filter)) matching.push(row);
  }
  const first = matching.sort((a, b) => COMPARE[order.sort](a.key, b.key)).slice(0, order.limit);
  return `{"total":${matching.length},"rows":[${first.map((row) => row.json).join(',')}]}`;
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
  /** What the user may not read and is left out (object YAML, history), each with the permission it needs. */
  withheld?: string[];
}

export interface ReleaseState {
  spec: ReleaseSpec;
  status: Omit<ReleaseStatus, 'history' | 'approvals'>;
  /** The gray weight of each step, for the progress bar. */
  steps: number[];
  pendingApprovals: Omit<ApprovalRequest, 'intent'>[];
  /** For a running progressive release: whether a controller drives this cluster's releases (its Lease). */
  controller?: ControllerLiveness;
}

async function releaseState(cluster: string, release: ReleaseObject | undefined): Promise<ReleaseState | undefined> {
  if (!release?.spec) return undefined;
  const { history: _history, approvals = [], ...status } = release.status ?? {};
  const progressive = release.spec.strategy === 'progressive';
  return {
    spec: release.spec,
    status,
    steps: progressive ? stepWeightsOf(release.spec) : [],
    pendingApprovals: approvals.filter((request) => request.state === 'Pending').map(({ intent: _intent, ...request }) => request),
    ...(progressive && isActive(release.status) ? { controller: await controllerLiveness(cluster) } : {}),
  };
}

/** One object a view is read from, with its kind, as the detail may show it. */
interface ViewObject {
  info: KindInfo;
  namespace: string;
  shown: ObjectYaml;
}

/** The objects a view is read from, routing objects first. */
function objectsOf(state: ServiceState): ViewObject[] {
  const kinds = [CORE_KINDS.services, ...state.provider.kinds];
  return state.view.objects.flatMap((ref) => {
    const info = kinds.find((candidate) => candidate.kind === ref.kind);
    if (!info) return [];
    const elsewhere = !!ref.namespace && ref.namespace !== state.snapshot.namespace;
    const object = (elsewhere ? state.snapshot.elsewhere(info) : state.snapshot.list(info)).find(
      (candidate) => candidate.metadata?.name === ref.name && (!ref.namespace || candidate.metadata?.namespace === ref.namespace),
    );
    const name = elsewhere ? `${ref.namespace}/${ref.name}` : ref.name;
    return object ? [{ info, namespace: ref.namespace ?? state.snapshot.namespace, shown: { kind: ref.kind, name, role: ref.role, yaml: objectYaml(object) } }] : [];
  });
}

/** The service page of a service read from the watch cache: its view, objects' YAML, history and Release state. */
export async function releaseDetail(state: ServiceState): Promise<ReleaseDetail> {
  const { cluster, namespace, service } = state.view;
  const release = await clusterCache(cluster)!.get<ReleaseObject & { metadata: object }>('releases', service, namespace);
  return {
    view: state.view,
    yaml: objectsOf(state).map((object) => object.shown),
    history: historyOf(release).slice(0, 50),
    release: await releaseState(cluster, release),
    routingProviders: routingProviders(),
  };
}

/**
 * The service page as the user may read it: the YAML of each object only when RBAC lets them get its kind in
 * its namespace, history and Release state only when they may get releases.weir.dev there; what is left out
 * is named in `withheld`. The watch caches read everything as the console, so this is where the user's own
 * access decides what leaves the server.
 */
export async function readableReleaseDetail(session: Session, state: ServiceState): Promise<ReleaseDetail> {
  const { cluster, namespace } = state.view;
  const detail = await releaseDetail(state);
  const objects = objectsOf(state);
  const [readable, releases] = await Promise.all([
    Promise.all(objects.map((object) => mayAccess(session, cluster, object.namespace, { group: object.info.group, resource: object.info.plural }, 'get'))),
    mayAccess(session, cluster, namespace, RELEASES, 'get'),
  ]);
  const withheld = objects
    .filter((_, index) => !readable[index])
    .map(({ info, shown }) => `${shown.kind} ${shown.name}: needs get ${info.group ? `${info.plural}.${info.group}` : info.plural}`);
  if (!releases) withheld.push(`history and release: needs get releases.${RELEASES.group}`);
  return {
    ...detail,
    yaml: objects.filter((_, index) => readable[index]).map((object) => object.shown),
    history: releases ? detail.history : [],
    release: releases ? detail.release : undefined,
    ...(withheld.length > 0 ? { withheld } : {}),
  };
}
