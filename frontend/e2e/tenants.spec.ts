import { REAL_API, useAdminSession } from './support/env';
import { expect, test } from '@playwright/test';
import { TenantsPage } from './pages/TenantsPage';
import { gid, graphqlError, tenantChildren, tenantName, tenantRoots, usersList, usersProducts, ROSSI, type TenantFx } from './support/fixtures';
import { mockGraphQL, type OperationVariables } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

// Mocked (typed by the generated documents): a fixed tree, more roots than a
// page and a viewer who sees no root, which the shared real server does not
// hold; moving them to tenants made through the API is left to do (issue
// 14.8). The last test runs against whatever /graphql the target has.

const t = (n: number, name: string, parent: string | null, children: number, users: number, country = 'IT'): TenantFx => ({
  id: gid('Tenant', n),
  name,
  country,
  parent,
  children,
  users,
});
const BRESCIA = t(1, 'Provincia di Brescia', null, 2, 12);
const CEFALONIA = t(2, 'Sede operativa via Cefalonia', BRESCIA.id, 1, 4);
const LONATO = t(3, 'Sede operativa Lonato', BRESCIA.id, 0, 1);
const SPORTELLO = t(4, 'Sportello lavoro Cefalonia', CEFALONIA.id, 0, 2);
const MARTIN = t(5, 'Transports Martin', null, 0, 0, 'FR');
const HOLDING = t(6, 'Holding Amisgest', null, 1, 3, 'CA');

function handlers(roots: TenantFx[] = [BRESCIA, HOLDING, MARTIN]) {
  return {
    TenantRoots: () => tenantRoots(roots),
    TenantChildren: (v: OperationVariables<'TenantChildren'>) => {
      const id = String(v.id);
      if (id === BRESCIA.id) return tenantChildren(id, [CEFALONIA, LONATO]);
      if (id === CEFALONIA.id) return tenantChildren(id, [SPORTELLO]);
      if (id === HOLDING.id) return tenantChildren(id, [t(7, 'Garderie Les Petits', HOLDING.id, 0, 5, 'CA')]);
      return tenantChildren(id, []);
    },
  };
}

test.describe('tenants tree', () => {
  test('roots, then children on demand, with the ARIA tree attributes', async ({ page }) => {
    const seen = await mockGraphQL(page, handlers());
    const tenants = new TenantsPage(page);
    await tenants.goto();

    await expect(tenants.tree).toHaveAccessibleName('Enti e sedi operative');
    await expect(tenants.items).toHaveCount(3);
    const brescia = tenants.item('Provincia di Brescia');
    await expect(brescia).toHaveAttribute('aria-level', '1');
    await expect(brescia).toHaveAttribute('aria-posinset', '1');
    await expect(brescia).toHaveAttribute('aria-setsize', '3');
    await expect(brescia).toHaveAttribute('aria-expanded', 'false');
    await expect(brescia.getByTestId('tenant-node-users')).toHaveText('12 utenti');
    // A leaf is not expandable.
    await expect(tenants.item('Transports Martin')).not.toHaveAttribute('aria-expanded', /.*/);
    await expect(tenants.item('Transports Martin').getByTestId('tenant-node-users')).toHaveText('0 utenti');
    // One tab stop: the first item.
    await expect(brescia).toHaveAttribute('tabindex', '0');
    await expect(tenants.item('Holding Amisgest')).toHaveAttribute('tabindex', '-1');

    await brescia.getByTestId('tenant-node-toggle').click();
    await expect(brescia).toHaveAttribute('aria-expanded', 'true');
    const cef = tenants.item('Sede operativa via Cefalonia');
    await expect(cef).toHaveAttribute('aria-level', '2');
    await expect(cef).toHaveAttribute('aria-setsize', '2');
    await expect(tenants.item('Sede operativa Lonato').getByTestId('tenant-node-users')).toHaveText('1 utente');
    expect(seen.filter((op) => op.operationName === 'TenantChildren').map((op) => op.variables)).toEqual([
      { id: BRESCIA.id, first: 50, after: null },
    ]);
    await cef.getByTestId('tenant-node-toggle').click();
    await expect(tenants.item('Sportello lavoro Cefalonia')).toHaveAttribute('aria-level', '3');
    await saveScreenshot(page, 'tenants-tree-it');
  });

  test('keyboard: arrows move, open and close; Enter opens the tenant’s users', async ({ page }) => {
    await mockGraphQL(page, {
      ...handlers(),
      UsersProducts: () => usersProducts(),
      UsersTenant: (v) => tenantName(String(v.id), 'Sede operativa via Cefalonia'),
      UsersList: () => usersList([ROSSI]),
    });
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.items).toHaveCount(3);

    // Focus starts before the tree: on the Order choice, the last control above it.
    await page.getByTestId('tenants-sort').focus();
    await page.keyboard.press('Tab');
    const brescia = tenants.item('Provincia di Brescia');
    await expect(brescia).toBeFocused();

    await page.keyboard.press('ArrowRight'); // open
    await expect(brescia).toHaveAttribute('aria-expanded', 'true');
    await expect(tenants.items).toHaveCount(5);
    await page.keyboard.press('ArrowRight'); // into the first child
    const cef = tenants.item('Sede operativa via Cefalonia');
    await expect(cef).toBeFocused();
    await expect(cef).toHaveAttribute('tabindex', '0');
    await expect(brescia).toHaveAttribute('tabindex', '-1');
    await page.keyboard.press('ArrowDown');
    await expect(tenants.item('Sede operativa Lonato')).toBeFocused();
    await page.keyboard.press('ArrowLeft'); // to the parent
    await expect(brescia).toBeFocused();
    await page.keyboard.press('ArrowLeft'); // close
    await expect(brescia).toHaveAttribute('aria-expanded', 'false');
    await expect(tenants.items).toHaveCount(3);
    await page.keyboard.press('End');
    await expect(tenants.item('Transports Martin')).toBeFocused();
    await page.keyboard.press('Home');
    await expect(brescia).toBeFocused();
    await page.keyboard.press('h'); // type-ahead
    await expect(tenants.item('Holding Amisgest')).toBeFocused();
    await page.keyboard.press('*'); // open every sibling
    await expect(brescia).toHaveAttribute('aria-expanded', 'true');
    await expect(tenants.item('Holding Amisgest')).toHaveAttribute('aria-expanded', 'true');
    await expect(tenants.item('Garderie Les Petits')).toBeVisible();

    // Tab leaves the tree in one step (roving tabindex).
    await page.keyboard.press('Tab');
    await expect(page.locator('[role="treeitem"]:focus')).toHaveCount(0);
    await page.keyboard.press('Shift+Tab');
    await expect(tenants.item('Holding Amisgest')).toBeFocused();

    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await expect(tenants.item('Sede operativa via Cefalonia')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/users\\?tenant=${encodeURIComponent(CEFALONIA.id)}$`));
    await expect(page.getByTestId('users-tenant-filter')).toContainText('Ente: Sede operativa via Cefalonia');
  });

  test('a site administrator who sees no root starts at the visible tenants', async ({ page }) => {
    await mockGraphQL(page, {
      TenantRoots: () => tenantRoots([]),
      VisibleTenants: () => tenantRoots([CEFALONIA, SPORTELLO].map((x) => (x === CEFALONIA ? { ...x, parent: null } : x))),
      TenantChildren: (v) => tenantChildren(String(v.id), [SPORTELLO]),
    });
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.items).toHaveCount(1);
    await expect(tenants.item('Sede operativa via Cefalonia')).toHaveAttribute('aria-level', '1');
  });

  test('more roots than a page: "show more" loads the next one', async ({ page }) => {
    const first = Array.from({ length: 50 }, (_, i) => t(100 + i, `Ente ${String(i).padStart(2, '0')}`, null, 0, 1));
    await mockGraphQL(page, {
      TenantRoots: (v) =>
        v.after === 'r1'
          ? tenantRoots([t(200, 'Ente 50', null, 0, 1)], { totalCount: 51 })
          : tenantRoots(first, { totalCount: 51, hasNextPage: true, endCursor: 'r1' }),
    });
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.more).toHaveText('Mostra altri (50 di 51)');
    await tenants.more.click();
    await expect(tenants.item('Ente 50')).toHaveAttribute('aria-posinset', '51');
    await expect(tenants.more).toHaveCount(0);
  });

  test('empty, and errors with a retry', async ({ page }) => {
    let fail = true;
    await mockGraphQL(page, {
      TenantRoots: () => (fail ? graphqlError('FORBIDDEN', 'tenants') : tenantRoots([])),
      VisibleTenants: () => tenantRoots([]),
    });
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.error).toContainText('Non hai i permessi necessari per questa operazione.');
    fail = false;
    await tenants.errorRetry.click();
    // No roots and nothing visible either.
    await expect(tenants.empty).toHaveText('Nessun ente da mostrare.');
    await expect(tenants.error).toHaveCount(0);
  });

  test('in French', async ({ page }) => {
    await mockGraphQL(page, handlers());
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await tenants.shell.switchLanguage('fr');
    await expect(tenants.shell.pageHeading).toHaveText('Établissements');
    await expect(tenants.item('Provincia di Brescia').getByTestId('tenant-node-users')).toHaveText('12 utilisateurs');
    await expect(tenants.item('Transports Martin').getByTestId('tenant-node-users')).toHaveText('0 utilisateur');
    await saveScreenshot(page, 'tenants-tree-fr');
  });

  test('against the real endpoint the tree settles (items, empty or error), never stays loading', async ({ page, context }) => {
    // Signed in as the first administrator (an anonymous browser goes to /login).
    if (REAL_API) await useAdminSession(context);
    const tenants = new TenantsPage(page);
    await tenants.goto();
    const outcome = await tenants.settled();
    expect(['tree', 'empty', 'error']).toContain(outcome);
    await saveScreenshot(page, `tenants-live-${outcome}`);
  });

  test('the Order choice sorts the tree through orderBy (issue 15.3)', async ({ page }) => {
    const seen = await mockGraphQL(page, handlers());
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.items).toHaveCount(3);
    const roots = () => seen.filter((r) => r.operationName === 'TenantRoots');
    expect(roots().every((r) => r.variables['orderBy'] === undefined || r.variables['orderBy'] === null)).toBe(true);
    await page.getByTestId('tenants-sort').selectOption('-NAME');
    await expect(page).toHaveURL(/sort=-NAME/);
    await expect.poll(() => roots().at(-1)?.variables['orderBy']).toEqual({ field: 'NAME', direction: 'DESC' });
    await expect(tenants.items).toHaveCount(3);
    // Children are asked in the same order.
    await tenants.item('Provincia di Brescia').getByTestId('tenant-node-toggle').click();
    await expect
      .poll(() => seen.filter((r) => r.operationName === 'TenantChildren').at(-1)?.variables['orderBy'])
      .toEqual({ field: 'NAME', direction: 'DESC' });
  });
});
