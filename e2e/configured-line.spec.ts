import { expect, test } from './support/test';
import { applyYaml, vsWeights } from './support/cluster';
import { applyShop } from './support/shop';
import { ServicePage } from './pages/service-page';

/*
 * Item 4 of issue 14: the live chart's configured line (the dashed steps) comes from the Release history plus
 * the live view, so it is right after a reload. The chart carries the line as a table for screen readers
 * (`configured-steps`: each split in force during the window, since when); the dashed line is drawn from the
 * same timeline. A service of this spec's own namespace, so its changes touch no other spec.
 */

const NAMESPACE = 'configured-line';

test.beforeAll(() => applyShop(NAMESPACE));

test('after a reload the configured line still has the split before a change, from the Release history, and a kubectl edit seen live', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v1')).toHaveText('100%');

  const changing = Date.now();
  await service.setWeight('v2', 30, 'Move 30% to v2');
  const changed = Date.now();
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 70, v2: 30 });

  // A new page knows nothing it has seen: what it draws before now comes from the history.
  await page.reload();
  await expect(service.weight('v2')).toHaveText('30%');
  const table = page.getByRole('table', { name: 'Configured weights in the last 5 min' });
  const steps = table.getByTestId('configured-step');
  await expect(steps).toHaveCount(2);
  await expect(steps.nth(0)).toHaveAttribute('data-weights', '{"v1":100}');
  await expect(steps.nth(0).getByRole('cell').first()).toHaveText('Before this window');
  await expect(steps.nth(1)).toHaveAttribute('data-weights', '{"v1":70,"v2":30}');
  await expect(steps.nth(1).getByRole('cell').last()).toHaveText('v1 70% / v2 30%');
  // The step is where the change was made (the history's time), not when the page opened.
  const since = Number(await steps.nth(1).getAttribute('data-since'));
  expect(since).toBeGreaterThanOrEqual(changing - 1_000);
  expect(since).toBeLessThanOrEqual(changed + 1_000);

  // A change no history holds (kubectl): drawn from when the open page saw it, after the recorded steps.
  const editing = Date.now();
  applyYaml(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: ${NAMESPACE}}
spec:
  hosts: [shop]
  http: [{route: [{destination: {host: shop, subset: v1}, weight: 50}, {destination: {host: shop, subset: v2}, weight: 50}]}]
`);
  await expect(service.weight('v2')).toHaveText('50%');
  await expect(steps).toHaveCount(3);
  await expect(steps.nth(0)).toHaveAttribute('data-weights', '{"v1":100}');
  await expect(steps.nth(1)).toHaveAttribute('data-weights', '{"v1":70,"v2":30}');
  await expect(steps.nth(2)).toHaveAttribute('data-weights', '{"v1":50,"v2":50}');
  expect(Number(await steps.nth(2).getAttribute('data-since'))).toBeGreaterThanOrEqual(editing - 1_000);
});
