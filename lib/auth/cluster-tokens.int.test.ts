/**
 * Item 4 of issue 15: a pasted token is tied to the clusters that accepted it. The console is configured with two
 * clusters — the sandbox and a second kube-apiserver (test/second-cluster.ts) behind a proxy that counts every
 * request per bearer token — and an attacker signed in with a token of the first cluster tries every route
 * that names the second. Each is refused with a 403 naming the cluster, and the second API server never sees
 * the token again after the one SelfSubjectReview at sign-in.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { signIn, type SignedIn } from '../../test/console-session.ts';
import { startSecondCluster } from '../../test/second-cluster.ts';

const sandbox = inject('sandbox');
const ORIGIN = 'http://weir.test';

const sandboxTokens = Object.fromEntries(
  (parse(readFileSync(sandbox.kubeconfig, 'utf8')) as { users: { name: string; user: { token: string } }[] }).users.map((user) => [user.name, user.user.token]),
);
// alice's token is known to both clusters (as alice, with a group only the second one names); bob's to the first only.
const second = await startSecondCluster(sandbox, [{ token: sandboxTokens.alice!, user: 'alice', groups: ['second-team'] }]);
afterAll(() => second.stop());
console.log(`second kube-apiserver ready in ${second.readySeconds.toFixed(1)} s, with CRDs and RBAC in ${second.setupSeconds.toFixed(1)} s`);

process.env.WEIR_KUBECONFIG = second.consoleKubeconfig;
process.env.WEIR_DEV_KUBECONFIG = sandbox.kubeconfig;
process.env.WEIR_SANDBOX = 'true';

const routes = {
  login: await import('@/app/api/auth/login/route'),
  session: await import('@/app/api/auth/session/route'),
  services: await import('@/app/api/services/route'),
  service: await import('@/app/api/services/[cluster]/[namespace]/[name]/route'),
  metrics: await import('@/app/api/services/[cluster]/[namespace]/[name]/metrics/route'),
  intents: await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route'),
  release: await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route'),
  decide: await import('@/app/api/approvals/[cluster]/[namespace]/[name]/[id]/route'),
  approvals: await import('@/app/api/approvals/route'),
  routes: await import('@/app/api/routes/route'),
  clusters: await import('@/app/api/clusters/route'),
  events: await import('@/app/api/events/route'),
};

const onSecond = { params: Promise.resolve({ cluster: 'second', namespace: 'default', name: 'kubernetes' }) };

interface ErrorAnswer {
  error: { status: number; message: string };
}

async function sessionClusters(caller: SignedIn): Promise<{ name: string; username: string }[]> {
  const response = await routes.session.GET(new Request(`${ORIGIN}/api/auth/session`, { headers: caller.read }));
  return ((await response.json()) as { clusters: { name: string; username: string }[] }).clusters;
}

async function tokenLogin(token: string): Promise<{ status: number; cookie?: string }> {
  const response = await routes.login.POST(
    new Request(`${ORIGIN}/api/auth/login`, { method: 'POST', headers: { origin: ORIGIN, host: 'weir.test' }, body: JSON.stringify({ strategy: 'token', token }) }),
  );
  return { status: response.status, cookie: response.headers.get('set-cookie')?.split(';')[0] };
}

/** Every way a route can be asked to act in the second cluster; each answers its response. */
function attacks(caller: SignedIn): Record<string, () => Promise<Response>> {
  const post = (body: unknown) => new Request(ORIGIN, { method: 'POST', body: JSON.stringify(body), headers: caller.write });
  return {
    'service page': () => routes.service.GET(new Request(ORIGIN, { headers: caller.read }), onSecond),
    metrics: () => routes.metrics.GET(new Request(`${ORIGIN}/x?range=5`, { headers: caller.read }), onSecond),
    'services list of that cluster': () => routes.services.GET(new Request(`${ORIGIN}/api/services?cluster=second`, { headers: caller.read })),
    'first screen of that cluster': () => routes.services.GET(new Request(`${ORIGIN}/api/services?cluster=second&first=50`, { headers: caller.read })),
    'intent preview': () => routes.intents.POST(post({ mode: 'preview', intent: { type: 'take-over', expected: 'x', version: 'v1' } }), onSecond),
    'intent apply': () => routes.intents.POST(post({ mode: 'apply', intent: { type: 'set-weights', expected: 'x', weights: { v1: 100 } } }), onSecond),
    'release pause': () => routes.release.POST(post({ action: 'pause' }), onSecond),
    'approval decision': () =>
      routes.decide.POST(post({ decision: 'approve' }), { params: Promise.resolve({ cluster: 'second', namespace: 'default', name: 'kubernetes', id: 'x' }) }),
  };
}

describe('tokens are tied to the clusters that accepted them', () => {
  it('a token of the first cluster only is refused, naming the cluster, on every route that names the second, and never reaches it after sign-in', async () => {
    const bob = await signIn('bob');
    const bobToken = sandboxTokens.bob!;
    expect(await sessionClusters(bob)).toEqual([{ name: 'sandbox', username: 'bob' }]);
    // Sign-in asked each cluster once; the second refused.
    const atSignIn = second.requestsWith(bobToken);
    expect(atSignIn).toBe(1);

    for (const [name, attack] of Object.entries(attacks(bob))) {
      const response = await attack();
      const body = (await response.json()) as ErrorAnswer;
      expect({ name, status: response.status }).toEqual({ name, status: 403 });
      expect(body.error.message).toContain('"second"');
    }
    // Lists over every cluster leave the second out instead of failing or asking it.
    const all = (await (await routes.services.GET(new Request(`${ORIGIN}/api/services`, { headers: bob.read }))).json()) as { cluster: string }[];
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((row) => row.cluster !== 'sandbox')).toEqual([]);
    const routeRows = (await (await routes.routes.GET(new Request(`${ORIGIN}/api/routes`, { headers: bob.read }))).json()) as { cluster: string }[];
    expect(routeRows.filter((row) => row.cluster !== 'sandbox')).toEqual([]);
    expect((await routes.approvals.GET(new Request(`${ORIGIN}/api/approvals`, { headers: bob.read }))).status).toBe(200);
    const clusters = (await (await routes.clusters.GET(new Request(`${ORIGIN}/api/clusters`, { headers: bob.read }))).json()) as { name: string; namespaces: string[] }[];
    // The second cluster is not bob's to see at all, not even by name.
    expect(clusters.map((cluster) => cluster.name)).toEqual(['sandbox']);

    // A change stream held open while the second cluster changes: its events are not checked with bob's token.
    const abort = new AbortController();
    const stream = await routes.events.GET(new Request(`${ORIGIN}/api/events`, { headers: bob.read, signal: abort.signal }));
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read();
    await second.kubectl(['create', 'namespace', `stream-${Date.now()}`]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    abort.abort();

    expect(second.requestsWith(bobToken)).toBe(atSignIn);
  });

  it('a pasted ServiceAccount token of the first cluster signs in there only and is never sent to the second again', async () => {
    const name = `pasted-${Date.now()}`;
    await kubectl(sandbox, ['-n', 'demo', 'create', 'serviceaccount', name]);
    await kubectl(sandbox, ['-n', 'demo', 'create', 'rolebinding', name, '--clusterrole=weir-operator', `--serviceaccount=demo:${name}`]);
    const token = (await kubectl(sandbox, ['-n', 'demo', 'create', 'token', name, '--duration=1h'])).trim();
    const login = await tokenLogin(token);
    expect(login.status).toBe(200);
    const caller: SignedIn = { user: name, read: { cookie: login.cookie! }, write: { cookie: login.cookie! } };
    expect((await sessionClusters(caller)).map((cluster) => cluster.name)).toEqual(['sandbox']);
    expect(second.requestsWith(token)).toBe(1);
    const page = await routes.service.GET(new Request(ORIGIN, { headers: caller.read }), onSecond);
    expect(page.status).toBe(403);
    const mine = await routes.service.GET(new Request(ORIGIN, { headers: caller.read }), { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx' }) });
    expect(mine.status).toBe(200);
    expect(second.requestsWith(token)).toBe(1);
  });

  it('a token both clusters accept is used on both, with the identity each names (the proxy does count it)', async () => {
    const alice = await signIn('alice');
    expect(await sessionClusters(alice)).toEqual([
      { name: 'sandbox', username: 'alice' },
      { name: 'second', username: 'alice' },
    ]);
    const before = second.requestsWith(sandboxTokens.alice!);
    const list = await routes.services.GET(new Request(`${ORIGIN}/api/services?cluster=second`, { headers: alice.read }));
    expect(list.status).toBe(200);
    expect(second.requestsWith(sandboxTokens.alice!)).toBeGreaterThan(before);
  });

  it('a token neither cluster accepts is refused at sign-in', async () => {
    const forged = `forged-${'0'.repeat(40)}`;
    expect((await tokenLogin(forged)).status).toBe(401);
    expect(second.requestsWith(forged)).toBe(1);
  });
});
