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
await page.screenshot({ path: `docs/services${suffix}.png` });

await page.goto(`${base}/services/sandbox/demo/nginx`);
await page.getByTestId('traffic-split-chart').waitFor();
await page.waitForFunction(() => document.querySelector('[data-testid="traffic-split-chart"]')?.getAttribute('data-status') === 'ok', null, { timeout: 90_000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: `docs/service-page${suffix}.png`, fullPage: true });

await page.goto(`${base}/virtual-services`);
await page.getByTestId('vs-default-reviews').waitFor();
await page.screenshot({ path: `docs/virtual-services${suffix}.png` });
await browser.close();
