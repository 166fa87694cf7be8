import type { Locator, Page } from '@playwright/test';
import { AppShell } from './AppShell';

/** First-run setup (/setup#token=…). */
export class SetupPage {
  readonly shell: AppShell;
  readonly root: Locator;
  readonly noToken: Locator;
  readonly token: Locator;
  readonly givenName: Locator;
  readonly familyName: Locator;
  readonly username: Locator;
  readonly email: Locator;
  readonly password: Locator;
  readonly passwordToggle: Locator;
  readonly passwordLength: Locator;
  readonly submit: Locator;
  readonly progress: Locator;
  readonly form: Locator;
  readonly summary: Locator;
  readonly formError: Locator;
  readonly done: Locator;
  readonly loginLink: Locator;

  constructor(readonly page: Page) {
    this.shell = new AppShell(page);
    this.root = page.getByTestId('setup-page');
    this.noToken = page.getByTestId('setup-no-token');
    this.token = page.locator('#setup-token');
    this.givenName = page.locator('#setup-givenName');
    this.familyName = page.locator('#setup-familyName');
    this.username = page.locator('#setup-username');
    this.email = page.locator('#setup-email');
    this.password = page.locator('#setup-password');
    this.passwordToggle = page.getByTestId('setup-password-toggle');
    this.passwordLength = page.getByTestId('setup-password-length');
    this.submit = page.getByTestId('setup-submit');
    this.progress = page.getByTestId('setup-progress');
    this.form = page.getByTestId('setup-form');
    this.summary = page.getByTestId('setup-error-summary');
    this.formError = page.getByTestId('setup-form-error');
    this.done = page.getByTestId('setup-done');
    this.loginLink = page.getByTestId('setup-login-link');
  }

  async goto(token?: string): Promise<void> {
    await this.shell.goto(token === undefined ? '/setup' : `/setup#token=${token}`);
    await this.root.waitFor();
  }

  /** The error shown next to a field: token, givenName, familyName, username, email, password. */
  fieldError(field: string): Locator {
    return this.page.getByTestId(`field-setup-${field}-error`);
  }

  async fill(values: { givenName: string; familyName: string; username: string; email: string; password: string }): Promise<void> {
    await this.givenName.fill(values.givenName);
    await this.familyName.fill(values.familyName);
    await this.username.fill(values.username);
    await this.email.fill(values.email);
    await this.password.fill(values.password);
  }
}
