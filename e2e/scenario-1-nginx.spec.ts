import { expect, test } from './support/test';
import { getObject, subsets, vsWeights } from './support/cluster';
import { ServicePage } from './pages/service-page';

// DESIGN.md scenario 1: nginx in demo. Add v2 at 30% → 20/80 → v2 takes over → delete v1.
test('an operator runs a gray release of nginx from v1 to v2', async ({ page }) => {
  const service = new ServicePage(page);
  await service.openFromList('demo', 'nginx');
  await expect(service.weight('v1')).toHaveText('100%');

  await service.addVersion({ version: 'v2', image: 'nginx:1.15', weight: 30 });
  await expect(service.weight('v2')).toHaveText('30%');
  const deployment = getObject('deployment', 'demo', 'nginx-v2');
  expect(deployment.spec.template.spec.containers[0].image).toBe('nginx:1.15');
  expect(deployment.status.readyReplicas).toBe(2);
  expect(subsets('demo', 'nginx')).toEqual(['v1', 'v2']);
  expect(vsWeights('demo', 'nginx')).toEqual({ v1: 70, v2: 30 });

  await service.setWeight('v2', 80, 'Move 50% to v2');
  await expect(service.weight('v1')).toHaveText('20%');
  expect(vsWeights('demo', 'nginx')).toEqual({ v1: 20, v2: 80 });

  // The live chart shows the observed split (from Prometheus, fed by the simulator) move to 80% within 60 s.
  await service.expectObservedShare('v2', 0.8, 0.05);

  await service.takeOver('v2');
  await expect(service.weight('v2')).toHaveText('100%');
  expect(vsWeights('demo', 'nginx')).toEqual({ v2: 100 });

  await service.deleteVersion('v1');
  await expect(service.versionRow('v1')).toHaveCount(0);
  expect(subsets('demo', 'nginx')).toEqual(['v2']);
  expect(getObject('deployment', 'demo', 'nginx-v1')).toBeUndefined();
  expect(vsWeights('demo', 'nginx')).toEqual({ v2: 100 });

  // The service page's history shows every step, newest first, with who did it.
  const history = page.getByTestId('history-entry');
  await expect(history).toHaveCount(4);
  await expect(history.first()).toContainText('alice');
  await expect(history.first()).toContainText('Deleted a version');
  await expect(history.last()).toContainText('Added a gray version');
});
