import { expect, test } from './support/test';
import { getObject, trafficSplitWeights } from './support/cluster';
import { ServicePage } from './pages/service-page';

// DESIGN.md scenario 5: my-website on an SMI TrafficSplit (as Open Service Mesh uses it), 50 / 50, edited with the
// same wizards: add v3 → shift weights to it → v3 takes over → delete v1.
test('an operator runs a gray release of my-website through its TrafficSplit', async ({ page }) => {
  const service = new ServicePage(page);
  await service.openFromList('my-website', 'my-website');
  await expect(page.getByTestId('routing-objects')).toContainText('SMI');
  await expect(page.getByTestId('routing-objects')).toContainText('TrafficSplit my-website');
  await expect(service.weight('v1')).toHaveText('50%');
  await expect(service.weight('v2')).toHaveText('50%');

  // SMI splits by weight only: the wizard says so and offers no content rules.
  await page.getByRole('button', { name: 'Add gray version' }).click();
  await expect(service.dialog.getByTestId('weight-only')).toContainText('SMI splits traffic by weight only');
  await expect(service.dialog.getByLabel('By request content')).toBeDisabled();
  await service.dialog.getByRole('button', { name: 'Cancel' }).click();

  await service.addVersion({ version: 'v3', image: 'nginxdemos/hello:0.5', weight: 20 });
  await expect(service.weight('v3')).toHaveText('20%');
  expect(trafficSplitWeights('my-website', 'my-website')).toEqual({ 'my-website-v1': 30, 'my-website-v2': 50, 'my-website-v3': 20 });
  expect(getObject('service', 'my-website', 'my-website-v3').spec.selector).toEqual({ app: 'my-website', version: 'v3' });
  expect(getObject('deployment', 'my-website', 'my-website-v3').status.readyReplicas).toBe(2);

  await service.setWeight('v3', 80, 'Move 60% to v3');
  expect(trafficSplitWeights('my-website', 'my-website')).toEqual({ 'my-website-v1': 0, 'my-website-v2': 20, 'my-website-v3': 80 });

  // The live chart's observed share (Prometheus, fed by the simulator routing the split its own way) follows.
  await service.expectObservedShare('v3', 0.8);

  await service.takeOver('v3');
  await expect(service.weight('v3')).toHaveText('100%');
  expect(trafficSplitWeights('my-website', 'my-website')).toEqual({ 'my-website-v1': 0, 'my-website-v2': 0, 'my-website-v3': 100 });

  await service.deleteVersion('v1');
  await expect(service.versionRow('v1')).toHaveCount(0);
  expect(trafficSplitWeights('my-website', 'my-website')).toEqual({ 'my-website-v2': 0, 'my-website-v3': 100 });
  expect(getObject('service', 'my-website', 'my-website-v1')).toBeUndefined();
  expect(getObject('deployment', 'my-website', 'my-website-v1')).toBeUndefined();
  await expect(page.getByTestId('history-entry').first()).toContainText('Deleted a version');
});
