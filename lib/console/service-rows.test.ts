import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CORE_KINDS, apiVersionOf, type KindInfo, type KindKey } from '@/lib/k8s/kinds';
import type { CacheChange, ObjectStore } from '@/lib/k8s/watch-cache';
import { VIRTUAL_SERVICES } from '@/lib/providers/istio/kinds';
import { makers, random, randomChange } from '../../test/random-mesh.ts';
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

const NAMESPACES = ['alpha', 'beta', 'gamma', 'default'];
const MAKERS = makers(NAMESPACES);

function meta(namespace: string, name: string) {
  return { name, namespace, creationTimestamp: new Date(Date.UTC(2026, 0, 1)) };
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
      // As a browser does: the list first (everything, no patches), then patches for what changes.
      await rows.refresh();
      for (let round = 0; round < 12; round += 1) {
        const count = 1 + r.int(6);
        for (let step = 0; step < count; step += 1) {
          const { info, object, deleted } = randomChange(r, MAKERS, NAMESPACES, (kind) => store.existing(kind.key));
          if (deleted) store.remove(info, object);
          else store.put(info, object);
        }
        await rows.refresh();
        const rebuilt = served(Object.fromEntries(rebuiltRows(store)));
        expect(Object.fromEntries(keptRows(rows)), `seed ${seed}, round ${round}`).toEqual(rebuilt);
        const patched = Object.fromEntries(Object.keys(rebuilt).map((namespace) => [namespace, [...mirror.values()].filter((row) => row.namespace === namespace).sort((a, b) => a.service.localeCompare(b.service))]));
        expect(patched, `patches, seed ${seed}, round ${round}`).toEqual(rebuilt);
        expect(mirror.size, `patched row count, seed ${seed}`).toBe(Object.values(rebuilt).flat().length);
      }
    }
    // 150 seeds × 12 rounds: about 2 s on an idle machine, far more on a shared one (a budget, not a timing check).
  }, 60_000);

  it('recomputes only the namespaces a change can affect, and sends no patch when a row did not change', async () => {
    const store = new MemoryStore();
    const rows = new ServiceRows(store);
    const r = random(7);
    for (const namespace of NAMESPACES) for (let index = 0; index < 20; index += 1) store.put(MAKERS[0]!.info, MAKERS[0]!.make(r, namespace));
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
