import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { expectAccessible } from './support/axe';
import { vsWeights } from './support/cluster';
import { applyShop } from './support/shop';
import { ServicePage } from './pages/service-page';

/*
 * Item 8 of issue 14: axe-core (every rule it has) on each page and each wizard, in each phase a user sees
 * (configure, review with its diff and dry run, done), with no serious or critical violation. The wizards run
 * on a service of this spec's own namespace; the scenarios' pages are only looked at.
 */

const NAMESPACE = 'a11y';

test.beforeAll(() => applyShop(NAMESPACE));

/** The dialog is a labelled modal: its accessible name is its title, and axe finds nothing serious in it. */
async function expectAccessibleDialog(page: Page, title: string | RegExp, where: string): Promise<Locator> {
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect.soft(dialog).toHaveAttribute('aria-modal', 'true');
  await expect.soft(dialog).toHaveAccessibleName(title);
  await expectAccessible(page, where, { include: 'dialog' });
  return dialog;
}

async function review(dialog: Locator): Promise<void> {
  await dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(dialog.getByTestId('dry-run-passed').or(dialog.getByTestId('plan-no-change')).or(dialog.getByTestId('wizard-error'))).toBeVisible();
}

async function closeDialog(dialog: Locator): Promise<void> {
  await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
  await expect(dialog).toHaveCount(0);
}

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the sign-in page', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('button', { name: 'Sign in as alice' })).toBeVisible();
    await expectAccessible(page, 'the sign-in page');
  });
});

test('the console pages: services, a service with live traffic, routing, approvals, and in Chinese', async ({ page, context }) => {
  await page.goto('/services');
  await expect(page.getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByTestId('success-cell').first()).not.toHaveAttribute('data-state', 'loading', { timeout: 30_000 });
  await expectAccessible(page, 'the services list');

  // A scenario service with traffic: the chart draws (Recharts SVG), the health table is filled.
  const nginx = new ServicePage(page);
  await nginx.open('demo', 'nginx');
  await expect(nginx.chart).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  await expect(page.getByTestId('version-health-table')).toBeVisible();
  await expectAccessible(page, 'the service page of nginx.demo');

  await page.goto('/routes');
  await expect(page.getByTestId('route-VirtualService-demo-nginx')).toBeVisible();
  await expectAccessible(page, 'the routing page');

  await page.goto('/approvals');
  await expect(page.getByRole('heading', { name: 'Approvals', level: 1 })).toBeVisible();
  await expectAccessible(page, 'the approvals page');

  await context.addCookies([{ name: 'weir-locale', value: 'zh', url: process.env.WEIR_E2E_BASE_URL! }]);
  await nginx.open('demo', 'nginx');
  await expect(page.getByRole('button', { name: '添加灰度版本' })).toBeVisible();
  await expectAccessible(page, 'the service page in Chinese');
});

test('every wizard, in each phase, on a service of its own', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v1')).toHaveText('100%');
  await expectAccessible(page, 'the service page of shop.a11y');

  // Change weights / rules: both tabs, the review with its diff, applied, and the result.
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  let dialog = await expectAccessibleDialog(page, 'Edit the gray policy of shop.a11y', 'edit gray policy: weights');
  await dialog.getByRole('tab', { name: 'By request content' }).click();
  await expect(dialog.getByTestId('content-rule-editor')).toBeVisible();
  await dialog.getByRole('button', { name: '+ Add condition' }).click();
  await expectAccessible(page, 'edit gray policy: content rules', { include: 'dialog' });
  await dialog.getByRole('tab', { name: 'By traffic ratio' }).click();
  await dialog.getByLabel('Weight of v2 in percent').fill('20');
  await review(dialog);
  await expect(dialog.getByTestId('plan-diff')).toBeVisible();
  await expectAccessible(page, 'edit gray policy: review', { include: 'dialog' });
  await dialog.getByRole('button', { name: 'Move 20% to v2' }).click();
  await expect(dialog.getByTestId('wizard-done')).toBeVisible({ timeout: 60_000 });
  await expectAccessible(page, 'edit gray policy: done', { include: 'dialog' });
  await closeDialog(dialog);
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 80, v2: 20 });

  // The page with a history and two versions in use.
  await expect(page.getByTestId('history-entry')).toHaveCount(1);
  await expectAccessible(page, 'the service page of shop.a11y after a change');

  // Restore this split (from the history).
  await page.getByRole('button', { name: 'Restore this split' }).first().click();
  dialog = await expectAccessibleDialog(page, /Restore/, 'restore this split');
  await review(dialog);
  await expectAccessible(page, 'restore this split: review', { include: 'dialog' });
  await closeDialog(dialog);

  // Add a gray version, with a content rule and a weight.
  await page.getByRole('button', { name: 'Add gray version' }).click();
  dialog = await expectAccessibleDialog(page, /shop\.a11y/, 'add gray version');
  await dialog.getByLabel('Both').check();
  await dialog.getByRole('button', { name: '+ Add variable' }).click();
  await expectAccessible(page, 'add gray version: content rule and variables', { include: 'dialog' });
  await dialog.getByRole('button', { name: 'Remove' }).first().click();
  await review(dialog);
  await expect(dialog.getByTestId('dry-run-passed')).toBeVisible();
  await expectAccessible(page, 'add gray version: review', { include: 'dialog' });
  await closeDialog(dialog);

  // Take over all traffic.
  await service.versionRow('v2').getByRole('button', { name: 'Take over all traffic' }).click();
  dialog = await expectAccessibleDialog(page, /v2/, 'take over');
  await review(dialog);
  await expect(dialog.getByTestId('dry-run-passed')).toBeVisible();
  await expectAccessible(page, 'take over: review', { include: 'dialog' });
  await closeDialog(dialog);

  // Delete a version that still gets traffic (the warning and its way out), then its review.
  await service.versionRow('v2').getByRole('button', { name: 'Delete version' }).click();
  dialog = await expectAccessibleDialog(page, /v2/, 'delete version');
  await expect(dialog.getByTestId('delete-in-use')).toBeVisible();
  await review(dialog);
  await expectAccessible(page, 'delete version: review', { include: 'dialog' });
  await closeDialog(dialog);

  // Scale a version.
  await service.versionRow('v2').getByRole('button', { name: 'Scale' }).click();
  dialog = await expectAccessibleDialog(page, /v2/, 'scale version');
  await review(dialog);
  await expectAccessible(page, 'scale version: review', { include: 'dialog' });
  await closeDialog(dialog);

  // Start a progressive release (not started: the settings form and its validation errors).
  await page.getByRole('button', { name: 'Start progressive release' }).click();
  dialog = await expectAccessibleDialog(page, /shop\.a11y/, 'progressive release');
  await dialog.getByLabel('Step (percent)').fill('');
  await dialog.getByRole('button', { name: /^Start releasing/ }).click();
  await expect(dialog.getByRole('alert').first()).toBeVisible();
  await expectAccessible(page, 'progressive release: with a field error', { include: 'dialog' });
  await closeDialog(dialog);

  // Create routing, on the namespace's Service without any.
  await service.open(NAMESPACE, 'plain');
  await expectAccessible(page, 'the service page of an unrouted service');
  await page.getByRole('button', { name: 'Create routing' }).click();
  dialog = await expectAccessibleDialog(page, /plain\.a11y/, 'create routing');
  await review(dialog);
  await expectAccessible(page, 'create routing: review', { include: 'dialog' });
  await closeDialog(dialog);
});

test('the approvals page with a request waiting, for the requester and for the team lead who decides', async ({ page, browser }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  // Every traffic change of shop now needs a team lead's approval.
  await page.getByTestId('approval-policy').selectOption('beforeEveryStep');
  await expect(page.getByTestId('approval-policy')).toHaveValue('beforeEveryStep');
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByLabel('Weight of v2 in percent').fill('40');
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();
  await service.dialog.getByRole('button', { name: /Request approval/ }).click();
  await expect(service.dialog.getByTestId('wizard-requested')).toBeVisible();
  await expectAccessible(page, 'a change sent for approval', { include: 'dialog' });
  await closeDialog(service.dialog);

  await page.goto('/approvals');
  await expect(page.getByTestId('approval-request').filter({ hasText: `shop.${NAMESPACE}` })).toBeVisible();
  await expectAccessible(page, 'the approvals page, as the requester');

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const bob = await context.newPage();
  try {
    await bob.goto('/login');
    await bob.getByRole('button', { name: 'Sign in as bob' }).click();
    await expect(bob.getByTestId('signed-in-user')).toHaveText('Signed in as bob');
    await bob.goto('/approvals');
    const request = bob.getByTestId('approval-request').filter({ hasText: `shop.${NAMESPACE}` });
    await expect(request.getByRole('button', { name: 'Reject' })).toBeVisible();
    await expectAccessible(bob, 'the approvals page, as the team lead');
    // Leave nothing waiting for later specs.
    await request.getByRole('button', { name: 'Reject' }).click();
    await expect(request).toHaveCount(0);
  } finally {
    await context.close();
  }
});
