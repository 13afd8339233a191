import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl, REPO_ROOT } from '../../dev/sandbox/sandbox.ts';
import { setVmHealth } from '../../dev/sandbox/vm-health.ts';
import { adminApi, resourceVersions } from '../../test/sandbox-client.ts';
import { signIn } from '../../test/console-session.ts';
import type { DestinationRule, VirtualService, WorkloadEntry } from '@/lib/providers/istio/types';
import type { ReleaseView } from '@/lib/mesh/types';

/*
 * VM versions against the real API server: a WorkloadEntry's Healthy condition (written on its status subresource,
 * as istiod's health checking does) gates traffic like a pod's readiness; a VM version added through the intents
 * route ends up routed with its WorkloadEntry; ServiceEntry hosts are listed as services.
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
// A VM that never reports Healthy fails its add-version within this, not two minutes.
const previousTimeout = process.env.WEIR_WAIT_READY_TIMEOUT_MS;
process.env.WEIR_WAIT_READY_TIMEOUT_MS = '6000';
afterAll(() => {
  if (previousTimeout === undefined) delete process.env.WEIR_WAIT_READY_TIMEOUT_MS;
  else process.env.WEIR_WAIT_READY_TIMEOUT_MS = previousTimeout;
});

const { POST } = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');
const { GET } = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const servicesRoute = await import('@/app/api/services/route');
const alice = await signIn('alice');
const api = adminApi(sandbox);
const ISTIO = 'networking.istio.io/v1';

/** Scenario 4 (hybrid-hello: en on pods, fr and es on VMs, 30 / 60 / 10) in a namespace of its own. */
async function hybridNamespace(namespace: string): Promise<void> {
  const yaml = readFileSync(join(REPO_ROOT, 'dev/scenarios/hybrid-hello.yaml'), 'utf8').replaceAll('hybrid-hello', namespace);
  const file = join(tmpdir(), `weir-${namespace}.yaml`);
  writeFileSync(file, yaml);
  await kubectl(sandbox, ['apply', '-f', file]);
  await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
}

async function view(namespace: string, name = 'hello2'): Promise<ReleaseView> {
  const response = await GET(new Request('http://weir.test/', { headers: alice.read }), { params: Promise.resolve({ cluster: 'sandbox', namespace, name }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { view: ReleaseView }).view;
}

/** The view once `check` holds (the watch caches see a change within a second or so). */
async function viewWhen(namespace: string, check: (view: ReleaseView) => boolean, name = 'hello2'): Promise<ReleaseView> {
  const deadline = Date.now() + 15_000;
  let current = await view(namespace, name);
  while (!check(current) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    current = await view(namespace, name);
  }
  expect(check(current), JSON.stringify(current.versions)).toBe(true);
  return current;
}

async function post(namespace: string, intent: Record<string, unknown>, name = 'hello2') {
  const response = await POST(new Request('http://weir.test/', { method: 'POST', body: JSON.stringify({ mode: 'apply', intent }), headers: alice.write }), {
    params: Promise.resolve({ cluster: 'sandbox', namespace, name }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const health = (current: ReleaseView, entry: string) => current.versions.flatMap((v) => v.workloads).find((w) => w.name === entry)?.health;
const read = <T extends KubernetesObject>(kind: string, namespace: string, name: string) => api.read<T>({ apiVersion: ISTIO, kind, metadata: { name, namespace } });
const weightsOf = (vs: VirtualService) => Object.fromEntries((vs.spec?.http?.at(-1)?.route ?? []).map((r) => [r.destination.subset, r.weight]));

async function entryExists(namespace: string, name: string): Promise<boolean> {
  return read<WorkloadEntry>('WorkloadEntry', namespace, name).then(
    () => true,
    () => false,
  );
}

describe(`VM versions against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('refuses to move weight onto a VM marked unhealthy, and allows it once it is healthy again', async () => {
    const namespace = 'vm-gate';
    await hybridNamespace(namespace);
    await setVmHealth(sandbox.kubeconfig, namespace, 'hello2-es', 'unhealthy');
    const current = await viewWhen(namespace, (v) => health(v, 'hello2-es') === 'unhealthy');
    expect(current.versions.find((v) => v.name === 'es')).toMatchObject({ ready: 0 });
    expect(current.validations).toContainEqual({ code: 'traffic-without-ready-endpoint', severity: 'error', subject: 'es' });
    expect(health(current, 'hello2-fr')).toBe('not-probed');
    const before = await resourceVersions(sandbox, namespace);

    const more = await post(namespace, { type: 'set-weights', expected: current.splitEtag, weights: { en: 30, fr: 50, es: 20 } });
    expect(more.status, JSON.stringify(more.body)).toBe(422);
    expect(more.body.error.fields).toEqual([expect.objectContaining({ field: 'intent.weights.es', code: 'field.notReady' })]);
    const takeOver = await post(namespace, { type: 'take-over', expected: current.splitEtag, version: 'es' });
    expect(takeOver.status).toBe(422);
    expect(await resourceVersions(sandbox, namespace)).toEqual(before);

    // Moving its traffic away is what an operator does with a VM that is down.
    const away = await post(namespace, { type: 'set-weights', expected: current.splitEtag, weights: { en: 40, fr: 60, es: 0 } });
    expect(away.status, JSON.stringify(away.body)).toBe(200);

    await setVmHealth(sandbox.kubeconfig, namespace, 'hello2-es', 'healthy');
    await viewWhen(namespace, (v) => health(v, 'hello2-es') === 'healthy');
    const back = await post(namespace, { type: 'set-weights', expected: away.body.view.splitEtag, weights: { en: 30, fr: 60, es: 10 } });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(weightsOf(await read<VirtualService>('VirtualService', namespace, 'hello2'))).toEqual({ en: 30, fr: 60, es: 10 });
  });

  it('adds a health-checked VM version through the route: WorkloadEntry, Healthy, subset, then route', async () => {
    const namespace = 'vm-add';
    await hybridNamespace(namespace);
    const current = await view(namespace);
    // The VM reports healthy a moment after its entry exists, as istiod would after the first probe.
    const prober = (async () => {
      const deadline = Date.now() + 20_000;
      while (!(await entryExists(namespace, 'hello2-de')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      // Until then the route must not name it.
      expect(weightsOf(await read<VirtualService>('VirtualService', namespace, 'hello2'))).toEqual({ en: 30, fr: 60, es: 10 });
      await setVmHealth(sandbox.kubeconfig, namespace, 'hello2-de', 'healthy');
    })();
    const added = await post(namespace, {
      type: 'add-version',
      expected: current.splitEtag,
      version: 'de',
      vms: [{ address: '127.0.10.9', ports: { http: 8080 }, serviceAccount: 'hello2', network: 'vm-net' }],
      healthChecked: true,
      weight: 10,
    });
    await prober;
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.outcomes.map((o: { action: string; kind: string }) => `${o.action}:${o.kind}`)).toEqual([
      'create:WorkloadEntry',
      'wait-condition:WorkloadEntry',
      'replace:DestinationRule',
      'replace:VirtualService',
    ]);

    const entry = await read<WorkloadEntry>('WorkloadEntry', namespace, 'hello2-de');
    expect(entry.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'weir' });
    expect(entry.spec).toEqual({ address: '127.0.10.9', labels: { app: 'hello2', version: 'de' }, ports: { http: 8080 }, serviceAccount: 'hello2', network: 'vm-net' });
    const dr = await read<DestinationRule>('DestinationRule', namespace, 'hello2');
    expect(dr.spec?.subsets?.find((s) => s.name === 'de')).toEqual({ name: 'de', labels: { version: 'de' } });
    const weights = weightsOf(await read<VirtualService>('VirtualService', namespace, 'hello2'));
    expect(weights.de).toBe(10);
    const after = await viewWhen(namespace, (v) => v.versions.some((version) => version.name === 'de' && version.ready === 1));
    expect(after.versions.find((v) => v.name === 'de')!.workloads).toEqual([expect.objectContaining({ form: 'vm', name: 'hello2-de', health: 'healthy', managed: true, ready: 1 })]);
  });

  it('undoes a VM version whose VM reports unhealthy instead of routing to it', async () => {
    const namespace = 'vm-undo';
    await hybridNamespace(namespace);
    const current = await view(namespace);
    const before = await resourceVersions(sandbox, namespace);
    const prober = (async () => {
      const deadline = Date.now() + 20_000;
      while (!(await entryExists(namespace, 'hello2-it')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      await setVmHealth(sandbox.kubeconfig, namespace, 'hello2-it', 'unhealthy');
    })();
    const added = await post(namespace, { type: 'add-version', expected: current.splitEtag, version: 'it', vms: [{ address: '127.0.10.8' }], healthChecked: true, weight: 20 });
    await prober;
    expect(added.status, JSON.stringify(added.body)).toBe(500);
    expect(added.body.error.details.outcomes.map((o: { action: string; status: string }) => `${o.action}:${o.status}`)).toEqual(['create:undone', 'wait-condition:failed']);
    expect(await entryExists(namespace, 'hello2-it')).toBe(false);
    expect(await resourceVersions(sandbox, namespace)).toEqual(before);
  });

  it('deletes the WorkloadEntries of a VM version Weir created, and those it did not only when asked', async () => {
    const namespace = 'vm-delete';
    await hybridNamespace(namespace);
    const current = await view(namespace);
    const added = await post(namespace, { type: 'add-version', expected: current.splitEtag, version: 'de', vms: [{ address: '127.0.10.7' }, { address: '127.0.10.6' }], weight: 0 });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const withDe = await viewWhen(namespace, (v) => v.versions.some((version) => version.name === 'de' && version.workloads.length === 2));
    const moved = await post(namespace, { type: 'set-weights', expected: withDe.splitEtag, weights: { en: 40, fr: 60, es: 0 } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    const de = await post(namespace, { type: 'delete-version', expected: moved.body.view.splitEtag, version: 'de' });
    expect(de.status, JSON.stringify(de.body)).toBe(200);
    expect([await entryExists(namespace, 'hello2-de-1'), await entryExists(namespace, 'hello2-de-2')]).toEqual([false, false]);

    // hello2-es was not created by Weir: deleting es keeps it unless the user ticks it.
    const es = await post(namespace, { type: 'delete-version', expected: de.body.view.splitEtag, version: 'es' });
    expect(es.status, JSON.stringify(es.body)).toBe(200);
    expect(await entryExists(namespace, 'hello2-es')).toBe(true);
    expect((await read<DestinationRule>('DestinationRule', namespace, 'hello2')).spec?.subsets?.map((s) => s.name)).toEqual(['en', 'fr']);
    const fr = await post(namespace, { type: 'set-weights', expected: es.body.view.splitEtag, weights: { en: 100, fr: 0 } });
    const gone = await post(namespace, { type: 'delete-version', expected: fr.body.view.splitEtag, version: 'fr', deleteUnmanagedVms: true });
    expect(gone.status, JSON.stringify(gone.body)).toBe(200);
    expect(await entryExists(namespace, 'hello2-fr')).toBe(false);
  });

  it('refuses traffic onto a WorkloadGroup version until a VM registered from it reports Healthy, then routes to it', async () => {
    const namespace = 'vm-group';
    await hybridNamespace(namespace);
    await api.create({
      apiVersion: ISTIO,
      kind: 'WorkloadGroup',
      metadata: { name: 'hello2-de', namespace },
      spec: { metadata: { labels: { app: 'hello2', version: 'de' } }, template: { serviceAccount: 'hello2', ports: { http: 8080 } }, probe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 } },
    } as KubernetesObject);
    const dr = await read<DestinationRule>('DestinationRule', namespace, 'hello2');
    await api.replace({ ...dr, spec: { ...dr.spec, subsets: [...(dr.spec?.subsets ?? []), { name: 'de', labels: { version: 'de' } }] } } as KubernetesObject);
    const waiting = await viewWhen(namespace, (v) => v.versions.some((version) => version.name === 'de' && version.workloads.length > 0));
    expect(waiting.versions.find((v) => v.name === 'de')).toMatchObject({
      ready: 0,
      desired: 0,
      workloads: [{ kind: 'WorkloadGroup', name: 'hello2-de', probed: true, probe: { type: 'http', path: '/ready', port: 8080, periodSeconds: 5 } }],
    });
    const before = await resourceVersions(sandbox, namespace);
    const refused = await post(namespace, { type: 'set-weights', expected: waiting.splitEtag, weights: { en: 30, fr: 50, es: 10, de: 10 } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ field: 'intent.weights.de', code: 'field.notReady' })]);
    expect(await resourceVersions(sandbox, namespace)).toEqual(before);

    // A VM connects: istiod registers it from the group (annotated with the group, health-checked); still not probed.
    await api.create({
      apiVersion: ISTIO,
      kind: 'WorkloadEntry',
      metadata: { name: 'hello2-de-127.0.10.9', namespace, annotations: { 'istio.io/autoRegistrationGroup': 'hello2-de', 'proxy.istio.io/health-checks-enabled': 'true' } },
      spec: { address: '127.0.10.9', labels: { app: 'hello2', version: 'de' }, serviceAccount: 'hello2' },
    } as KubernetesObject);
    const registered = await viewWhen(namespace, (v) => health(v, 'hello2-de-127.0.10.9') === 'not-probed');
    expect(registered.versions.find((v) => v.name === 'de')!.workloads[0]).toMatchObject({ group: 'hello2-de', probed: true, ready: 0 });
    expect((await post(namespace, { type: 'take-over', expected: registered.splitEtag, version: 'de' })).status).toBe(422);

    await setVmHealth(sandbox.kubeconfig, namespace, 'hello2-de-127.0.10.9', 'healthy');
    const healthy = await viewWhen(namespace, (v) => health(v, 'hello2-de-127.0.10.9') === 'healthy');
    const moved = await post(namespace, { type: 'set-weights', expected: healthy.splitEtag, weights: { en: 30, fr: 50, es: 10, de: 10 } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(weightsOf(await read<VirtualService>('VirtualService', namespace, 'hello2'))).toEqual({ en: 30, fr: 50, es: 10, de: 10 });
  });

  it('lists the hosts of ServiceEntries with a workloadSelector as services, their VMs as versions', async () => {
    const namespace = 'vm-serviceentry';
    await kubectl(sandbox, ['create', 'namespace', namespace]);
    await api.create({
      apiVersion: ISTIO,
      kind: 'ServiceEntry',
      metadata: { name: 'legacy', namespace },
      spec: { hosts: ['legacy.example.com'], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }], workloadSelector: { labels: { app: 'legacy' } } },
    } as KubernetesObject);
    await api.create({ apiVersion: ISTIO, kind: 'WorkloadEntry', metadata: { name: 'legacy-v1', namespace }, spec: { address: '127.0.10.5', labels: { app: 'legacy', version: 'v1' } } } as KubernetesObject);
    // A ServiceEntry without a workloadSelector (an external API) is not a service of the namespace.
    await api.create({ apiVersion: ISTIO, kind: 'ServiceEntry', metadata: { name: 'external', namespace }, spec: { hosts: ['api.example.org'], location: 'MESH_EXTERNAL', resolution: 'DNS', ports: [{ number: 443, name: 'https', protocol: 'TLS' }] } } as KubernetesObject);

    const deadline = Date.now() + 15_000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      const response = await servicesRoute.GET(new Request(`http://weir.test/api/services?cluster=sandbox&namespace=${namespace}`, { headers: alice.read }));
      expect(response.status).toBe(200);
      names = ((await response.json()) as { service: string }[]).map((row) => row.service);
      if (names.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(names).toEqual(['legacy.example.com']);
    const legacy = await view(namespace, 'legacy.example.com');
    expect(legacy).toMatchObject({ host: 'legacy.example.com', routed: false, discoveredVersions: ['v1'], objects: [expect.objectContaining({ kind: 'ServiceEntry', name: 'legacy' })] });
  });
});
