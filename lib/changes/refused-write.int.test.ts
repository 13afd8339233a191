/**
 * Item 1 of issue 14: a write that the console lets through and the API server's RBAC refuses part-way. Every
 * write goes to the API server as the user, so the API server has the last word even where the console's own
 * check said yes. Here the console's check said yes because RBAC changed after it asked: the console remembers
 * an allowed SelfSubjectAccessReview for 30 s (lib/auth/access.ts), and an administrator narrows the user's Role
 * between the user's review (preview) and their apply. The add-version then gets as far as the API server lets
 * it: the user gets the API server's 403 with its reason and message, on the step it refused, and every step
 * before it is undone, so nothing is left half-applied (the objects are read back as the admin).
 */
import { AuthorizationV1Api, type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi, adminConfig, bookinfoNamespace, READ, rule, sample, type Rule } from '../../test/sandbox-client.ts';
import { signInWithRole, type SignedIn } from '../../test/console-session.ts';
import type { DestinationRule, VirtualService } from '@/lib/providers/istio/types';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;

const ORIGIN = 'http://weir.test';
const NAMESPACE = `refused-write-${Date.now().toString(36)}`;
const reviews = { params: Promise.resolve({ cluster: 'sandbox', namespace: NAMESPACE, name: 'reviews' }) };
const routes = {
  login: await import('@/app/api/auth/login/route'),
  session: await import('@/app/api/auth/session/route'),
  service: await import('@/app/api/services/[cluster]/[namespace]/[name]/route'),
  intents: await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route'),
};

/** What the console reads of a service as the user (weir-viewer's kinds), and the Deployments an add creates and undoes. */
const WORKLOADS = [
  rule('', ['services', 'pods', 'namespaces', 'endpoints'], READ),
  rule('discovery.k8s.io', ['endpointslices'], READ),
  rule('networking.istio.io', ['serviceentries', 'workloadentries', 'gateways'], READ),
  rule('gateway.networking.k8s.io', ['httproutes'], READ),
  rule('split.smi-spec.io', ['trafficsplits'], READ),
  rule('weir.dev', ['releases'], READ),
  rule('apps', ['deployments'], [...READ, 'create', 'delete']),
  rule('apps', ['replicasets'], READ),
];
const virtualServices = (verbs: string[]) => rule('networking.istio.io', ['virtualservices'], verbs);
const destinationRules = (verbs: string[]) => rule('networking.istio.io', ['destinationrules'], verbs);
/** Everything an add-version needs: what the console checks, and what the API server checks. */
const OPERATOR = [...WORKLOADS, virtualServices([...READ, 'update', 'patch']), destinationRules([...READ, 'update', 'patch'])];

async function applyObjects(objects: object[]): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'weir-refused-write-')), 'objects.yaml');
  writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  await kubectl(sandbox, ['apply', '-f', file]);
}

const role = (name: string, rules: Rule[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: NAMESPACE }, rules });

/** Signs in with a token of a new ServiceAccount bound to a Role of exactly `rules` in the test namespace. */
const signInWith = (name: string, rules: Rule[]): Promise<SignedIn> => signInWithRole(NAMESPACE, name, rules, applyObjects);

/** Whether RBAC (asked as the admin, SubjectAccessReview) lets `user` update `resource` in the namespace now. */
async function mayUpdate(user: string, resource: string): Promise<boolean> {
  const review = await adminConfig(sandbox)
    .makeApiClient(AuthorizationV1Api)
    .createSubjectAccessReview({ body: { spec: { user, resourceAttributes: { verb: 'update', group: 'networking.istio.io', resource, namespace: NAMESPACE } } } });
  return review.status?.allowed === true;
}

async function intent(caller: SignedIn, body: object): Promise<{ status: number; body: any }> {
  const response = await routes.intents.POST(new Request(ORIGIN, { method: 'POST', headers: caller.write, body: JSON.stringify(body) }), reviews);
  return { status: response.status, body: await response.json() };
}

interface Stored {
  vs: VirtualService;
  dr: DestinationRule;
  deployments: string[];
}

async function stored(): Promise<Stored> {
  const api = adminApi(sandbox);
  const vs = await api.read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: NAMESPACE } });
  const dr = await api.read<DestinationRule>({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: NAMESPACE } });
  const list = await api.list<V1Deployment & KubernetesObject>('apps/v1', 'Deployment', NAMESPACE);
  return { vs, dr, deployments: list.items.map((item) => item.metadata!.name!).sort() };
}

/**
 * An operator reviews "add `version` at 10%" (the console checks their RBAC and remembers it), an administrator then
 * narrows their Role to `narrowed`, and the operator applies within the 30 s the console trusts its answer.
 */
async function addVersionAfterRoleNarrowed(name: string, version: string, narrowed: Rule[], refused: string) {
  const caller = await signInWith(name, OPERATOR);
  const page = await routes.service.GET(new Request(ORIGIN, { headers: caller.read }), reviews);
  expect(page.status).toBe(200);
  const { view } = (await page.json()) as { view: { splitEtag: string } };
  const add = { type: 'add-version', expected: view.splitEtag, version, image: 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.1', replicas: 1, env: [], weight: 10 };

  const reviewedAt = Date.now();
  const preview = await intent(caller, { mode: 'preview', intent: add });
  expect(preview.status, JSON.stringify(preview.body)).toBe(200);

  await applyObjects([role(name, narrowed)]);
  for (let tries = 0; (await mayUpdate(caller.user, refused)) && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await mayUpdate(caller.user, refused)).toBe(false);
  // The premise: the console's remembered answer still lets the user through.
  expect(Date.now() - reviewedAt).toBeLessThan(20_000);

  const before = await stored();
  const applied = await intent(caller, { mode: 'apply', intent: add });
  return { caller, before, applied };
}

/** The API server's RBAC refusal, word for word, as kube-apiserver writes it. */
function forbidden(user: string, resource: string): string {
  return `${resource}.networking.istio.io "reviews" is forbidden: User "${user}" cannot update resource "${resource}" in API group "networking.istio.io" in the namespace "${NAMESPACE}"`;
}

/** The Deployment the add created is gone (deleted in the background: its Pods go after it). */
async function expectNoDeployment(name: string): Promise<void> {
  for (let tries = 0; (await stored()).deployments.includes(name) && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect((await stored()).deployments).not.toContain(name);
}

beforeAll(async () => {
  await bookinfoNamespace(sandbox, NAMESPACE);
  await kubectl(sandbox, ['apply', '-n', NAMESPACE, '-f', sample('virtual-service-reviews-80-20.yaml')]);
}, 180_000);

describe(`an add-version that RBAC refuses part-way, against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('a Role with update on VirtualServices but not on DestinationRules: the API server’s 403 on the subset step, the new Deployment undone', { timeout: 90_000 }, async () => {
    const { caller, before, applied } = await addVersionAfterRoleNarrowed('no-subsets', 'v4', [...WORKLOADS, virtualServices([...READ, 'update', 'patch']), destinationRules(READ)], 'destinationrules');

    expect(applied.status, JSON.stringify(applied.body)).toBe(403);
    expect(applied.body.error).toMatchObject({ status: 403, reason: 'Forbidden', message: forbidden(caller.user, 'destinationrules') });
    // The Deployment was created and became ready, the subset was refused, the Deployment was deleted again.
    expect(applied.body.error.details.outcomes).toEqual([
      { action: 'create', kind: 'Deployment', name: 'reviews-v4', status: 'undone' },
      { action: 'wait-ready', kind: 'Deployment', name: 'reviews-v4', status: 'done' },
      { action: 'replace', kind: 'DestinationRule', name: 'reviews', status: 'failed', message: forbidden(caller.user, 'destinationrules') },
    ]);
    expect(applied.body.error.details.steps.map((step: { action: string; kind: string }) => `${step.action} ${step.kind}`)).toEqual([
      'create Deployment',
      'wait-ready Deployment',
      'replace DestinationRule',
      'replace VirtualService',
    ]);

    await expectNoDeployment('reviews-v4');
    const after = await stored();
    expect(after.deployments).toEqual(before.deployments);
    // Neither routing object was written at all.
    expect(after.dr.metadata?.resourceVersion).toBe(before.dr.metadata?.resourceVersion);
    expect(after.vs.metadata?.resourceVersion).toBe(before.vs.metadata?.resourceVersion);
    expect(after.dr.spec?.subsets?.map((subset) => subset.name)).toEqual(['v1', 'v2', 'v3']);
  });

  it('a Role with update on DestinationRules but not on VirtualServices: the 403 on the route step, the subset and the Deployment undone', { timeout: 90_000 }, async () => {
    const { caller, before, applied } = await addVersionAfterRoleNarrowed('no-routes', 'v5', [...WORKLOADS, virtualServices(READ), destinationRules([...READ, 'update', 'patch'])], 'virtualservices');

    expect(applied.status, JSON.stringify(applied.body)).toBe(403);
    expect(applied.body.error).toMatchObject({ status: 403, reason: 'Forbidden', message: forbidden(caller.user, 'virtualservices') });
    expect(applied.body.error.details.outcomes).toEqual([
      { action: 'create', kind: 'Deployment', name: 'reviews-v5', status: 'undone' },
      { action: 'wait-ready', kind: 'Deployment', name: 'reviews-v5', status: 'done' },
      { action: 'replace', kind: 'DestinationRule', name: 'reviews', status: 'undone' },
      { action: 'replace', kind: 'VirtualService', name: 'reviews', status: 'failed', message: forbidden(caller.user, 'virtualservices') },
    ]);

    await expectNoDeployment('reviews-v5');
    const after = await stored();
    expect(after.deployments).toEqual(before.deployments);
    // The subset v5 was added and taken out again: the DestinationRule is as it was, its spec byte for byte.
    expect(after.dr.spec).toEqual(before.dr.spec);
    expect(after.dr.spec?.subsets?.map((subset) => subset.name)).toEqual(['v1', 'v2', 'v3']);
    // The route was never written: still 80 / 20, at the same resourceVersion.
    expect(after.vs.metadata?.resourceVersion).toBe(before.vs.metadata?.resourceVersion);
    expect(after.vs.spec).toEqual(before.vs.spec);
  });
});
