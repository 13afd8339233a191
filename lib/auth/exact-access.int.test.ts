/**
 * Item 8 of issue 15: access checks as exact as the data returned and the work done. Users with partial RBAC in
 * a namespace of their own (ServiceAccounts bound to Roles this test creates with the admin kubeconfig) read the
 * service page of Bookinfo's reviews and try to start progressive releases. What leaves the server is what RBAC
 * lets each read; a start that would let the controller (the console's identity) change routing or workloads the
 * user may not change is a 403 the API server decided (SelfSubjectAccessReview), and changes nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { bookinfoNamespace, READ, resourceVersions, rule, sample, type Rule } from '../../test/sandbox-client.ts';
import { signIn, signInWithRole, type SignedIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;

const ORIGIN = 'http://weir.test';
const NAMESPACE = `exact-access-${Date.now().toString(36)}`;
const reviews = { params: Promise.resolve({ cluster: 'sandbox', namespace: NAMESPACE, name: 'reviews' }) };
const routes = {
  login: await import('@/app/api/auth/login/route'),
  session: await import('@/app/api/auth/session/route'),
  service: await import('@/app/api/services/[cluster]/[namespace]/[name]/route'),
  intents: await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route'),
  release: await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route'),
};

const services = rule('', ['services', 'pods'], READ);
const deploymentsRead = rule('apps', ['deployments', 'replicasets'], READ);
const releasesUpdate = rule('weir.dev', ['releases'], [...READ, 'create', 'update', 'patch']);
const routingRead = rule('networking.istio.io', ['virtualservices', 'destinationrules'], READ);
const routingWrite = rule('networking.istio.io', ['virtualservices', 'destinationrules'], [...READ, 'update', 'patch']);

/** Who the attackers are: what each may do in the namespace, and nothing elsewhere. */
const USERS: Record<string, Rule[]> = {
  'services-only': [services],
  'virtualservices-reader': [services, rule('networking.istio.io', ['virtualservices'], READ)],
  'release-reader': [services, routingRead, rule('weir.dev', ['releases'], READ)],
  // May update releases, may not change routing: the controller would change it for them.
  'release-updater': [services, deploymentsRead, routingRead, releasesUpdate],
  // May change routing too, may not scale: a rollback scales the gray version to 0.
  'no-scale': [services, deploymentsRead, routingWrite, releasesUpdate],
  // May scale, may not delete Deployments: "delete the old version" would.
  'no-delete': [services, rule('apps', ['deployments', 'replicasets'], [...READ, 'update', 'patch']), routingWrite, releasesUpdate],
};

const callers: Record<string, SignedIn> = {};

async function apply(objects: object[]): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'weir-exact-access-')), 'objects.yaml');
  writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  await kubectl(sandbox, ['apply', '-f', file]);
}

/** Signs in with a token of a new ServiceAccount bound to a Role of exactly `rules` in the test namespace. */
const signInWith = (name: string, rules: Rule[]): Promise<SignedIn> => signInWithRole(NAMESPACE, name, rules, apply);

interface Detail {
  view: { splitEtag: string; versions: { name: string }[] };
  yaml: { kind: string; name: string }[];
  history: unknown[];
  release?: unknown;
  withheld?: string[];
}

async function page(caller: SignedIn): Promise<Detail> {
  const response = await routes.service.GET(new Request(ORIGIN, { headers: caller.read }), reviews);
  expect(response.status).toBe(200);
  return (await response.json()) as Detail;
}

const SETTINGS = {
  stableVersion: 'v1',
  grayVersion: 'v2',
  stepWeight: 10,
  maxWeight: 50,
  interval: '30s',
  threshold: 3,
  analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '1m' },
  approval: 'none',
  deleteOldVersion: false,
};

async function releaseAction(caller: SignedIn, action: object): Promise<{ status: number; message: string }> {
  const response = await routes.release.POST(new Request(ORIGIN, { method: 'POST', headers: caller.write, body: JSON.stringify(action) }), reviews);
  const body = (await response.json()) as { error?: { message: string } };
  return { status: response.status, message: body.error?.message ?? '' };
}

async function releaseOf(): Promise<string> {
  return kubectl(sandbox, ['-n', NAMESPACE, 'get', 'releases.weir.dev', '-o', 'yaml']);
}

beforeAll(async () => {
  await bookinfoNamespace(sandbox, NAMESPACE);
  await kubectl(sandbox, ['apply', '-n', NAMESPACE, '-f', sample('virtual-service-all-v1.yaml')]);
  callers.admin = await signIn('admin');
  // A change through the console, so the service has history in its Release.
  const { view } = await page(callers.admin);
  const change = await routes.intents.POST(
    new Request(ORIGIN, { method: 'POST', headers: callers.admin.write, body: JSON.stringify({ mode: 'apply', intent: { type: 'set-weights', expected: view.splitEtag, weights: { v1: 90, v2: 10 } } }) }),
    reviews,
  );
  expect(change.status).toBe(200);
  // The history is read from the watch cache: wait until the Release's change has arrived there.
  for (let tries = 0; (await page(callers.admin)).history.length === 0 && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const [name, rules] of Object.entries(USERS)) callers[name] = await signInWith(name, rules);
}, 180_000);

describe('the service page returns only what the user may read', () => {
  it('the admin gets every object’s YAML and the history (the control)', async () => {
    const detail = await page(callers.admin!);
    expect(detail.yaml.map((object) => object.kind)).toEqual(expect.arrayContaining(['VirtualService', 'DestinationRule']));
    expect(detail.history.length).toBeGreaterThan(0);
    expect(detail.withheld).toBeUndefined();
  });

  it('a user who may read services but no routing objects gets neither VirtualService nor DestinationRule YAML, nor history', async () => {
    const detail = await page(callers['services-only']!);
    expect(detail.yaml.filter((object) => ['VirtualService', 'DestinationRule'].includes(object.kind))).toEqual([]);
    expect(detail.history).toEqual([]);
    expect(detail.release).toBeUndefined();
    expect(detail.withheld!.join('\n')).toMatch(/VirtualService reviews: needs get virtualservices\.networking\.istio\.io/);
    expect(detail.withheld!.join('\n')).toMatch(/DestinationRule reviews: needs get destinationrules\.networking\.istio\.io/);
    expect(detail.withheld!.join('\n')).toMatch(/history and release: needs get releases\.weir\.dev/);
  });

  it('a user who may read VirtualServices but not DestinationRules gets the one and not the other', async () => {
    const detail = await page(callers['virtualservices-reader']!);
    expect(detail.yaml.map((object) => object.kind)).toContain('VirtualService');
    expect(detail.yaml.map((object) => object.kind)).not.toContain('DestinationRule');
    expect(detail.history).toEqual([]);
  });

  it('a user who may read Releases gets the history', async () => {
    const detail = await page(callers['release-reader']!);
    expect(detail.yaml.map((object) => object.kind)).toEqual(expect.arrayContaining(['VirtualService', 'DestinationRule']));
    expect(detail.history.length).toBeGreaterThan(0);
    expect(detail.withheld).toBeUndefined();
  });
});

describe('starting a progressive release needs the rights the controller will use', () => {
  it('a user who may update releases but not routing is refused (403), and nothing changes', async () => {
    const before = [await resourceVersions(sandbox, NAMESPACE), await releaseOf()];
    const answer = await releaseAction(callers['release-updater']!, { action: 'start', settings: SETTINGS });
    expect(answer.status).toBe(403);
    expect(answer.message).toContain('update virtualservices.networking.istio.io');
    expect([await resourceVersions(sandbox, NAMESPACE), await releaseOf()]).toEqual(before);
  });

  it('a user who may change routing but not scale Deployments is refused: a rollback would scale the gray version to 0', async () => {
    const before = [await resourceVersions(sandbox, NAMESPACE), await releaseOf()];
    const answer = await releaseAction(callers['no-scale']!, { action: 'start', settings: SETTINGS });
    expect(answer.status).toBe(403);
    expect(answer.message).toContain('update deployments');
    expect([await resourceVersions(sandbox, NAMESPACE), await releaseOf()]).toEqual(before);
  });

  it('"delete the old version" needs delete on Deployments; without it the same user may start a release that keeps it', async () => {
    const before = [await resourceVersions(sandbox, NAMESPACE), await releaseOf()];
    const refused = await releaseAction(callers['no-delete']!, { action: 'start', settings: { ...SETTINGS, deleteOldVersion: true } });
    expect(refused.status).toBe(403);
    expect(refused.message).toContain('delete deployments');
    expect([await resourceVersions(sandbox, NAMESPACE), await releaseOf()]).toEqual(before);
    // The same rights without deleting the old version: the API server allows every step, so the start goes through.
    const started = await releaseAction(callers['no-delete']!, { action: 'start', settings: SETTINGS });
    expect(started).toEqual({ status: 200, message: '' });
  });

  it('handing a running release back to the controller (resume, promote, abort) needs the same rights; pausing does not', async () => {
    const updater = callers['release-updater']!;
    const before = await releaseOf();
    for (const action of ['promote', 'abort']) {
      const answer = await releaseAction(updater, { action });
      expect({ action, status: answer.status }).toEqual({ action, status: 403 });
    }
    expect(await releaseOf()).toEqual(before);
    expect((await releaseAction(updater, { action: 'pause' })).status).toBe(200);
    expect((await releaseAction(updater, { action: 'resume' })).status).toBe(403);
    expect((await releaseAction(callers['no-delete']!, { action: 'abort' })).status).toBe(200);
  });

  it('the 403 is the API server’s: granting the missing right to the Role moves the refusal to the next one', async () => {
    await apply([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'release-updater', namespace: NAMESPACE },
        rules: [...USERS['release-updater']!, routingWrite],
      },
    ]);
    // Access answers are cached 30 s per session: a fresh sign-in asks the API server again.
    const name = 'release-updater';
    const token = (await kubectl(sandbox, ['-n', NAMESPACE, 'create', 'token', name, '--duration=1h'])).trim();
    const login = await routes.login.POST(
      new Request(`${ORIGIN}/api/auth/login`, { method: 'POST', headers: { origin: ORIGIN, host: 'weir.test' }, body: JSON.stringify({ strategy: 'token', token }) }),
    );
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await (await routes.session.GET(new Request(ORIGIN, { headers: { cookie } }))).json()) as { csrfToken: string };
    const fresh: SignedIn = { user: name, read: { cookie }, write: { cookie, origin: ORIGIN, host: 'weir.test', 'x-csrf-token': csrfToken } };
    const answer = await releaseAction(fresh, { action: 'start', settings: SETTINGS });
    expect(answer.status).toBe(403);
    expect(answer.message).toContain('update deployments');
  });
});
