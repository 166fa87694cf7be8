import type { Locator, Page } from '@playwright/test';
import { AppShell } from './AppShell';

/** The tenants tree (/tenants). */
export class TenantsPage {
  readonly shell: AppShell;
  readonly root: Locator;
  readonly tree: Locator;
  readonly items: Locator;
  readonly loading: Locator;
  readonly error: Locator;
  readonly errorRetry: Locator;
  readonly empty: Locator;
  readonly more: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.root = page.getByTestId('tenants-page');
    this.tree = page.getByRole('tree');
    this.items = page.getByRole('treeitem');
    this.loading = page.getByTestId('tenant-tree-roots-loading');
    this.error = page.getByTestId('tenant-tree-roots-error');
    this.errorRetry = page.getByTestId('tenant-tree-roots-error-retry');
    this.empty = page.getByTestId('tenants-empty');
    this.more = page.getByTestId('tenant-tree-more');
  }

  async goto(): Promise<void> {
    await this.shell.goto('/tenants');
    await this.root.waitFor();
  }

  item(name: string): Locator {
    return this.page.getByTestId('tenant-node').filter({ has: this.page.getByTestId('tenant-node-name').getByText(name, { exact: true }) });
  }

  /** Waits until the tree settled: items, the empty notice or an error, never stuck loading. */
  async settled(): Promise<'tree' | 'empty' | 'error'> {
    await this.items.first().or(this.empty).or(this.error).first().waitFor();
    if (await this.error.isVisible()) return 'error';
    if (await this.empty.isVisible()) return 'empty';
    return 'tree';
  }
}
