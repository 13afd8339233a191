import { expect, type Locator, type Page } from '@playwright/test';

/** The Routing page (every VirtualService, HTTPRoute and TrafficSplit), as a user sees it. */
export class RoutesPage {
  constructor(private readonly page: Page) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`/routes${query}`);
    await expect(this.page.getByRole('heading', { name: /Routing objects|路由对象/ })).toBeVisible();
  }

  row(namespace: string, name: string, kind = 'VirtualService'): Locator {
    return this.page.getByTestId(`route-${kind}-${namespace}-${name}`);
  }

  /** Destinations of a row's rules as the user reads them, e.g. `reviews.default v1 100%`. */
  async destinations(namespace: string, name: string, kind = 'VirtualService'): Promise<string[]> {
    return (await this.row(namespace, name, kind).getByTestId('destination').allInnerTexts()).map((text) => text.trim());
  }

  async filter(text: string): Promise<void> {
    await this.page.getByRole('searchbox').fill(text);
  }
}
