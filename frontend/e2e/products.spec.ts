import { expect, test } from '@playwright/test';
import { ProductsPage } from './pages/ProductsPage';
import { REAL_API } from './support/env';
import { productCatalog } from './support/fixtures';
import { mockGraphQL } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

// `products` needs a signed-in viewer (login API: issue 3): mocked with the
// shape of the built-in catalog (db/catalog.yaml), except the last test.

test.describe('product catalog', () => {
  test('products and roles with category and conditions', async ({ page }) => {
    await mockGraphQL(page, { ProductCatalog: () => productCatalog() });
    const catalog = new ProductsPage(page);
    await catalog.goto();
    await expect(catalog.shell.navProducts).toHaveAttribute('aria-current', 'page');
    await expect(catalog.products.getByTestId('catalog-product-name')).toHaveText([
      'Area Riservata Enti',
      'COB – Comunicazioni obbligatorie',
      'Amisgest – presenze e attrezzature',
    ]);
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
    await saveScreenshot(page, 'products-it');

    await catalog.shell.switchLanguage('fr');
    await expect(catalog.shell.pageHeading).toHaveText('Fonctionnalités et rôles');
    await expect(admin.getByTestId('badge-nomination')).toHaveText('Nomination par le représentant légal');
    // The catalog's names and descriptions follow the interface language.
    await expect(catalog.product('cob').getByTestId('catalog-product-name')).toHaveText('COB – Communications obligatoires');
    await expect(admin.getByTestId('product-role-name')).toHaveText('Administrateur');
    await saveScreenshot(page, 'products-fr');
  });

  test('against the real API, anonymous: the error says to sign in', async ({ page }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    await page.goto('/products');
    await expect(page).toHaveURL(/\/login\?next=%2Fproducts/);
  });
});
