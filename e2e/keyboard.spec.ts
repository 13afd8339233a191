import type { Locator, Page } from '@playwright/test';
import { expect, test } from './support/test';
import { vsWeights } from './support/cluster';
import { applyShop } from './support/shop';
import { ServicePage } from './pages/service-page';

/*
 * Item 8 of issue 14: every wizard is operable by keyboard alone. No test here clicks: the wizards are reached
 * with Tab and opened with Enter or Space, filled with typing, arrows and Space, reviewed (diff + server-side
 * dry run) and, for the weights, applied. A dialog takes focus when it opens, keeps it while Tab and Shift+Tab
 * go round, closes on Escape and gives focus back to the button that opened it.
 */

const NAMESPACE = 'keyboard';

test.beforeAll(() => applyShop(NAMESPACE));

/** Presses Tab (or Shift+Tab) until `target` has focus; fails if it never does, i.e. Tab cannot reach it. */
async function tabTo(page: Page, target: Locator, { backwards = false, max = 150 } = {}): Promise<void> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses <= max; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${max} presses of ${backwards ? 'Shift+Tab' : 'Tab'} never reached ${target}`);
}

/** What has focus now, in words, for failure messages: `button "Review changes"` or `body`. */
function focusedElement(page: Page): Promise<{ inDialog: boolean; what: string }> {
  return page.evaluate(() => {
    const element = document.activeElement;
    const what = element ? `${element.tagName.toLowerCase()} "${(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40)}"` : 'nothing';
    return { inDialog: Boolean(element?.closest('dialog[open]')), what };
  });
}

async function expectFocusInDialog(page: Page, when: string): Promise<void> {
  const focused = await focusedElement(page);
  expect(focused.inDialog, `focus ${when} is on ${focused.what}, outside the dialog`).toBe(true);
}

/**
 * Opens a wizard from `opener` with `key`, checks the dialog took focus and keeps it for more Tab / Shift+Tab
 * presses than it has controls, closes it with Escape and checks focus is back on the opener.
 */
async function checkDialogFocus(page: Page, opener: Locator, key: 'Enter' | ' ', title: string | RegExp): Promise<void> {
  await tabTo(page, opener);
  await page.keyboard.press(key);
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleName(title);
  await expectFocusInDialog(page, 'when the dialog opened');
  const controls = await dialog.locator('a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea, summary').count();
  for (let press = 1; press <= controls + 3; press += 1) {
    await page.keyboard.press('Tab');
    await expectFocusInDialog(page, `after Tab ${press} of ${controls + 3}`);
  }
  for (let press = 1; press <= controls + 3; press += 1) {
    await page.keyboard.press('Shift+Tab');
    await expectFocusInDialog(page, `after Shift+Tab ${press} of ${controls + 3}`);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener, 'focus returns to the button that opened the dialog').toBeFocused();
}

/** Replaces the text of the focused field with `text`, by keyboard. */
async function typeOver(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

async function reviewByKeyboard(page: Page, dialog: Locator): Promise<void> {
  await tabTo(page, dialog.getByRole('button', { name: 'Review changes' }));
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('dry-run-passed')).toBeVisible();
  await expect(dialog.getByTestId('plan-steps')).toBeVisible();
  // The review button went with its phase; focus stays in the wizard, where the review begins.
  await expect(dialog.getByTestId('wizard-phase')).toBeFocused();
}

test('the weights are changed by keyboard alone: opened with Enter, slider moved with arrows, reviewed, dry-run, applied', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v1')).toHaveText('100%');
  const opener = page.getByRole('button', { name: 'Edit gray policy' });

  await tabTo(page, opener);
  await page.keyboard.press('Enter');
  const dialog = service.dialog;
  await expect(dialog).toHaveAccessibleName('Edit the gray policy of shop.keyboard');
  await expectFocusInDialog(page, 'when the dialog opened');

  // The slider of v2: 25 presses of the right arrow is 25%, and v1 makes room.
  await tabTo(page, dialog.getByRole('slider', { name: 'Weight of v2' }));
  for (let press = 0; press < 25; press += 1) await page.keyboard.press('ArrowRight');
  await expect(dialog.getByLabel('Weight of v2 in percent')).toHaveValue('25');
  await expect(dialog.getByLabel('Weight of v1 in percent')).toHaveValue('75');
  await expect(dialog.getByTestId('weights-sum')).toHaveText('Total 100%');

  await reviewByKeyboard(page, dialog);
  await tabTo(page, dialog.getByRole('button', { name: 'Move 25% to v2' }));
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('wizard-done')).toBeVisible({ timeout: 60_000 });
  await expect(dialog.getByTestId('wizard-phase')).toBeFocused();
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 75, v2: 25 });

  await tabTo(page, dialog.getByRole('button', { name: 'Close', exact: true }).last());
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
  await expect(service.weight('v2')).toHaveText('25%');
});

test('a content rule by keyboard: the tabs move with the arrow keys, the rule is typed, reviewed and dry-run', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  const opener = page.getByRole('button', { name: 'Edit gray policy' });
  await tabTo(page, opener);
  await page.keyboard.press(' ');
  const dialog = service.dialog;
  await expect(dialog).toBeVisible();

  // One tab stop for the tabs; the right arrow selects the next tab and focuses it.
  const weightsTab = dialog.getByRole('tab', { name: 'By traffic ratio' });
  const contentTab = dialog.getByRole('tab', { name: 'By request content' });
  await tabTo(page, weightsTab);
  await page.keyboard.press('ArrowRight');
  await expect(contentTab).toHaveAttribute('aria-selected', 'true');
  await expect(contentTab).toBeFocused();
  await expect(dialog.getByRole('tabpanel')).toHaveAccessibleName('By request content');
  await page.keyboard.press('ArrowLeft');
  await expect(weightsTab).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(dialog.getByRole('tab', { name: 'Mirror' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(contentTab).toHaveAttribute('aria-selected', 'true');

  // The rule's version from its select (arrows), "all conditions" from the radios (arrows), a header typed.
  await tabTo(page, dialog.getByLabel('Send matching requests to'));
  await expect(dialog.getByLabel('Send matching requests to')).toHaveValue('v2');
  await tabTo(page, dialog.getByRole('radio', { name: 'Any condition matches' }));
  await page.keyboard.press('ArrowRight');
  await expect(dialog.getByRole('radio', { name: 'All conditions match' })).toBeChecked();
  await tabTo(page, dialog.getByRole('button', { name: '+ Add condition' }));
  await page.keyboard.press('Enter');
  await tabTo(page, dialog.getByRole('textbox', { name: 'Value', exact: true }));
  await typeOver(page, 'tester');
  await expect(dialog.getByRole('textbox', { name: 'Value', exact: true })).toHaveValue('tester');

  await reviewByKeyboard(page, dialog);
  await expect(dialog.getByRole('button', { name: 'Send matching requests to v2' })).toBeVisible();
  // Back to the form keeps what was typed; Escape closes without a change.
  await tabTo(page, dialog.getByRole('button', { name: 'Back' }));
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('textbox', { name: 'Value', exact: true })).toHaveValue('tester');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 75, v2: 25 });
});

test('a gray version is added by keyboard up to its dry run: typed names, radios and slider by arrows', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  const opener = page.getByRole('button', { name: 'Add gray version' });
  await tabTo(page, opener);
  await page.keyboard.press('Enter');
  const dialog = service.dialog;
  await expect(dialog).toHaveAccessibleName('Add a gray version to shop.keyboard');

  await tabTo(page, dialog.getByLabel('Version name'));
  await typeOver(page, 'v3');
  await tabTo(page, dialog.getByLabel('Image'));
  await typeOver(page, 'registry.example/shop:3');
  // The policy radios: one tab stop, arrows choose. "Both" shows the rule editor and keeps the weight.
  await tabTo(page, dialog.getByRole('radio', { name: 'By traffic ratio' }));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(dialog.getByRole('radio', { name: 'Both' })).toBeChecked();
  await expect(dialog.getByTestId('content-rule-editor')).toBeVisible();
  await tabTo(page, dialog.getByRole('slider', { name: 'Weight of v3' }));
  for (let press = 0; press < 5; press += 1) await page.keyboard.press('ArrowRight');
  await expect(dialog.locator('#add-weight')).toHaveValue('15');

  await reviewByKeyboard(page, dialog);
  await expect(dialog.getByRole('button', { name: 'Add v3: matching requests and 15% of the rest' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
});

test('take over and delete by keyboard, up to their dry runs', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  const dialog = service.dialog;

  const takeOver = service.versionRow('v2').getByRole('button', { name: 'Take over all traffic' });
  await tabTo(page, takeOver);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveAccessibleName('v2 takes over all traffic');
  await reviewByKeyboard(page, dialog);
  await expect(dialog.getByRole('button', { name: 'Send 100% to v2' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(takeOver).toBeFocused();

  // v1 keeps 75%: the delete wizard says so and offers to move its traffic first; the keep-workload box by Space.
  const remove = service.versionRow('v1').getByRole('button', { name: 'Delete version' });
  await tabTo(page, remove);
  await page.keyboard.press(' ');
  await expect(dialog).toHaveAccessibleName('Delete version v1');
  await expect(dialog.getByTestId('delete-in-use')).toBeVisible();
  await tabTo(page, dialog.getByRole('checkbox', { name: /Keep/ }));
  await page.keyboard.press(' ');
  await expect(dialog.getByRole('checkbox', { name: /Keep/ })).toBeChecked();
  await page.keyboard.press('Escape');
  await expect(remove).toBeFocused();
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 75, v2: 25 });
});

test('routing is created by keyboard up to its dry run', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'plain');
  const opener = page.getByRole('button', { name: 'Create routing' });
  await tabTo(page, opener);
  await page.keyboard.press('Enter');
  const dialog = service.dialog;
  await expect(dialog).toHaveAccessibleName('Create routing for plain.keyboard');
  // The API by the radios' arrows (there and back: Istio), the stable version from its select.
  const istio = dialog.getByRole('radio', { name: /^Istio/ });
  await tabTo(page, istio);
  await page.keyboard.press('ArrowDown');
  await expect(dialog.getByRole('radio', { name: /^Gateway API/ })).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(istio).toBeChecked();
  await tabTo(page, dialog.getByLabel('Stable version', { exact: true }));
  await expect(dialog.getByLabel('Stable version', { exact: true })).toHaveValue('v1');
  await reviewByKeyboard(page, dialog);
  await expect(dialog.getByRole('button', { name: 'Create routing with v1 as stable' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(opener).toBeFocused();
});

test('every dialog takes focus, keeps it while Tab and Shift+Tab go round, closes on Escape and gives focus back', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  // The first test's change is in the history: "Restore this split" is there.
  await expect(page.getByTestId('history-entry').first()).toBeVisible();

  await checkDialogFocus(page, page.getByRole('button', { name: 'Add gray version' }), 'Enter', 'Add a gray version to shop.keyboard');
  await checkDialogFocus(page, page.getByRole('button', { name: 'Edit gray policy' }), ' ', 'Edit the gray policy of shop.keyboard');
  await checkDialogFocus(page, service.versionRow('v2').getByRole('button', { name: 'Take over all traffic' }), 'Enter', 'v2 takes over all traffic');
  await checkDialogFocus(page, service.versionRow('v2').getByRole('button', { name: 'Scale' }), ' ', 'Scale v2');
  await checkDialogFocus(page, service.versionRow('v2').getByRole('button', { name: 'Delete version' }), 'Enter', 'Delete version v2');
  await checkDialogFocus(page, page.getByRole('button', { name: 'Start progressive release' }), 'Enter', 'Progressive release of shop.keyboard');
  await checkDialogFocus(page, page.getByRole('button', { name: 'Restore this split' }).first(), ' ', 'Restore an earlier split');

  await service.open(NAMESPACE, 'plain');
  await checkDialogFocus(page, page.getByRole('button', { name: 'Create routing' }), 'Enter', 'Create routing for plain.keyboard');
});
