import { expect, type Locator, type Page } from '@playwright/test';

export interface ProgressiveOptions {
  stable: string;
  gray: string;
  step: number;
  max: number;
  interval: string;
  window: string;
  threshold?: number;
  /** Option value: none · beforePromotion · beforeEveryStep */
  approval?: string;
}

/** The Release section of the service page: phase, progress and the controls of a progressive release. */
export class ReleasePanel {
  constructor(readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('release-panel');
  }

  get phase(): Locator {
    return this.page.getByTestId('release-phase');
  }

  get progress(): Locator {
    return this.page.getByTestId('release-progress');
  }

  button(name: string | RegExp): Locator {
    return this.panel.getByRole('button', { name, exact: typeof name === 'string' });
  }

  /**
   * "Start progressive release" with a custom step list: each step a weight, `{ pause }` or 'approval', set in
   * the wizard's step editor (rows added or removed to match). Leaves the dialog open; `startLabel` starts it.
   */
  async fillPlan(options: Omit<ProgressiveOptions, 'step' | 'max'>, plan: Array<number | { pause: string } | 'approval' | 'cookie gray=true'>): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    await this.button('Start progressive release').click();
    await dialog.getByLabel('Stable version', { exact: true }).selectOption(options.stable);
    await dialog.getByLabel('Gray version', { exact: true }).selectOption(options.gray);
    await dialog.getByLabel('Custom step list').check();
    const rows = dialog.getByTestId('plan-step');
    while ((await rows.count()) < plan.length) await dialog.getByRole('button', { name: 'Add a step' }).click();
    while ((await rows.count()) > plan.length) await dialog.getByRole('button', { name: `Remove step ${await rows.count()}` }).click();
    for (const [index, step] of plan.entries()) {
      const n = index + 1;
      // 'cookie gray=true': an A/B step with the rule editor's default condition (cookie gray=true).
      const kind = typeof step === 'number' ? 'setWeight' : step === 'approval' ? 'approval' : step === 'cookie gray=true' ? 'setRule' : 'pause';
      await dialog.getByLabel(`Step ${n}`, { exact: true }).selectOption(kind);
      if (typeof step === 'number') await dialog.getByLabel(`Step ${n} weight (percent)`).fill(String(step));
      else if (typeof step === 'object') await dialog.getByLabel(`Step ${n} pause`).fill(step.pause);
    }
    await dialog.getByLabel('Interval between steps').fill(options.interval);
    await dialog.getByLabel('Failed checks before rollback').fill(String(options.threshold ?? 5));
    await dialog.getByLabel('Metrics window').fill(options.window);
    await dialog.getByLabel('Approval', { exact: true }).selectOption(options.approval ?? 'none');
  }

  /** The running release's plan, one cell per step (`data-state`: done · current · todo). */
  get planSteps(): Locator {
    return this.page.getByTestId('release-plan-step');
  }

  /** "Start progressive release", filled in, started; the dialog closes once the server has accepted it. */
  async start(options: ProgressiveOptions): Promise<void> {
    const dialog = this.page.getByRole('dialog');
    await this.button('Start progressive release').click();
    await dialog.getByLabel('Stable version', { exact: true }).selectOption(options.stable);
    await dialog.getByLabel('Gray version', { exact: true }).selectOption(options.gray);
    await dialog.getByLabel('Step (percent)').fill(String(options.step));
    await dialog.getByLabel('Maximum weight before promotion (percent)').fill(String(options.max));
    await dialog.getByLabel('Interval between steps').fill(options.interval);
    await dialog.getByLabel('Failed checks before rollback').fill(String(options.threshold ?? 5));
    await dialog.getByLabel('Metrics window').fill(options.window);
    await dialog.getByLabel('Approval', { exact: true }).selectOption(options.approval ?? 'none');
    await dialog.getByRole('button', { name: `Start releasing ${options.gray}` }).click();
    await expect(dialog).toHaveCount(0);
  }
}
