/**
 * Takes the README's screenshots from a running console: `node dev/screenshots.ts http://127.0.0.1:3000`.
 * Uses Debian's Chromium, like the end-to-end tests. For the Chinese ones: WEIR_SCREENSHOT_LOCALE=zh-CN
 * WEIR_SCREENSHOT_SUFFIX=-zh, with Debian's fonts-noto-cjk installed (Chromium has no CJK font otherwise).
 */
import { chromium } from '@playwright/test';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: process.env.WEIR_SCREENSHOT_LOCALE ?? 'en-US' });
const suffix = process.env.WEIR_SCREENSHOT_SUFFIX ?? '';

await page.goto(`${base}/login`);
await page.screenshot({ path: `docs/login${suffix}.png` });
await page.getByRole('button', { name: /alice/ }).click();
await page.getByTestId('service-count').waitFor();
// The count and first rows come in the HTML; the success rates and the cluster's banner follow from the browser.
await page.waitForLoadState('networkidle');
await page.waitForFunction(() => [...document.querySelectorAll('[role="row"] [role="cell"]:nth-child(6)')].every((cell) => !(cell.textContent ?? '').includes('…')), null, { timeout: 30_000 });
await page.screenshot({ path: `docs/services${suffix}.png` });

await page.goto(`${base}/services/sandbox/demo/nginx`);
await page.getByTestId('traffic-split-chart').waitFor();
await page.waitForFunction(() => document.querySelector('[data-testid="traffic-split-chart"]')?.getAttribute('data-status') === 'ok', null, { timeout: 90_000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `docs/service-page${suffix}.png`, fullPage: true });

await page.goto(`${base}/routes`);
await page.getByTestId('route-VirtualService-default-reviews').waitFor();
await page.screenshot({ path: `docs/routes${suffix}.png`, fullPage: true });

// Scenarios 6, 5 and 4: the same service page on a Gateway API HTTPRoute, on an SMI TrafficSplit, and with VMs.
for (const [path, file] of [
  ['hybrid-hello/hello2', 'service-page-vms'],
  ['helloworld/helloworld', 'service-page-gateway-api'],
  ['my-website/my-website', 'service-page-smi'],
] as const) {
  await page.goto(`${base}/services/sandbox/${path}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="traffic-split-chart"]')?.getAttribute('data-status') === 'ok', null, { timeout: 90_000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `docs/${file}${suffix}.png`, fullPage: true });
}

// Scenario 3: a progressive release of podinfo v2 (5 s steps so the script takes a minute), then the Approvals
// page as bob once it waits for a team lead. Needs podinfo as the sandbox starts it (v1 at 100%).
await page.goto(`${base}/services/sandbox/test/podinfo`);
await page.getByTestId('release-panel').waitFor();
const start = page.getByRole('button', { name: 'Start progressive release' });
if (await start.isVisible()) {
  await start.click();
  await page.getByLabel('Interval between steps').fill('5s');
  await page.getByLabel('Metrics window').fill('30s');
  await page.getByRole('button', { name: /^Start releasing/ }).click();
}
await page.waitForFunction(() => /Step ([4-9]|10) of/.test(document.querySelector('[data-testid="release-progress"]')?.textContent ?? ''), null, { timeout: 120_000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `docs/progressive-release${suffix}.png`, fullPage: true });
await page.waitForFunction(() => document.querySelector('[data-testid="release-waiting"]') !== null, null, { timeout: 180_000 });

const lead = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: process.env.WEIR_SCREENSHOT_LOCALE ?? 'en-US' });
await lead.goto(`${base}/login`);
await lead.getByRole('button', { name: /bob/ }).click();
await lead.getByTestId('service-count').waitFor();
await lead.goto(`${base}/approvals`);
await lead.getByTestId('approval-request').first().waitFor();
await lead.waitForFunction(() => document.querySelector('[data-testid="traffic-split-chart"]')?.getAttribute('data-status') === 'ok', null, { timeout: 60_000 });
await lead.waitForTimeout(1500);
await lead.screenshot({ path: `docs/approvals${suffix}.png`, fullPage: true });

// Blue/green with mirroring on reviews (Bookinfo): v2 gets a copy of the requests while v1 answers them all;
// an hour-long check keeps it in the mirror phase for the picture, then "Abort" puts reviews back as it was.
await page.goto(`${base}/services/sandbox/default/reviews`);
await page.getByTestId('release-panel').waitFor();
await page.getByRole('button', { name: 'Start progressive release' }).click();
await page.getByLabel('Blue/green with mirroring').check();
await page.getByLabel('Interval between steps').fill('1h');
await page.getByRole('button', { name: /^Start releasing/ }).click();
await page.getByTestId('routing-mirror').waitFor({ timeout: 60_000 });
await page.getByTestId('chart-mirror-note').waitFor({ timeout: 90_000 });
await page.waitForTimeout(15_000);
await page.screenshot({ path: `docs/blue-green${suffix}.png`, fullPage: true });
await page.getByRole('button', { name: /^Abort/ }).click();
await page.getByTestId('release-phase').filter({ hasText: 'Rolled back' }).waitFor({ timeout: 60_000 });
await browser.close();
