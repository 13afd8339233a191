import { expect, type Locator, type Page } from '@playwright/test';

/** The Virtual services list, as a user sees it. */
export class VirtualServicesPage {
  constructor(private readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`/virtual-services${query}`);
    await expect(this.page.getByRole('heading', { name: /Virtual services|虚拟服务/ })).toBeVisible();
  }

  row(namespace: string, name: string): Locator {
    return this.page.getByTestId(`vs-${namespace}-${name}`);
  }

  /** Destinations of a row's routes as the user reads them, e.g. `reviews.default v1 100%`. */
  async destinations(namespace: string, name: string): Promise<string[]> {
    return (await this.row(namespace, name).getByTestId('destination').allInnerTexts()).map((text) => text.trim());
  }

  async filter(text: string): Promise<void> {
    await this.page.getByRole('searchbox').fill(text);
  }
}
