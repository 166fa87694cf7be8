import type { Locator, Page } from '@playwright/test';
import { AppShell } from './AppShell';

/** A user's profile (/users/:id). */
export class UserProfilePage {
  readonly shell: AppShell;
  readonly root: Locator;
  readonly back: Locator;
  readonly identity: Locator;
  readonly cards: Locator;
  readonly sites: Locator;
  readonly restricted: Locator;
  readonly notFound: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.root = page.getByTestId('profile-page');
    this.back = page.getByTestId('profile-back');
    this.identity = page.getByTestId('identity-card');
    this.cards = page.getByTestId('product-card');
    this.sites = page.getByTestId('site');
    this.restricted = page.getByTestId('profile-restricted');
    this.notFound = page.getByTestId('profile-not-found');
    this.error = page.getByTestId('profile-error');
  }

  async goto(id: string): Promise<void> {
    await this.shell.goto(`/users/${encodeURIComponent(id)}`);
    await this.root.waitFor();
  }

  field(name: string): Locator {
    return this.page.getByTestId(`identity-${name}`);
  }

  card(productName: string): Locator {
    return this.cards.filter({ has: this.page.getByTestId('product-card-title').getByText(productName, { exact: true }) });
  }
}
