/**
 * Issue 16's namespace-scoped user among many namespaces: a ServiceAccount bound to `weir-viewer` in three of
 * the bench's namespaces only (RoleBindings), signed in with its token (the `token` strategy). A console of
 * its own, fresh, watches through a counting proxy in front of the API server, so every request sent with the
 * user's token is seen. Figures: API calls and time of that user's first GET /api/services (cold: no access
 * check of theirs cached) against the raw LIST of VirtualServices, and the same for GET /api/clusters, which
 * the services page asks for too.
 *
 *   npm run bench
 *   npx vitest run --project bench bench/namespace-scoped.bench.ts
 */
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { sandboxAdmin, type ApiServer } from './support/api-server.ts';
import { benchScale } from './support/bench-console.ts';
import { BENCH_CACHE, consoleGet, signIn, startConsole } from './support/console.ts';
import { startCountingProxy } from './support/counting-proxy.ts';
import { median, ratio, writeFigures } from './support/figures.ts';
import { benchNamespace, seedServices } from './support/seed.ts';
import { LIST_PATH, rowsOf, waitForSeeded } from './support/services.ts';

const sandbox = inject('sandbox');
const { services: N, namespaces: NAMESPACES } = benchScale();
const USER_NAMESPACE = 'weir-bench-users';
const ACCOUNT = 'scoped-viewer';
const GRANTED = [1, 2, 3].map((index) => benchNamespace(index, NAMESPACES));

async function create(admin: ApiServer, path: string, body: object): Promise<void> {
  const response = await admin.send('POST', path, body);
  if (response.status !== 201 && response.status !== 409) throw new Error(`POST ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
}

/** The ServiceAccount, its RoleBindings to weir-viewer in GRANTED, and a one-hour token for it. */
async function scopedUserToken(admin: ApiServer): Promise<string> {
  await create(admin, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: USER_NAMESPACE } });
  await create(admin, `/api/v1/namespaces/${USER_NAMESPACE}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: ACCOUNT } });
  for (const namespace of GRANTED) {
    await create(admin, `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'weir-bench-scoped-viewer' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'weir-viewer' },
      subjects: [{ kind: 'ServiceAccount', name: ACCOUNT, namespace: USER_NAMESPACE }],
    });
  }
  const response = await admin.send('POST', `/api/v1/namespaces/${USER_NAMESPACE}/serviceaccounts/${ACCOUNT}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  expect(response.status, response.body.slice(0, 300)).toBe(201);
  return (JSON.parse(response.body) as { status: { token: string } }).status.token;
}

/** `3 × GET /api/v1/…` lines, the most frequent first; namespaces and names folded so repeats group. */
function breakdown(calls: string[]): string {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const shape = call.replace(/\/namespaces\/[^/]+/, '/namespaces/*');
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]).map(([shape, count]) => `${count.toLocaleString('en-US')} × ${shape}`).join('; ') || 'none';
}

it(`a user who may list ${GRANTED.length} of ${NAMESPACES.toLocaleString('en-US')} namespaces: API calls and time to the first services list`, async () => {
  const admin = sandboxAdmin(sandbox.kubeconfig);
  await seedServices(admin, N, NAMESPACES);
  const token = await scopedUserToken(admin);
  const proxy = await startCountingProxy(sandbox.kubeconfig, join(BENCH_CACHE, 'scoped'));
  const kubeconfig = proxy.kubeconfigFor(sandbox.consoleKubeconfig, join(BENCH_CACHE, 'scoped', 'console.kubeconfig'));
  const console_ = await startConsole(sandbox, { kubeconfig, log: join(BENCH_CACHE, 'scoped', 'console.log') });
  try {
    // Caches synced (asked as admin: those calls carry another token and are not counted).
    await waitForSeeded(console_.url, await signIn(console_.url, { user: 'admin' }), N, NAMESPACES);
    const rawTimes: number[] = [];
    for (let run = 0; run < 5; run += 1) rawTimes.push((await admin.send('GET', '/apis/networking.istio.io/v1/virtualservices')).ms);
    const baseline = median(rawTimes);

    const session = await signIn(console_.url, { token });
    const loginCalls = proxy.callsOf(token).length;

    const before = proxy.callsOf(token).length;
    const first = await consoleGet(console_.url, LIST_PATH, session);
    expect(first.status, first.body.slice(0, 300)).toBe(200);
    const listCalls = proxy.callsOf(token).slice(before);
    const rows = rowsOf(first.body);
    expect(rows.length, 'rows the scoped user sees').toBeGreaterThan(0);
    expect(rows.filter((row) => !GRANTED.includes(row.namespace)), 'rows outside the granted namespaces').toEqual([]);

    const beforeClusters = proxy.callsOf(token).length;
    const clusters = await consoleGet(console_.url, '/api/clusters', session);
    expect(clusters.status, clusters.body.slice(0, 300)).toBe(200);
    const clusterCalls = proxy.callsOf(token).slice(beforeClusters);

    const beforeAgain = proxy.callsOf(token).length;
    const again = await consoleGet(console_.url, LIST_PATH, session);
    const againCalls = proxy.callsOf(token).length - beforeAgain;

    const who = `namespace-scoped user (${GRANTED.length} of ${NAMESPACES.toLocaleString('en-US')} namespaces, ${N.toLocaleString('en-US')} services)`;
    writeFigures(`namespace-scoped-${N}`, [
      { id: 'NS', name: `${who}: API calls for the first GET /api/services`, value: listCalls.length, unit: 'calls', target: '≤ 20', note: `${breakdown(listCalls)}; sign-in sent ${loginCalls}` },
      {
        id: 'NS',
        name: `${who}: first GET /api/services, cold / raw LIST of VirtualServices`,
        value: first.ms,
        unit: 'ms',
        baseline,
        ratio: ratio(first.ms, baseline),
        target: '≤ 2,000 ms',
        note: `${rows.length} rows; again within 30 s: ${again.ms.toFixed(0)} ms, ${againCalls} calls`,
      },
      { id: 'NS', name: `${who}: API calls for the first GET /api/clusters`, value: clusterCalls.length, unit: 'calls', note: breakdown(clusterCalls) },
      { id: 'NS', name: `${who}: first GET /api/clusters, cold / raw LIST`, value: clusters.ms, unit: 'ms', baseline, ratio: ratio(clusters.ms, baseline) },
    ]);
  } finally {
    await console_.stop();
    await proxy.close();
    admin.close();
  }
}, 900_000);
