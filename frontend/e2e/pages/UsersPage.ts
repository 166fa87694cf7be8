import type { Locator, Page } from '@playwright/test';
import { AppShell } from './AppShell';

/** The users list (/users), a placeholder for now. */
export class UsersPage {
  readonly shell: AppShell;
  readonly root: Locator;
  readonly placeholder: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.root = page.getByTestId('users-page');
    this.placeholder = page.getByTestId('users-placeholder');
  }

  async goto(): Promise<void> {
    await this.shell.goto('/users');
    await this.root.waitFor();
  }
}
