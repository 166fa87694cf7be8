import type { Locator, Page } from '@playwright/test';
import { AppShell } from './AppShell';

/** The users list (/users). */
export class UsersPage {
  readonly shell: AppShell;
  readonly root: Locator;
  readonly tabs: Locator;
  readonly tabAll: Locator;
  readonly search: Locator;
  readonly category: Locator;
  readonly role: Locator;
  readonly status: Locator;
  readonly roleStatus: Locator;
  readonly reset: Locator;
  readonly tenantFilter: Locator;
  readonly tenantFilterRemove: Locator;
  readonly region: Locator;
  readonly loading: Locator;
  readonly error: Locator;
  readonly errorRetry: Locator;
  readonly errorLogin: Locator;
  readonly empty: Locator;
  readonly summary: Locator;
  readonly restricted: Locator;
  readonly groups: Locator;
  readonly rows: Locator;
  readonly next: Locator;
  readonly previous: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.root = page.getByTestId('users-page');
    this.tabs = page.getByTestId('users-tabs');
    this.tabAll = page.getByTestId('users-tab-all');
    this.search = page.getByTestId('users-search');
    this.category = page.getByTestId('users-filter-category');
    this.role = page.getByTestId('users-filter-role');
    this.status = page.getByTestId('users-filter-status');
    this.roleStatus = page.getByTestId('users-filter-role-status');
    this.reset = page.getByTestId('users-filter-reset');
    this.tenantFilter = page.getByTestId('users-tenant-filter');
    this.tenantFilterRemove = page.getByTestId('users-tenant-filter-remove');
    this.region = page.getByTestId('users-region');
    this.loading = page.getByTestId('users-loading');
    this.error = page.getByTestId('users-error');
    this.errorRetry = page.getByTestId('users-error-retry');
    this.errorLogin = page.getByTestId('users-error-login');
    this.empty = page.getByTestId('users-empty');
    this.summary = page.getByTestId('users-summary');
    this.restricted = page.getByTestId('users-restricted');
    this.groups = page.getByTestId('users-group');
    this.rows = page.getByTestId('user-row');
    this.next = page.getByTestId('users-next');
    this.previous = page.getByTestId('users-previous');
  }

  async goto(search = ''): Promise<void> {
    await this.shell.goto(`/users${search}`);
    await this.root.waitFor();
  }

  tab(name: string): Locator {
    return this.tabs.getByRole('link', { name, exact: true });
  }

  group(productName: string): Locator {
    return this.groups.filter({ has: this.page.getByTestId('users-group-title').getByText(productName) });
  }

  row(username: string, within: Locator = this.page.locator('body')): Locator {
    return within.getByTestId('user-row').filter({ has: this.page.getByTestId('user-username').getByText(username, { exact: true }) });
  }
}
