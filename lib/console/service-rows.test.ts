import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CORE_KINDS, apiVersionOf, type KindInfo, type KindKey } from '@/lib/k8s/kinds';
import type { CacheChange, ObjectStore } from '@/lib/k8s/watch-cache';
import { HTTP_ROUTES } from '@/lib/providers/gateway-api/kinds';
import { DESTINATION_RULES, VIRTUAL_SERVICES, WORKLOAD_ENTRIES } from '@/lib/providers/istio/kinds';
import { TRAFFIC_SPLITS } from '@/lib/providers/smi/kinds';
import { rebuiltRows, ServiceRows, type RowChange, type ServiceSummary } from './service-rows';

/*
 * The kept rows against a rebuild from scratch, after random sequences of creates, updates and deletes across
 * every kind a view reads (cross-namespace VirtualServices and wildcard hosts included). The store below holds
 * objects the way the watch cache does; the API-server version of this test is service-rows.int.test.ts.
 */

/** Objects by kind, namespace and name, telling subscribers of each change as an informer does. */
class MemoryStore implements ObjectStore {
  readonly target = { name: 'memory' };
  private readonly objects = new Map<KindKey, Map<string, KubernetesObject>>();
  private readonly counters = new Map<KindKey, number>();
  private readonly listeners = new Set<(change: CacheChange) => void>();
  private uids = 0;

  async whenSynced(): Promise<void> {}

  listNow<T extends KubernetesObject>(key: KindKey, namespace?: string): T[] {
    const all = [...(this.objects.get(key)?.values() ?? [])];
    return (namespace === undefined ? all : all.filter((object) => object.metadata?.namespace === namespace)) as T[];
  }

  generation(keys?: readonly KindKey[]): number {
    return (keys ?? [...this.counters.keys()]).reduce((sum, key) => sum + (this.counters.get(key) ?? 0), 0);
  }

  subscribe(listener: (change: CacheChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  existing(key: KindKey): KubernetesObject[] {
    return this.listNow(key);
  }

  /** Creates or replaces (same namespace and name) an object; an update keeps its uid. */
  put(info: KindInfo, object: KubernetesObject): void {
    const byName = this.objects.get(info.key) ?? new Map<string, KubernetesObject>();
    this.objects.set(info.key, byName);
    const id = `${object.metadata!.namespace}/${object.metadata!.name}`;
    const before = byName.get(id);
    const stored = { ...object, metadata: { ...object.metadata, uid: before?.metadata?.uid ?? `uid-${(this.uids += 1)}` } };
    byName.set(id, stored);
    this.emit(info, before ? 'modified' : 'added', stored);
  }

  remove(info: KindInfo, object: KubernetesObject): void {
    const id = `${object.metadata!.namespace}/${object.metadata!.name}`;
    const stored = this.objects.get(info.key)?.get(id);
    if (!stored) return;
    this.objects.get(info.key)!.delete(id);
    this.emit(info, 'deleted', stored);
  }

  private emit(info: KindInfo, type: CacheChange['type'], object: KubernetesObject): void {
    this.counters.set(info.key, (this.counters.get(info.key) ?? 0) + 1);
    for (const listener of this.listeners) listener({ cluster: this.target.name, kind: info.key, type, object });
  }
}

/** A small seeded generator (mulberry32), so a failing sequence can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Random = ReturnType<typeof random>;

const NAMESPACES = ['alpha', 'beta', 'gamma', 'default'];
const APPS = ['web', 'api', 'db'];
const VERSIONS = ['v1', 'v2', 'v3'];

function meta(namespace: string, name: string, extra: Record<string, unknown> = {}) {
  return { name, namespace, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, name.length)), ...extra };
}

/** A host as people write them: short, `name.namespace`, FQDN of another namespace, or now and then a wildcard. */
function host(r: Random, app: string, namespace: string): string {
  const roll = r.int(10);
  if (roll < 5) return app;
  if (roll < 7) return `${app}.${r.pick(NAMESPACES)}.svc.cluster.local`;
  if (roll < 9) return `${app}.${namespace}`;
  return r.pick(['*', `*.${r.pick(NAMESPACES)}.svc.cluster.local`]);
}

function weights(r: Random, count: number): number[] {
  const first = r.int(101);
  return count === 1 ? [100] : [first, 100 - first, ...Array.from({ length: count - 2 }, () => 0)];
}

/** One random object of one kind in one namespace, named from a small pool so that updates and deletes hit. */
const makers: { info: KindInfo; make: (r: Random, namespace: string) => KubernetesObject }[] = [
  {
    info: CORE_KINDS.services,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const version = r.chance(0.3) ? r.pick(VERSIONS) : undefined;
      const name = version ? `${app}-${version}` : app;
      const selector = r.chance(0.1) ? undefined : { app, ...(version ? { version } : {}) };
      return { apiVersion: 'v1', kind: 'Service', metadata: meta(namespace, name, { labels: r.chance(0.3) ? { touch: String(r.int(5)) } : undefined }), spec: { selector, ports: [{ port: 80 }] } } as KubernetesObject;
    },
  },
  {
    info: CORE_KINDS.deployments,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const version = r.pick(VERSIONS);
      const replicas = r.int(3);
      const labels = r.chance(0.85) ? { app, version } : { app };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(namespace, `${app}-${version}`),
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: app, image: `${app}:${version}` }] } } },
        status: { replicas, readyReplicas: r.int(replicas + 1), availableReplicas: r.int(replicas + 1), observedGeneration: 1 },
      } as KubernetesObject;
    },
  },
  {
    info: DESTINATION_RULES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const subsets = VERSIONS.filter(() => r.chance(0.7)).map((name) => ({ name, labels: { version: name } }));
      return { apiVersion: apiVersionOf(DESTINATION_RULES), kind: 'DestinationRule', metadata: meta(namespace, app), spec: { host: r.chance(0.8) ? app : host(r, app, namespace), subsets } } as KubernetesObject;
    },
  },
  {
    info: VIRTUAL_SERVICES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const name = r.chance(0.7) ? app : `${app}-${r.pick(['team', 'edge'])}`;
      const hosts = r.chance(0.85) ? [host(r, app, namespace)] : [host(r, app, namespace), host(r, r.pick(APPS), namespace)];
      const versions = VERSIONS.filter(() => r.chance(0.6));
      const split = weights(r, Math.max(versions.length, 1));
      const route = (versions.length ? versions : ['v1']).map((subset, index) => ({ destination: { host: hosts[0], subset }, weight: split[index] }));
      const http = [
        ...(r.chance(0.3) ? [{ match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: { host: hosts[0], subset: r.pick(VERSIONS) } }] }] : []),
        { route },
      ];
      const spec: Record<string, unknown> = { hosts, http };
      if (r.chance(0.2)) spec.exportTo = [r.pick(['.', '*', r.pick(NAMESPACES)])];
      if (r.chance(0.1)) spec.gateways = [r.pick(['mesh', 'istio-system/ingress'])];
      return { apiVersion: apiVersionOf(VIRTUAL_SERVICES), kind: 'VirtualService', metadata: meta(namespace, name), spec } as KubernetesObject;
    },
  },
  {
    info: WORKLOAD_ENTRIES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const version = r.pick(VERSIONS);
      return { apiVersion: apiVersionOf(WORKLOAD_ENTRIES), kind: 'WorkloadEntry', metadata: meta(namespace, `${app}-${version}-vm`), spec: { address: '10.0.0.1', labels: { app, version } } } as KubernetesObject;
    },
  },
  {
    info: HTTP_ROUTES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const versions = VERSIONS.filter(() => r.chance(0.6));
      const split = weights(r, Math.max(versions.length, 1));
      const parentRefs = r.chance(0.8) ? [{ group: '', kind: 'Service', name: app, port: 80 }] : [{ name: 'gateway', namespace: 'istio-system' }];
      return {
        apiVersion: apiVersionOf(HTTP_ROUTES),
        kind: 'HTTPRoute',
        metadata: meta(namespace, app),
        spec: { parentRefs, rules: [{ backendRefs: (versions.length ? versions : ['v1']).map((version, index) => ({ name: `${app}-${version}`, port: 80, weight: split[index] })) }] },
      } as KubernetesObject;
    },
  },
  {
    info: TRAFFIC_SPLITS,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const versions = VERSIONS.filter(() => r.chance(0.6));
      const split = weights(r, Math.max(versions.length, 1));
      return {
        apiVersion: apiVersionOf(TRAFFIC_SPLITS),
        kind: 'TrafficSplit',
        metadata: meta(namespace, app),
        spec: { service: app, backends: (versions.length ? versions : ['v1']).map((version, index) => ({ service: `${app}-${version}`, weight: split[index] })) },
      } as KubernetesObject;
    },
  },
];

/** One random change: mostly creates and updates, some deletes of what exists. */
function change(r: Random, store: MemoryStore): void {
  const { info, make } = r.pick(makers);
  const existing = store.existing(info.key);
  if (existing.length > 0 && r.chance(0.25)) {
    store.remove(info, r.pick(existing));
    return;
  }
  store.put(info, make(r, r.pick(NAMESPACES)));
}

/** The rows a browser holds after applying every patch it was sent, by namespace, sorted as the server sorts. */
function applyPatches(mirror: Map<string, ServiceSummary>, changes: RowChange[]): void {
  for (const { namespace, service, json } of changes) {
    if (json) mirror.set(`${namespace}/${service}`, JSON.parse(json) as ServiceSummary);
    else mirror.delete(`${namespace}/${service}`);
  }
}

function keptRows(rows: ServiceRows): Map<string, ServiceSummary[]> {
  return new Map(rows.namespaceNames().map((namespace) => [namespace, rows.namespaceRows(namespace)]));
}

/** JSON round trip: what a reader of the served rows sees (undefined fields dropped). */
function served<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('the kept service rows', () => {
  it('equal a rebuild from scratch after random sequences of creates, updates and deletes across kinds', async () => {
    for (let seed = 1; seed <= 150; seed += 1) {
      const r = random(seed);
      const store = new MemoryStore();
      const rows = new ServiceRows(store);
      const mirror = new Map<string, ServiceSummary>();
      rows.subscribe((changes) => applyPatches(mirror, changes));
      for (let round = 0; round < 12; round += 1) {
        const count = 1 + r.int(6);
        for (let step = 0; step < count; step += 1) change(r, store);
        await rows.refresh();
        const rebuilt = served(Object.fromEntries(rebuiltRows(store)));
        expect(Object.fromEntries(keptRows(rows)), `seed ${seed}, round ${round}`).toEqual(rebuilt);
        const patched = Object.fromEntries(Object.keys(rebuilt).map((namespace) => [namespace, [...mirror.values()].filter((row) => row.namespace === namespace).sort((a, b) => a.service.localeCompare(b.service))]));
        expect(patched, `patches, seed ${seed}, round ${round}`).toEqual(rebuilt);
        expect(mirror.size, `patched row count, seed ${seed}`).toBe(Object.values(rebuilt).flat().length);
      }
    }
  });

  it('recomputes only the namespaces a change can affect, and sends no patch when a row did not change', async () => {
    const store = new MemoryStore();
    const rows = new ServiceRows(store);
    const r = random(7);
    for (const namespace of NAMESPACES) for (let index = 0; index < 20; index += 1) store.put(makers[0]!.info, makers[0]!.make(r, namespace));
    store.put(VIRTUAL_SERVICES, { apiVersion: apiVersionOf(VIRTUAL_SERVICES), kind: 'VirtualService', metadata: meta('alpha', 'web'), spec: { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 'v1' } }] }] } } as KubernetesObject);
    await rows.refresh();

    // A VirtualService in beta that names alpha's host changes alpha's row (and beta's namespace is read again).
    const changes = new Promise<RowChange[]>((resolve) => {
      const stop = rows.subscribe((batch) => {
        stop();
        resolve(batch);
      });
    });
    store.put(VIRTUAL_SERVICES, { apiVersion: apiVersionOf(VIRTUAL_SERVICES), kind: 'VirtualService', metadata: meta('beta', 'web-team'), spec: { hosts: ['web.alpha.svc.cluster.local'], http: [{ route: [{ destination: { host: 'web.alpha.svc.cluster.local', subset: 'v1' } }] }] } } as KubernetesObject);
    expect((await changes).map((c) => `${c.namespace}/${c.service}`)).toEqual(['alpha/web']);

    // A label that no view shows: the namespace is read again, nothing is sent.
    const service = store.existing(CORE_KINDS.services.key).find((object) => object.metadata?.namespace === 'gamma')!;
    store.put(CORE_KINDS.services, { ...service, metadata: { ...service.metadata, labels: { unrelated: 'yes' } } });
    expect(await rows.refresh()).toEqual([]);
  });
});
