/** An axe-core check of what the page shows now: no serious or critical violation, the others printed. */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export interface AxeOptions {
  /** Only this part of the page (a CSS selector), e.g. the open dialog. */
  include?: string;
}

/** Runs axe with every rule it has on the page (or the part of it), and fails on a serious or critical violation. */
export async function expectAccessible(page: Page, where: string, options: AxeOptions = {}): Promise<void> {
  let builder = new AxeBuilder({ page });
  if (options.include) builder = builder.include(options.include);
  const { violations, passes } = await builder.analyze();
  const describe = (list: typeof violations) =>
    list.map((violation) => `${violation.impact} ${violation.id} (${violation.nodes.length}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 5).join(' | ')}`);
  const blocking = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  const minor = violations.filter((violation) => !blocking.includes(violation));
  console.log(`axe ${where}: ${passes.length} rules passed, ${blocking.length} serious/critical, ${minor.length} moderate/minor${minor.length ? `\n  ${describe(minor).join('\n  ')}` : ''}`);
  // A check that looked at nothing would pass anything.
  expect(passes.length, `axe ran rules on ${where}`).toBeGreaterThan(5);
  // Soft: one run lists every page's and wizard's violations, and the test still fails on any of them.
  expect.soft(describe(blocking), `serious or critical axe violations on ${where}`).toEqual([]);
}
