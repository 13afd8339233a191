/**
 * The `test` every spec uses: Playwright's, plus a check on every response the browser receives — no
 * sandbox token may ever reach the browser, in HTML, JavaScript or JSON.
 */
import { type Response, test as base, expect } from '@playwright/test';

export const test = base.extend<{ credentialGuard: void }>({
  credentialGuard: [
    async ({ page }, use) => {
      const tokens = JSON.parse(process.env.WEIR_E2E_SECRET_TOKENS ?? '[]') as string[];
      if (tokens.length === 0) throw new Error('WEIR_E2E_SECRET_TOKENS is empty: run through playwright.config.ts global setup');
      const checks: Promise<string | undefined>[] = [];
      const check = (response: Response) => {
        const type = response.headers()['content-type'] ?? '';
        if (!/html|javascript|json|text\/plain|text\/x-component/.test(type)) return;
        checks.push(
          response
            .text()
            .then((body) => (tokens.some((token) => body.includes(token)) ? response.url() : undefined))
            .catch(() => undefined),
        );
      };
      page.on('response', check);
      await use();
      // No body is asked for once the test is over: a body read still running while the context closes can hold its teardown.
      page.off('response', check);
      const leaks = (await Promise.all(checks)).filter(Boolean);
      expect(leaks, 'responses that carried a sandbox token').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
