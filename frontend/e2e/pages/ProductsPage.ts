import type { Locator, Page } from '@playwright/test';
import { AppShell } from './AppShell';

/** The product catalog (/products). */
export class ProductsPage {
  readonly shell: AppShell;
  readonly root: Locator;
  readonly products: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.root = page.getByTestId('products-page');
    this.products = page.getByTestId('product');
    this.error = page.getByTestId('products-error');
  }

  async goto(): Promise<void> {
    await this.shell.goto('/products');
    await this.root.waitFor();
  }

  product(code: string): Locator {
    return this.page.locator(`[data-testid="product"][data-product-code="${code}"]`);
  }

  role(productCode: string, roleCode: string): Locator {
    return this.product(productCode).locator(`[data-testid="product-role"][data-role-code="${roleCode}"]`);
  }
}
