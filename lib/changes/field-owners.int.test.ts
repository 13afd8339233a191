import { writeFileSync } from 'node:fs';
import type { KubernetesObject } from '@kubernetes/client-node';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../test/console-api.ts';
import { signIn } from '../../test/console-session.ts';
import { podinfoNamespace, startControllerProcess, stopProcess } from '../../test/podinfo.ts';
import { adminApi } from '../../test/sandbox-client.ts';
import type { ProgressiveSettings, ReleaseObject } from '@/lib/release/model';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
// The controller runs in its own process; this one only serves the routes the test calls.
process.env.WEIR_CONTROLLER = 'false';

const alice = await signIn('alice');
const console_ = consoleApi(alice);
const releaseRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route');

type Provider = 'istio' | 'gateway-api' | 'smi';

/** The routing object podinfo's split lives in, per provider. */
const ROUTING: Record<Provider, { apiVersion: string; kind: string; weights: (object: any) => number[] }> = {
  istio: { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', weights: (vs) => vs.spec.http.at(-1).route.map((route: any) => route.weight) },
  'gateway-api': { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', weights: (route) => route.spec.rules.at(-1).backendRefs.map((ref: any) => ref.weight) },
  smi: { apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', weights: (split) => split.spec.backends.map((backend: any) => backend.weight) },
};

async function routing(provider: Provider, namespace: string): Promise<KubernetesObject & { spec: any }> {
  const { apiVersion, kind } = ROUTING[provider];
  return adminApi(sandbox).read({ apiVersion, kind, metadata: { name: 'podinfo', namespace } }) as never;
}

/** The object as a GitOps tool would hold it in Git: only what a person wrote. */
function asInGit(object: KubernetesObject & { spec: unknown }): object {
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata?.name, namespace: object.metadata?.namespace }, spec: object.spec };
}

/** Server-side apply of the routing object as it stands, as `manager` (how Argo CD and Flux sync): it now owns the split. */
async function applyAs(provider: Provider, namespace: string, manager: string): Promise<void> {
  const file = `${sandbox.dir}/owners-${namespace}-${manager}.yaml`;
  writeFileSync(file, stringify(asInGit(await routing(provider, namespace))));
  await kubectl(sandbox, ['apply', '--server-side', `--field-manager=${manager}`, '--force-conflicts', '-f', file]);
}

/** An update (PUT) with the `fieldManager` query parameter, the way Flagger's client writes the weights it sets. */
async function updateAs(provider: Provider, namespace: string, manager: string, change: (spec: any) => void): Promise<void> {
  const object = await routing(provider, namespace);
  change(object.spec);
  await adminApi(sandbox).replace(object, undefined, undefined, manager);
}

/** podinfo routed by `provider`, its split then written by `manager` the way that tool writes it. */
async function ownedNamespace(namespace: string, provider: Provider, manager: string): Promise<void> {
  await podinfoNamespace(sandbox, namespace, provider);
  if (manager === 'flagger') {
    // Flagger owns the canary's split: it sets both backends' weights, primary first.
    await updateAs(provider, namespace, manager, (spec) => {
      if (provider === 'smi') spec.backends = [{ service: 'podinfo-v1', weight: 100 }, { service: 'podinfo-v2', weight: 0 }];
      else if (provider === 'istio') spec.http.at(-1).route.push({ destination: { host: 'podinfo', subset: 'v2' }, weight: 0 });
      else spec.rules.at(-1).backendRefs.push({ name: 'podinfo-v2', port: 9898, weight: 0 });
    });
  } else await applyAs(provider, namespace, manager);
}

const CASES: { tool: string; manager: string; provider: Provider; field: RegExp }[] = [
  { tool: 'argocd', manager: 'argocd-controller', provider: 'istio', field: /^spec\.http\[0\]\.route\[\d\](\.weight)?$/ },
  { tool: 'flux', manager: 'kustomize-controller', provider: 'gateway-api', field: /^spec\.rules\[0\]\.backendRefs\[\d\](\.weight)?$/ },
  { tool: 'flagger', manager: 'flagger', provider: 'smi', field: /^spec\.backends\[\d\](\.weight)?$/ },
];

describe(`field owners from managedFields, against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it.each(CASES)('a preview names $manager ($tool) as the owner of the $provider weights it would change', async ({ tool, manager, provider, field }) => {
    const namespace = `owners-preview-${tool}`;
    await ownedNamespace(namespace, provider, manager);
    const before = await routing(provider, namespace);
    const view = await console_.settledView(namespace, 'podinfo', (current) => current.versions.some((version) => version.name === 'v1' && version.weight === 100));

    const { status, body } = await console_.post(namespace, 'podinfo', { mode: 'preview', intent: { type: 'set-weights', expected: view.splitEtag, weights: { v1: 80, v2: 20 } } });
    expect(status, JSON.stringify(body)).toBe(200);
    const step = body.steps.find((candidate: { kind: string }) => candidate.kind === ROUTING[provider].kind);
    const owner = step.owners.find((candidate: { manager: string }) => candidate.manager === manager);
    expect(owner).toMatchObject({ tool, manager, reverts: true });
    expect(owner.fields.length).toBeGreaterThan(0);
    for (const name of owner.fields) expect(name).toMatch(field);
    // Weir's own earlier writes and kubectl's are never reported as a controller that reverts.
    expect(step.owners.filter((candidate: { reverts: boolean }) => candidate.reverts).map((candidate: { manager: string }) => candidate.manager)).toEqual([manager]);
    expect((await routing(provider, namespace)).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it('a preview of weights only kubectl and Helm wrote carries them as owners that do not revert', async () => {
    const namespace = 'owners-preview-helm';
    await ownedNamespace(namespace, 'istio', 'helm');
    const view = await console_.settledView(namespace, 'podinfo', (current) => current.versions.some((version) => version.weight === 100));
    const { status, body } = await console_.post(namespace, 'podinfo', { mode: 'preview', intent: { type: 'set-weights', expected: view.splitEtag, weights: { v1: 80, v2: 20 } } });
    expect(status, JSON.stringify(body)).toBe(200);
    const owners = body.steps.find((candidate: { kind: string }) => candidate.kind === 'VirtualService').owners;
    expect(owners.map((owner: { tool: string }) => owner.tool)).toContain('helm');
    // kubectl's server-side apply may have moved its client-side fields to helm; whoever is left does not revert.
    expect(owners.filter((owner: { reverts: boolean }) => owner.reverts)).toEqual([]);
    expect(owners.every((owner: { tool: string }) => ['helm', 'kubectl'].includes(owner.tool))).toBe(true);
  });
});

const SETTINGS: ProgressiveSettings = {
  stableVersion: 'v1',
  grayVersion: 'v2',
  stepWeight: 10,
  maxWeight: 50,
  interval: '1h',
  threshold: 20,
  analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '30s' },
  approval: 'none',
  deleteOldVersion: false,
};

async function startRelease(namespace: string): Promise<void> {
  const response = await releaseRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ action: 'start', settings: SETTINGS }) }), {
    params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function release(namespace: string): Promise<ReleaseObject> {
  return adminApi(sandbox).read({ apiVersion: 'weir.dev/v1alpha1', kind: 'Release', metadata: { name: 'podinfo', namespace } } as never);
}

async function waitFor(namespace: string, what: string, done: (current: ReleaseObject) => boolean, timeoutMs = 60_000): Promise<ReleaseObject> {
  const deadline = Date.now() + timeoutMs;
  let current = await release(namespace);
  while (!done(current)) {
    if (Date.now() > deadline) throw new Error(`${namespace}: timed out waiting for ${what}; status: ${JSON.stringify({ ...current.status, history: undefined })}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    current = await release(namespace);
  }
  return current;
}

const children: ReturnType<typeof startControllerProcess>[] = [];
afterAll(async () => {
  await Promise.all(children.map((child) => stopProcess(child, 'SIGKILL')));
});

describe('the progressive controller and weights another controller owns', () => {
  it('refuses to drive a release whose weights Argo CD, Flux or Flagger own, saying who owns which fields; drives one Helm wrote', { timeout: 180_000 }, async () => {
    const owned = CASES.map((item) => ({ ...item, namespace: `owners-prog-${item.tool}` }));
    for (const item of owned) await ownedNamespace(item.namespace, item.provider, item.manager);
    await ownedNamespace('owners-prog-helm', 'istio', 'helm');
    const weightsBefore = await Promise.all(owned.map(async (item) => ROUTING[item.provider].weights(await routing(item.provider, item.namespace))));
    for (const namespace of [...owned.map((item) => item.namespace), 'owners-prog-helm']) await startRelease(namespace);

    const controller = startControllerProcess(sandbox);
    children.push(controller);
    // The control: Helm does not put weights back, so the first step goes ahead.
    const helm = await waitFor('owners-prog-helm', 'step 1', (current) => current.status?.currentStep === 1);
    expect(helm.status?.phase).toBe('Progressing');
    for (const [index, item] of owned.entries()) {
      const done = await waitFor(item.namespace, 'the refusal', (current) => current.status?.phase !== 'Progressing' || current.status?.currentStep !== 0);
      expect(done.status?.phase).toBe('Failed');
      expect(done.status?.messageCode).toBe('release.status.fieldsOwned');
      expect(done.status?.messageParams).toMatchObject({ tool: item.tool, manager: item.manager, object: `${ROUTING[item.provider].kind}/podinfo` });
      const fields = String(done.status?.messageParams?.fields).split(', ');
      expect(fields.length).toBeGreaterThan(0);
      for (const name of fields) expect(name).toMatch(item.field);
      expect(done.status?.message).toContain(item.manager);
      expect(done.status?.pending).toBeUndefined();
      expect(done.status?.currentStep).toBe(0);
      expect(ROUTING[item.provider].weights(await routing(item.provider, item.namespace))).toEqual(weightsBefore[index]);
    }
    await stopProcess(controller);
  });
});
