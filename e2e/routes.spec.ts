import { expect, test } from './support/test';
import { RoutesPage } from './pages/routes-page';
import { apply, sample } from './support/cluster';

// Other specs change reviews; start from the fixture as it is.
test.beforeAll(() => apply('default', [sample('virtual-service-all-v1.yaml')]));

test('the Bookinfo VirtualServices are listed with the routes the fixture defines, as Istio objects', async ({ page }) => {
  const list = new RoutesPage(page);
  await list.open('?namespace=default');

  await expect(list.row('default', 'reviews')).toBeVisible();
  await expect(list.row('default', 'reviews')).toContainText('reviews.default');
  await expect(list.row('default', 'reviews')).toContainText('Istio');
  expect(await list.destinations('default', 'reviews')).toEqual(['reviews.default v1 100%']);
  for (const name of ['productpage', 'ratings', 'details']) {
    await expect(list.row('default', name)).toBeVisible();
  }
  await expect(page.getByTestId('sandbox-banner')).toBeVisible();
});

test('the sandbox banner is in the page as the server sends it, so nothing below it moves when the app starts', async ({ page }) => {
  // The HTML before any script ran: the banner must be there already (it used to appear once /api/clusters answered).
  const html = await (await page.request.get('/services')).text();
  expect(html).toContain('data-testid="sandbox-banner"');
  await page.goto('/services');
  const banner = page.getByTestId('sandbox-banner');
  await expect(banner).toBeVisible();
  const top = await page.getByTestId('service-count').boundingBox();
  await page.waitForLoadState('networkidle');
  expect((await page.getByTestId('service-count').boundingBox())?.y).toBe(top?.y);
});

test('a service with many versions gets a taller row: its version chips never overlap the rows beside it', async ({ page }) => {
  await page.goto('/services?namespace=default');
  const rows = page.locator('[role="table"] [role="row"][data-testid^="service-"]');
  await expect(page.getByTestId('service-default-ratings').getByTestId('version-chip-v2-mysql-vm')).toBeVisible();
  await page.waitForLoadState('networkidle');
  const boxes = await rows.evaluateAll((elements) =>
    elements.map((row) => {
      const box = row.getBoundingClientRect();
      const chips = [...row.querySelectorAll('[data-testid^="version-chip-"]')].map((chip) => chip.getBoundingClientRect());
      return { id: row.getAttribute('data-testid'), top: box.top, bottom: box.bottom, chipsTop: Math.min(...chips.map((c) => c.top)), chipsBottom: Math.max(...chips.map((c) => c.bottom)) };
    }),
  );
  expect(boxes.length).toBeGreaterThan(3);
  for (const box of boxes.filter((entry) => Number.isFinite(entry.chipsTop))) {
    expect(box.chipsTop, `${box.id}: chips start inside the row`).toBeGreaterThanOrEqual(box.top);
    expect(box.chipsBottom, `${box.id}: chips end inside the row`).toBeLessThanOrEqual(box.bottom);
  }
  const sorted = [...boxes].sort((a, b) => a.top - b.top);
  for (let index = 1; index < sorted.length; index += 1) expect(sorted[index]!.top, `${sorted[index]!.id} starts below ${sorted[index - 1]!.id}`).toBeGreaterThanOrEqual(sorted[index - 1]!.bottom - 1);
});

test('HTTPRoutes and TrafficSplits are listed beside the VirtualServices, each with its provider', async ({ page }) => {
  const list = new RoutesPage(page);
  await list.open();
  await expect(list.row('helloworld', 'helloworld', 'HTTPRoute')).toContainText('Gateway API');
  await expect(list.row('helloworld', 'helloworld', 'HTTPRoute')).toContainText('Service helloworld port 5000');
  expect(await list.destinations('helloworld', 'helloworld', 'HTTPRoute')).toEqual(['helloworld-v1.helloworld 90%', 'helloworld-v2.helloworld 10%']);
  await expect(list.row('my-website', 'my-website', 'TrafficSplit')).toContainText('SMI');
  expect(await list.destinations('my-website', 'my-website', 'TrafficSplit')).toEqual(['my-website-v1.my-website 50%', 'my-website-v2.my-website 50%']);
  await list.filter('trafficsplit');
  await expect(list.row('my-website', 'my-website', 'TrafficSplit')).toBeVisible();
  await expect(list.row('helloworld', 'helloworld', 'HTTPRoute')).toHaveCount(0);
});

test('the filter narrows the list and is kept in the URL', async ({ page }) => {
  const list = new RoutesPage(page);
  await list.open();
  await list.filter('rating');
  await expect(list.row('default', 'ratings')).toBeVisible();
  await expect(list.row('default', 'reviews')).toHaveCount(0);
  await expect(page).toHaveURL(/q=rating/);
});

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('the console speaks Simplified Chinese when the browser asks for it', async ({ page }) => {
    const list = new RoutesPage(page);
    await list.open('?namespace=default');
    await expect(page.getByRole('heading', { name: '路由对象' })).toBeVisible();
    await expect(page.getByText('其余所有请求').first()).toBeVisible();
  });
});

test('a weight changed with kubectl appears on an open page within 2 s, without reload', async ({ page }) => {
  const list = new RoutesPage(page);
  await list.open('?namespace=default');
  await expect(list.row('default', 'reviews')).toBeVisible();
  // Give the page's change stream a moment to connect before changing anything.
  await page.waitForTimeout(500);
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  const changed = Date.now();
  apply('default', [sample('virtual-service-reviews-90-10.yaml')]);
  await expect.poll(() => list.destinations('default', 'reviews'), { timeout: 2_000, intervals: [50] }).toEqual(['reviews.default v1 90%', 'reviews.default v2 10%']);
  console.log(`kubectl change visible in the page after ${Date.now() - changed} ms`);
  expect(navigations).toEqual([]);
  apply('default', [sample('virtual-service-all-v1.yaml')]);
});
