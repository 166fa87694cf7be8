import { expect, test } from '@playwright/test';
import { ProductsPage } from './pages/ProductsPage';
import { acceptInvitation, createTenant, createUser, newPerson, roleId, signIn } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

// The built-in catalog (db/catalog.yaml) as the real server answers it, to a
// person of its own (Italian): the shared administrator's language is never
// switched. Nothing here needs a state the server cannot be put in, so
// nothing is mocked.

test.describe('product catalog', () => {
  test('products and roles with category and conditions', async ({ page, browser }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    test.setTimeout(90_000);
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Mantova ${Date.now().toString(36)}`);
    const person = newPerson('e2e.catalog');
    await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    const password = 'nebbia sul mincio a novembre';
    await acceptInvitation(page, person.email, password);
    const own = await signIn(browser, person.username, password);

    const catalog = new ProductsPage(own);
    await catalog.goto();
    await expect(catalog.shell.navProducts).toHaveAttribute('aria-current', 'page');
    await expect(catalog.product('io-platform').getByTestId('catalog-product-name')).toHaveText('Area Riservata Enti');
    await expect(catalog.product('cob').getByTestId('catalog-product-name')).toHaveText('COB – Comunicazioni obbligatorie');
    await expect(catalog.product('amisgest').getByTestId('catalog-product-name')).toHaveText('Amisgest – presenze e attrezzature');
    const admin = catalog.role('io-platform', 'amministratore');
    await expect(admin.getByTestId('role-category')).toHaveText('Amministratore');
    await expect(admin.getByTestId('badge-nomination')).toHaveText('Nomina del Legale Rappresentante');
    await expect(admin.getByTestId('badge-nomination')).toHaveAttribute('title', /firma di un modulo di nomina/);
    const tech = catalog.role('amisgest', 'external-technician');
    await expect(tech.getByTestId('role-category')).toHaveText('Operatore');
    await expect(tech.getByTestId('badge-no-personal-data')).toHaveText('Senza accesso ai dati personali');
    await expect(tech.getByTestId('badge-requires-site')).toHaveText('Richiede una sede');
    await expect(tech).toContainText('equipment.configure');
    await expect(catalog.role('io-platform', 'operatore-api')).toContainText('Nessuna condizione');
    await expect(catalog.product('cob').getByRole('table')).toHaveAccessibleName('COB – Comunicazioni obbligatorie');
    await saveScreenshot(own, 'products-it');

    // This person's own preference (never the shared administrator's).
    await catalog.shell.switchLanguage('fr');
    await expect(catalog.shell.pageHeading).toHaveText('Fonctionnalités et rôles');
    await expect(admin.getByTestId('badge-nomination')).toHaveText('Nomination par le représentant légal');
    // The catalog's names and descriptions follow the interface language.
    await expect(catalog.product('cob').getByTestId('catalog-product-name')).toHaveText('COB – Communications obligatoires');
    await expect(admin.getByTestId('product-role-name')).toHaveText('Administrateur');
    await saveScreenshot(own, 'products-fr');
    await own.context().close();
  });

  test('against the real API, anonymous: the error says to sign in', async ({ page }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    await page.goto('/products');
    await expect(page).toHaveURL(/\/login\?next=%2Fproducts/);
  });
});
