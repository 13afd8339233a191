import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../test/console-api.ts';
import { signIn } from '../../test/console-session.ts';
import type { Validation, ValidationCode } from '@/lib/mesh/types';

/*
 * Every validation code the console reports, each caused by real objects in the sandbox's kube-apiserver (and,
 * for route-not-accepted, by what istiod writes into an HTTPRoute's status), read back through the console's
 * own routes: the Services list (GET /api/services) and the service page (GET /api/services/…/{name}). Each
 * problem sits on a service of its own, so a code must show on the service that has it and nowhere near the
 * healthy one. (istio-analysis, Istio's own findings shown as Istio says them, has its own suite:
 * lib/providers/istio/analysis.int.test.ts.)
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const servicesRoute = await import('@/app/api/services/route');
const admin = await signIn('admin');
const api = consoleApi(admin);

const NAMESPACE = 'validation-codes';
/** Where the VirtualServices of other namespaces live: exported to everyone, to itself only, or delegated to. */
const PEER = 'validation-codes-peer';
const FQDN = (name: string) => `${name}.${NAMESPACE}.svc.cluster.local`;

const service = (name: string, selector: Record<string, string> = { app: name }) => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${NAMESPACE}, labels: {app: ${selector.app}}}
spec:
  selector: ${JSON.stringify(selector)}
  ports: [{name: http, port: 80}]`;

const deployment = (app: string, version: string, replicas = 1) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}-${version}, namespace: ${NAMESPACE}, labels: {app: ${app}, version: ${version}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${app}, version: ${version}}}
  template:
    metadata: {labels: {app: ${app}, version: ${version}}}
    spec: {containers: [{name: app, image: 'nginx:1.27'}]}`;

const destinationRule = (host: string, subsets: string[]) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${host}, namespace: ${NAMESPACE}}
spec:
  host: ${host}
  subsets: ${JSON.stringify(subsets.map((name) => ({ name, labels: { version: name } })))}`;

/** A VirtualService whose one catch-all route splits `host` over subsets by `weights`. */
const virtualService = (name: string, host: string, weights: Record<string, number>, extra = '') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${NAMESPACE}}
spec:
  hosts: [${host}]${extra}
  http:
  - route: ${JSON.stringify(Object.entries(weights).map(([subset, weight]) => ({ destination: { host, subset }, weight })))}`;

/** A Service per version (the Gateway API / SMI way), selecting the version's pods. */
const versionService = (app: string, version: string) => service(`${app}-${version}`, { app, version });

const httpRoute = (name: string, parent: string, backends: Record<string, number>, matches = '') => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: ${NAMESPACE}}
spec:
  parentRefs: [{group: '', kind: Service, name: ${parent}, port: 80}]
  rules:
  - ${matches}backendRefs: ${JSON.stringify(Object.entries(backends).map(([backend, weight]) => ({ name: backend, port: 80, weight })))}`;

const trafficSplit = (name: string, root: string, backends: Record<string, number>) => `
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata: {name: ${name}, namespace: ${NAMESPACE}}
spec:
  service: ${root}
  backends: ${JSON.stringify(Object.entries(backends).map(([backend, weight]) => ({ service: backend, weight })))}`;

interface Case {
  code: ValidationCode;
  title: string;
  /** The service whose row and page must report it. */
  service: string;
  expected: Validation | ReturnType<typeof expect.objectContaining>;
  objects: string[];
}

const CASES: Case[] = [
  {
    code: 'route-to-missing-version',
    title: 'route-to-missing-version: a VirtualService route to subset v9, which the DestinationRule does not define',
    service: 'missing-subset',
    expected: { code: 'route-to-missing-version', severity: 'error', subject: 'v9', kind: 'DestinationRule' },
    objects: [service('missing-subset'), deployment('missing-subset', 'v1'), destinationRule('missing-subset', ['v1']), virtualService('missing-subset', 'missing-subset', { v1: 50, v9: 50 })],
  },
  {
    code: 'route-to-missing-version',
    title: 'route-to-missing-version: an HTTPRoute backend Service that does not exist',
    service: 'gw-missing',
    expected: { code: 'route-to-missing-version', severity: 'error', subject: 'gw-missing-v9', kind: 'Service' },
    objects: [service('gw-missing'), versionService('gw-missing', 'v1'), deployment('gw-missing', 'v1'), httpRoute('gw-missing', 'gw-missing', { 'gw-missing-v1': 50, 'gw-missing-v9': 50 })],
  },
  {
    code: 'route-not-accepted',
    title: 'route-not-accepted: istiod writes in the HTTPRoute’s status that a backend cannot be resolved',
    service: 'gw-missing',
    expected: expect.objectContaining({ code: 'route-not-accepted', severity: 'error', kind: 'HTTPRoute', subject: expect.stringMatching(/^gw-missing \(Service gw-missing\): .*gw-missing-v9/) }),
    objects: [],
  },
  {
    code: 'version-without-workload',
    title: 'version-without-workload: subset v2 selects no pod',
    service: 'no-workload',
    expected: { code: 'version-without-workload', severity: 'warning', subject: 'v2' },
    objects: [service('no-workload'), deployment('no-workload', 'v1'), destinationRule('no-workload', ['v1', 'v2']), virtualService('no-workload', 'no-workload', { v1: 100 })],
  },
  {
    code: 'traffic-without-ready-endpoint',
    title: 'traffic-without-ready-endpoint: v2 gets 50% but its Deployment has no ready pod',
    service: 'not-ready',
    expected: { code: 'traffic-without-ready-endpoint', severity: 'error', subject: 'v2' },
    objects: [
      service('not-ready'),
      deployment('not-ready', 'v1'),
      deployment('not-ready', 'v2', 0),
      destinationRule('not-ready', ['v1', 'v2']),
      virtualService('not-ready', 'not-ready', { v1: 50, v2: 50 }),
    ],
  },
  {
    code: 'weights-not-100',
    title: 'weights-not-100: the catch-all route’s weights add up to 80',
    service: 'weights',
    expected: { code: 'weights-not-100', severity: 'error', subject: '80' },
    objects: [service('weights'), deployment('weights', 'v1'), deployment('weights', 'v2'), destinationRule('weights', ['v1', 'v2']), virtualService('weights', 'weights', { v1: 50, v2: 30 })],
  },
  {
    code: 'multiple-routing-objects',
    title: 'multiple-routing-objects: two VirtualServices for one host',
    service: 'two-vs',
    expected: { code: 'multiple-routing-objects', severity: 'warning', subject: expect.stringMatching(/^two-vs-[ab], two-vs-[ab]$/) as never, kind: 'VirtualService' },
    objects: [
      service('two-vs'),
      deployment('two-vs', 'v1'),
      destinationRule('two-vs', ['v1']),
      virtualService('two-vs-a', 'two-vs', { v1: 100 }),
      virtualService('two-vs-b', 'two-vs', { v1: 100 }),
    ],
  },
  {
    code: 'multiple-routing-objects',
    title: 'multiple-routing-objects: two HTTPRoutes attached to one Service',
    service: 'gw-two',
    expected: { code: 'multiple-routing-objects', severity: 'warning', subject: expect.stringMatching(/^gw-two-[ab], gw-two-[ab]$/) as never, kind: 'HTTPRoute' },
    objects: [
      service('gw-two'),
      versionService('gw-two', 'v1'),
      deployment('gw-two', 'v1'),
      httpRoute('gw-two-a', 'gw-two', { 'gw-two-v1': 1 }),
      httpRoute('gw-two-b', 'gw-two', { 'gw-two-v1': 1 }),
    ],
  },
  {
    code: 'multiple-routing-objects',
    title: 'multiple-routing-objects: two TrafficSplits for one root Service',
    service: 'smi-two',
    expected: { code: 'multiple-routing-objects', severity: 'warning', subject: expect.stringMatching(/^smi-two-[ab], smi-two-[ab]$/) as never, kind: 'TrafficSplit' },
    objects: [
      service('smi-two'),
      versionService('smi-two', 'v1'),
      deployment('smi-two', 'v1'),
      trafficSplit('smi-two-a', 'smi-two', { 'smi-two-v1': 100 }),
      trafficSplit('smi-two-b', 'smi-two', { 'smi-two-v1': 100 }),
    ],
  },
  {
    code: 'routing-without-service',
    title: 'routing-without-service: a DestinationRule and VirtualService for a host no Service has',
    service: 'ghost',
    expected: { code: 'routing-without-service', severity: 'error', subject: 'ghost', kind: 'DestinationRule' },
    objects: [destinationRule('ghost', ['v1']), virtualService('ghost', 'ghost', { v1: 100 })],
  },
  {
    code: 'routing-without-service',
    title: 'routing-without-service: a TrafficSplit whose root Service does not exist',
    service: 'smi-ghost',
    expected: { code: 'routing-without-service', severity: 'error', subject: 'smi-ghost', kind: 'TrafficSplit' },
    objects: [versionService('smi-ghost', 'v1'), deployment('smi-ghost', 'v1'), trafficSplit('smi-ghost', 'smi-ghost', { 'smi-ghost-v1': 100 })],
  },
  {
    code: 'no-managed-route',
    title: 'no-managed-route: a VirtualService with a header rule and no catch-all route',
    service: 'no-catch-all',
    expected: { code: 'no-managed-route', severity: 'warning', subject: 'no-catch-all', kind: 'VirtualService' },
    objects: [
      service('no-catch-all'),
      deployment('no-catch-all', 'v1'),
      destinationRule('no-catch-all', ['v1']),
      `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: no-catch-all, namespace: ${NAMESPACE}}
spec:
  hosts: [no-catch-all]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: no-catch-all, subset: v1}}]`,
    ],
  },
  {
    code: 'no-managed-route',
    title: 'no-managed-route: an HTTPRoute whose only rule matches a header',
    service: 'gw-no-catch-all',
    expected: { code: 'no-managed-route', severity: 'warning', subject: 'gw-no-catch-all', kind: 'HTTPRoute' },
    objects: [
      service('gw-no-catch-all'),
      versionService('gw-no-catch-all', 'v1'),
      deployment('gw-no-catch-all', 'v1'),
      httpRoute('gw-no-catch-all', 'gw-no-catch-all', { 'gw-no-catch-all-v1': 1 }, 'matches: [{headers: [{name: end-user, value: jason}]}]\n    '),
    ],
  },
  {
    code: 'no-weight',
    title: 'no-weight: every backend of an HTTPRoute has weight 0',
    service: 'gw-zero',
    expected: { code: 'no-weight', severity: 'error', subject: 'gw-zero', kind: 'HTTPRoute' },
    objects: [
      service('gw-zero'),
      versionService('gw-zero', 'v1'),
      versionService('gw-zero', 'v2'),
      deployment('gw-zero', 'v1'),
      deployment('gw-zero', 'v2'),
      httpRoute('gw-zero', 'gw-zero', { 'gw-zero-v1': 0, 'gw-zero-v2': 0 }),
    ],
  },
  {
    code: 'no-weight',
    title: 'no-weight: every backend of a TrafficSplit has weight 0',
    service: 'smi-zero',
    expected: { code: 'no-weight', severity: 'error', subject: 'smi-zero', kind: 'TrafficSplit' },
    objects: [
      service('smi-zero'),
      versionService('smi-zero', 'v1'),
      versionService('smi-zero', 'v2'),
      deployment('smi-zero', 'v1'),
      deployment('smi-zero', 'v2'),
      trafficSplit('smi-zero', 'smi-zero', { 'smi-zero-v1': 0, 'smi-zero-v2': 0 }),
    ],
  },
  {
    code: 'multiple-providers',
    title: 'multiple-providers: a VirtualService and an HTTPRoute both route one host',
    service: 'both',
    expected: { code: 'multiple-providers', severity: 'error', subject: expect.stringMatching(/^(VirtualService both · HTTPRoute both|HTTPRoute both · VirtualService both)$/) as never },
    objects: [
      service('both'),
      versionService('both', 'v1'),
      deployment('both', 'v1'),
      destinationRule('both', ['v1']),
      virtualService('both', 'both', { v1: 100 }),
      httpRoute('both', 'both', { 'both-v1': 1 }),
    ],
  },
  {
    code: 'routing-elsewhere',
    title: 'routing-elsewhere: the only VirtualService for the host lives in another namespace',
    service: 'elsewhere',
    expected: { code: 'routing-elsewhere', severity: 'warning', subject: `${PEER}/elsewhere`, kind: 'VirtualService' },
    objects: [
      service('elsewhere'),
      deployment('elsewhere', 'v1'),
      destinationRule('elsewhere', ['v1']),
      virtualService('elsewhere', FQDN('elsewhere'), { v1: 100 }).replace(`namespace: ${NAMESPACE}`, `namespace: ${PEER}`),
    ],
  },
  {
    code: 'routing-for-other-clients',
    title: 'routing-for-other-clients: another namespace routes the host for its own clients only (exportTo)',
    service: 'other-clients',
    expected: { code: 'routing-for-other-clients', severity: 'warning', subject: `${PEER}/for-peer`, kind: 'VirtualService' },
    objects: [
      service('other-clients'),
      deployment('other-clients', 'v1'),
      destinationRule('other-clients', ['v1']),
      virtualService('other-clients', 'other-clients', { v1: 100 }),
      virtualService('for-peer', FQDN('other-clients'), { v1: 100 }, "\n  exportTo: ['.']").replace(`namespace: ${NAMESPACE}`, `namespace: ${PEER}`),
    ],
  },
  {
    code: 'delegated-routes',
    title: 'delegated-routes: a VirtualService delegates /api to one in another namespace',
    service: 'delegated',
    expected: { code: 'delegated-routes', severity: 'warning', subject: `${PEER}/delegated-api`, kind: 'VirtualService' },
    objects: [
      service('delegated'),
      deployment('delegated', 'v1'),
      destinationRule('delegated', ['v1']),
      `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: delegated, namespace: ${NAMESPACE}}
spec:
  hosts: [delegated]
  http:
  - match: [{uri: {prefix: /api}}]
    delegate: {name: delegated-api, namespace: ${PEER}}
  - route: [{destination: {host: delegated, subset: v1}}]`,
    ],
  },
];

/** The same shapes with nothing wrong: none of Weir's own codes may show on it. */
const HEALTHY = [service('healthy'), deployment('healthy', 'v1'), deployment('healthy', 'v2'), destinationRule('healthy', ['v1', 'v2']), virtualService('healthy', 'healthy', { v1: 80, v2: 20 })];

interface Row {
  service: string;
  validations: Validation[];
}

async function rows(): Promise<Row[]> {
  const response = await servicesRoute.GET(new Request(`http://weir.test/api/services?namespace=${NAMESPACE}`, { headers: admin.read }));
  expect(response.status).toBe(200);
  return ((await response.json()) as (Row & { namespace: string })[]).filter((row) => row.namespace === NAMESPACE);
}

const ownCodes = (validations: Validation[]) => validations.filter((v) => v.code !== 'istio-analysis');
const matches = (validations: Validation[], expected: Case['expected']) => {
  try {
    expect(validations).toContainEqual(expected);
    return true;
  } catch {
    return false;
  }
};

let listed: Row[] = [];

beforeAll(async () => {
  await kubectl(sandbox, ['create', 'namespace', NAMESPACE]);
  await kubectl(sandbox, ['create', 'namespace', PEER]);
  const file = `${sandbox.dir}/validation-codes.yaml`;
  writeFileSync(file, [...HEALTHY, ...CASES.flatMap((c) => c.objects)].map((text) => text.trim()).join('\n---\n'));
  await kubectl(sandbox, ['apply', '-f', file]);
  await kubectl(sandbox, ['wait', '-n', NAMESPACE, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
  // The watch caches see the objects within moments; istiod's status on the HTTPRoutes comes a little later.
  const deadline = Date.now() + 60_000;
  for (;;) {
    listed = await rows();
    const seen = CASES.every((c) => matches(listed.find((row) => row.service === c.service)?.validations ?? [], c.expected));
    if (seen || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 180_000);

afterAll(async () => {
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, PEER, '--wait=false', '--ignore-not-found']);
});

describe(`validation codes on objects in kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it.each(CASES)('$title', async ({ code, service: name, expected }) => {
    const row = listed.find((candidate) => candidate.service === name);
    expect(row, `the Services list has ${name}.${NAMESPACE}`).toBeDefined();
    expect(row!.validations).toContainEqual(expected);
    // The service page says the same.
    expect((await api.view(NAMESPACE, name)).validations).toContainEqual(expected);
    // And it is this service's problem: the healthy one beside it does not report the code.
    const healthy = listed.find((candidate) => candidate.service === 'healthy');
    expect(healthy!.validations.map((v) => v.code)).not.toContain(code);
  });

  it('reports none of its own codes for the healthy service beside them', async () => {
    const healthy = listed.find((row) => row.service === 'healthy');
    expect(healthy).toBeDefined();
    expect(ownCodes(healthy!.validations)).toEqual([]);
    const view = await api.view(NAMESPACE, 'healthy');
    expect(ownCodes(view.validations)).toEqual([]);
    expect(view.versions.map((v) => [v.name, v.weight])).toEqual([['v1', 80], ['v2', 20]]);
  });

  it('has a case for every code of ValidationCode (lib/mesh/types.ts), istio-analysis aside', () => {
    const source = readFileSync(fileURLToPath(new URL('../mesh/types.ts', import.meta.url)), 'utf8');
    const union = source.slice(source.indexOf('export type ValidationCode ='), source.indexOf(';', source.indexOf('export type ValidationCode =')));
    const declared = [...union.matchAll(/'([a-z0-9-]+)'/g)].map((match) => match[1]!).filter((code) => code !== 'istio-analysis');
    expect(declared.length).toBeGreaterThan(10);
    expect([...new Set(CASES.map((c) => c.code))].sort()).toEqual(declared.sort());
  });
});
