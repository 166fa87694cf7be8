import { expect, test } from '@playwright/test';
import { AppShell } from './pages/AppShell';
import { TenantsPage } from './pages/TenantsPage';
import { UsersPage } from './pages/UsersPage';
import { tenantRoots, usersList, usersProducts, viewer } from './support/fixtures';
import { mockGraphQL } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

// The shell's pages answered as for a signed-in viewer with nothing to show:
// an anonymous browser would be sent to /login (tested in the page specs).
test.beforeEach(async ({ page }) => {
  await mockGraphQL(page, {
    TenantRoots: () => tenantRoots([]),
    VisibleTenants: () => tenantRoots([]),
    UsersList: () => usersList([]),
    UsersProducts: () => usersProducts([]),
  });
});

test.describe('app shell', () => {
  test('renders in Italian by default with its landmarks', async ({ page }) => {
    const shell = new AppShell(page);
    await shell.goto('/');

    await expect(page).toHaveURL(/\/tenants$/);
    await expect(shell.productName).toHaveText('Gestione utenze');
    expect(await shell.htmlLang()).toBe('it');
    await expect(page.getByRole('banner')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Navigazione principale' })).toBeVisible();
    await expect(shell.main).toBeVisible();
    await expect(page.getByRole('contentinfo')).toBeVisible();
    await expect(shell.navTenants).toHaveAttribute('aria-current', 'page');
    await expect(shell.navUsers).toHaveText('Elenco utenti');
    await expect(shell.pageHeading).toHaveText('Enti e sedi operative');
    await expect(page).toHaveTitle('Enti e sedi operative · Gestione utenze');
    await expect(shell.languageSwitcher).toHaveAccessibleName('Lingua');
  });

  test('the connection indicator is a polite live region with a known state', async ({ page }) => {
    const shell = new AppShell(page);
    await shell.goto('/tenants');
    await expect(shell.connectionIndicator).toHaveAttribute('role', 'status');
    await expect(shell.connectionIndicator).toHaveAttribute('aria-live', 'polite');
    await expect(shell.connectionIndicator).toHaveAttribute(
      'data-state',
      /^(connecting|connected|reconnecting|offline)$/,
    );
    await expect(shell.connectionIndicator).toContainText('Connessione in tempo reale');
  });

  test('the language switcher changes the language and remembers it', async ({ page }) => {
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await saveScreenshot(page, 'shell-it');

    await tenants.shell.switchLanguage('fr');
    await expect(tenants.shell.productName).toHaveText('Gestion des utilisateurs');
    await expect(tenants.shell.pageHeading).toHaveText('Établissements');
    await expect(tenants.shell.languageSwitcher).toHaveAccessibleName('Langue');
    expect(await tenants.shell.htmlLang()).toBe('fr');
    await expect(page).toHaveTitle('Établissements · Gestion des utilisateurs');
    await saveScreenshot(page, 'shell-fr');

    await tenants.shell.switchLanguage('en');
    await expect(tenants.shell.productName).toHaveText('User management');
    await expect(tenants.shell.navUsers).toHaveText('Users');
    await saveScreenshot(page, 'shell-en');

    await page.reload();
    await expect(tenants.shell.productName).toHaveText('User management');
    await expect(tenants.shell.languageSwitcher).toHaveValue('en');
  });

  test('navigation reaches the users page and moves focus to its heading', async ({ page }) => {
    const shell = new AppShell(page);
    await shell.goto('/tenants');
    await shell.navUsers.click();

    const users = new UsersPage(page);
    await expect(page).toHaveURL(/\/users$/);
    await expect(users.root).toBeVisible();
    await expect(shell.pageHeading).toHaveText('Elenco utenti');
    await expect(shell.pageHeading).toBeFocused();
    await expect(shell.navUsers).toHaveAttribute('aria-current', 'page');
    await expect(users.tabAll).toHaveText('Tutti');
  });

  test('the skip link is the first stop and jumps to the main content', async ({ page }) => {
    const shell = new AppShell(page);
    await shell.goto('/users');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Passa al contenuto principale' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(shell.main).toBeFocused();
  });

  test('an unknown address shows a page not found', async ({ page }) => {
    const shell = new AppShell(page);
    await shell.goto('/no-such-page');
    await expect(page.getByTestId('not-found-page')).toBeVisible();
    await expect(shell.pageHeading).toHaveText('Pagina non trovata');
  });
});

test.describe('default language', () => {
  test.describe('browser in French', () => {
    test.use({ locale: 'fr-FR' });
    test('follows navigator.language', async ({ page }) => {
      const shell = new AppShell(page);
      await shell.goto('/users');
      await expect(shell.productName).toHaveText('Gestion des utilisateurs');
      await expect(shell.languageSwitcher).toHaveValue('fr');
    });
  });

  test.describe('browser in German', () => {
    test.use({ locale: 'de-DE' });
    test('falls back to Italian', async ({ page }) => {
      const shell = new AppShell(page);
      await shell.goto('/users');
      await expect(shell.productName).toHaveText('Gestione utenze');
    });
  });

  test('the viewer preference from the API wins over the browser', async ({ page }) => {
    await mockGraphQL(page, { Viewer: () => viewer({ username: 'g.martin', language: 'en' }) });
    const shell = new AppShell(page);
    await shell.goto('/users');
    await expect(shell.productName).toHaveText('User management');
    await expect(shell.viewer).toHaveText('Signed in as g.martin');
  });
});
