import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../dev/sandbox/sandbox.ts';
import { expect, test } from './support/test';
import { applyYaml, getObject, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';

/*
 * Metric templates in the wizard: a template applied in podinfo's namespace is listed, a check from it is added,
 * and the release page shows the check's result with its numbers as the console's controller records it.
 */

const NAMESPACE = 'e2e-templates';
const GRAY_RATE =
  'sum(rate(istio_requests_total{reporter="destination",destination_service_namespace="{{namespace}}",destination_service_name="{{service}}",destination_version="{{version}}"}[{{interval}}])) or vector(0)';

test('the wizard lists a metric template, adds a check from it, and the release page shows its result', async ({ page }) => {
  test.setTimeout(180_000);
  const podinfo = readFileSync(join(REPO_ROOT, 'dev/scenarios/podinfo-test.yaml'), 'utf8').replace(/\btest\b/g, NAMESPACE);
  applyYaml(podinfo);
  waitAvailable(NAMESPACE);
  applyYaml(`apiVersion: weir.dev/v1alpha1
kind: MetricTemplate
metadata: {name: gray-rate, namespace: ${NAMESPACE}}
spec:
  description: gray requests per second
  query: '${GRAY_RATE}'
`);

  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'podinfo');
  const { dialog } = service;
  await page.getByRole('button', { name: 'Start progressive release' }).click();
  await dialog.getByLabel('Stable version', { exact: true }).selectOption('v1');
  await dialog.getByLabel('Gray version', { exact: true }).selectOption('v2');
  await dialog.getByLabel('Interval between steps').fill('2s');
  await dialog.getByLabel('Failed checks before rollback').fill('50');
  await dialog.getByLabel('Metrics window').fill('30s');
  await dialog.getByLabel('Approval', { exact: true }).selectOption('none');
  const template = dialog.getByTestId('metric-template').filter({ hasText: 'gray-rate' });
  await expect(template).toContainText('gray requests per second');
  await template.getByRole('button', { name: 'Add check: gray-rate' }).click();
  const check = dialog.getByTestId('template-check');
  await check.getByLabel('Minimum', { exact: true }).fill('0');
  await check.getByLabel('Maximum', { exact: true }).fill('100000');
  // More requests than 30 s of simulated traffic can bring: the check fails on volume, whatever the value.
  await check.getByLabel('Minimum requests').fill('1000000');
  await dialog.getByRole('button', { name: 'Start releasing v2' }).click();
  await expect(dialog).toHaveCount(0);

  expect(getObject('releases.weir.dev', NAMESPACE, 'podinfo').spec.analysis.checks).toEqual([
    { template: 'gray-rate', min: 0, max: 100000, minRequests: 1000000, query: GRAY_RATE },
  ]);
  const result = page.getByTestId('release-check');
  await expect(result).toHaveAttribute('data-passed', 'false', { timeout: 60_000 });
  await expect(result).toHaveText(/^gray-rate: [\d,]+ requests to the gray version, fewer than the 1,000,000 the check needs$/);
  await page.getByRole('button', { name: /^Abort/ }).click();
  await expect(page.getByTestId('release-phase')).toHaveText('Rolled back', { timeout: 30_000 });
});
