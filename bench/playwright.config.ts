import { defineConfig } from '@playwright/test';

/**
 * Browser benches (P2, P3): Debian's Chromium against the console's production build on the sandbox that
 * bench/run.ts started (or, run alone, one global setup starts). Figures go to .cache/bench/*.json.
 *
 *   npm run bench                                          (everything, one sandbox)
 *   flock /tmp/weir-next.lock npx playwright test -c bench/playwright.config.ts   (these alone)
 */
export default defineConfig({
  testDir: 'browser',
  testMatch: '**/*.bench.ts',
  globalSetup: './browser/global-setup.ts',
  outputDir: '../.cache/bench/playwright',
  timeout: 900_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.WEIR_BENCH_CONSOLE_URL,
    viewport: { width: 1280, height: 800 },
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
