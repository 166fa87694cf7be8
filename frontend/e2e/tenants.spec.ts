import { expect, test } from '@playwright/test';
import { TenantsPage } from './pages/TenantsPage';
import { mockGraphQL, tenantNode, tenantsPage } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

const head = tenantNode('VGVuYW50OjE=', 'Provincia di Brescia');
const site = tenantNode('VGVuYW50OjI=', 'Sede operativa via Cefalonia', { id: head.id, name: head.name });
const etab = tenantNode('VGVuYW50OjM=', 'Transports Martin', undefined, 'FR');

test.describe('tenants page', () => {
  test('lists the tenants with their parent', async ({ page }) => {
    const seen = await mockGraphQL(page, { TenantsPage: () => tenantsPage([head, site, etab]) });
    const tenants = new TenantsPage(page);
    await tenants.goto();

    await expect(tenants.rows).toHaveCount(3);
    await expect(tenants.caption).toContainText('Enti da 1 a 3 di 3');
    await expect(tenants.row('Sede operativa via Cefalonia').getByTestId('tenant-parent')).toHaveText(
      'Provincia di Brescia',
    );
    await expect(tenants.row('Provincia di Brescia').getByTestId('tenant-parent')).toHaveText(
      'Nessuno (ente principale)',
    );
    await expect(tenants.row('Transports Martin').getByTestId('tenant-country')).toHaveText('Francia');
    await expect(tenants.table.getByRole('columnheader', { name: 'Ente di appartenenza' })).toBeVisible();
    const query = seen.find((op) => op.operationName === 'TenantsPage');
    expect(query?.variables).toEqual({ first: 50, after: null });
    await saveScreenshot(page, 'tenants-it');

    await tenants.shell.switchLanguage('fr');
    await expect(tenants.caption).toContainText('Établissements 1 à 3 sur 3');
    await expect(tenants.row('Transports Martin').getByTestId('tenant-country')).toHaveText('France');
    await saveScreenshot(page, 'tenants-fr');
  });

  test('sends the CSRF token from the csrf_token cookie', async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: 'csrf_token', value: 'tok-123', url: baseURL ?? 'http://127.0.0.1:4173' }]);
    const seen = await mockGraphQL(page, { TenantsPage: () => tenantsPage([head]) });
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.rows).toHaveCount(1);
    const query = seen.find((op) => op.operationName === 'TenantsPage');
    expect(query?.headers['x-csrf-token']).toBe('tok-123');
  });

  test('shows the error where the list goes, and retries', async ({ page }) => {
    let fail = true;
    await mockGraphQL(page, {
      TenantsPage: () =>
        fail
          ? { body: { data: null, errors: [{ message: 'forbidden', extensions: { code: 'FORBIDDEN' } }] } }
          : tenantsPage([head]),
    });
    const tenants = new TenantsPage(page);
    await tenants.goto();

    await expect(tenants.error).toBeVisible();
    await expect(tenants.error).toHaveAttribute('role', 'alert');
    await expect(tenants.error).toContainText('Non hai i permessi necessari per questa operazione.');
    await expect(tenants.table).toHaveCount(0);
    await expect(tenants.shell.header).toBeVisible();
    await saveScreenshot(page, 'tenants-error-it');

    fail = false;
    await tenants.errorRetry.click();
    await expect(tenants.rows).toHaveCount(1);
    await expect(tenants.error).toHaveCount(0);
  });

  test('shows loading while the query runs', async ({ page }) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    await mockGraphQL(page, {
      TenantsPage: async () => {
        await gate;
        return tenantsPage([]);
      },
    });
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.loading).toHaveText('Caricamento degli enti…');
    await expect(tenants.loading).toHaveAttribute('role', 'status');
    release();
    await expect(tenants.empty).toHaveText('Nessun ente da mostrare.');
    await expect(tenants.loading).toHaveCount(0);
  });

  test('pages forward and back with cursors', async ({ page }) => {
    const first = Array.from({ length: 50 }, (_, i) => tenantNode(`T${i}`, `Ente ${String(i).padStart(2, '0')}`));
    const second = [tenantNode('T50', 'Ente 50')];
    const seen = await mockGraphQL(page, {
      TenantsPage: (v) =>
        v['after'] === 'end-1'
          ? tenantsPage(second, { totalCount: 51 })
          : tenantsPage(first, { totalCount: 51, hasNextPage: true, endCursor: 'end-1' }),
    });
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.rows).toHaveCount(50);
    await expect(tenants.previous).toBeDisabled();

    await tenants.next.click();
    await expect(tenants.rows).toHaveCount(1);
    await expect(tenants.caption).toContainText('Enti da 51 a 51 di 51');
    await expect(tenants.next).toBeDisabled();
    expect(seen.filter((op) => op.operationName === 'TenantsPage').map((op) => op.variables['after'])).toEqual([
      null,
      'end-1',
    ]);

    await tenants.previous.click();
    await expect(tenants.rows).toHaveCount(50);
  });

  test('against the real endpoint the list settles (table, empty or error), never stays loading', async ({
    page,
  }) => {
    const tenants = new TenantsPage(page);
    await tenants.goto();
    const outcome = await tenants.settled();
    expect(['table', 'empty', 'error']).toContain(outcome);
    await saveScreenshot(page, `tenants-live-${outcome}`);
  });
});
