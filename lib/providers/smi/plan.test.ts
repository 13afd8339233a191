import { describe, expect, it } from 'vitest';
import type { KubernetesObject, V1Service } from '@kubernetes/client-node';
import { MeshError } from '@/lib/mesh/errors';
import { deployment, plan as planOf, rejection as refusal, replaced, serviceObject, snapshotFrom, stateOf, yamlObjects } from '@/lib/mesh/fixtures.test-helpers';
import { cookieRegex, type Intent } from '@/lib/mesh/intents';
import { serviceNames } from '@/lib/mesh/registry';
import type { TrafficSplit } from './types';

/*
 * TrafficSplits in the shape Open Service Mesh's bookstore demo writes them: the root Service named by its
 * FQDN-style `bookstore.bookstore`, one Service per version, relative weights.
 */
const BOOKSTORE_SPLIT = (v1: number, v2: number) => `
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: bookstore-split
  labels:
    app: bookstore
spec:
  service: bookstore.bookstore
  backends:
  - service: bookstore-v1
    weight: ${v1}
  - service: bookstore-v2
    weight: ${v2}
`;

function bookstore(split = BOOKSTORE_SPLIT(75, 25), ready: Record<string, number> = { v1: 1, v2: 1 }): KubernetesObject[] {
  return [
    serviceObject('bookstore', 'bookstore', { app: 'bookstore' }, 14001),
    serviceObject('bookstore-v1', 'bookstore', { app: 'bookstore', version: 'v1' }, 14001),
    serviceObject('bookstore-v2', 'bookstore', { app: 'bookstore', version: 'v2' }, 14001),
    ...Object.entries(ready).map(([version, count]) => deployment('bookstore', version, count, 'bookstore')),
    ...yamlObjects(split, 'bookstore'),
  ];
}

const view = (objects: KubernetesObject[]) => stateOf(objects, 'bookstore', 'bookstore').view;
const plan = (objects: KubernetesObject[], intent: Intent) => planOf(stateOf(objects, 'bookstore', 'bookstore'), intent);
const rejection = (work: () => unknown) => refusal(work, MeshError);
const backends = (split: TrafficSplit) => split.spec!.backends!.map((backend) => [backend.service, backend.weight]);

describe('reading OSM’s bookstore TrafficSplit', () => {
  it('reads relative weights as shares of the root service’s requests, one version per backend Service', () => {
    const store = view(bookstore(BOOKSTORE_SPLIT(3, 1)));
    expect(store.provider).toEqual({ id: 'smi', name: 'SMI' });
    expect(store.versions.map((v) => [v.name, v.weight, v.role, v.backend?.name])).toEqual([
      ['v1', 75, 'stable', 'bookstore-v1'],
      ['v2', 25, 'gray', 'bookstore-v2'],
    ]);
    expect(store.routes).toEqual([{ matches: [], destinations: [expect.objectContaining({ target: 'bookstore-v1.bookstore', version: 'v1', weight: 75 }), expect.objectContaining({ target: 'bookstore-v2.bookstore', version: 'v2', weight: 25 })], extras: [] }]);
    expect(store.capabilities.contentRules).toEqual({ supported: false, operators: [], reason: 'weight-only' });
    expect(store.validations).toEqual([]);
    expect(serviceNames(snapshotFrom(bookstore(), 'bookstore'))).toEqual(['bookstore']);
  });

  it('says so when every backend has weight 0', () => {
    expect(view(bookstore(BOOKSTORE_SPLIT(0, 0))).validations).toContainEqual({ code: 'no-weight', severity: 'error', kind: 'TrafficSplit', subject: 'bookstore-split' });
  });

  it('shows the owner of a split an OAM application renders, so the console can warn before an edit', () => {
    const owned = bookstore().map((object) =>
      object.kind === 'TrafficSplit'
        ? { ...object, metadata: { ...object.metadata, ownerReferences: [{ apiVersion: 'core.oam.dev/v1alpha2', kind: 'ApplicationConfiguration', name: 'bookstore-app', uid: 'u1', controller: true }] } }
        : object,
    );
    expect(view(owned).owner).toEqual({ kind: 'ApplicationConfiguration', name: 'bookstore-app', apiVersion: 'core.oam.dev/v1alpha2', owns: 'TrafficSplit bookstore-split' });
  });
});

describe('planning on TrafficSplits', () => {
  it('writes weights that add up to 100 and keeps the backends’ order and the split’s labels', () => {
    const objects = bookstore(BOOKSTORE_SPLIT(3, 1));
    const split = replaced<TrafficSplit>(plan(objects, { type: 'set-weights', expected: 'x', weights: { v1: 40, v2: 60 } }).steps, 'TrafficSplit');
    expect(backends(split)).toEqual([
      ['bookstore-v1', 40],
      ['bookstore-v2', 60],
    ]);
    expect(split.metadata!.labels).toEqual({ app: 'bookstore' });
    expect(split.spec!.service).toBe('bookstore.bookstore');
  });

  it('adds a version: Deployment, wait, its Service, its backend, taking the weight from stable first', () => {
    const { steps } = plan(bookstore(BOOKSTORE_SPLIT(100, 0)), { type: 'add-version', expected: 'x', version: 'v3', image: 'bookstore:v3', replicas: 1, env: [], weight: 20 });
    expect(steps.map((s) => `${s.action}:${'object' in s ? `${s.object.kind}/${s.object.metadata?.name}` : s.deployment.name}`)).toEqual([
      'create:Deployment/bookstore-v3',
      'wait-ready:bookstore-v3',
      'create:Service/bookstore-v3',
      'replace:TrafficSplit/bookstore-split',
    ]);
    expect((steps[2] as { object: V1Service }).object.spec!.selector).toEqual({ app: 'bookstore', version: 'v3' });
    expect(backends(replaced<TrafficSplit>(steps, 'TrafficSplit'))).toEqual([
      ['bookstore-v1', 80],
      ['bookstore-v2', 0],
      ['bookstore-v3', 20],
    ]);
  });

  it('refuses content rules plainly: the served version splits by weight only', () => {
    const gray = { match: 'all' as const, conditions: [{ on: 'cookie' as const, operator: 'regex' as const, value: cookieRegex('gray', 'true') }] };
    const error = rejection(() => plan(bookstore(), { type: 'set-content-rule', expected: 'x', version: 'v2', policy: gray }));
    expect(error.code).toBe('invalid');
    expect(error.fields).toMatchObject([{ field: 'policy', message: 'TrafficSplit splits by weight only' }]);
    expect(rejection(() => plan(bookstore(), { type: 'add-version', expected: 'x', version: 'v3', image: 'x', replicas: 1, env: [], weight: 0, policy: gray })).fields[0]!.field).toBe('policy');
  });

  it('takes over and deletes the old version: backend, Service, Deployment', () => {
    const takeOver = replaced<TrafficSplit>(plan(bookstore(), { type: 'take-over', expected: 'x', version: 'v2' }).steps, 'TrafficSplit');
    expect(backends(takeOver)).toEqual([
      ['bookstore-v1', 0],
      ['bookstore-v2', 100],
    ]);
    const { steps } = plan(bookstore(BOOKSTORE_SPLIT(0, 100)), { type: 'delete-version', expected: 'x', version: 'v1', keepWorkload: false });
    expect(steps.map((s) => `${s.action}:${'object' in s ? `${s.object.kind}/${s.object.metadata?.name}` : ''}`)).toEqual([
      'replace:TrafficSplit/bookstore-split',
      'delete:Service/bookstore-v1',
      'delete:Deployment/bookstore-v1',
    ]);
    expect(backends(replaced<TrafficSplit>(steps, 'TrafficSplit'))).toEqual([['bookstore-v2', 100]]);
  });

  it('creates routing: a Service per version, then a TrafficSplit sending everything to the stable one', () => {
    const objects = [serviceObject('web', 'shop'), deployment('web', 'v1', 1, 'shop'), deployment('web', 'v2', 1, 'shop')];
    const { steps } = planOf(stateOf(objects, 'web', 'shop'), { type: 'create-routing', stableVersion: 'v2', provider: 'smi' });
    expect(steps.map((s) => (s.action === 'create' ? `${s.object.kind}/${s.object.metadata?.name}` : s.action))).toEqual(['Service/web-v1', 'Service/web-v2', 'TrafficSplit/web']);
    expect((steps[2] as { object: TrafficSplit }).object.spec).toEqual({ service: 'web', backends: [{ service: 'web-v2', weight: 100 }] });
  });
});
