import { expect, test } from './support/test';
import { applyYaml, vsWeights } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { applyShop, virtualServiceYaml } from './support/shop';
import { translate } from '../lib/i18n/messages';

/*
 * Item 6 of issue 14: what the server says reaches a Chinese reader in Chinese. The server answers a code and its
 * parameters beside the English text; the page renders the code from the zh catalogue, the only one it was sent.
 * Labels and expected texts come from the catalogue, so the test reads what a user of the zh console reads; an English
 * reader reads the catalogue's words too, never a code.
 */

const NAMESPACE = 'messages-zh';
type Key = Parameters<typeof translate>[1];
const zh = (key: Key, params?: Record<string, string | number>) => translate('zh', key, params);

test.beforeAll(() => applyShop(NAMESPACE));

test.describe('in English', () => {
  test.use({ locale: 'en-US' });

  test('a field the browser checks itself reads as the catalogue says, never as its code', async ({ page }) => {
    const service = new ServicePage(page);
    await service.open(NAMESPACE, 'shop');
    await page.getByRole('button', { name: 'Add gray version' }).click();
    await service.dialog.getByLabel('Version name').fill('v3');
    await service.dialog.getByLabel('Image').fill('registry.example/shop 3');
    await service.dialog.getByRole('button', { name: 'Review changes' }).click();
    await expect(service.dialog.getByTestId('error-add-image')).toHaveText('must not contain spaces');
  });
});

test('a page loads one catalogue, its reader\'s: the Chinese page carries no English catalogue, and no script carries either', async ({ page }) => {
  await page.context().addCookies([{ name: 'weir-locale', value: 'zh', url: process.env.WEIR_E2E_BASE_URL! }]);
  const scripts: Promise<string>[] = [];
  page.on('response', (response) => {
    if ((response.headers()['content-type'] ?? '').includes('javascript')) scripts.push(response.text());
  });
  const html = await (await page.goto('/services'))!.text();
  await expect(page.getByRole('heading', { name: zh('services.title') })).toBeVisible();
  // Messages only the server says: in the page's own catalogue (zh) and nowhere else.
  // Booleans, so a failure names what leaked instead of printing the whole page.
  expect(html.includes(zh('server.signInFirst')), 'the zh catalogue is in the page').toBe(true);
  expect(html.includes(translate('en', 'server.signInFirst')), 'an English server message is in the page').toBe(false);
  expect(html.includes(translate('en', 'sandbox.banner')), 'the English banner is in the page').toBe(false);
  const bundled = await Promise.all(scripts);
  expect(bundled.length).toBeGreaterThan(0);
  expect(bundled.filter((text) => text.includes(zh('server.signInFirst')) || text.includes(translate('en', 'server.signInFirst')))).toEqual([]);
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('a split changed meanwhile is refused in Chinese, and the change made meanwhile stays', async ({ page }) => {
    applyYaml(virtualServiceYaml(NAMESPACE, 'shop', { v1: 100, v2: 0 }));
    const service = new ServicePage(page);
    await service.open(NAMESPACE, 'shop');
    await expect(service.weight('v1')).toHaveText('100%');

    await page.getByRole('button', { name: zh('actions.editPolicy') }).click();
    await service.dialog.getByLabel(zh('weights.inputLabel', { version: 'v2' })).fill('20');
    await service.dialog.getByRole('button', { name: zh('wizard.review') }).click();
    await expect(service.dialog.getByTestId('dry-run-passed')).toBeVisible();

    // Someone else moves traffic while the review is open: the apply must not overwrite it.
    applyYaml(virtualServiceYaml(NAMESPACE, 'shop', { v1: 90, v2: 10 }));
    await service.dialog.getByRole('button', { name: zh('edit.applyMove', { amount: 20, version: 'v2' }) }).click();

    const error = service.dialog.getByTestId('wizard-error');
    await expect(error).toContainText(zh('wizard.conflict'));
    await expect(error).toContainText(zh('server.splitChanged', { host: `shop.${NAMESPACE}` }));
    await expect(error).not.toContainText('changed since you looked');
    expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 90, v2: 10 });
  });

  test('a version name that exists is refused by the server in Chinese, on its field', async ({ page }) => {
    const before = vsWeights(NAMESPACE, 'shop');
    const service = new ServicePage(page);
    await service.open(NAMESPACE, 'shop');
    await page.getByRole('button', { name: zh('actions.addVersion') }).click();
    await service.dialog.getByLabel(zh('add.version')).fill('v2');
    await service.dialog.getByLabel(zh('add.image')).fill('registry.example/shop:3');
    const answer = page.waitForResponse((response) => response.url().includes('/intents'));
    await service.dialog.getByRole('button', { name: zh('wizard.review') }).click();

    // The server said it (422 with a code), the page says it in Chinese: in the error and next to the field.
    const response = await answer;
    expect(response.status()).toBe(422);
    expect((await response.json()).error).toMatchObject({ code: 'server.versionExists', params: { version: 'v2' }, message: 'Version "v2" already exists' });
    await expect(service.dialog.getByTestId('wizard-error')).toContainText(zh('server.versionExists', { version: 'v2' }));
    await expect(service.dialog.getByTestId('error-add-version')).toHaveText(zh('field.versionExists', { version: 'v2' }));
    expect(vsWeights(NAMESPACE, 'shop')).toEqual(before);
  });

  test('a field the browser checks itself is explained in Chinese too, and nothing is sent', async ({ page }) => {
    const service = new ServicePage(page);
    await service.open(NAMESPACE, 'shop');
    await page.getByRole('button', { name: zh('actions.addVersion') }).click();
    await service.dialog.getByLabel(zh('add.version')).fill('v3');
    await service.dialog.getByLabel(zh('add.image')).fill('registry.example/shop 3');
    const sent: string[] = [];
    page.on('request', (request) => request.url().includes('/intents') && sent.push(request.url()));
    await service.dialog.getByRole('button', { name: zh('wizard.review') }).click();
    await expect(service.dialog.getByTestId('error-add-image')).toHaveText(zh('field.noSpaces'));
    expect(sent).toEqual([]);
  });
});
