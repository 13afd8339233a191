/**
 * P2 of issue 16: the services page ready in Chromium — the count and the first rows on screen — against a
 * static HTML table of the same rows served from loopback, in the same run, alternating the two. Each load is
 * a new browser context (a first visit: nothing cached); one load of each comes first, untimed, so the
 * console's route modules are loaded and its list built. Also notes when the whole list had arrived
 * (the last `/api/services` response's end), to say whether the first screen came before it.
 */
import { test, expect, type Browser } from '@playwright/test';
import { benchScale } from '../support/bench-console.ts';
import { consoleGet, signIn } from '../support/console.ts';
import { median, ratio, writeFigures } from '../support/figures.ts';
import { LIST_PATH, rowsOf } from '../support/services.ts';
import { installReadyProbe } from './page-probes.ts';
import { serveStatic, staticTable } from './static-table.ts';

const RUNS = Number(process.env.WEIR_BENCH_PAGE_RUNS ?? 5);

interface Load {
  readyMs: number;
  /** When the whole list had arrived, ms since navigation start (NaN when no list response ended). */
  listMs: number;
  /** When the first list request was sent, and when the document's DOMContentLoaded ended. */
  listStartMs: number;
  domContentLoadedMs: number;
}

async function load(browser: Browser, url: string, cookie: { name: string; value: string } | undefined, expected: number, listPattern?: RegExp): Promise<Load> {
  const context = await browser.newContext();
  try {
    if (cookie) await context.addCookies([{ ...cookie, url }]);
    const page = await context.newPage();
    await page.addInitScript(installReadyProbe, { expected, firstRows: Math.min(10, expected) });
    await page.goto(url, { waitUntil: 'commit' });
    const ready = await page.evaluate(() => window.__weirBenchReady!);
    const timing = await page.evaluate(async (pattern) => {
      const deadline = performance.now() + 60_000;
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      for (;;) {
        const entries = pattern
          ? (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) => new RegExp(pattern).test(entry.name))
          : [navigation];
        const ends = entries.map((entry) => entry.responseEnd);
        if (ends.length > 0 && ends.every((end) => end > 0) && navigation.domContentLoadedEventEnd > 0) {
          return { listMs: Math.max(...ends), listStartMs: Math.min(...entries.map((entry) => entry.startTime)), domContentLoadedMs: navigation.domContentLoadedEventEnd };
        }
        if (performance.now() > deadline) return { listMs: NaN, listStartMs: NaN, domContentLoadedMs: navigation.domContentLoadedEventEnd };
        await new Promise((done) => setTimeout(done, 100));
      }
    }, listPattern?.source);
    return { readyMs: ready.paintAt, ...timing };
  } finally {
    await context.close();
  }
}

test('services page ready in Chromium against a static table of the same rows', async ({ browser }) => {
  const url = process.env.WEIR_BENCH_CONSOLE_URL!;
  const { services: N } = benchScale();
  const session = await signIn(url, { user: 'admin' });
  const list = await consoleGet(url, LIST_PATH, session);
  expect(list.status).toBe(200);
  const rows = rowsOf(list.body);
  const { url: staticUrl, server } = await serveStatic(staticTable(rows as never));
  const [name, value] = session.cookie.split('=') as [string, string];
  const cookie = { name, value };
  const pageUrl = `${url}/services`;
  const listPattern = /\/api\/services(\?|$)/;
  try {
    await load(browser, staticUrl, undefined, rows.length);
    await load(browser, pageUrl, cookie, rows.length, listPattern);
    const consoleLoads: Load[] = [];
    const staticLoads: Load[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      staticLoads.push(await load(browser, staticUrl, undefined, rows.length));
      consoleLoads.push(await load(browser, pageUrl, cookie, rows.length, listPattern));
    }
    const consoleMs = median(consoleLoads.map((entry) => entry.readyMs));
    const staticMs = median(staticLoads.map((entry) => entry.readyMs));
    // The static table is whole once its document is parsed (DOMContentLoaded): every row in the DOM, as the
    // issue's baseline (460 ms at 2,000 rows, 3.6 s at 10,000) measured it; its first rows paint long before that.
    const staticWholeMs = median(staticLoads.map((entry) => entry.domContentLoadedMs));
    const listMs = median(consoleLoads.map((entry) => entry.listMs));
    const listStartMs = median(consoleLoads.map((entry) => entry.listStartMs));
    const domContentLoadedMs = median(consoleLoads.map((entry) => entry.domContentLoadedMs));
    const large = N >= 10_000;
    const rowsText = `${rows.length.toLocaleString('en-US')} rows`;
    writeFigures(`services-page-${N}`, [
      {
        id: 'P2',
        name: `services page ready in Chromium, count + first rows (${rowsText}) / static HTML table, whole (DOMContentLoaded)`,
        value: consoleMs,
        unit: 'ms',
        baseline: staticWholeMs,
        ratio: ratio(consoleMs, staticWholeMs),
        target: large ? '≤ 0.3×' : '≤ 1.2×',
        note: `median of ${RUNS} cold loads each; static page ${(Buffer.byteLength(staticTable(rows as never)) / 1e6).toFixed(1)} MB`,
      },
      {
        id: 'P2',
        name: `services page ready in Chromium, count + first rows (${rowsText}) / static HTML table, first rows painted`,
        value: consoleMs,
        unit: 'ms',
        baseline: staticMs,
        ratio: ratio(consoleMs, staticMs),
        note: 'a static page paints its first rows as it parses, before its last row has arrived; a page with scripts paints after them',
      },
      {
        id: 'P2',
        name: `services page: whole list arrived (last /api/services response end, ${rowsText})`,
        value: listMs,
        unit: 'ms',
        target: large ? 'after the first screen' : undefined,
        met: large ? listMs > consoleMs : undefined,
        note: Number.isFinite(listMs)
          ? `first screen ${listMs > consoleMs ? 'before' : 'after'} the whole list; DOMContentLoaded ${domContentLoadedMs.toFixed(0)} ms, list request sent at ${listStartMs.toFixed(0)} ms`
          : 'no list response ended within 60 s',
      },
    ]);
  } finally {
    server.close();
  }
});
