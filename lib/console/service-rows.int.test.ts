import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { signIn, signInNamespaceViewer, type SignedIn } from '../../test/console-session.ts';
import { makers, random, randomChange } from '../../test/random-mesh.ts';
import { adminApi } from '../../test/sandbox-client.ts';
import { apiVersionOf, type KindInfo } from '@/lib/k8s/kinds';
import { orderRows } from './service-order';
import type { ServiceSummary } from './service-rows';

/*
 * The Services list's kept rows on the real API server and its watches: after random writes across every kind a
 * view reads, the rows equal a rebuild from scratch, and the `rows` events an open stream received rebuild the
 * list a browser holds. A namespace-scoped user gets only their namespace's rows, in the list and on the stream.
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_DEV_KUBECONFIG = sandbox.kubeconfig;
const { clusterCache } = await import('@/lib/k8s/watch-cache');
const { rebuiltRows, serviceRows } = await import('./service-rows');
const servicesRoute = await import('@/app/api/services/route');
const eventsRoute = await import('@/app/api/events/route');

const ORIGIN = 'http://weir.test';
const NAMESPACES = ['rows-a', 'rows-b', 'rows-c'];
const MAKERS = makers(NAMESPACES);
const api = adminApi(sandbox);
const cache = clusterCache('sandbox')!;

interface RowPatch {
  cluster: string;
  namespace: string;
  service: string;
  row: ServiceSummary | null;
}

/** An open /api/events stream as a browser holds it: every `rows` event received so far. */
class Stream {
  readonly patches: RowPatch[] = [];
  private readonly abort = new AbortController();
  private ready!: Promise<void>;

  static async open(caller: SignedIn): Promise<Stream> {
    const stream = new Stream();
    const response = await eventsRoute.GET(new Request(`${ORIGIN}/api/events`, { headers: caller.read, signal: stream.abort.signal }));
    expect(response.status).toBe(200);
    stream.ready = stream.read(response.body!.getReader());
    await stream.ready;
    return stream;
  }

  /** Reads events in the background; resolves once the stream said `ready`. */
  private read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    return new Promise((resolve) => {
      const pump = async () => {
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (type === 'ready') resolve();
            if (type === 'rows' && data) this.patches.push(...(JSON.parse(data) as RowPatch[]));
          }
        }
      };
      void pump();
    });
  }

  close(): void {
    this.abort.abort();
  }
}

async function list(caller: SignedIn): Promise<ServiceSummary[]> {
  const response = await servicesRoute.GET(new Request(`${ORIGIN}/api/services?cluster=sandbox`, { headers: caller.read }));
  expect(response.status).toBe(200);
  return (await response.json()) as ServiceSummary[];
}

const keyOf = (row: { namespace: string; service: string }) => `${row.namespace}/${row.service}`;

/** What a browser holds after applying the patches to the list it fetched. */
function patched(start: ServiceSummary[], patches: RowPatch[]): Map<string, ServiceSummary> {
  const rows = new Map(start.map((row) => [keyOf(row), row]));
  for (const patch of patches) {
    if (patch.row) rows.set(keyOf(patch), patch.row);
    else rows.delete(keyOf(patch));
  }
  return rows;
}

/** Writes an object as a person with kubectl would: create, or replace what is there at its resourceVersion. */
async function put(object: KubernetesObject): Promise<string> {
  try {
    return (await api.create(object)).metadata!.resourceVersion!;
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
    const current = await api.read(object as KubernetesObject & { metadata: { name: string; namespace: string } });
    const { creationTimestamp: _created, ...metadata } = object.metadata!;
    return (await api.replace({ ...object, metadata: { ...metadata, resourceVersion: current.metadata!.resourceVersion } })).metadata!.resourceVersion!;
  }
}

async function remove(info: KindInfo, object: KubernetesObject): Promise<void> {
  await api.delete({ apiVersion: apiVersionOf(info), kind: info.kind, metadata: { name: object.metadata!.name!, namespace: object.metadata!.namespace! } }).catch((error: { code?: number }) => {
    if (error.code !== 404) throw error;
  });
}

/** Waits until the console's watch cache holds what was written: each object at its resourceVersion or later, or gone. */
async function cacheHolds(written: Map<string, { info: KindInfo; namespace: string; name: string; resourceVersion?: string }>): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const behind = [...written.values()].filter(({ info, namespace, name, resourceVersion }) => {
      const cached = cache.listNow(info.key, namespace).find((object) => object.metadata?.name === name);
      // Controllers write status after us (a Deployment's ready count, istiod's route status): at least ours will do.
      // resourceVersions are etcd revisions here; comparing them is fine in a test of one API server.
      return resourceVersion ? !cached || BigInt(cached.metadata?.resourceVersion ?? 0) < BigInt(resourceVersion) : cached !== undefined;
    });
    if (behind.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the watch cache never caught up with ${behind.map((entry) => `${entry.info.kind} ${entry.namespace}/${entry.name}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls until `check` passes (the stream's patches are sent a few milliseconds after the rows change). */
async function eventually(check: () => Promise<void> | void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

let admin: SignedIn;

beforeAll(async () => {
  admin = await signIn('admin');
  for (const namespace of NAMESPACES) await kubectl(sandbox, ['create', 'namespace', namespace]);
});

afterAll(async () => {
  // Wildcard hosts route every namespace's traffic through istiod: those go before the rest is left to the namespace controller.
  for (const namespace of NAMESPACES) await kubectl(sandbox, ['-n', namespace, 'delete', 'virtualservices', '--all', '--ignore-not-found']);
  await kubectl(sandbox, ['delete', 'namespace', ...NAMESPACES, '--wait=false', '--ignore-not-found']);
});

describe('the Services list on the real API server', () => {
  it('keeps rows equal to a rebuild from scratch through random writes, and its stream patches rebuild the list a browser holds', async () => {
    const stream = await Stream.open(admin);
    const start = await list(admin);
    const written = new Map<string, { info: KindInfo; namespace: string; name: string; resourceVersion?: string }>();
    for (let seed = 1; seed <= 3; seed += 1) {
      const r = random(seed);
      for (let round = 0; round < 6; round += 1) {
        const count = 1 + r.int(5);
        for (let step = 0; step < count; step += 1) {
          const { info, object, deleted } = randomChange(r, MAKERS, NAMESPACES, (kind) => NAMESPACES.flatMap((namespace) => cache.listNow(kind.key, namespace)));
          const entry = { info, namespace: object.metadata!.namespace!, name: object.metadata!.name! };
          if (deleted) {
            await remove(info, object);
            written.set(`${info.key}/${entry.namespace}/${entry.name}`, entry);
          } else {
            written.set(`${info.key}/${entry.namespace}/${entry.name}`, { ...entry, resourceVersion: await put(object) });
          }
        }
        await cacheHolds(written);
        await serviceRows(cache).refresh();
        // No await between these two: the kept rows and the rebuild read the cache at the same instant.
        const kept = Object.fromEntries(serviceRows(cache).namespaceNames().map((namespace) => [namespace, serviceRows(cache).namespaceRows(namespace)]));
        const rebuilt = JSON.parse(JSON.stringify(Object.fromEntries(rebuiltRows(cache)))) as Record<string, ServiceSummary[]>;
        expect(kept, `seed ${seed}, round ${round}`).toEqual(rebuilt);
        expect(NAMESPACES.some((namespace) => (rebuilt[namespace] ?? []).length > 0), 'the random writes produced rows').toBe(true);
      }
    }
    await eventually(async () => {
      const now = await list(admin);
      expect(Object.fromEntries(patched(start, stream.patches))).toEqual(Object.fromEntries(now.map((row) => [keyOf(row), row])));
    });
    expect(stream.patches.filter((patch) => NAMESPACES.includes(patch.namespace)).length).toBeGreaterThan(0);
    stream.close();
  });

  it('serves the first screen in the order and filter the page applies to the whole list', async () => {
    const all = await list(admin);
    expect(all.length).toBeGreaterThan(10);
    for (const [sort, filter] of [['name', ''], ['namespace', ''], ['problems', ''], ['name', 'V2'], ['problems', 'rows-'], ['name', 'no-such-service-anywhere']] as const) {
      const response = await servicesRoute.GET(new Request(`${ORIGIN}/api/services?cluster=sandbox&first=7&sort=${sort}&q=${filter}`, { headers: admin.read }));
      expect(response.status).toBe(200);
      const first = (await response.json()) as { total: number; rows: ServiceSummary[] };
      const expected = orderRows(all, sort, filter);
      expect(first.total, `${sort} "${filter}"`).toBe(expected.length);
      expect(first.rows.map(keyOf), `${sort} "${filter}"`).toEqual(expected.slice(0, 7).map(keyOf));
    }
    const bad = await servicesRoute.GET(new Request(`${ORIGIN}/api/services?first=0&sort=size`, { headers: admin.read }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field).sort()).toEqual(['query.first', 'query.sort']);
  });

  it('answers 304 to a browser that holds the list, and the new list once a row it may see changed', async () => {
    const get = (etag?: string) => servicesRoute.GET(new Request(`${ORIGIN}/api/services?cluster=sandbox`, { headers: { ...admin.read, ...(etag ? { 'if-none-match': etag } : {}) } }));
    const route = (weight: number): KubernetesObject =>
      ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'tagged', namespace: 'rows-b' },
        spec: { hosts: ['tagged'], http: [{ route: [{ destination: { host: 'tagged', subset: 'v1' }, weight }, { destination: { host: 'tagged', subset: 'v2' }, weight: 100 - weight }] }] },
      }) as KubernetesObject;
    await put(route(70));
    await eventually(async () => expect((await list(admin)).find((row) => row.service === 'tagged')?.versions.find((v) => v.name === 'v1')?.weight).toBe(70));

    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{16}-\d+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const body = await first.text();
    expect(Number(first.headers.get('content-length'))).toBe(Buffer.byteLength(body));

    const held = await get(etag);
    expect(held.status).toBe(304);
    expect(await held.text()).toBe('');
    expect((await get(`W/${etag}, "another"`)).status).toBe(304);

    await put(route(30));
    await eventually(async () => {
      const changed = await get(etag);
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
      const rows = (await changed.json()) as ServiceSummary[];
      expect(rows.find((row) => row.service === 'tagged')?.versions.find((v) => v.name === 'v1')?.weight).toBe(30);
    });
  });

  it('gives a namespace-scoped user only their namespace, in the list and on the stream', async () => {
    const viewer = await signInNamespaceViewer('rows-a');
    const make = (namespace: string, weight: number): KubernetesObject =>
      ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'scoped', namespace },
        spec: { hosts: ['scoped'], http: [{ route: [{ destination: { host: 'scoped', subset: 'v1' }, weight }, { destination: { host: 'scoped', subset: 'v2' }, weight: 100 - weight }] }] },
      }) as KubernetesObject;
    await Promise.all(NAMESPACES.map((namespace) => put(make(namespace, 100))));
    await eventually(async () => expect((await list(admin)).filter((row) => row.service === 'scoped').map((row) => row.namespace)).toEqual(NAMESPACES));

    const rows = await list(viewer);
    expect(rows.length).toBeGreaterThan(0);
    expect([...new Set(rows.map((row) => row.namespace))]).toEqual(['rows-a']);

    const stream = await Stream.open(viewer);
    await Promise.all(NAMESPACES.map((namespace) => put(make(namespace, 40))));
    await eventually(() => expect(stream.patches.some((patch) => patch.namespace === 'rows-a' && patch.service === 'scoped' && patch.row?.versions.some((v) => v.weight === 40))).toBe(true));
    // The other namespaces changed too (an admin's stream would carry them); this user's carries none of them.
    await eventually(async () => expect((await list(admin)).filter((row) => row.service === 'scoped' && row.versions.some((v) => v.weight === 40)).length).toBe(3));
    expect(stream.patches.filter((patch) => patch.namespace !== 'rows-a')).toEqual([]);
    stream.close();
  });

  it('asks the API server about a namespace-scoped user only in the namespaces where a RoleBinding names them', async () => {
    const many = Array.from({ length: 25 }, (_, index) => `rows-many-${index}`);
    const vs = (namespace: string): KubernetesObject =>
      ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'many', namespace }, spec: { hosts: ['many'], http: [{ route: [{ destination: { host: 'many' } }] }] } }) as KubernetesObject;
    for (const namespace of many) await kubectl(sandbox, ['create', 'namespace', namespace]);
    await Promise.all([...many, 'rows-a'].map((namespace) => put(vs(namespace))));
    // The viewer of rows-a (a ServiceAccount there) is also a viewer in rows-many-3, through its ServiceAccount group.
    await kubectl(sandbox, ['-n', 'rows-many-3', 'create', 'rolebinding', 'rows-a-viewers', '--clusterrole=weir-viewer', '--group=system:serviceaccounts:rows-a']);
    const viewer = await signInNamespaceViewer('rows-a', 'many-viewer');
    await eventually(async () => expect((await list(admin)).filter((row) => row.service === 'many').length).toBe(many.length + 1));
    await eventually(() => expect(cache.listNow('rolebindings', 'rows-many-3').length).toBe(1));

    const reviewsBefore = await accessReviewsServed();
    const rows = await list(viewer);
    const reviews = (await accessReviewsServed()) - reviewsBefore;

    expect([...new Set(rows.map((row) => row.namespace))]).toEqual(['rows-a', 'rows-many-3']);
    // One cluster-wide question, then one per namespace a RoleBinding names the viewer in; not one per namespace with rows (27).
    expect(reviews).toBeLessThanOrEqual(3);
    for (const namespace of many) await kubectl(sandbox, ['-n', namespace, 'delete', 'virtualservices', '--all']);
    await kubectl(sandbox, ['delete', 'namespace', ...many, '--wait=false']);
  });
});

/** SelfSubjectAccessReviews the API server has answered so far (its own request counter). */
async function accessReviewsServed(): Promise<number> {
  const metrics = await kubectl(sandbox, ['get', '--raw', '/metrics']);
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('apiserver_request_total{') && line.includes('resource="selfsubjectaccessreviews"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
