import { expect, test } from './support/test';
import { getObject, httpRouteWeights } from './support/cluster';
import { ServicePage } from './pages/service-page';

// DESIGN.md scenario 6: helloworld on a Gateway API HTTPRoute attached to its Service (Istio's ambient-mode
// traffic shift), 90 / 10 over helloworld-v1 / -v2, edited with the same wizards: add v3 → shift weights to
// it → v3 takes over → delete v1.
test('an operator runs a gray release of helloworld through its HTTPRoute', async ({ page }) => {
  const service = new ServicePage(page);
  await service.openFromList('helloworld', 'helloworld');
  await expect(page.getByTestId('routing-objects')).toContainText('Gateway API');
  await expect(page.getByTestId('routing-objects')).toContainText('HTTPRoute helloworld');
  await expect(service.weight('v1')).toHaveText('90%');
  await expect(service.weight('v2')).toHaveText('10%');

  await service.addVersion({ version: 'v3', image: 'registry.istio.io/release/examples-helloworld-v2:1.0', weight: 20 });
  await expect(service.weight('v3')).toHaveText('20%');
  expect(httpRouteWeights('helloworld', 'helloworld')).toEqual({ 'helloworld-v1': 70, 'helloworld-v2': 10, 'helloworld-v3': 20 });
  expect(getObject('service', 'helloworld', 'helloworld-v3').spec.ports[0].port).toBe(5000);

  await service.setWeight('v3', 80, 'Move 60% to v3');
  expect(httpRouteWeights('helloworld', 'helloworld')).toEqual({ 'helloworld-v1': 20, 'helloworld-v2': 0, 'helloworld-v3': 80 });

  await service.expectObservedShare('v3', 0.8);

  await service.takeOver('v3');
  await expect(service.weight('v3')).toHaveText('100%');
  await service.deleteVersion('v1');
  await expect(service.versionRow('v1')).toHaveCount(0);
  expect(httpRouteWeights('helloworld', 'helloworld')).toEqual({ 'helloworld-v2': 0, 'helloworld-v3': 100 });
  expect(getObject('service', 'helloworld', 'helloworld-v1')).toBeUndefined();
  expect(getObject('deployment', 'helloworld', 'helloworld-v1')).toBeUndefined();
  // The HTTPRoute's parent is still the Service: mesh traffic to helloworld keeps going through it.
  expect(getObject('httproutes.gateway.networking.k8s.io', 'helloworld', 'helloworld').spec.parentRefs).toEqual([{ group: '', kind: 'Service', name: 'helloworld', port: 5000 }]);
});
