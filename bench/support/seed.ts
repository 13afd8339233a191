/**
 * Mesh services for the scale benches, spread over many namespaces, in the shapes of the demo scenarios:
 * mostly Istio (Service + DestinationRule + VirtualService, one in ten with a cookie gate as in scenario 2),
 * one in ten Gateway API (an HTTPRoute on the root Service, one Service per version, as scenario 6) and one in
 * ten SMI (a TrafficSplit over one Service per version, as scenario 5). No workloads: a fleet this size in
 * kwok would measure the scheduler, not the console.
 *
 * Service `svc-<i>` lives in namespace `bench-<i mod namespaces>`; seeding is additive and idempotent, so the
 * 2,000-service figures are measured first and the same objects are then topped up to 10,000.
 */
import type { ApiServer } from './api-server.ts';

export const BENCH_LABEL = 'weir.dev/bench';
/** Default spread of the services (issue 16: 10,000 services over 1,000 namespaces). */
export const DEFAULT_NAMESPACES = 1000;

export type BenchProvider = 'istio' | 'gateway-api' | 'smi';

export interface BenchService {
  index: number;
  name: string;
  namespace: string;
  provider: BenchProvider;
  /** The gray version's weight (v2); v1 has the rest. */
  grayWeight: number;
}

export function benchNamespace(index: number, namespaces: number): string {
  return `bench-${String(index % namespaces).padStart(4, '0')}`;
}

export function benchService(index: number, namespaces: number): BenchService {
  const provider: BenchProvider = index % 10 === 0 ? 'gateway-api' : index % 10 === 5 ? 'smi' : 'istio';
  return { index, name: `svc-${index}`, namespace: benchNamespace(index, namespaces), provider, grayWeight: 10 + (index % 5) * 10 };
}

interface Obj {
  path: string;
  body: Record<string, unknown>;
}

const meta = (service: BenchService, name: string, role: 'root' | 'part', labels: Record<string, string> = {}) => ({
  name,
  namespace: service.namespace,
  labels: { [BENCH_LABEL]: role, app: service.name, ...labels },
});

function coreService(service: BenchService, name: string, role: 'root' | 'part', version?: string): Obj {
  return {
    path: `/api/v1/namespaces/${service.namespace}/services`,
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(service, name, role, version ? { version } : {}),
      spec: { selector: { app: service.name, ...(version ? { version } : {}) }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
  };
}

/** A VirtualService's route as the console writes it: v1 / v2 by weight. */
export function istioRoute(service: BenchService, grayWeight: number) {
  return [
    { destination: { host: service.name, subset: 'v1' }, weight: 100 - grayWeight },
    { destination: { host: service.name, subset: 'v2' }, weight: grayWeight },
  ];
}

/** The objects of one service; the root Service comes last, so its presence means the service is complete. */
function objectsOf(service: BenchService): Obj[] {
  const { namespace, name } = service;
  const v1 = 100 - service.grayWeight;
  const v2 = service.grayWeight;
  if (service.provider === 'gateway-api') {
    return [
      coreService(service, `${name}-v1`, 'part', 'v1'),
      coreService(service, `${name}-v2`, 'part', 'v2'),
      {
        path: `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes`,
        body: {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          metadata: meta(service, name, 'part'),
          spec: {
            parentRefs: [{ group: '', kind: 'Service', name, port: 80 }],
            rules: [{ backendRefs: [{ name: `${name}-v1`, port: 80, weight: v1 }, { name: `${name}-v2`, port: 80, weight: v2 }] }],
          },
        },
      },
      coreService(service, name, 'root'),
    ];
  }
  if (service.provider === 'smi') {
    return [
      coreService(service, `${name}-v1`, 'part', 'v1'),
      coreService(service, `${name}-v2`, 'part', 'v2'),
      {
        path: `/apis/split.smi-spec.io/v1alpha2/namespaces/${namespace}/trafficsplits`,
        body: {
          apiVersion: 'split.smi-spec.io/v1alpha2',
          kind: 'TrafficSplit',
          metadata: meta(service, name, 'part'),
          spec: { service: name, backends: [{ service: `${name}-v1`, weight: v1 }, { service: `${name}-v2`, weight: v2 }] },
        },
      },
      coreService(service, name, 'root'),
    ];
  }
  // Scenario 2's cookie gate on one Istio service in ten (index ending in 3): gray users go to v2.
  const gate = service.index % 10 === 3 ? [{ match: [{ headers: { cookie: { regex: '^(.*?;)?(gray=true)(;.*)?$' } } }], route: [{ destination: { host: name, subset: 'v2' } }] }] : [];
  return [
    {
      path: `/apis/networking.istio.io/v1/namespaces/${namespace}/destinationrules`,
      body: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: meta(service, name, 'part'),
        spec: { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
      },
    },
    {
      path: `/apis/networking.istio.io/v1/namespaces/${namespace}/virtualservices`,
      body: {
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: meta(service, name, 'part'),
        spec: { hosts: [name], http: [...gate, { route: istioRoute(service, v2) }] },
      },
    },
    coreService(service, name, 'root'),
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs an object; 409 (it exists: a re-run) is fine, 429 / 5xx are retried with backoff, anything else throws. */
async function createOnce(api: ApiServer, object: Obj, retries: { count: number }): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await api.send('POST', object.path, object.body);
    if (response.status === 201 || response.status === 200 || response.status === 409) return;
    if ((response.status === 429 || response.status >= 500) && attempt < 20) {
      retries.count += 1;
      await sleep(Math.min(2000, 50 * 2 ** attempt));
      continue;
    }
    throw new Error(`creating ${object.path} ${(object.body.metadata as { name: string }).name} answered ${response.status}: ${response.body.slice(0, 300)}`);
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The root Services already there (metadata only, so even 10,000 of them are a small answer). */
async function seededIndices(api: ApiServer): Promise<Set<number>> {
  const list = await api.json<{ items: { metadata: { name: string } }[] | null }>(`/api/v1/services?labelSelector=${encodeURIComponent(`${BENCH_LABEL}=root`)}`, {
    accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
  });
  return new Set((list.items ?? []).map((item) => Number(item.metadata.name.slice('svc-'.length))));
}

export interface SeedResult {
  /** Services asked for, and those this call created (the rest were there already). */
  services: number;
  created: number;
  objects: number;
  namespacesCreated: number;
  seconds: number;
  retries: number;
}

/**
 * Makes sure services `svc-0` … `svc-<services-1>` exist over `namespaces` namespaces, creating what is missing
 * with `concurrency` requests in flight. Says how long that took and how many objects it wrote.
 */
export async function seedServices(api: ApiServer, services: number, namespaces = DEFAULT_NAMESPACES, concurrency = 48): Promise<SeedResult> {
  const started = performance.now();
  const retries = { count: 0 };
  const existing = await seededIndices(api);
  const missing = Array.from({ length: services }, (_, index) => index).filter((index) => !existing.has(index));
  const namespaceNames = [...new Set(missing.map((index) => benchNamespace(index, namespaces)))];
  const present = new Set(
    (await api.json<{ items: { metadata: { name: string } }[] }>(`/api/v1/namespaces?labelSelector=${encodeURIComponent(`${BENCH_LABEL}=namespace`)}`)).items.map((item) => item.metadata.name),
  );
  const newNamespaces = namespaceNames.filter((name) => !present.has(name));
  await inParallel(newNamespaces, concurrency, (name) =>
    createOnce(api, { path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [BENCH_LABEL]: 'namespace' } } } }, retries),
  );
  let objects = newNamespaces.length;
  await inParallel(missing, concurrency, async (index) => {
    for (const object of objectsOf(benchService(index, namespaces))) {
      await createOnce(api, object, retries);
      objects += 1;
    }
  });
  return {
    services,
    created: missing.length,
    objects,
    namespacesCreated: newNamespaces.length,
    seconds: (performance.now() - started) / 1000,
    retries: retries.count,
  };
}
