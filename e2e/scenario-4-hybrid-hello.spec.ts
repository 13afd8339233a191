import { expect, test } from './support/test';
import { applyYaml, getObject, subsets, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { setVmHealth } from '../dev/sandbox/vm-health.ts';

// DESIGN.md scenario 4: hello2 with pods and VMs behind one service. Built by clicking from a service that has
// only `en` (a Deployment): add VM versions fr and es (WorkloadEntries), to a split of 30 / 60 / 10 the chart
// shows; a VM marked unhealthy (its Healthy condition, as Istio's health checking writes it) shows as such and
// gets no more traffic moved onto it.
const NAMESPACE = 'hybrid-vm';

const ONLY_EN = `
apiVersion: v1
kind: Namespace
metadata: { name: ${NAMESPACE} }
---
apiVersion: v1
kind: Service
metadata: { name: hello2, namespace: ${NAMESPACE} }
spec: { selector: { app: hello2 }, ports: [{ name: http, port: 8080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: hello2-en, namespace: ${NAMESPACE}, labels: { app: hello2, version: en } }
spec:
  replicas: 1
  selector: { matchLabels: { app: hello2, version: en } }
  template:
    metadata: { labels: { app: hello2, version: en } }
    spec: { containers: [{ name: hello, image: 'hello-en:1.0' }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: hello2, namespace: ${NAMESPACE} }
spec: { host: hello2, subsets: [{ name: en, labels: { version: en } }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: hello2, namespace: ${NAMESPACE} }
spec: { hosts: [hello2], http: [{ route: [{ destination: { host: hello2, subset: en }, weight: 100 }] }] }
`;

async function addVmVersion(service: ServicePage, version: string, address: string, weight: number): Promise<void> {
  await service.page.getByRole('button', { name: 'Add gray version' }).click();
  await service.dialog.getByLabel('VMs (WorkloadEntries)').check();
  await service.dialog.getByLabel('Version name').fill(version);
  await service.dialog.getByLabel('Address').fill(address);
  await service.dialog.getByLabel('Ports (name=number, comma separated)').fill('http=8080');
  await service.dialog.getByLabel('By traffic ratio').check();
  await service.dialog.locator('#add-weight').fill(String(weight));
  await service.reviewAndApply(`Add ${version} with ${weight}% of traffic`);
}

test('an operator adds VM versions fr and es next to pods and splits 30 / 60 / 10', async ({ page }) => {
  applyYaml(ONLY_EN);
  waitAvailable(NAMESPACE);
  const service = new ServicePage(page);
  await service.openFromList(NAMESPACE, 'hello2');
  await expect(service.weight('en')).toHaveText('100%');

  await addVmVersion(service, 'fr', '127.0.10.1', 60);
  await expect(service.weight('fr')).toHaveText('60%');
  await addVmVersion(service, 'es', '127.0.10.2', 10);
  await expect(service.weight('es')).toHaveText('10%');
  // A new version's share comes out of the gray one's (fr); then the operator sets the split they want.
  expect(vsWeights(NAMESPACE, 'hello2')).toEqual({ en: 40, fr: 50, es: 10 });
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  // es locked at 10: raising fr to 60 takes the difference from en.
  await service.dialog.getByLabel('Weight of es in percent').locator('..').getByLabel('Lock').check();
  await service.dialog.getByLabel('Weight of fr in percent').fill('60');
  await expect(service.dialog.getByLabel('Weight of en in percent')).toHaveValue('30');
  await expect(service.dialog.getByLabel('Weight of es in percent')).toHaveValue('10');
  await service.reviewAndApply('Move 10% to fr');
  await expect(service.weight('fr')).toHaveText('60%');
  expect(vsWeights(NAMESPACE, 'hello2')).toEqual({ en: 30, fr: 60, es: 10 });
  expect(subsets(NAMESPACE, 'hello2')).toEqual(['en', 'fr', 'es']);
  const fr = getObject('workloadentries.networking.istio.io', NAMESPACE, 'hello2-fr');
  expect(fr.spec).toEqual({ address: '127.0.10.1', labels: { app: 'hello2', version: 'fr' }, ports: { http: 8080 } });
  expect(fr.metadata.labels['app.kubernetes.io/managed-by']).toBe('weir');
  await expect(service.versionRow('fr').getByTestId('vm-health-hello2-fr')).toHaveText('not probed');

  // The live chart shows the observed split: the VMs answer like pods.
  await service.expectObservedShare('fr', 0.6);
  await service.expectObservedShare('es', 0.1, 0.06);

  // es goes down: the page says so, and moving more traffic onto it is refused.
  await setVmHealth(process.env.WEIR_SANDBOX_KUBECONFIG!, NAMESPACE, 'hello2-es', 'unhealthy');
  await expect(service.versionRow('es').getByTestId('vm-health-hello2-es')).toHaveText('unhealthy');
  await expect(service.versionRow('es')).toContainText('0/1');
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByLabel('Weight of es in percent').fill('20');
  await service.dialog.getByLabel('Weight of en in percent').fill('20');
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(service.dialog).toContainText('"es" has no ready endpoint');
  expect(vsWeights(NAMESPACE, 'hello2')).toEqual({ en: 30, fr: 60, es: 10 });
});
