import { execFileSync } from 'node:child_process';
import { expect, test } from './support/test';
import { applyYaml, getObject, releaseEventReasons, subsets, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { ReleasePanel } from './pages/release-panel';
import { deploymentYaml, destinationRuleYaml, namespaceYaml, serviceYaml, sleepClientYaml, virtualServiceYaml, yamlDocuments } from './support/shop';

/*
 * Item 8 of issue 14: the buttons no other spec clicks — "Create routing", "Restore this split", and a
 * progressive release's "Pause", "Resume", "Promote now" and "Abort" — each clicked in Chromium, with what the
 * user then sees and what the API server then holds. A namespace of this spec's own: `shop` (v1, v2, a sleep
 * client so the simulator sends it traffic and the release's checks have metrics) and `catalog` (two versions,
 * no routing yet). Tests run in order; each leaves `shop` as the next one expects.
 */

const NAMESPACE = 'every-button';

const OBJECTS = yamlDocuments(
  namespaceYaml(NAMESPACE),
  serviceYaml(NAMESPACE, 'shop'),
  deploymentYaml(NAMESPACE, 'shop', 'v1', { replicas: 2 }),
  deploymentYaml(NAMESPACE, 'shop', 'v2'),
  serviceYaml(NAMESPACE, 'catalog'),
  deploymentYaml(NAMESPACE, 'catalog', 'v1'),
  deploymentYaml(NAMESPACE, 'catalog', 'v2'),
  sleepClientYaml(NAMESPACE),
  destinationRuleYaml(NAMESPACE, 'shop', ['v1', 'v2']),
  virtualServiceYaml(NAMESPACE, 'shop', { v1: 100 }),
);

function release(name: string): { spec: Record<string, unknown>; status: Record<string, any> } {
  return getObject('releases.weir.dev', NAMESPACE, name)!;
}

/** Weights above 0 (a route may keep a version at weight 0). */
function liveWeights(name: string): Record<string, number> {
  return Object.fromEntries(Object.entries(vsWeights(NAMESPACE, name)).filter(([, weight]) => weight > 0));
}

// Each test starts from where the one before left shop: after a failure the rest cannot run meaningfully.
test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  applyYaml(OBJECTS);
  waitAvailable(NAMESPACE);
});

test.afterAll(() => {
  execFileSync(process.env.WEIR_SANDBOX_KUBECTL!, ['--kubeconfig', process.env.WEIR_SANDBOX_KUBECONFIG!, '--context', 'admin', 'delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=60s']);
});

test('"Create routing" routes a service that had none: Istio objects with all traffic on the chosen version', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'catalog');
  await expect(page.getByRole('button', { name: 'Add gray version' })).toHaveCount(0);
  expect(getObject('virtualservices.networking.istio.io', NAMESPACE, 'catalog')).toBeUndefined();

  await page.getByRole('button', { name: 'Create routing' }).click();
  await expect(service.dialog.getByRole('heading', { name: `Create routing for catalog.${NAMESPACE}` })).toBeVisible();
  await service.dialog.getByRole('radio', { name: /^Istio/ }).check();
  await service.dialog.getByLabel('Stable version', { exact: true }).selectOption('v2');
  await service.reviewAndApply('Create routing with v2 as stable');

  // What the user sees: a routed service, the wizards instead of "Create routing", the change in the history.
  await expect(service.weight('v2')).toHaveText('100%');
  await expect(service.weight('v1')).toHaveText('0%');
  await expect(page.getByRole('button', { name: 'Add gray version' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Create routing' })).toHaveCount(0);
  await expect(page.getByTestId('routing-objects')).toContainText('VirtualService catalog');
  await expect(page.getByTestId('history-entry').first()).toContainText('Created routing');
  await expect(page.getByTestId('history-entry').first()).toContainText('alice');

  // What the API server holds.
  expect(liveWeights('catalog')).toEqual({ v2: 100 });
  expect(subsets(NAMESPACE, 'catalog').sort()).toEqual(['v1', 'v2']);
  expect(release('catalog').status.history.at(-1)).toMatchObject({ user: 'alice', action: 'create-routing', to: { weights: { v2: 100 } } });
});

test('"Restore this split" puts an earlier split from the history back', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v1')).toHaveText('100%');
  await service.setWeight('v2', 20, 'Move 20% to v2');
  await expect(service.weight('v2')).toHaveText('20%');
  await service.setWeight('v2', 50, 'Move 30% to v2');
  await expect(service.weight('v2')).toHaveText('50%');
  expect(liveWeights('shop')).toEqual({ v1: 50, v2: 50 });

  // Newest first: the 50/50 change, then the one that made it 80/20. Restore the latter.
  const entries = page.getByTestId('history-entry');
  await expect(entries).toHaveCount(2);
  await expect(entries.nth(1)).toContainText('v1 80% / v2 20%');
  await entries.nth(1).getByRole('button', { name: 'Restore this split' }).click();
  await expect(service.dialog.getByTestId('restore-from-to')).toHaveText('v1 50% / v2 50% → v1 80% / v2 20%');
  await service.reviewAndApply('Restore this split');

  await expect(service.weight('v1')).toHaveText('80%');
  await expect(service.weight('v2')).toHaveText('20%');
  await expect(entries).toHaveCount(3);
  await expect(entries.first()).toContainText('Restored an earlier split');
  await expect(entries.first()).toContainText('v1 50% / v2 50% → v1 80% / v2 20%');

  expect(liveWeights('shop')).toEqual({ v1: 80, v2: 20 });
  expect(release('shop').status.history.at(-1)).toMatchObject({ user: 'alice', action: 'restore-split', from: { weights: { v1: 50, v2: 50 } }, to: { weights: { v1: 80, v2: 20 } } });

  // Back to all on v1 for the progressive release.
  await service.takeOver('v1');
  expect(liveWeights('shop')).toEqual({ v1: 100 });
});

test('a progressive release is paused, resumed and promoted now from its panel', async ({ page }) => {
  test.setTimeout(240_000);
  const service = new ServicePage(page);
  const panel = new ReleasePanel(page);
  await service.open(NAMESPACE, 'shop');
  // The checks need metrics: wait until Prometheus sees shop's traffic (all of it on v1).
  await service.expectObservedShare('v1', 1, 0.05);

  await panel.start({ stable: 'v1', gray: 'v2', step: 10, max: 90, interval: '5s', window: '30s' });
  await expect(panel.phase).toHaveText('Progressing');
  await expect(panel.progress).toContainText(/^Step 1 of 9: v2 at 10%/, { timeout: 30_000 });
  expect(liveWeights('shop')).toEqual({ v1: 90, v2: 10 });

  // Pause: the panel says so and offers Resume; the Release holds it, and no step follows while paused.
  await panel.button('Pause').click();
  await expect(panel.phase).toHaveText('Paused');
  await expect(panel.button('Resume')).toBeVisible();
  await expect(panel.button('Pause')).toHaveCount(0);
  const paused = release('shop').status;
  expect(paused).toMatchObject({ phase: 'Paused', message: 'paused by alice' });
  const weightsWhilePaused = liveWeights('shop');
  // Three intervals: a running release would have stepped (or recorded a check) by now.
  await page.waitForTimeout(15_000);
  expect(liveWeights('shop')).toEqual(weightsWhilePaused);
  expect(release('shop').status).toMatchObject({ phase: 'Paused', currentStep: paused.currentStep, failedChecks: paused.failedChecks ?? 0 });
  await expect(panel.phase).toHaveText('Paused');

  // Resume: stepping goes on from where it stood.
  await panel.button('Resume').click();
  await expect(panel.phase).toHaveText('Progressing');
  await expect(panel.button('Pause')).toBeVisible();
  expect(release('shop').status.phase).toBe('Progressing');
  await expect
    .poll(() => release('shop').status.currentStep ?? 0, { timeout: 60_000, intervals: [1_000] })
    .toBeGreaterThan(paused.currentStep);
  expect(release('shop').status.history.map((entry: { action: string; user: string }) => `${entry.action} ${entry.user}`)).toEqual(
    expect.arrayContaining(['pause alice', 'resume alice']),
  );

  // Promote now: long before 90%, v2 takes over at the next passing check.
  const stepAtPromote = release('shop').status.currentStep as number;
  expect(stepAtPromote).toBeLessThan(9);
  await panel.button('Promote now').click();
  await expect(panel.phase).toHaveText('Succeeded', { timeout: 60_000 });
  await expect(service.weight('v2')).toHaveText('100%');
  expect(liveWeights('shop')).toEqual({ v2: 100 });
  const history = page.getByTestId('history-entry');
  await expect(history.filter({ hasText: 'Asked to promote now' }).first()).toContainText('alice');
  await expect(history.first()).toContainText('Promoted');
  await expect(history.first().getByTestId('history-reason')).toContainText('promote now (asked by alice)');
  const done = release('shop').status;
  expect(done).toMatchObject({ phase: 'Succeeded', currentWeight: 100 });
  expect(done.currentStep).toBeLessThan(9);
  expect(done.history.at(-1)).toMatchObject({ action: 'progressive-promote', user: 'alice', to: { weights: { v2: 100 } } });
  expect(releaseEventReasons(NAMESPACE)).toEqual(expect.arrayContaining(['ReleaseStarted', 'ReleasePromoted']));
});

test('"Abort" sends all traffic back to the stable version and scales the gray one to 0', async ({ page }) => {
  test.setTimeout(180_000);
  const service = new ServicePage(page);
  const panel = new ReleasePanel(page);
  await service.open(NAMESPACE, 'shop');
  expect(getObject('deployment', NAMESPACE, 'shop-v1').spec.replicas).toBe(2);

  // v2 is stable now; v1 (still running, at 0%) is the gray version.
  await panel.start({ stable: 'v2', gray: 'v1', step: 10, max: 90, interval: '1h', window: '30s' });
  await expect(panel.progress).toContainText(/^Step 1 of 9: v1 at 10%/, { timeout: 30_000 });
  expect(liveWeights('shop')).toEqual({ v1: 10, v2: 90 });

  await panel.button('Abort (all traffic back to v2)').click();
  await expect(panel.phase).toHaveText('Rolled back', { timeout: 60_000 });
  await expect(service.weight('v2')).toHaveText('100%');
  await expect(service.weight('v1')).toHaveText('0%');
  await expect(page.getByTestId('history-entry').first().getByTestId('history-reason')).toHaveText('aborted by alice');
  await expect(page.getByTestId('history-entry').filter({ hasText: 'Aborted the release' }).first()).toContainText('alice');
  await expect(panel.button('Start progressive release')).toBeVisible();

  // The controller's reasons are codes: a Chinese reader reads the same lines in Chinese, the step's own reason inside.
  await page.context().addCookies([{ name: 'weir-locale', value: 'zh', url: process.env.WEIR_E2E_BASE_URL! }]);
  await page.reload();
  const history = page.getByTestId('history-entry');
  await expect(history.filter({ hasText: '已回滚' }).first().getByTestId('history-reason')).toHaveText('alice 已中止');
  await expect(history.filter({ hasText: '发布步骤' }).first().getByTestId('history-reason')).toHaveText('第 1 步：v1 占 10%（第一步）');
  await page.context().clearCookies({ name: 'weir-locale' });

  expect(liveWeights('shop')).toEqual({ v2: 100 });
  expect(getObject('deployment', NAMESPACE, 'shop-v1').spec.replicas).toBe(0);
  expect(release('shop').status).toMatchObject({ phase: 'RolledBack', currentWeight: 0 });
  expect(release('shop').status.history.at(-1)).toMatchObject({ action: 'progressive-rollback', user: 'alice', reason: 'aborted by alice', to: { weights: { v2: 100 } } });
  expect(releaseEventReasons(NAMESPACE)).toContain('ReleaseRolledBack');
});
