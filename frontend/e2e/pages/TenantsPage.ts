import type { Locator, Page } from '@playwright/test';
import { AppShell } from './AppShell';

/** The tenants list (/tenants). */
export class TenantsPage {
  readonly shell: AppShell;
  readonly root: Locator;
  readonly loading: Locator;
  readonly error: Locator;
  readonly errorRetry: Locator;
  readonly empty: Locator;
  readonly table: Locator;
  readonly caption: Locator;
  readonly rows: Locator;
  readonly next: Locator;
  readonly previous: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.root = page.getByTestId('tenants-page');
    this.loading = page.getByTestId('tenants-loading');
    this.error = page.getByTestId('tenants-error');
    this.errorRetry = page.getByTestId('tenants-error-retry');
    this.empty = page.getByTestId('tenants-empty');
    this.table = page.getByTestId('tenants-table');
    this.caption = page.getByTestId('tenants-caption');
    this.rows = page.getByTestId('tenant-row');
    this.next = page.getByTestId('tenants-next');
    this.previous = page.getByTestId('tenants-previous');
  }

  async goto(): Promise<void> {
    await this.shell.goto('/tenants');
    await this.root.waitFor();
  }

  row(name: string): Locator {
    return this.rows.filter({ has: this.page.getByTestId('tenant-name').getByText(name, { exact: true }) });
  }

  /** Waits until the list settled: a table, the empty notice or an error, never stuck loading. */
  async settled(): Promise<'table' | 'empty' | 'error'> {
    const outcome = this.table.or(this.empty).or(this.error);
    await outcome.first().waitFor();
    if (await this.table.isVisible()) return 'table';
    if (await this.empty.isVisible()) return 'empty';
    return 'error';
  }
}
