import type { Browser, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { getObject, releaseEventReasons, vsWeights } from './support/cluster';
import { ServicePage } from './pages/service-page';

/*
 * Scenario 3 (DESIGN.md): podinfo in `test`, progressive and analysed. The console's own controller steps the
 * traffic; the interval is shortened from 30 s to 5 s (and the window to 30 s) so the test takes minutes.
 */

/** A build of v3 without the fault of 6.2.0 (the sandbox's simulator fails v3 only on that image). */
const FIXED_V3 = 'ghcr.io/stefanprodan/podinfo:6.2.1';

async function signInAs(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in as ${user}` }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveText(`Signed in as ${user}`);
  return page;
}

async function startRelease(service: ServicePage, options: { stable: string; gray: string; approval: string }) {
  const { page, dialog } = service;
  await page.getByRole('button', { name: 'Start progressive release' }).click();
  await dialog.getByLabel('Stable version', { exact: true }).selectOption(options.stable);
  await dialog.getByLabel('Gray version', { exact: true }).selectOption(options.gray);
  await dialog.getByLabel('Step (percent)').fill('5');
  await dialog.getByLabel('Maximum weight before promotion (percent)').fill('50');
  await dialog.getByLabel('Interval between steps').fill('5s');
  await dialog.getByLabel('Failed checks before rollback').fill('5');
  await dialog.getByLabel('Metrics window').fill('30s');
  await dialog.getByLabel('Approval', { exact: true }).selectOption(options.approval);
  await expect(dialog.getByTestId('progressive-summary')).toContainText('5% → 10% → 15% → 20% → 25% → 30% → 35% → 40% → 45% → 50%');
  await dialog.getByRole('button', { name: `Start releasing ${options.gray}` }).click();
  await expect(dialog).toHaveCount(0);
}

test('podinfo v2 steps 5% … 50%, waits for a team lead, and bob’s approval promotes it', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const service = new ServicePage(page);
  await service.open('test', 'podinfo');
  await expect(page.getByTestId('release-panel')).toBeVisible();
  await startRelease(service, { stable: 'v1', gray: 'v2', approval: 'beforePromotion' });

  // The panel follows the controller live (change stream), step by step, up to the approval gate.
  await expect(page.getByTestId('release-phase')).toHaveText('Progressing');
  await expect(page.getByTestId('release-progress')).toContainText(/Step [1-9]\d* of 10: v2 at \d+%/, { timeout: 30_000 });
  await expect(page.getByTestId('release-phase')).toHaveText('Waiting for approval', { timeout: 150_000 });
  expect(vsWeights('test', 'podinfo')).toEqual({ v1: 50, v2: 50 });
  // Manual changes wait while the release owns the split.
  await expect(page.getByRole('button', { name: 'Edit gray policy' })).toBeDisabled();
  const steps = await page.getByTestId('history-entry').filter({ hasText: 'Release step' }).allTextContents();
  expect(steps.map((text) => text.match(/step (\d+): v2 at (\d+)%/)?.slice(1, 3).join(':'))).toEqual(
    ['10:50', '9:45', '8:40', '7:35', '6:30', '5:25', '4:20', '3:15', '2:10', '1:5'],
  );

  // alice asked (she started the release): no buttons for her, only why.
  await page.getByRole('link', { name: 'Open approvals' }).click();
  const own = page.getByTestId('approval-request').filter({ hasText: 'podinfo.test' });
  await expect(own.getByTestId('approval-summary')).toHaveText('promote v2: it takes over all traffic');
  await expect(own.getByTestId('approval-cannot-decide')).toHaveText('You asked for this change; another team lead must decide.');
  await expect(own.getByRole('button', { name: 'Approve' })).toHaveCount(0);

  // victor (viewer) sees the request, has no button, and the route refuses him.
  const victor = await signInAs(browser, 'victor');
  await victor.goto('/approvals');
  const forVictor = victor.getByTestId('approval-request').filter({ hasText: 'podinfo.test' });
  await expect(forVictor.getByTestId('approval-cannot-decide')).toContainText('Only team leads');
  await expect(forVictor.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  const id = await forVictor.getAttribute('data-request-id');
  const csrf = (await (await victor.request.get('/api/auth/session')).json()).csrfToken as string;
  const refused = await victor.request.post(`/api/approvals/sandbox/test/podinfo/${id}`, {
    data: { decision: 'approve' },
    headers: { origin: new URL(victor.url()).origin, 'x-csrf-token': csrf },
  });
  expect(refused.status()).toBe(403);
  expect(vsWeights('test', 'podinfo')).toEqual({ v1: 50, v2: 50 });
  await victor.context().close();

  // bob (team lead) approves with a comment; the release promotes v2.
  const bob = await signInAs(browser, 'bob');
  await bob.goto('/approvals');
  const forBob = bob.getByTestId('approval-request').filter({ hasText: 'podinfo.test' });
  await expect(forBob.getByTestId('approval-requester')).toContainText('asked by alice');
  await forBob.getByLabel('Comment (optional)').fill('checks are green');
  await forBob.getByRole('button', { name: 'Approve' }).click();
  await expect(bob.getByTestId('approval-request').filter({ hasText: 'podinfo.test' })).toHaveCount(0);
  await expect(bob.getByTestId('approvals-decided')).toContainText('alice asked, bob decided');
  await bob.context().close();

  await expect(page.getByTestId('approval-request').filter({ hasText: 'podinfo.test' })).toHaveCount(0);
  await service.open('test', 'podinfo');
  await expect(page.getByTestId('release-phase')).toHaveText('Succeeded', { timeout: 30_000 });
  expect(vsWeights('test', 'podinfo')).toEqual({ v2: 100 });
  await expect(page.getByTestId('history-entry').first()).toContainText('Promoted');
  await expect(page.getByTestId('history-entry').first()).toContainText('promotion approved by bob');

  expect(releaseEventReasons('test')).toEqual(expect.arrayContaining(['ReleaseStarted', 'ApprovalRequested', 'ReleaseApproved', 'ReleasePromoted']));
});

test('podinfo v3 answers 5% errors and is rolled back automatically, with the reason in the history', async ({ page }) => {
  test.setTimeout(240_000);
  const service = new ServicePage(page);
  await service.open('test', 'podinfo');
  await startRelease(service, { stable: 'v2', gray: 'v3', approval: 'beforePromotion' });

  await expect(page.getByTestId('release-phase')).toHaveText('Rolled back', { timeout: 180_000 });
  expect(vsWeights('test', 'podinfo')).toEqual({ v2: 100 });
  expect(getObject('deployment', 'test', 'podinfo-v3').spec.replicas).toBe(0);
  const rollback = page.getByTestId('history-entry').filter({ hasText: 'Rolled back' }).first();
  // The check that rolled it back measured v3's errors: a success rate below the minimum (and a p99 within its
  // limit, so the reason names nothing else), not a missing metric.
  await expect(rollback.getByTestId('history-reason')).toHaveText(/^5 failed checks \(threshold 5\); last: success rate [\d.]+% < 99%$/);
  await expect(page.getByTestId('release-message')).toContainText('rolled back to v2');

  // Rolled back, v3 sits at 0 pods; the panel offers a fixed build of it, one reviewed change: new image, pods back.
  await expect(service.versionRow('v3').getByText('0/0')).toBeVisible();
  await expect(page.getByTestId('fix-image-offer')).toContainText('v3 was rolled back and sits at 0 pods');
  await page.getByRole('button', { name: 'Release a fixed image of v3' }).click();
  await expect(service.dialog.getByLabel('New image')).toHaveValue('ghcr.io/stefanprodan/podinfo:6.2.0');
  await service.dialog.getByLabel('New image').fill(FIXED_V3);
  await service.dialog.getByLabel('Pods').fill('1');
  await service.reviewAndApply(`Update v3 to ${FIXED_V3} with 1 pod`);
  await expect.poll(() => getObject('deployment', 'test', 'podinfo-v3').status.readyReplicas ?? 0, { timeout: 30_000 }).toBe(1);
  expect(getObject('deployment', 'test', 'podinfo-v3').spec.template.spec.containers[0].image).toBe(FIXED_V3);
  await expect(service.versionRow('v3').getByText('1/1')).toBeVisible();
  await expect(service.versionRow('v3')).toContainText(FIXED_V3);
  await expect(page.getByTestId('history-entry').first()).toContainText('Put a new image on a version');
});

test('the fixed v3 is released again: its checks pass this time and it is promoted', async ({ page }) => {
  test.setTimeout(240_000);
  const service = new ServicePage(page);
  await service.open('test', 'podinfo');
  // The sandbox's v3 fails only on the faulty build (weir.dev/sim-faulty-image): the fixed one answers without errors.
  expect(getObject('deployment', 'test', 'podinfo-v3').spec.template.spec.containers[0].image).toBe(FIXED_V3);
  await expect(page.getByTestId('fix-image-offer')).toHaveCount(0);
  await startRelease(service, { stable: 'v2', gray: 'v3', approval: 'none' });
  await expect(page.getByTestId('release-phase')).toHaveText('Succeeded', { timeout: 180_000 });
  expect(vsWeights('test', 'podinfo')).toEqual({ v3: 100 });
  const steps = await page.getByTestId('history-entry').filter({ hasText: 'Release step' }).count();
  expect(steps).toBeGreaterThanOrEqual(10);
  await expect(page.getByTestId('history-entry').first()).toContainText('Promoted');
});
