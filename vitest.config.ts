import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = { '@': root.replace(/\/$/, ''), 'server-only': `${root}test/empty-module.ts` };

export default defineConfig({
  test: {
    // The console's audit lines and the sandbox's logs show only for failing tests; benches (`--project bench`)
    // print their figures, so a passing bench must not be silenced.
    silent: process.argv.includes('bench') ? false : 'passed-only',
    reporters: ['default', ['json', { outputFile: '.cache/test-results/vitest.json' }]],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'dev/**/*.test.ts', 'components/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', '.cache/**'],
          environment: 'node',
          globalSetup: ['test/sandbox-setup.ts'],
          // Suites sign in many times from one in-process "address"; lib/auth/rate-limit.int.test.ts sets its own limits.
          env: { WEIR_LOGIN_RATE_PER_ADDRESS: '1000', WEIR_LOGIN_RATE_GLOBAL: '10000' },
          // One sandbox for the run; files share it, so they run one at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'bench',
          // Server figures only; bench/browser/*.bench.ts are Playwright's (bench/playwright.config.ts).
          include: ['bench/*.bench.ts'],
          environment: 'node',
          globalSetup: ['test/sandbox-setup.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
