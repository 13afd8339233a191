import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { MeshError } from '@/lib/mesh/errors';
import { intent as intentSchema, type Intent } from '@/lib/mesh/intents';
import { plan as planOf, rejection as refusal, snapshotFrom, stateOf, yamlObjects } from '@/lib/mesh/fixtures.test-helpers';
import { serviceNames } from '@/lib/mesh/registry';
import type { WorkloadEntry } from './types';

/* Scenario 4 (hybrid-hello): en on pods, fr and es on VMs (WorkloadEntries); their health decides their readiness. */

const hybrid = (): KubernetesObject[] =>
  yamlObjects(readFileSync(resolve(__dirname, '../../../dev/scenarios/hybrid-hello.yaml'), 'utf8'), 'hybrid-hello').map((object) =>
    object.kind === 'Deployment' ? ({ ...object, status: { readyReplicas: 1, replicas: 1 } } as V1Deployment) : object,
  );
const withEntry = (objects: KubernetesObject[], name: string, change: (entry: WorkloadEntry) => WorkloadEntry) =>
  objects.map((object) => (object.kind === 'WorkloadEntry' && object.metadata?.name === name ? change(structuredClone(object) as WorkloadEntry) : object));
const healthy = (status: 'True' | 'False') => (entry: WorkloadEntry): WorkloadEntry => ({ ...entry, status: { conditions: [{ type: 'Healthy', status }] } });
const probed = (entry: WorkloadEntry): WorkloadEntry => ({ ...entry, metadata: { ...entry.metadata, annotations: { 'proxy.istio.io/health-checks-enabled': 'true' } } });
const view = (objects: KubernetesObject[]) => stateOf(objects, 'hello2', 'hybrid-hello').view;
const plan = (objects: KubernetesObject[], intent: Intent) => planOf(stateOf(objects, 'hello2', 'hybrid-hello'), intent);
const rejection = (work: () => unknown) => refusal(work, MeshError);
const vm = (address: string) => ({ address, labels: {}, ports: {} });

describe('VM versions: readiness from the Healthy condition', () => {
  it('reads an entry with no condition and no health check as ready, not probed', () => {
    const fr = view(hybrid()).versions.find((v) => v.name === 'fr')!;
    expect(fr.workloads).toEqual([expect.objectContaining({ form: 'vm', name: 'hello2-fr', ready: 1, desired: 1, health: 'not-probed', probed: false, managed: false })]);
    expect(fr.ready).toBe(1);
  });

  it('reads Healthy=False as not ready, and reports the traffic it gets as going to no ready endpoint', () => {
    const current = view(withEntry(hybrid(), 'hello2-fr', healthy('False')));
    const fr = current.versions.find((v) => v.name === 'fr')!;
    expect(fr.workloads[0]).toMatchObject({ health: 'unhealthy', ready: 0 });
    expect(current.validations).toContainEqual({ code: 'traffic-without-ready-endpoint', severity: 'error', subject: 'fr' });
  });

  it('reads a health-checked entry without a condition yet as not ready (Istio waits for the first probe), Healthy=True as ready', () => {
    expect(view(withEntry(hybrid(), 'hello2-es', probed)).versions.find((v) => v.name === 'es')!.workloads[0]).toMatchObject({ health: 'not-probed', probed: true, ready: 0 });
    expect(view(withEntry(hybrid(), 'hello2-es', (e) => healthy('True')(probed(e)))).versions.find((v) => v.name === 'es')!.workloads[0]).toMatchObject({ health: 'healthy', ready: 1 });
  });

  it('refuses to move traffic onto an unhealthy VM, naming the field', () => {
    const objects = withEntry(hybrid(), 'hello2-es', healthy('False'));
    const error = rejection(() => plan(objects, { type: 'set-weights', expected: 'x', weights: { en: 30, fr: 50, es: 20 } }));
    expect(error.fields).toEqual([expect.objectContaining({ field: 'weights.es', code: 'field.notReady' })]);
    expect(rejection(() => plan(objects, { type: 'take-over', expected: 'x', version: 'es' })).fields?.[0]).toMatchObject({ field: 'version' });
    // Moving traffic away from it is allowed.
    expect(plan(objects, { type: 'set-weights', expected: 'x', weights: { en: 40, fr: 60, es: 0 } }).steps).toHaveLength(1);
  });
});

describe('VM versions: add and delete', () => {
  it('adds a VM version in safety order: WorkloadEntries, a wait for Healthy when health-checked, subset, route', () => {
    const { steps } = plan(hybrid(), intentSchema.parse({ type: 'add-version', expected: 'x', version: 'de', vms: [vm('10.0.0.7'), { ...vm('10.0.0.8'), ports: { http: 8080 }, serviceAccount: 'hello', network: 'vm-net' }], healthChecked: true, weight: 10 }) as Intent);
    expect(steps.map((s) => ('object' in s ? `${s.action}:${s.object.kind}/${s.object.metadata?.name}` : s.action))).toEqual([
      'create:WorkloadEntry/hello2-de-1',
      'create:WorkloadEntry/hello2-de-2',
      'wait-condition:WorkloadEntry/hello2-de-1',
      'wait-condition:WorkloadEntry/hello2-de-2',
      'replace:DestinationRule/hello2',
      'replace:VirtualService/hello2',
    ]);
    const second = (steps[1] as { object: WorkloadEntry }).object;
    expect(second.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'weir', version: 'de' });
    expect(second.metadata?.annotations).toEqual({ 'proxy.istio.io/health-checks-enabled': 'true' });
    expect(second.spec).toEqual({ address: '10.0.0.8', labels: { app: 'hello2', version: 'de' }, ports: { http: 8080 }, serviceAccount: 'hello', network: 'vm-net' });
  });

  it('does not wait for VMs that are not health-checked (Istio routes to them at once) nor for a version that gets no traffic', () => {
    expect(plan(hybrid(), { type: 'add-version', expected: 'x', version: 'de', env: [], vms: [vm('10.0.0.7')], weight: 10 }).steps.map((s) => s.action)).toEqual(['create', 'replace', 'replace']);
    expect(plan(hybrid(), { type: 'add-version', expected: 'x', version: 'de', env: [], vms: [vm('10.0.0.7')], healthChecked: true, weight: 0 }).steps.map((s) => s.action)).toEqual(['create', 'replace']);
  });

  it('asks for an image and replicas only for a pods version', () => {
    const parsed = intentSchema.safeParse({ type: 'add-version', expected: 'x', version: 'de', weight: 0 });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['image', 'replicas']);
  });

  it('deletes the entries Weir created, and those it did not only when asked', () => {
    const objects = withEntry(hybrid(), 'hello2-es', (e) => ({ ...e, metadata: { ...e.metadata, labels: { 'app.kubernetes.io/managed-by': 'weir' } } }));
    const moved = objects.map((o) => (o.kind === 'VirtualService' ? { ...o, spec: { hosts: ['hello2'], http: [{ route: [{ destination: { host: 'hello2', subset: 'en' }, weight: 100 }] }] } } : o));
    const deletes = (intent: Partial<Intent>) =>
      plan(moved, { type: 'delete-version', expected: 'x', keepWorkload: false, ...intent } as Intent).steps.flatMap((s) => (s.action === 'delete' ? [s.object.metadata?.name] : []));
    expect(deletes({ version: 'es' })).toEqual(['hello2-es']);
    expect(deletes({ version: 'fr' })).toEqual([]);
    expect(deletes({ version: 'fr', deleteUnmanagedVms: true } as Partial<Intent>)).toEqual(['hello2-fr']);
  });
});

describe('ServiceEntries with a workloadSelector', () => {
  const serviceEntry = (hosts: string[]): KubernetesObject =>
    ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'legacy', namespace: 'hybrid-hello', resourceVersion: '1', creationTimestamp: new Date(0) },
      spec: { hosts, location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }], workloadSelector: { labels: { app: 'legacy' } } },
    }) as KubernetesObject;
  const legacyEntry: KubernetesObject = { apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name: 'legacy-v1', namespace: 'hybrid-hello' }, spec: { address: '10.1.1.1', labels: { app: 'legacy', version: 'v1' } } } as KubernetesObject;

  it('lists their hosts as services, whose VMs are the versions', () => {
    const objects = [...hybrid(), serviceEntry(['legacy.example.com', 'legacy-vm.hybrid-hello.svc.cluster.local']), legacyEntry];
    expect(serviceNames(snapshotFrom(objects, 'hybrid-hello')).sort()).toEqual(['hello2', 'legacy-vm', 'legacy.example.com']);
    const state = stateOf(objects, 'legacy.example.com', 'hybrid-hello');
    expect(state.view).toMatchObject({ host: 'legacy.example.com', routed: false, discoveredVersions: ['v1'] });
    expect(state.view.validations).toEqual([]);
  });
});

describe('WorkloadGroups: VMs that auto-register', () => {
  const group = (name: string, version: string, probe?: object): KubernetesObject =>
    ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadGroup',
      metadata: { name, namespace: 'hybrid-hello' },
      spec: { metadata: { labels: { app: 'hello2', version } }, template: { serviceAccount: 'hello2', ports: { http: 8080 } }, ...(probe ? { probe } : {}) },
    }) as KubernetesObject;
  const withSubset = (objects: KubernetesObject[], name: string) =>
    objects.map((object) =>
      object.kind === 'DestinationRule' ? { ...object, spec: { ...(object as { spec: { subsets: object[] } }).spec, subsets: [...(object as { spec: { subsets: object[] } }).spec.subsets, { name, labels: { version: name } }] } } : object,
    );
  const HTTP_PROBE = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 };

  it('shows a group as its version\'s VM group, with its probe, serving nothing until a VM registers (0/0)', () => {
    const objects = withSubset([...hybrid(), group('hello2-de', 'de', HTTP_PROBE)], 'de');
    const current = view(objects);
    const de = current.versions.find((v) => v.name === 'de')!;
    expect(de.workloads).toEqual([{ form: 'vm', kind: 'WorkloadGroup', name: 'hello2-de', ready: 0, desired: 0, probed: true, probe: { type: 'http', path: '/ready', port: 8080, periodSeconds: 5 } }]);
    expect(de).toMatchObject({ ready: 0, desired: 0 });
    // A group counts as what serves the version: no "version without workload" warning, and its version is discovered.
    expect(current.validations.filter((v) => v.subject === 'de')).toEqual([]);
    expect(current.discoveredVersions).toContain('de');
  });

  it('refuses to move traffic onto a version whose group has no registered VM, naming the field', () => {
    const objects = withSubset([...hybrid(), group('hello2-de', 'de')], 'de');
    const error = rejection(() => plan(objects, { type: 'set-weights', expected: 'x', weights: { en: 30, fr: 50, es: 10, de: 10 } }));
    expect(error.fields).toEqual([expect.objectContaining({ field: 'weights.de', code: 'field.notReady' })]);
  });

  it('counts the VMs that registered from a group, health-checked as the group says, and names the group on each', () => {
    const registered = (name: string, address: string, status?: 'True' | 'False'): KubernetesObject =>
      ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name, namespace: 'hybrid-hello', annotations: { 'istio.io/autoRegistrationGroup': 'hello2-de', 'proxy.istio.io/health-checks-enabled': 'true' } },
        spec: { address, labels: { app: 'hello2', version: 'de' } },
        ...(status ? { status: { conditions: [{ type: 'Healthy', status }] } } : {}),
      }) as KubernetesObject;
    const objects = withSubset([...hybrid(), group('hello2-de', 'de', HTTP_PROBE), registered('hello2-de-10.0.0.7', '10.0.0.7', 'True'), registered('hello2-de-10.0.0.8', '10.0.0.8')], 'de');
    const de = view(objects).versions.find((v) => v.name === 'de')!;
    expect(de.workloads.map((w) => [w.kind, w.name, w.ready, w.health, w.group])).toEqual([
      ['WorkloadEntry', 'hello2-de-10.0.0.7', 1, 'healthy', 'hello2-de'],
      ['WorkloadEntry', 'hello2-de-10.0.0.8', 0, 'not-probed', 'hello2-de'],
      ['WorkloadGroup', 'hello2-de', 0, undefined, undefined],
    ]);
    expect(de).toMatchObject({ ready: 1, desired: 2 });
    // One healthy VM is enough to take traffic, as istiod would send it to that one.
    expect(plan(objects, { type: 'set-weights', expected: 'x', weights: { en: 30, fr: 50, es: 10, de: 10 } }).steps).toHaveLength(1);
  });
});
