import { writeFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../test/console-api.ts';
import { signIn } from '../../test/console-session.ts';
import { adminApi, resourceVersions } from '../../test/sandbox-client.ts';
import { cookieRegex } from '@/lib/mesh/intents';
import type { TrafficSplit } from '@/lib/providers/smi/types';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const alice = consoleApi(await signIn('alice'));

async function apply(namespace: string, objects: object[]): Promise<void> {
  const file = `${sandbox.dir}/smi-${namespace}-${Date.now()}.yaml`;
  writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  await kubectl(sandbox, ['apply', '-n', namespace, '-f', file]);
}

const deployment = (version: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: `bookstore-${version}`, labels: { app: 'bookstore', version } },
  spec: { replicas, selector: { matchLabels: { app: 'bookstore', version } }, template: { metadata: { labels: { app: 'bookstore', version } }, spec: { containers: [{ name: 'bookstore', image: `openservicemesh/bookstore:${version}` }] } } },
});
const service = (name: string, selector: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: 'bookstore' } }, spec: { selector, ports: [{ name: 'bookstore-port', port: 14001 }] } });

/** OSM's bookstore demo: a root Service, a Service and a Deployment per version, and their TrafficSplit. */
function bookstoreSplit(backends: [string, number][], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'split.smi-spec.io/v1alpha2',
    kind: 'TrafficSplit',
    metadata: { name: 'bookstore-split', labels: { app: 'bookstore' }, annotations: { 'team.example.com/owner': 'books' }, ...extra },
    spec: { service: 'bookstore.bookstore', backends: backends.map(([name, weight]) => ({ service: name, weight })) },
  };
}

async function bookstoreNamespace(namespace: string, backends: [string, number][]): Promise<void> {
  await kubectl(sandbox, ['create', 'namespace', namespace]);
  const split = bookstoreSplit(backends);
  split.spec.service = `bookstore.${namespace}`;
  await apply(namespace, [deployment('v1'), deployment('v2'), service('bookstore', { app: 'bookstore' }), service('bookstore-v1', { app: 'bookstore', version: 'v1' }), service('bookstore-v2', { app: 'bookstore', version: 'v2' }), split]);
  await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
}

async function readSplit(namespace: string, name = 'bookstore-split'): Promise<TrafficSplit> {
  return adminApi(sandbox).read<TrafficSplit>({ apiVersion: 'split.smi-spec.io/v1alpha2', kind: 'TrafficSplit', metadata: { name, namespace } });
}


const weights = (view: { versions: { name: string; weight: number }[] }) => Object.fromEntries(view.versions.map((v) => [v.name, v.weight]));
const backends = (split: TrafficSplit) => split.spec!.backends!.map((backend) => [backend.service, backend.weight]);

describe(`SMI TrafficSplits against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('reads OSM’s bookstore split (relative weights 3:1, root named as service.namespace)', async () => {
    await bookstoreNamespace('smi-read', [
      ['bookstore-v1', 3],
      ['bookstore-v2', 1],
    ]);
    const view = await alice.settledView('smi-read', 'bookstore', (v) => v.routed);
    expect(view.provider).toEqual({ id: 'smi', name: 'SMI' });
    expect(weights(view)).toEqual({ v1: 75, v2: 25 });
    expect(view.capabilities.contentRules.supported).toBe(false);
    expect(view.validations).toEqual([]);
  });

  it('walks add version → weights → take over → delete old, keeping what it does not own', async () => {
    const namespace = 'smi-walk';
    await bookstoreNamespace(namespace, [
      ['bookstore-v1', 100],
      ['bookstore-v2', 0],
    ]);
    const start = await readSplit(namespace);
    let view = await alice.settledView(namespace, 'bookstore', (v) => v.routed);
    let result = await alice.post(namespace, 'bookstore', { mode: 'apply', intent: { type: 'add-version', expected: view.splitEtag, version: 'v3', image: 'openservicemesh/bookstore:v3', replicas: 1, env: [], weight: 10 } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(backends(await readSplit(namespace))).toEqual([
      ['bookstore-v1', 90],
      ['bookstore-v2', 0],
      ['bookstore-v3', 10],
    ]);
    view = await alice.settledView(namespace, 'bookstore', (v) => weights(v).v3 === 10);
    result = await alice.post(namespace, 'bookstore', { mode: 'apply', intent: { type: 'set-weights', expected: view.splitEtag, weights: { v1: 30, v2: 0, v3: 70 } } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    view = await alice.settledView(namespace, 'bookstore', (v) => weights(v).v3 === 70);
    result = await alice.post(namespace, 'bookstore', { mode: 'apply', intent: { type: 'take-over', expected: view.splitEtag, version: 'v3' } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    view = await alice.settledView(namespace, 'bookstore', (v) => weights(v).v3 === 100);
    result = await alice.post(namespace, 'bookstore', { mode: 'apply', intent: { type: 'delete-version', expected: view.splitEtag, version: 'v1', keepWorkload: false } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const end = await readSplit(namespace);
    expect(backends(end)).toEqual([
      ['bookstore-v2', 0],
      ['bookstore-v3', 100],
    ]);
    const versions = await resourceVersions(sandbox, namespace);
    expect(versions['Service/bookstore-v1']).toBeUndefined();
    expect(versions['Deployment/bookstore-v1']).toBeUndefined();
    expect(versions['Service/bookstore-v3']).toBeTruthy();
    // Everything Weir does not own, as it was.
    expect(end.metadata!.labels).toEqual(start.metadata!.labels);
    expect(end.metadata!.annotations).toEqual(start.metadata!.annotations);
    expect(end.spec!.service).toBe(start.spec!.service);
  });

  it('refuses content rules plainly and changes nothing; a stale split is a 409', async () => {
    const namespace = 'smi-refusals';
    await bookstoreNamespace(namespace, [
      ['bookstore-v1', 50],
      ['bookstore-v2', 50],
    ]);
    const view = await alice.settledView(namespace, 'bookstore', (v) => v.routed);
    const before = await resourceVersions(sandbox, namespace);
    const policy = { match: 'all', conditions: [{ on: 'cookie', operator: 'regex', value: cookieRegex('gray', 'true') }] };
    const rule = await alice.post(namespace, 'bookstore', { mode: 'apply', intent: { type: 'set-content-rule', expected: view.splitEtag, version: 'v2', policy } });
    expect(rule.status).toBe(422);
    expect(rule.body.error.fields).toEqual([{ field: 'intent.policy', code: 'field.weightOnly', message: 'TrafficSplit splits by weight only' }]);
    const stale = await alice.post(namespace, 'bookstore', { mode: 'apply', intent: { type: 'set-weights', expected: 'stale000', weights: { v1: 100, v2: 0 } } });
    expect(stale.status).toBe(409);
    const tooBig = await alice.post(namespace, 'bookstore', { mode: 'apply', intent: { type: 'set-weights', expected: view.splitEtag, weights: { v1: 101, v2: -1 } } });
    expect(tooBig.status).toBe(400);
    expect(await resourceVersions(sandbox, namespace)).toEqual(before);
  });

  it('shows the owner of a split an OAM application renders, and warns that a direct edit will be reverted', async () => {
    const namespace = 'smi-oam';
    await bookstoreNamespace(namespace, [
      ['bookstore-v1', 80],
      ['bookstore-v2', 20],
    ]);
    // The OAM runtime's own kind, standing in for KubeVela / Crossplane OAM: an owner the API server knows.
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'applicationconfigurations.core.oam.dev' },
      spec: {
        group: 'core.oam.dev',
        names: { kind: 'ApplicationConfiguration', plural: 'applicationconfigurations', singular: 'applicationconfiguration' },
        scope: 'Namespaced',
        versions: [{ name: 'v1alpha2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    await apply(namespace, [crd]);
    await kubectl(sandbox, ['wait', '--for=condition=Established', '--timeout=30s', 'crd/applicationconfigurations.core.oam.dev']);
    await apply(namespace, [{ apiVersion: 'core.oam.dev/v1alpha2', kind: 'ApplicationConfiguration', metadata: { name: 'bookstore-app' }, spec: {} }]);
    const app = await adminApi(sandbox).read({ apiVersion: 'core.oam.dev/v1alpha2', kind: 'ApplicationConfiguration', metadata: { name: 'bookstore-app', namespace } });
    const split = await readSplit(namespace);
    split.metadata!.ownerReferences = [{ apiVersion: 'core.oam.dev/v1alpha2', kind: 'ApplicationConfiguration', name: 'bookstore-app', uid: app.metadata!.uid!, controller: true, blockOwnerDeletion: true }];
    await adminApi(sandbox).replace(split);
    const view = await alice.settledView(namespace, 'bookstore', (v) => Boolean(v.owner));
    expect(view.owner).toEqual({ kind: 'ApplicationConfiguration', name: 'bookstore-app', apiVersion: 'core.oam.dev/v1alpha2', owns: 'TrafficSplit bookstore-split' });
  });
});
