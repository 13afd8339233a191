import { expect, test } from './support/test';
import { apply, getObject, sample, subsets, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';

const GRAY_COOKIE = '^(.*?;\\s*)?(gray=true)(;.*)?$';

test.beforeAll(() => {
  apply('default', [sample('bookinfo.yaml'), sample('destination-rule-all.yaml'), sample('virtual-service-all-v1.yaml')]);
  waitAvailable('default');
});

// DESIGN.md scenario 2: reviews blue-green behind a cookie gate, then "continue release".
test('gray users reach reviews v2 through a cookie rule, then v2 takes over and v1 goes', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open('default', 'reviews');
  await expect(service.weight('v1')).toHaveText('100%');
  await expect(service.weight('v2')).toHaveText('0%');

  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByRole('tab', { name: 'By request content' }).click();
  await service.dialog.getByLabel('Send matching requests to').selectOption('v2');
  await expect(service.dialog.getByLabel('Cookie regex')).toHaveValue(GRAY_COOKIE);
  await service.dialog.getByRole('button', { name: '+ Add condition' }).click();
  await expect(service.dialog.getByLabel('Header name')).toHaveValue('end-user');
  await service.reviewAndApply('Send matching requests to v2');

  const vs = getObject('virtualservices.networking.istio.io', 'default', 'reviews');
  expect(vs.spec.http[0]).toEqual({
    match: [{ headers: { cookie: { regex: GRAY_COOKIE } } }, { headers: { 'end-user': { exact: 'asm' } } }],
    route: [{ destination: { host: 'reviews', subset: 'v2' } }],
  });
  expect(vsWeights('default', 'reviews')).toEqual({ v1: 100 });
  await expect(page.getByTestId('routing-in-words')).toContainText('gray=true');

  // Continue release: v2 takes over (the rule goes), then v1 is deleted.
  await service.takeOver('v2');
  const after = getObject('virtualservices.networking.istio.io', 'default', 'reviews');
  expect(after.spec.http).toHaveLength(1);
  expect(vsWeights('default', 'reviews')).toEqual({ v2: 100 });

  await service.deleteVersion('v1');
  expect(subsets('default', 'reviews')).toEqual(['v2', 'v3']);
  expect(getObject('deployment', 'default', 'reviews-v1')).toBeUndefined();
});

test('deleting a version that still gets traffic is refused with a way out', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open('default', 'reviews');
  await service.versionRow('v2').getByRole('button', { name: 'Delete version' }).click();
  await expect(service.dialog.getByTestId('delete-in-use')).toContainText('still receives 100%');
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(service.dialog.getByTestId('wizard-error')).toContainText('move its traffic first');
  expect(getObject('deployment', 'default', 'reviews-v2')).toBeDefined();
});
