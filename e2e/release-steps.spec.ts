import { execFileSync } from 'node:child_process';
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { applyYaml, getObject, releaseEventReasons, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { ReleasePanel } from './pages/release-panel';
import { deploymentYaml, destinationRuleYaml, namespaceYaml, serviceYaml, sleepClientYaml, virtualServiceYaml, yamlDocuments } from './support/shop';

/*
 * Release plans (issue 13 item 4) in Chromium: alice builds a custom step list in the wizard (10%, a pause,
 * "wait for approval", 50%), the release stops at the approval step, bob (team lead) approves it on the
 * Approvals page, and the release goes on and promotes. Then an A/B release by cookie: v3 gets the requests with
 * the cookie gray=true (the simulator's gray callers), is checked on that traffic, and is promoted. Then a
 * blue/green release with mirroring: v4 gets a copy of the requests while v3 answers them all, is checked on
 * that copy, and takes all traffic at once. Then session affinity: v1's answers set a cookie that keeps its
 * users on it, until the release ends. A namespace of this spec's own; the tests run in order (each starts
 * where the one before left shop).
 */

const NAMESPACE = 'release-steps';
const HOST = `shop.${NAMESPACE}`;

const OBJECTS = yamlDocuments(
  namespaceYaml(NAMESPACE),
  serviceYaml(NAMESPACE, 'shop'),
  deploymentYaml(NAMESPACE, 'shop', 'v1'),
  deploymentYaml(NAMESPACE, 'shop', 'v2'),
  deploymentYaml(NAMESPACE, 'shop', 'v3'),
  deploymentYaml(NAMESPACE, 'shop', 'v4'),
  sleepClientYaml(NAMESPACE),
  destinationRuleYaml(NAMESPACE, 'shop', ['v1', 'v2', 'v3', 'v4']),
  virtualServiceYaml(NAMESPACE, 'shop', { v1: 100 }),
);

function release(): { spec: Record<string, any>; status: Record<string, any> } {
  return getObject('releases.weir.dev', NAMESPACE, 'shop')!;
}

const liveWeights = () => Object.fromEntries(Object.entries(vsWeights(NAMESPACE, 'shop')).filter(([, weight]) => weight > 0));

async function signInAs(browser: Browser, user: string): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByRole('button', { name: `Sign in as ${user}` }).click();
  await expect(page.getByTestId('signed-in-user')).toHaveText(`Signed in as ${user}`);
  return page;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  applyYaml(OBJECTS);
  waitAvailable(NAMESPACE);
});

test.afterAll(() => {
  execFileSync(process.env.WEIR_SANDBOX_KUBECTL!, ['--kubeconfig', process.env.WEIR_SANDBOX_KUBECONFIG!, '--context', 'admin', 'delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=60s']);
});

test('a custom step list with a "wait for approval" step: bob approves it, the release goes on and promotes', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const service = new ServicePage(page);
  const panel = new ReleasePanel(page);
  const dialog = page.getByRole('dialog');
  await service.open(NAMESPACE, 'shop');
  await service.expectObservedShare('v1', 1, 0.05);

  // A plan whose weights go down is refused in the wizard, under the step that goes down.
  await panel.fillPlan({ stable: 'v1', gray: 'v2', interval: '5s', window: '30s', threshold: 20 }, [50, { pause: '5s' }, 20]);
  await dialog.getByRole('button', { name: 'Start releasing v2' }).click();
  await expect(dialog.getByTestId('error-steps.2')).toHaveText('must not be below the weight before it (50%)');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect(getObject('releases.weir.dev', NAMESPACE, 'shop')?.spec?.steps).toBeUndefined();

  await panel.fillPlan({ stable: 'v1', gray: 'v2', interval: '5s', window: '30s', threshold: 20 }, [10, { pause: '5s' }, 'approval', 50]);
  await expect(dialog.getByTestId('progressive-summary')).toContainText('v2: 10% → pause 5s → wait for approval → 50%');
  await dialog.getByRole('button', { name: 'Start releasing v2' }).click();
  await expect(dialog).toHaveCount(0);
  expect(release().spec.steps).toEqual([{ setWeight: 10 }, { pause: '5s' }, { approval: true }, { setWeight: 50 }]);

  // The panel shows the plan and follows the controller to the approval step, highlighted.
  await expect(panel.planSteps).toHaveText(['10%', 'pause 5s', 'wait for approval', '50%']);
  await expect(panel.phase).toHaveText('Waiting for approval', { timeout: 60_000 });
  await expect(panel.planSteps.nth(2)).toHaveAttribute('aria-current', 'step');
  await expect(panel.planSteps.nth(0)).toHaveAttribute('data-state', 'done');
  await expect(panel.planSteps.nth(1)).toHaveAttribute('data-state', 'done');
  await expect(panel.planSteps.nth(3)).toHaveAttribute('data-state', 'todo');
  await expect(page.getByTestId('release-message')).toHaveText('waiting for a team lead to approve step 3');
  expect(liveWeights()).toEqual({ v1: 90, v2: 10 });

  // bob (team lead) approves the step on the Approvals page.
  const bob = await signInAs(browser, 'bob');
  await bob.goto('/approvals');
  const forBob = bob.getByTestId('approval-request').filter({ hasText: HOST });
  await expect(forBob.getByTestId('approval-summary')).toHaveText('step 3: go on with v2 (now at 10%)');
  await expect(forBob.getByTestId('approval-requester')).toContainText('asked by alice');
  await forBob.getByRole('button', { name: 'Approve' }).click();
  await expect(bob.getByTestId('approval-request').filter({ hasText: HOST })).toHaveCount(0);
  await bob.context().close();

  // The release goes on: 50% after a passing check, then promotion.
  await expect(panel.phase).toHaveText('Succeeded', { timeout: 120_000 });
  await expect(panel.planSteps.nth(3)).toHaveAttribute('data-state', 'done');
  await expect(service.weight('v2')).toHaveText('100%');
  expect(liveWeights()).toEqual({ v2: 100 });
  const steps = release().status.history.filter((entry: { action: string }) => entry.action === 'progressive-step');
  expect(steps.map((entry: { reason: string }) => entry.reason.replace(/ \(.*$/, ''))).toEqual(['step 1: v2 at 10%', 'step 2: v2 at 10%', 'step 3: v2 at 10%', 'step 4: v2 at 50%']);
  expect(steps[2].reason).toBe('step 3: v2 at 10% (step approved by bob)');
  expect(release().status.history.at(-1)).toMatchObject({ action: 'progressive-promote', to: { weights: { v2: 100 } } });
  expect(releaseEventReasons(NAMESPACE)).toEqual(expect.arrayContaining(['ReleaseStarted', 'ApprovalRequested', 'ReleaseApproved', 'ReleasePromoted']));
});

test('an A/B release by cookie: the matching requests go to v3 first, are checked, and v3 is promoted', async ({ page }) => {
  test.setTimeout(240_000);
  const service = new ServicePage(page);
  const panel = new ReleasePanel(page);
  const dialog = page.getByRole('dialog');
  const cookieRule = '^(.*?;\\s*)?(gray=true)(;.*)?$';
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v2')).toHaveText('100%');

  await panel.fillPlan({ stable: 'v2', gray: 'v3', interval: '5s', window: '30s', threshold: 20 }, ['cookie gray=true']);
  await expect(dialog.getByTestId('progressive-summary')).toContainText(`v3: requests matching cookie ~ ${cookieRule}`);
  await dialog.getByRole('button', { name: 'Start releasing v3' }).click();
  await expect(dialog).toHaveCount(0);
  expect(release().spec.steps).toEqual([{ setRule: { match: 'any', conditions: [{ on: 'cookie', operator: 'regex', value: cookieRule }] } }]);

  // Step 1: the matching requests go to v3 (a rule in the VirtualService), the weights stay on v2.
  await expect(page.getByTestId('release-message')).toHaveText(`step 1: requests matching cookie ~ ${cookieRule} go to v3`, { timeout: 60_000 });
  const vs = getObject('virtualservice', NAMESPACE, 'shop');
  const matched = vs.spec.http.filter((http: { match?: unknown[] }) => http.match?.length);
  expect(matched.map((http: { route: { destination: { subset: string } }[] }) => http.route.map((route) => route.destination.subset))).toEqual([['v3']]);
  expect(liveWeights()).toEqual({ v2: 100 });

  // A passing check of v3 (only the matching requests reach it), then promotion, which removes the rule.
  await expect(panel.phase).toHaveText('Succeeded', { timeout: 120_000 });
  await expect(service.weight('v3')).toHaveText('100%');
  const done = release().status;
  expect(done.lastAnalysis).toMatchObject({ passed: true });
  expect(done.lastAnalysis.requestsPerSecond).toBeGreaterThan(0);
  expect(done.history.at(-1)).toMatchObject({ action: 'progressive-promote', to: { weights: { v3: 100 }, rules: [] } });
  expect(done.history.at(-1).reason).toMatch(/^plan done; success rate/);
  expect(getObject('virtualservice', NAMESPACE, 'shop').spec.http.some((http: { match?: unknown[] }) => http.match?.length)).toBe(false);
});

test('a blue/green release with mirroring: v4 gets a copy of the requests while v3 answers them all, is checked on the copy, then takes all traffic at once', async ({ page }) => {
  test.setTimeout(240_000);
  const service = new ServicePage(page);
  const panel = new ReleasePanel(page);
  const dialog = page.getByRole('dialog');
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v3')).toHaveText('100%');

  await panel.button('Start progressive release').click();
  await dialog.getByLabel('Stable version', { exact: true }).selectOption('v3');
  await dialog.getByLabel('Gray version', { exact: true }).selectOption('v4');
  await dialog.getByLabel('Blue/green with mirroring').check();
  await expect(dialog.getByTestId('blue-green-hint')).toHaveText('A copy of the requests goes to v4 while v3 answers them all; once a check passes, v4 takes all traffic at once.');
  // The preset is a plan of one mirror step, which the step editor shows and could extend.
  await expect(dialog.getByLabel('Step 1', { exact: true })).toHaveValue('setMirror');
  await expect(dialog.getByLabel('Step 1 mirror (percent of requests)')).toHaveValue('100');
  await dialog.getByLabel('Interval between steps').fill('5s');
  await dialog.getByLabel('Failed checks before rollback').fill('20');
  await dialog.getByLabel('Metrics window').fill('30s');
  await dialog.getByLabel('Approval', { exact: true }).selectOption('none');
  await expect(dialog.getByTestId('progressive-summary')).toHaveText('v4: mirror 100%; v4 is checked on the copied requests every 5s, then takes all traffic at once; 20 failed checks roll back.');
  await dialog.getByRole('button', { name: 'Start releasing v4' }).click();
  await expect(dialog).toHaveCount(0);
  expect(release().spec.steps).toEqual([{ setMirror: 100 }]);

  // The mirror phase: the route copies every request to v4; v3 keeps all the weight and answers them all.
  await expect(page.getByTestId('release-message')).toHaveText('step 1: a copy of 100% of the requests goes to v4 (answers dropped)', { timeout: 60_000 });
  await expect(panel.planSteps).toHaveText(['mirror 100%']);
  await expect(panel.progress).toContainText('Step 1 of 1: a copy of 100% of the requests to v4 (answers dropped) · failed checks');
  await expect(page.getByTestId('routing-mirror')).toContainText('a copy of 100% to v4 (answers dropped)');
  await expect(page.getByTestId('chart-mirror-note')).toContainText('v4 also gets a copy of 100% of the requests');
  const managed = getObject('virtualservice', NAMESPACE, 'shop').spec.http.at(-1);
  expect(managed.mirror).toEqual({ host: 'shop', subset: 'v4' });
  expect(liveWeights()).toEqual({ v3: 100 });
  await expect(service.weight('v4')).toHaveText('0%');

  // A passing check of v4 on the mirrored copies, then the switch: v3 at 100% straight to v4 at 100%, the mirror gone.
  await expect(panel.phase).toHaveText('Succeeded', { timeout: 120_000 });
  await expect(service.weight('v4')).toHaveText('100%');
  await expect(page.getByTestId('routing-mirror')).toHaveCount(0);
  await expect(page.getByTestId('chart-mirror-note')).toHaveCount(0);
  const done = release().status;
  expect(done.lastAnalysis).toMatchObject({ passed: true });
  expect(done.lastAnalysis.requestsPerSecond).toBeGreaterThan(0);
  const steps = done.history.filter((entry: { action: string }) => entry.action.startsWith('progressive-'));
  expect(steps.at(-2).reason).toBe('step 1: a copy of 100% of the requests to v4 (first step)');
  expect(steps.at(-1).action).toBe('progressive-promote');
  expect([steps.at(-1).from.weights, steps.at(-1).to.weights]).toEqual([{ v3: 100 }, { v4: 100 }]);
  expect(steps.at(-1).reason).toMatch(/^plan done; success rate/);
  expect(getObject('virtualservice', NAMESPACE, 'shop').spec.http.at(-1).mirror).toBeUndefined();
  expect(liveWeights()).toEqual({ v4: 100 });
});

test('session affinity: once v1 has a weight, its answers set the cookie and the page says a user who reached it stays on it; aborting lifts it', async ({ page }) => {
  test.setTimeout(240_000);
  const service = new ServicePage(page);
  const panel = new ReleasePanel(page);
  const dialog = page.getByRole('dialog');
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v4')).toHaveText('100%');

  await panel.button('Start progressive release').click();
  await dialog.getByLabel('Stable version', { exact: true }).selectOption('v4');
  await dialog.getByLabel('Gray version', { exact: true }).selectOption('v1');
  await dialog.getByLabel('Step (percent)').fill('30');
  await dialog.getByLabel('Maximum weight before promotion (percent)').fill('30');
  await dialog.getByLabel('Interval between steps').fill('5s');
  await dialog.getByLabel('Failed checks before rollback').fill('20');
  await dialog.getByLabel('Metrics window').fill('30s');
  await dialog.getByLabel('Approval', { exact: true }).selectOption('beforePromotion');
  await dialog.getByLabel('Keep each user on the version they reached (session affinity)').check();
  // A cookie name a header could not carry is refused on its field, and nothing is sent.
  await dialog.getByLabel('Session cookie').fill('shop release');
  await dialog.getByRole('button', { name: 'Start releasing v1' }).click();
  await expect(dialog.getByText('must be letters, digits, - and _ only (at most 64)')).toBeVisible();
  expect(release().spec.sessionAffinity).toBeUndefined();
  await dialog.getByLabel('Session cookie').fill('shop-release');
  await dialog.getByLabel('Cookie lifetime (seconds)').fill('3600');
  await dialog.getByRole('button', { name: 'Start releasing v1' }).click();
  await expect(dialog).toHaveCount(0);
  expect(release().spec.sessionAffinity).toEqual({ cookieName: 'shop-release', maxAge: 3600 });

  // At 30%: v1's answers set the cookie; the page says so and shows the rule that keeps its users on v1.
  await expect(page.getByTestId('routing-sticky')).toHaveText("v1's answers set the cookie shop-release for 3,600 seconds, so a user who reached v1 stays on it", { timeout: 60_000 });
  await expect(page.getByTestId('routing-in-words')).toContainText('shop-release=v1');
  const weighted = getObject('virtualservice', NAMESPACE, 'shop').spec.http.at(-1);
  expect(weighted.route.find((entry: { destination: { subset: string } }) => entry.destination.subset === 'v1').headers).toEqual({ response: { add: { 'Set-Cookie': 'shop-release=v1; Max-Age=3600; Path=/' } } });
  expect(liveWeights()).toEqual({ v4: 70, v1: 30 });

  // The promotion waits for a team lead; alice aborts instead: v4 takes all traffic back, and the cookie and its rule go.
  await expect(panel.phase).toHaveText('Waiting for approval', { timeout: 120_000 });
  await panel.button('Abort (all traffic back to v4)').click();
  await expect(panel.phase).toHaveText('Rolled back', { timeout: 60_000 });
  await expect(page.getByTestId('routing-sticky')).toHaveCount(0);
  expect(JSON.stringify(getObject('virtualservice', NAMESPACE, 'shop').spec.http)).not.toContain('shop-release');
  expect(liveWeights()).toEqual({ v4: 100 });
});
