import { startPrometheus, stopPrometheus } from '../dev/sandbox/traffic.ts';
import { expect, test } from './support/test';
import { ServicePage } from './pages/service-page';

const sandbox = { dir: process.env.WEIR_SANDBOX_DIR_E2E ?? '' };

test.afterAll(async () => {
  // Later specs read the chart: leave Prometheus running whatever happened here.
  await startPrometheus(sandbox);
});

test('with Prometheus down the chart says so and the wizards still work; it recovers when Prometheus is back', async ({ page }) => {
  expect(sandbox.dir, 'WEIR_SANDBOX_DIR_E2E is set by global setup').not.toBe('');
  const service = new ServicePage(page);
  await service.open('demo', 'nginx');
  await expect(service.chart).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });

  await stopPrometheus(sandbox);
  await expect(service.chart).toHaveAttribute('data-status', 'unavailable', { timeout: 20_000 });
  await expect(service.chart).toContainText('Metrics unavailable');

  // Everything but the chart keeps working: the versions table, and a wizard up to its server-side dry run.
  await expect(service.weight('v1')).toBeVisible();
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(service.dialog.getByTestId('plan-steps').or(service.dialog.getByText('Nothing to change'))).toBeVisible();
  await service.dialog.getByRole('button', { name: 'Close' }).first().click();

  await startPrometheus(sandbox);
  await expect(service.chart).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
});
