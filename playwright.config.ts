import { defineConfig } from '@playwright/test';
import { ALICE_STATE } from './e2e/support/state.ts';

/** End-to-end tests: Debian's Chromium against the production build of the console on a real sandbox. */
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/support/global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.cache/test-results/playwright.json' }]],
  use: {
    baseURL: process.env.WEIR_E2E_BASE_URL,
    // Signed in as alice (operator) by global setup; specs that need someone else sign in themselves.
    storageState: ALICE_STATE,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
