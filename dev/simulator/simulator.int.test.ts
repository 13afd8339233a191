import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../sandbox/sandbox.ts';
import type { SplitCounts } from './istio-metrics';
import { startSimulator, type RunningSimulator } from './simulator';

const sandbox = inject('sandbox');
const NAMESPACE = 'sim-test';
const GRAY_COOKIE = '^(.*?;)?(gray=true)(;.*)?$';
const scratch = mkdtempSync(join(tmpdir(), 'weir-sim-test-'));

async function apply(name: string, objects: object[]): Promise<void> {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  await kubectl(sandbox, ['apply', '-f', file]);
}

function deployment(version: string) {
  const labels = { app: 'hello', version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `hello-${version}`, namespace: NAMESPACE, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'hello', image: `hello:${version}` }] } } },
  };
}

function virtualService(http: object[]) {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'hello', namespace: NAMESPACE }, spec: { hosts: ['hello'], http } };
}

const to = (subset: string, weight?: number) => ({ destination: { host: 'hello', subset }, ...(weight === undefined ? {} : { weight }) });

let simulator: RunningSimulator;

async function split(): Promise<SplitCounts> {
  const response = await fetch(`${simulator.url}/split?namespace=${NAMESPACE}&service=hello`);
  return (await response.json()) as SplitCounts;
}

/** Counts from now until at least `requests` more have been sent, once the simulator routes as `ready` says. */
async function measure(requests: number, ready: (delta: SplitCounts) => boolean = () => true): Promise<SplitCounts> {
  // The VirtualService reaches the simulator through its watch: wait until what it records reflects the change.
  for (let settled = false; !settled; ) {
    const before = await split();
    await new Promise((resolve) => setTimeout(resolve, 300));
    settled = ready(difference(await split(), before));
  }
  const before = await split();
  let delta = difference(before, before);
  while (delta.total < requests) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    delta = difference(await split(), before);
  }
  return delta;
}

function difference(after: SplitCounts, before: SplitCounts): SplitCounts {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.entries(a).map(([key, value]) => [key, value - (b[key] ?? 0)]).filter(([, value]) => (value as number) > 0));
  return { total: after.total - before.total, versions: minus(after.versions, before.versions), responseCodes: minus(after.responseCodes, before.responseCodes) };
}

beforeAll(async () => {
  await apply('hello', [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'hello', namespace: NAMESPACE }, spec: { selector: { app: 'hello' }, ports: [{ name: 'http', port: 5000 }] } },
    deployment('v1'),
    deployment('v2'),
    deployment('v3'),
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'hello', namespace: NAMESPACE },
      spec: { host: 'hello', subsets: ['v1', 'v2', 'v3', 'v4', 'v5'].map((version) => ({ name: version, labels: { version } })) },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'WorkloadEntry',
      metadata: { name: 'hello-vm', namespace: NAMESPACE, annotations: { 'weir.dev/sim-error-rate': '1' } },
      spec: { address: '10.9.9.9', labels: { app: 'hello', version: 'v5' } },
    },
    virtualService([{ route: [to('v1', 30), to('v2', 60), to('v3', 10)] }]),
  ]);
  for (const version of ['v1', 'v2', 'v3']) {
    await kubectl(sandbox, ['rollout', 'status', '-n', NAMESPACE, `deployment/hello-${version}`, '--timeout=60s']);
  }
  // Its own simulator, fast and aimed at one service, so 10,000 requests take seconds; the sandbox's keeps running.
  simulator = await startSimulator({ kubeconfig: sandbox.kubeconfig, context: 'admin', rate: 5_000, services: [`${NAMESPACE}/hello`] });
});

afterAll(async () => {
  await simulator?.stop();
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, '--wait=false']);
  rmSync(scratch, { recursive: true, force: true });
});

describe(`the traffic simulator against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('splits 10,000 requests 30/60/10 as the VirtualService says, within two points', async () => {
    const observed = await measure(10_000);
    expect(observed.responseCodes).toEqual({ '200': observed.total });
    expect(Math.abs(observed.versions.v1! / observed.total - 0.3)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.versions.v2! / observed.total - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.versions.v3! / observed.total - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('sends the gray callers (10%) to the version their cookie rule names', async () => {
    await apply('gray', [virtualService([{ match: [{ headers: { cookie: { regex: GRAY_COOKIE } } }], route: [to('v3')] }, { route: [to('v1')] }])]);
    const observed = await measure(5_000, (delta) => !delta.versions.v2);
    expect(Object.keys(observed.versions).sort()).toEqual(['v1', 'v3']);
    expect(Math.abs(observed.versions.v3! / observed.total - 0.1)).toBeLessThanOrEqual(0.02);
  });

  it('answers 503 for a subset without a ready endpoint, labelled with the subset and an unknown workload', async () => {
    await apply('no-endpoint', [virtualService([{ route: [to('v1', 50), to('v4', 50)] }])]);
    const observed = await measure(2_000, (delta) => Boolean(delta.versions.v4) && !delta.versions.v3);
    expect(observed.responseCodes['503']).toBe(observed.versions.v4);
    expect(observed.responseCodes['200']).toBe(observed.versions.v1);
    const exported = await (await fetch(`${simulator.url}/metrics`)).text();
    expect(exported).toMatch(/istio_requests_total\{[^}]*destination_workload="unknown"[^}]*destination_version="v4"[^}]*response_code="503"[^}]*\} \d+/);
  });

  it('answers from a WorkloadEntry with the error rate its annotation sets', async () => {
    await apply('vm', [virtualService([{ route: [to('v5')] }])]);
    const observed = await measure(1_000, (delta) => delta.versions.v5 === delta.total);
    expect(observed.responseCodes).toEqual({ '500': observed.total });
    const exported = await (await fetch(`${simulator.url}/metrics`)).text();
    expect(exported).toMatch(/istio_requests_total\{[^}]*destination_workload="hello-vm"[^}]*destination_version="v5"[^}]*response_code="500"/);
  });
});
