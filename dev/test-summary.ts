/**
 * Prints one closing line for the whole `./weir test` run, from Vitest's and Playwright's JSON reports:
 * `tests: N passed, M failed` (a suite that did not run counts as failed, so a broken run never looks green).
 */
import { existsSync, readFileSync } from 'node:fs';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
}
interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number };
}

function read<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

const vitest = read<VitestReport>('.cache/test-results/vitest.json');
const playwright = read<PlaywrightReport>('.cache/test-results/playwright.json');
const passed = (vitest?.numPassedTests ?? 0) + (playwright?.stats.expected ?? 0);
const failed = (vitest?.numFailedTests ?? 0) + (playwright ? playwright.stats.unexpected + playwright.stats.flaky : 0) + (vitest ? 0 : 1) + (playwright ? 0 : 1);
if (!vitest) console.log('vitest did not report (the run stopped before or during it)');
if (!playwright) console.log('playwright did not report (the run stopped before or during it)');
console.log(`tests: ${passed} passed, ${failed} failed`);
