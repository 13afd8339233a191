import { expect, type Locator, type Page } from '@playwright/test';

/** The service page and its wizards, as an operator uses them. */
export class ServicePage {
  constructor(readonly page: Page) {}

  async open(namespace: string, name: string, cluster = 'sandbox'): Promise<void> {
    await this.page.goto(`/services/${cluster}/${namespace}/${name}`);
    await expect(this.page.getByTestId('service-title')).toHaveText(`${name}.${namespace}`);
  }

  /** From the services list: filter, then click through to the service. */
  async openFromList(namespace: string, name: string): Promise<void> {
    await this.page.goto(`/services?namespace=${namespace}`);
    await this.page.getByRole('link', { name: `${name}.${namespace}` }).click();
    await expect(this.page.getByTestId('service-title')).toHaveText(`${name}.${namespace}`);
  }

  get dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  /** The live split chart; `data-observed-share` holds the latest observed share per version. */
  get chart(): Locator {
    return this.page.getByTestId('traffic-split-chart');
  }

  /**
   * Waits (up to 60 s) until the live chart's observed share of `version` is within `tolerance` of `expected`
   * (shares 0..1), and says how long it took: the observed side comes from Prometheus, fed by the simulator.
   */
  async expectObservedShare(version: string, expected: number, tolerance = 0.08): Promise<void> {
    const started = Date.now();
    const share = async () => JSON.parse((await this.chart.getAttribute('data-observed-share')) ?? '{}')[version] ?? 0;
    await expect.poll(share, { timeout: 60_000, intervals: [1_000] }).toBeGreaterThanOrEqual(expected - tolerance);
    const observed = await share();
    expect(observed).toBeLessThanOrEqual(expected + tolerance);
    console.log(`chart showed ${version} at ${(observed * 100).toFixed(1)}% ${((Date.now() - started) / 1000).toFixed(0)} s after the change`);
  }

  weight(version: string): Locator {
    return this.page.getByTestId(`weight-${version}`);
  }

  versionRow(version: string): Locator {
    return this.page.getByTestId(`version-row-${version}`);
  }

  /** Review (diff + dry run), then press the button that says what it will do, and wait for the result. */
  async reviewAndApply(applyLabel: string | RegExp): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Review changes' }).click();
    await expect(this.dialog.getByTestId('dry-run-passed')).toBeVisible();
    await expect(this.dialog.getByTestId('plan-steps')).toBeVisible();
    await this.dialog.getByRole('button', { name: applyLabel }).click();
    await expect(this.dialog.getByTestId('wizard-done')).toBeVisible({ timeout: 90_000 });
    await this.dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    await expect(this.dialog).toHaveCount(0);
  }

  async addVersion(options: { version: string; image: string; weight: number }): Promise<void> {
    await this.page.getByRole('button', { name: 'Add gray version' }).click();
    await this.dialog.getByLabel('Version name').fill(options.version);
    await this.dialog.getByLabel('Image').fill(options.image);
    await this.dialog.getByLabel('By traffic ratio').check();
    await this.dialog.locator('#add-weight').fill(String(options.weight));
    await this.reviewAndApply(`Add ${options.version} with ${options.weight}% of traffic`);
  }

  async setWeight(version: string, value: number, applyLabel: string | RegExp): Promise<void> {
    await this.page.getByRole('button', { name: 'Edit gray policy' }).click();
    await this.dialog.getByLabel(`Weight of ${version} in percent`).fill(String(value));
    await this.reviewAndApply(applyLabel);
  }

  async takeOver(version: string): Promise<void> {
    await this.versionRow(version).getByRole('button', { name: 'Take over all traffic' }).click();
    await this.reviewAndApply(`Send 100% to ${version}`);
  }

  async deleteVersion(version: string): Promise<void> {
    await this.versionRow(version).getByRole('button', { name: 'Delete version' }).click();
    await this.reviewAndApply(`Delete ${version}`);
  }
}
