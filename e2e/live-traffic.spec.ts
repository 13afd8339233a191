import { execFileSync } from 'node:child_process';
import { startPrometheus, stopPrometheus } from '../dev/sandbox/traffic.ts';
import { expect, test } from './support/test';
import { applyYaml, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { deploymentYaml, destinationRuleYaml, namespaceYaml, serviceYaml, sleepClientYaml, virtualServiceYaml, yamlDocuments } from './support/shop';

const sandbox = { dir: process.env.WEIR_SANDBOX_DIR_E2E ?? '' };

/** A service of this spec's own (v1 and v2, and a sleep client so the simulator calls it): its weights really change. */
const NAMESPACE = 'live-traffic';

const OBJECTS = yamlDocuments(
  namespaceYaml(NAMESPACE),
  serviceYaml(NAMESPACE, 'shop'),
  deploymentYaml(NAMESPACE, 'shop', 'v1'),
  deploymentYaml(NAMESPACE, 'shop', 'v2'),
  sleepClientYaml(NAMESPACE),
  destinationRuleYaml(NAMESPACE, 'shop', ['v1', 'v2']),
  virtualServiceYaml(NAMESPACE, 'shop', { v1: 100 }),
);

test.beforeAll(() => {
  applyYaml(OBJECTS);
  waitAvailable(NAMESPACE);
});

test.afterAll(async () => {
  // Later specs read the chart: leave Prometheus running whatever happened here.
  await startPrometheus(sandbox);
  execFileSync(process.env.WEIR_SANDBOX_KUBECTL!, ['--kubeconfig', process.env.WEIR_SANDBOX_KUBECONFIG!, '--context', 'admin', 'delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

test('with Prometheus down the chart says so and a real weight change is dry-run and applied; the chart recovers when Prometheus is back', async ({ page }) => {
  expect(sandbox.dir, 'WEIR_SANDBOX_DIR_E2E is set by global setup').not.toBe('');
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  await expect(service.chart).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 100 });

  await stopPrometheus(sandbox);
  await expect(service.chart).toHaveAttribute('data-status', 'unavailable', { timeout: 20_000 });
  await expect(service.chart).toContainText('Metrics unavailable');

  // Everything but the chart keeps working: 30% moves to v2 through the wizard — its review shows the plan's
  // step and the API server's dry run, and the apply reaches the API server.
  await expect(service.weight('v1')).toHaveText('100%');
  await service.setWeight('v2', 30, 'Move 30% to v2');
  await expect(service.weight('v1')).toHaveText('70%');
  await expect(service.weight('v2')).toHaveText('30%');
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 70, v2: 30 });
  await expect(page.getByTestId('history-entry').first()).toContainText('Changed weights');
  // Prometheus was down the whole time.
  await expect(service.chart).toHaveAttribute('data-status', 'unavailable');

  await startPrometheus(sandbox);
  await expect(service.chart).toHaveAttribute('data-status', 'ok', { timeout: 60_000 });
});
