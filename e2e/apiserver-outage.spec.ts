import type { Page } from '@playwright/test';
import { expect, test } from './support/test';
import { getObject, scaleDeployment } from './support/cluster';
import { startExtraConsole, type ExtraConsole } from './support/extra-console';
import { startOwnApiServer, type OwnApiServer } from './support/own-api-server';
import { ServicePage } from './pages/service-page';

/*
 * Item 5 of issue 14: the API server goes away and comes back. The console under test watches a kube-apiserver of
 * its own (e2e/support/own-api-server.ts: the sandbox's command line on another port, same etcd, so the same
 * objects), which the test stops and starts, or freezes and thaws; the sandbox's API server, which the other specs
 * and the sandbox's controllers use, never goes away, and the test reads the cluster through it.
 */

const OUTAGE_MS = 10_000;
const VS = 'virtualservices.networking.istio.io';

let apiServer: OwnApiServer;
let underTest: ExtraConsole;

test.use({ storageState: { cookies: [], origins: [] } });

test.beforeAll(async () => {
  const started = Date.now();
  apiServer = await startOwnApiServer();
  underTest = await startExtraConsole('server.mjs', {
    WEIR_KUBECONFIG: apiServer.consoleKubeconfig,
    WEIR_DEV_KUBECONFIG: process.env.WEIR_SANDBOX_KUBECONFIG,
    WEIR_SANDBOX: 'true',
    WEIR_AUTH_STRATEGIES: 'dev',
    WEIR_LOGIN_RATE_PER_ADDRESS: '600',
  });
  console.log(`own kube-apiserver and console ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test.afterAll(async () => {
  await underTest?.stop();
  await apiServer?.dispose();
});

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Signs alice in on the console under test and opens reviews.default, with the review of a 20% move to v2 done. */
async function reviewMoveToV2(page: Page): Promise<ServicePage> {
  await page.goto(`${underTest.url}/login?next=${encodeURIComponent('/services/sandbox/default/reviews')}`);
  await page.getByRole('button', { name: /alice/ }).click();
  const service = new ServicePage(page);
  await expect(page.getByTestId('service-title')).toHaveText('reviews.default');
  await expect(service.weight('v1')).toHaveText('100%');
  // Synced: no banner at all (and never "not healthy" on the way).
  await expect(page.getByTestId('cluster-health')).toHaveCount(0);
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByLabel('Weight of v2 in percent').fill('20');
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(service.dialog.getByTestId('dry-run-passed')).toBeVisible();
  return service;
}

/** Presses apply while the API server is away: a clear refusal, fast, and the VirtualService is as it was. */
async function applyIsRefused(page: Page, service: ServicePage): Promise<void> {
  const before = getObject(VS, 'default', 'reviews').metadata.resourceVersion;
  const pressed = Date.now();
  const [response] = await Promise.all([
    page.waitForResponse((answer) => answer.url().endsWith('/intents') && answer.request().method() === 'POST'),
    service.dialog.getByRole('button', { name: 'Move 20% to v2' }).click(),
  ]);
  const latency = Date.now() - pressed;
  expect(response.status()).toBe(503);
  await expect(service.dialog.getByTestId('wizard-error')).toContainText('The API server of cluster "sandbox" cannot be reached');
  await expect(service.dialog.getByTestId('wizard-error')).toContainText('nothing was changed');
  console.log(`write while the API server was away: ${response.status()} in ${latency} ms: ${(await response.json()).error.message}`);
  expect(latency).toBeLessThan(2_000);
  expect(getObject(VS, 'default', 'reviews').metadata.resourceVersion).toBe(before);
}

test('kube-apiserver stopped for 10 s and started again: banner within 5 s, writes refused, caches resync, banner goes', async ({ page }) => {
  test.setTimeout(90_000);
  const service = await reviewMoveToV2(page);
  const banner = page.getByTestId('cluster-health');
  const replicas = getObject('deployment', 'default', 'reviews-v3').spec.replicas as number;
  await expect(service.versionRow('v3')).toContainText(`${replicas}/${replicas}`);

  try {
    const { signalledAt: stoppedAt, exited } = apiServer.stop();
    await expect(banner).toHaveAttribute('data-status', 'unreachable', { timeout: 5_000 });
    const toBanner = Date.now() - stoppedAt;
    const exitedAt = await exited;
    await expect(banner).toContainText('The API server of cluster sandbox cannot be reached');
    await expect(banner).toContainText('changes are refused until it is back');

    await applyIsRefused(page, service);
    // Meanwhile the cluster moves on (through the sandbox's API server): the console must catch up by itself.
    scaleDeployment('default', 'reviews-v3', replicas + 1);

    await page.waitForTimeout(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
    await expect(banner).toHaveAttribute('data-status', 'unreachable');
    const { spawnedAt, readyAt } = await apiServer.start();
    await expect(banner).toHaveCount(0, { timeout: 5_000 });
    const gone = Date.now();
    await expect(service.versionRow('v3')).toContainText(`${replicas + 1}/${replicas + 1}`, { timeout: 5_000 });
    const caughtUp = Date.now();
    console.log(
      `stopped: banner ${seconds(toBanner)} after SIGTERM, process gone after ${seconds(exitedAt - stoppedAt)}; started again: ready after ${seconds(readyAt - spawnedAt)}, ` +
        `banner gone ${seconds(gone - readyAt)} after ready, the change made meanwhile shown ${seconds(caughtUp - readyAt)} after ready`,
    );
    expect(underTest.running()).toBe(true);
    console.log(underTest.output().split('\n').filter((line) => line.includes('[weir]')).map((line) => line.slice(0, 200)).join('\n'));
  } finally {
    scaleDeployment('default', 'reviews-v3', replicas);
  }
});

test('kube-apiserver frozen (SIGSTOP) for 10 s: banner within 5 s, writes refused at once, banner goes when it answers', async ({ page }) => {
  test.setTimeout(90_000);
  const service = await reviewMoveToV2(page);
  const banner = page.getByTestId('cluster-health');
  let frozen = false;
  try {
    const frozenAt = apiServer.freeze();
    frozen = true;
    await expect(banner).toHaveAttribute('data-status', 'unreachable', { timeout: 5_000 });
    const toBanner = Date.now() - frozenAt;
    await applyIsRefused(page, service);
    await page.waitForTimeout(Math.max(0, frozenAt + OUTAGE_MS - Date.now()));
    const thawedAt = apiServer.thaw();
    frozen = false;
    await expect(banner).toHaveCount(0, { timeout: 5_000 });
    console.log(`frozen: banner after ${seconds(toBanner)}; thawed: banner gone after ${seconds(Date.now() - thawedAt)}`);
    expect(underTest.running()).toBe(true);
  } finally {
    if (frozen) apiServer.thaw();
  }
});
