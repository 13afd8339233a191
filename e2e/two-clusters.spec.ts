import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { apply, listObjects, sample, vsWeights, waitAvailable } from './support/cluster';
import { startExtraConsole, type ExtraConsole } from './support/extra-console';
import { ReleasePanel } from './pages/release-panel';
import { ServicePage } from './pages/service-page';
import { MESH02_SCENARIOS } from '../dev/scenarios/index.ts';
import { describeSandbox, startSandbox, stopSandbox, writeMultiClusterKubeconfig, type Sandbox } from '../dev/sandbox/sandbox.ts';

/*
 * Issue 12 item 2: two clusters in one view. A second sandbox cluster, mesh02 (its own etcd, kube-apiserver,
 * controllers, kwok, istiod, simulator and Prometheus: dev/sandbox, as `WEIR_SANDBOX_CLUSTERS=2 ./weir start` runs
 * it), with Bookinfo and podinfo: the same hosts as the first cluster's. admin, alice and bob have the same tokens in
 * both (one identity provider); victor is known to the first cluster only. A console of its own manages both.
 */

let second: Sandbox;
let underTest: ExtraConsole;

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial' });

function mesh02(args: string[]): string {
  return execFileSync(second.kubectl, ['--kubeconfig', second.kubeconfig, '--context', 'admin', ...args], { encoding: 'utf8' });
}

function mesh02Weights(namespace: string, name: string): Record<string, number> {
  const vs = JSON.parse(mesh02(['get', 'virtualservices.networking.istio.io', name, '-n', namespace, '-o', 'json']));
  const route: { destination: { subset: string }; weight?: number }[] = vs.spec.http.at(-1).route;
  return Object.fromEntries(route.map((entry) => [entry.destination.subset, entry.weight ?? (route.length === 1 ? 100 : 0)]));
}

/** The pid of mesh02's kube-apiserver (dev/cluster/up.sh lists what it started in DIR/pids). */
function mesh02ApiServerPid(): number {
  const line = readFileSync(join(second.dir, 'pids'), 'utf8')
    .split('\n')
    .findLast((entry) => entry.startsWith('kube-apiserver '));
  if (!line) throw new Error(`no kube-apiserver in ${second.dir}/pids`);
  return Number(line.split(' ')[1]);
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const firstDir = process.env.WEIR_SANDBOX_DIR_E2E;
  if (!firstDir) throw new Error('WEIR_SANDBOX_DIR_E2E is not set: run through playwright.config.ts');
  const started = Date.now();
  const first = describeSandbox(firstDir, '');
  second = await startSandbox({ name: 'mesh02', sameUsersAs: first, scenarios: MESH02_SCENARIOS });
  mesh02(['wait', '-n', 'default', '--for=condition=Available', 'deployment', '--all', '--timeout=120s']);
  underTest = await startExtraConsole('server.mjs', {
    WEIR_KUBECONFIG: writeMultiClusterKubeconfig([first, second], join(second.dir, 'clusters.kubeconfig')),
    WEIR_DEV_KUBECONFIG: process.env.WEIR_SANDBOX_KUBECONFIG,
    WEIR_SANDBOX: 'true',
    WEIR_AUTH_STRATEGIES: 'dev',
    WEIR_LOGIN_RATE_PER_ADDRESS: '600',
    WEIR_PROMETHEUS_URLS: JSON.stringify({ mesh02: second.prometheusUrl }),
    // Its progressive controller leads mesh02 (nobody else runs one there); in the first cluster it follows the e2e console's.
    WEIR_CONTROLLER: 'true',
  });
  console.log(`mesh02 (kube-apiserver ${second.apiServerUrl}) and a console on both ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test.afterAll(async () => {
  await underTest?.stop();
  if (second) await stopSandbox(second);
});

async function signIn(page: Page, user: string, next = '/services'): Promise<void> {
  await page.goto(`${underTest.url}/login?next=${encodeURIComponent(next)}`);
  await page.getByRole('button', { name: new RegExp(user) }).click();
  await page.waitForURL((url) => `${url.pathname}${url.search}` === next);
}

/*
 * The list is virtual: only rows near the window are in the page. By the time this spec runs, earlier specs have
 * added namespaces to the first cluster, so the lists below are narrowed to a namespace (or to mesh02).
 */
const DEFAULT_NAMESPACE = '/services?namespace=default';

const row = (page: Page, cluster: string, namespace: string, service: string) => page.locator(`[data-testid="service-${namespace}-${service}"][data-cluster="${cluster}"]`);

test('one services list over both clusters: a Cluster column tells the same host apart, and the cluster picker narrows it', async ({ page }) => {
  await signIn(page, 'alice', DEFAULT_NAMESPACE);
  const reviews = page.getByTestId('service-default-reviews');
  await expect(reviews).toHaveCount(2);
  await expect(row(page, 'sandbox', 'default', 'reviews').getByTestId('cluster')).toHaveText('sandbox');
  await expect(row(page, 'mesh02', 'default', 'reviews').getByTestId('cluster')).toHaveText('mesh02');
  await expect(page.getByRole('columnheader', { name: 'Cluster' })).toBeVisible();
  // Each row links to its own cluster's service page.
  await expect(row(page, 'mesh02', 'default', 'reviews').getByRole('link')).toHaveAttribute('href', '/services/mesh02/default/reviews');
  // hybrid-hello runs only in the first cluster.
  await page.goto(`${underTest.url}/services?namespace=hybrid-hello`);
  await expect(page.locator('[data-cluster="sandbox"][data-testid^="service-hybrid-hello-"]').first()).toBeVisible();
  await expect(page.locator('[data-cluster="mesh02"][data-testid^="service-hybrid-hello-"]')).toHaveCount(0);

  await page.goto(`${underTest.url}${DEFAULT_NAMESPACE}`);
  await expect(reviews).toHaveCount(2);
  await page.getByRole('combobox', { name: /^Cluster/ }).selectOption('mesh02');
  await expect(page.locator('[data-cluster="sandbox"]')).toHaveCount(0);
  await expect(reviews).toHaveCount(1);
  await expect(row(page, 'mesh02', 'test', 'podinfo')).toBeVisible();
});

test('a wizard on the second cluster changes mesh02 only, with the change in its history', async ({ page }) => {
  await signIn(page, 'alice', '/services/mesh02/default/reviews');
  const service = new ServicePage(page);
  await expect(page.getByTestId('service-title')).toHaveText('reviews.default');
  await expect(service.weight('v1')).toHaveText('100%');
  const firstBefore = vsWeights('default', 'reviews');
  await service.setWeight('v2', 30, 'Move 30% to v2');
  await expect(service.weight('v2')).toHaveText('30%');
  await expect(page.getByTestId('history-entry').first()).toContainText('alice');

  expect(mesh02Weights('default', 'reviews')).toEqual({ v1: 70, v2: 30 });
  expect(vsWeights('default', 'reviews')).toEqual(firstBefore);
  const history = JSON.parse(mesh02(['get', 'releases.weir.dev', 'reviews', '-n', 'default', '-o', 'json'])).status.history;
  expect(history.at(-1)).toMatchObject({ user: 'alice', to: { weights: { v1: 70, v2: 30 } } });
});

/** What a user of the first cluster would notice changing: its routing objects' specs and its Deployments' sizes. */
function firstClusterState(namespace: string): string {
  const list = (kind: string) => listObjects<{ metadata: { name: string }; spec: { replicas?: number } }>(kind, namespace);
  return JSON.stringify({
    routing: [...list('virtualservices.networking.istio.io'), ...list('destinationrules.networking.istio.io')].map((item) => [item.metadata.name, item.spec]),
    deployments: list('deployments').map((item) => [item.metadata.name, item.spec.replicas]),
  });
}

function mesh02Deployments(namespace: string): string[] {
  return mesh02(['get', 'deployments', '-n', namespace, '-o', 'jsonpath={.items[*].metadata.name}']).split(' ').filter(Boolean).sort();
}

test('every other wizard on the second cluster: a cookie rule, take-over, delete, add, scale and a progressive release change mesh02 only', async ({ page }) => {
  test.setTimeout(300_000);
  const firstBefore = { default: firstClusterState('default'), test: firstClusterState('test') };
  await signIn(page, 'alice', '/services/mesh02/default/reviews');
  const service = new ServicePage(page);
  await expect(service.weight('v2')).toHaveText('30%');

  // A content rule: the gray callers (cookie gray=true) go to v3.
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByRole('tab', { name: 'By request content' }).click();
  await service.dialog.getByLabel('Send matching requests to').selectOption('v3');
  await service.reviewAndApply('Send matching requests to v3');
  const ruled = JSON.parse(mesh02(['get', 'virtualservices.networking.istio.io', 'reviews', '-n', 'default', '-o', 'json']));
  expect(ruled.spec.http[0]).toEqual({ match: [{ headers: { cookie: { regex: '^(.*?;\\s*)?(gray=true)(;.*)?$' } } }], route: [{ destination: { host: 'reviews', subset: 'v3' } }] });

  // v3 takes over (the rule goes), v1 is deleted with its Deployment, v4 is added beside it with 10%, then scaled.
  await service.takeOver('v3');
  expect(mesh02Weights('default', 'reviews')).toEqual({ v3: 100 });
  await service.deleteVersion('v1');
  expect(mesh02Deployments('default')).not.toContain('reviews-v1');
  await service.addVersion({ version: 'v4', image: 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.3', weight: 10 });
  expect(mesh02Weights('default', 'reviews')).toEqual({ v3: 90, v4: 10 });
  await service.versionRow('v4').getByRole('button', { name: 'Scale' }).click();
  await service.dialog.getByLabel('Pods').fill('2');
  await service.reviewAndApply('Scale v4 to 2');
  expect(JSON.parse(mesh02(['get', 'deployment', 'reviews-v4', '-n', 'default', '-o', 'json'])).spec.replicas).toBe(2);
  const history = JSON.parse(mesh02(['get', 'releases.weir.dev', 'reviews', '-n', 'default', '-o', 'json'])).status.history as { user: string; action: string }[];
  expect(history.slice(-5).map((entry) => `${entry.user} ${entry.action}`)).toEqual(
    ['set-content-rule', 'take-over', 'delete-version', 'add-version', 'scale-version'].map((action) => `alice ${action}`),
  );
  await expect(page.getByTestId('history-entry').first()).toContainText('Scaled a version');

  // A progressive release of podinfo on mesh02, judged by mesh02's own Prometheus: one step to 50%, then promoted.
  await page.goto(`${underTest.url}/services/mesh02/test/podinfo`);
  await expect(page.getByTestId('service-title')).toHaveText('podinfo.test');
  const release = new ReleasePanel(page);
  await release.start({ stable: 'v1', gray: 'v2', step: 50, max: 50, interval: '5s', window: '30s', approval: 'none' });
  await expect(release.phase).toHaveText('Succeeded', { timeout: 180_000 });
  expect(mesh02Weights('test', 'podinfo')).toEqual({ v2: 100 });

  // The first cluster saw none of it.
  expect({ default: firstClusterState('default'), test: firstClusterState('test') }).toEqual(firstBefore);
});

async function signedInContext(browser: Browser, user: string) {
  const context = await browser.newContext({ baseURL: underTest.url, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signIn(page, user);
  return { context, page };
}

test('victor, whose token only the first cluster accepts, sees only that cluster, and mesh02 refuses him by name', async ({ browser }) => {
  const { context, page } = await signedInContext(browser, 'victor');
  try {
    await expect(page.locator('[data-cluster="sandbox"]').first()).toBeVisible();
    await expect(page.locator('[data-cluster="mesh02"]')).toHaveCount(0);
    // One cluster: no cluster column, and the picker offers only the first.
    await expect(page.getByRole('columnheader', { name: 'Cluster' })).toHaveCount(0);
    const clusters = (await (await page.request.get(`${underTest.url}/api/clusters`)).json()) as { name: string }[];
    expect(clusters.map((cluster) => cluster.name)).toEqual(['sandbox']);
    const refused = await page.request.get(`${underTest.url}/api/services?cluster=mesh02`);
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error.fields).toEqual([expect.objectContaining({ field: 'cluster', code: 'field.tokenNotForCluster' })]);
  } finally {
    await context.close();
  }
});

test('mesh02 frozen: its rows are marked stale and its banner shows, the first cluster keeps working, then both recover', async ({ page }) => {
  test.setTimeout(180_000);
  // The wizard below starts from Bookinfo as its sample has it, all on v1, whatever earlier specs of the run left on
  // reviews (scenario 2 ends with v1 deleted and v2 taking all).
  apply('default', [sample('bookinfo.yaml'), sample('destination-rule-all.yaml'), sample('virtual-service-all-v1.yaml')]);
  waitAvailable('default');
  await signIn(page, 'alice', DEFAULT_NAMESPACE);
  const banner = page.getByTestId('cluster-health');
  await expect(row(page, 'mesh02', 'default', 'reviews')).toBeVisible();
  await expect(page.locator('[data-stale]')).toHaveCount(0);
  const pid = mesh02ApiServerPid();
  process.kill(pid, 'SIGSTOP');
  try {
    await expect(banner).toHaveAttribute('data-status', 'unreachable', { timeout: 10_000 });
    await expect(banner).toContainText('mesh02');
    await expect(banner).toHaveCount(1);
    await expect(row(page, 'mesh02', 'default', 'reviews')).toHaveAttribute('data-stale', 'true');
    await expect(row(page, 'mesh02', 'default', 'reviews').getByTestId('stale')).toContainText('Stale');
    await expect(row(page, 'sandbox', 'default', 'reviews')).not.toHaveAttribute('data-stale', /.*/);
    await expect(row(page, 'sandbox', 'default', 'reviews').getByTestId('stale')).toHaveCount(0);

    // A reload while mesh02 is away, past the 30 s that access answers are kept, still lists both (mesh02 from what
    // was last seen, with the access answers it gave last), and the first cluster's wizards write as usual.
    await page.waitForTimeout(31_000);
    await page.reload();
    await expect(row(page, 'sandbox', 'default', 'reviews')).toBeVisible();
    await expect(row(page, 'mesh02', 'default', 'reviews')).toHaveAttribute('data-stale', 'true');
    const service = new ServicePage(page);
    await page.goto(`${underTest.url}/services/sandbox/default/reviews`);
    await expect(page.getByTestId('service-title')).toHaveText('reviews.default');
    await service.setWeight('v2', 10, 'Move 10% to v2');
    expect(vsWeights('default', 'reviews')).toEqual({ v1: 90, v2: 10 });
  } finally {
    process.kill(pid, 'SIGCONT');
    // Back as Bookinfo's sample has it, for the specs that follow.
    apply('default', [sample('virtual-service-all-v1.yaml')]);
  }
  await page.goto(`${underTest.url}${DEFAULT_NAMESPACE}`);
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator('[data-stale]')).toHaveCount(0);
  await expect(row(page, 'mesh02', 'default', 'reviews')).toBeVisible();
});
