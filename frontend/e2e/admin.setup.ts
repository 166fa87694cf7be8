import { writeFileSync } from 'node:fs';
import { expect, test as setup } from '@playwright/test';
import { SetupPage } from './pages/SetupPage';
import { ADMIN_CREDENTIALS, ADMIN_STATE, ensureStateDir, FIRST_ADMIN, REAL_API, SETUP_TOKEN } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * Creates the first platform administrator through the real /setup page,
 * with the token the server printed, as an operator would: every answer here
 * comes from the real API (userErrors included). The credentials and the
 * browser state are stored for the specs that sign in once the login API
 * exists (issue 3).
 */
setup('create the first platform administrator through /setup', async ({ page }) => {
  setup.skip(!REAL_API || !SETUP_TOKEN, 'needs the Go server and E2E_SETUP_TOKEN (scripts/e2e.sh)');
  const form = new SetupPage(page);
  await form.goto(SETUP_TOKEN);

  // The token comes from the link: no field for it.
  await expect(form.token).toHaveCount(0);
  await expect(form.noToken).toHaveCount(0);
  await expect(form.shell.pageHeading).toHaveText('Configurazione iniziale');
  await expect(form.password).toHaveAttribute('type', 'password');
  await expect(form.password).toHaveAccessibleDescription(/Almeno 10 caratteri/);
  await saveScreenshot(page, 'setup-form-it');

  // Empty fields are caught before any request.
  await form.submit.click();
  await expect(form.summary).toBeFocused();
  await expect(form.fieldError('username')).toHaveText('Errore: Compila questo campo.');
  await expect(form.username).toHaveAttribute('aria-invalid', 'true');

  // Each rule of the server shows next to its field.
  const cases: Array<[Partial<typeof FIRST_ADMIN>, string, RegExp]> = [
    [{ username: 'giulia ferrari' }, 'username', /senza spazi/],
    [{ email: 'giulia.ferrari' }, 'email', /indirizzo email valido/],
    [{ password: 'corta' }, 'password', /almeno 10 caratteri/],
    [{ password: 'password123' }, 'password', /più comuni o già violate/],
    [{ password: 'aaaaaaaaaaaa' }, 'password', /ripetitiva/],
    [{ password: 'platform.admin-2025' }, 'password', /non può contenere lo username/],
  ];
  for (const [override, field, message] of cases) {
    await form.fill({ ...FIRST_ADMIN, ...override });
    await form.submit.click();
    await expect(form.fieldError(field)).toHaveText(message);
    await expect(form.summary).toBeFocused();
    await expect(form.page.locator(`#setup-${field}`)).toHaveAttribute('aria-invalid', 'true');
    if (field === 'password' && override.password === 'password123') await saveScreenshot(page, 'setup-errors-it');
  }

  // The summary links move focus to the field without touching the URL (it holds the token).
  await form.summary.getByRole('link').first().click();
  await expect(form.password).toBeFocused();
  expect(new URL(page.url()).hash).toBe(`#token=${SETUP_TOKEN}`);

  // Show / hide the password.
  await form.fill(FIRST_ADMIN);
  await form.passwordToggle.click();
  await expect(form.password).toHaveAttribute('type', 'text');
  await expect(form.passwordToggle).toHaveAttribute('aria-pressed', 'true');
  await expect(form.passwordLength).toContainText('26 caratteri (minimo 10)');
  await form.passwordToggle.click();
  await expect(form.password).toHaveAttribute('type', 'password');

  // Progress while the server works: the request is held until the form shows it, then goes through unchanged.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/graphql', async (route) => {
    if (route.request().postDataJSON()?.operationName === 'BootstrapPlatformAdmin') await held;
    await route.fallback();
  });
  await form.submit.click();
  await expect(form.submit).toBeDisabled();
  await expect(form.submit).toHaveText('Creazione in corso…');
  await expect(form.form).toHaveAttribute('aria-busy', 'true');
  await expect(form.progress).toContainText('Creazione dell’amministratore in corso');
  await saveScreenshot(page, 'setup-progress-it');
  release();

  await expect(form.done).toBeVisible();
  await expect(form.shell.pageHeading).toHaveText('Amministratore creato');
  await expect(form.shell.pageHeading).toBeFocused();
  await expect(form.done).toContainText('L’amministratore platform.admin è stato creato.');
  // The spent token leaves the address bar.
  expect(new URL(page.url()).hash).toBe('');
  await saveScreenshot(page, 'setup-done-it');

  await form.loginLink.click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('login-page')).toBeVisible();

  // The real login: a wrong password first, then the right one (by email).
  await page.getByLabel('Username o email').fill(FIRST_ADMIN.username);
  await page.getByLabel('Password', { exact: false }).first().fill('not the password at all');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'INVALID_CREDENTIALS');
  await expect(page.getByTestId('login-error')).toBeFocused();
  await expect(page.getByTestId('login-error')).toContainText('Username, email o password non corretti.');
  await saveScreenshot(page, 'login-error-it');
  await page.getByLabel('Username o email').fill(FIRST_ADMIN.email);
  await page.locator('#login-password').fill(FIRST_ADMIN.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/tenants$/);
  // The interface follows the viewer's language preference (the first administrator's is English).
  await expect(page.getByTestId('viewer')).toHaveText(`Signed in as ${FIRST_ADMIN.username}`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByTestId('logout')).toBeVisible();

  ensureStateDir();
  writeFileSync(ADMIN_CREDENTIALS, JSON.stringify({ username: FIRST_ADMIN.username, password: FIRST_ADMIN.password }, null, 2));
  await page.context().storageState({ path: ADMIN_STATE });
});
