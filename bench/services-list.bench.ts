/**
 * Services list at scale. Creates N services (Service + DestinationRule + VirtualService) in the sandbox, then
 * compares, in the same run, the console's GET /api/services (served from the watch caches) with the raw
 * API server list of VirtualServices it replaces. Prints ratios, not absolute timings: machines are shared.
 *
 *   npm run bench            (N defaults to 1000; WEIR_BENCH_SERVICES=3000 for more)
 */
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { expect, inject, it } from 'vitest';
import { adminConfig } from '../test/sandbox-client.ts';
import { signIn } from '../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const { GET } = await import('@/app/api/services/route');
const admin = await signIn('admin');

const N = Number(process.env.WEIR_BENCH_SERVICES ?? 1000);
const NAMESPACE = 'bench';

function objectsFor(index: number): KubernetesObject[] {
  const name = `svc-${index}`;
  const metadata = { name, namespace: NAMESPACE };
  return [
    { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: name }, ports: [{ port: 80 }] } } as KubernetesObject,
    { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata, spec: { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } } as KubernetesObject,
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata,
      spec: { hosts: [name], http: [{ route: [{ destination: { host: name, subset: 'v1' }, weight: 90 }, { destination: { host: name, subset: 'v2' }, weight: 10 }] }] },
    } as KubernetesObject,
  ];
}

/** Creates an object; one that exists already (a re-run) is fine, anything else fails the bench. */
async function createOnce(api: KubernetesObjectApi, object: KubernetesObject): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await api.create(object);
      return;
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === 409) return;
      if (code === 429 && attempt < 10) {
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
        continue;
      }
      throw error;
    }
  }
}

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

it(`lists ${N} services from the watch cache`, async () => {
  const api = adminConfig(sandbox).makeApiClient(KubernetesObjectApi);
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }).catch(() => undefined);
  const started = performance.now();
  for (let index = 0; index < N; index += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, N - index) }, (_, offset) => objectsFor(index + offset)).flat().map((object) => createOnce(api, object)),
    );
  }
  console.log(`created ${N * 3} objects in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const request = () => GET(new Request('http://weir.test/api/services?cluster=sandbox', { headers: admin.read }));
  // Wait until the caches have caught up with every object.
  for (let tries = 0; tries < 100; tries += 1) {
    const rows = (await (await request()).json()) as unknown[];
    if (rows.length >= N) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  const baseline = await median(9, () => api.list('networking.istio.io/v1', 'VirtualService'));
  // Warm: nothing changed since the last call, rows come from the memo.
  const warm = await median(9, async () => (await request()).json());
  // Cold: one object changed just before, so every view is rebuilt from the caches.
  let touch = 0;
  const coldTimes: number[] = [];
  for (let run = 0; run < 9; run += 1) {
    touch += 1;
    await api.patch(
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc-0', namespace: NAMESPACE, labels: { touch: String(touch) } } },
      undefined, undefined, undefined, undefined, PatchStrategy.MergePatch,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    coldTimes.push(await median(1, async () => (await request()).json()));
  }
  const consoleList = coldTimes.sort((a, b) => a - b)[4]!;
  const rows = (await (await request()).json()) as unknown[];
  expect(rows.length).toBeGreaterThanOrEqual(N);
  console.log(
    [
      `services: ${rows.length}`,
      `raw API server list of VirtualServices (baseline): ${baseline.toFixed(1)} ms`,
      `console GET /api/services after a change (every view rebuilt from the caches): ${consoleList.toFixed(1)} ms`,
      `console GET /api/services, nothing changed (memoised): ${warm.toFixed(1)} ms`,
      `ratio console (rebuilt) / baseline: ${(consoleList / baseline).toFixed(2)}`,
      `ratio console (memoised) / baseline: ${(warm / baseline).toFixed(2)}`,
    ].join('\n'),
  );
}, 600_000);
