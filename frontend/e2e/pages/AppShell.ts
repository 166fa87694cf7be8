import type { Locator, Page } from '@playwright/test';

export type Locale = 'it' | 'fr' | 'en';
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The header, navigation and landmarks every page shares. */
export class AppShell {
  readonly header: Locator;
  readonly productName: Locator;
  readonly languageSwitcher: Locator;
  readonly connectionIndicator: Locator;
  readonly connectionText: Locator;
  readonly viewer: Locator;
  readonly nav: Locator;
  readonly navTenants: Locator;
  readonly navUsers: Locator;
  readonly navProducts: Locator;
  readonly pageHeading: Locator;
  readonly main: Locator;

  constructor(readonly page: Page) {
    this.header = page.getByTestId('app-header');
    this.productName = page.getByTestId('product-name');
    this.languageSwitcher = page.getByTestId('language-switcher');
    this.connectionIndicator = page.getByTestId('connection-indicator');
    this.connectionText = page.getByTestId('connection-indicator-text');
    this.viewer = page.getByTestId('viewer');
    this.nav = page.getByTestId('main-nav');
    this.navTenants = page.getByTestId('nav-tenants');
    this.navUsers = page.getByTestId('nav-users');
    this.navProducts = page.getByTestId('nav-products');
    this.pageHeading = page.getByTestId('page-heading');
    this.main = page.getByRole('main');
  }

  async goto(path = '/'): Promise<void> {
    await this.page.goto(path);
    await this.productName.waitFor();
  }

  async switchLanguage(locale: Locale): Promise<void> {
    await this.languageSwitcher.selectOption(locale);
  }

  async htmlLang(): Promise<string | null> {
    return this.page.locator('html').getAttribute('lang');
  }

  async connectionState(): Promise<ConnectionState> {
    return (await this.connectionIndicator.getAttribute('data-state')) as ConnectionState;
  }
}
