import { REAL_API, useAdminSession } from './support/env';
import { expect, test } from '@playwright/test';
import { TenantsPage } from './pages/TenantsPage';
import { gid, graphqlError, tenantChildren, tenantRoots, type TenantFx } from './support/fixtures';
import { mockGraphQL, watchOperations, type OperationVariables } from './support/graphql';
import { acceptInvitation, createTenant, createUser, newPerson, roleId, signIn } from './support/api';
import { saveScreenshot } from './support/screenshots';

// Two halves. Against the real server ("tenants tree against the real
// server"): an organisation made through the API, seen by its own
// administrator and by a site's administrator, signed in through /login —
// the tree, the keyboard, the order and French. Mocked (typed by the
// generated documents): more roots than a page (51 root tenants on the
// shared server would crowd every other spec's tenant pickers), an empty
// tree and a refused one, and the Italian names the screenshots show.

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

  test('against the real endpoint the tree settles (items, empty or error), never stays loading', async ({ page, context }) => {
    // Signed in as the first administrator (an anonymous browser goes to /login).
    if (REAL_API) await useAdminSession(context);
    const tenants = new TenantsPage(page);
    await tenants.goto();
    const outcome = await tenants.settled();
    expect(['tree', 'empty', 'error']).toContain(outcome);
    await saveScreenshot(page, `tenants-live-${outcome}`);
  });
});

test.describe('tenants tree against the real server', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  /**
   * Provincia di Mantova with two sites, Suzzara and Viadana, and a counter
   * under Viadana; one person at Viadana; an administrator of the province
   * and one of Viadana alone, each with a password to sign in with.
   */
  const world = {
    org: { id: '', name: '' },
    suzzara: { id: '', name: '' },
    viadana: { id: '', name: '' },
    counter: { id: '', name: '' },
    orgAdmin: '',
    siteAdmin: '',
  };
  const PASSWORD = 'albero degli enti di prova';

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext();
    await useAdminSession(context);
    const page = await context.newPage();
    const stamp = Date.now().toString(36);
    const tenant = async (name: string, parent?: string) => ({ id: await createTenant(page, `${name} ${stamp}`, parent), name: `${name} ${stamp}` });
    world.org = await tenant('Provincia di Mantova');
    world.viadana = await tenant('Sede operativa Viadana', world.org.id);
    world.suzzara = await tenant('Sede operativa Suzzara', world.org.id);
    world.counter = await tenant('Sportello Viadana', world.viadana.id);
    const admin = await roleId(page, 'Sessions conducteurs', 'Gestionnaire administrateur');
    await createUser(page, world.viadana.id, newPerson('e2e.tree.member'), await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    for (const [key, tenantId] of [['orgAdmin', world.org.id], ['siteAdmin', world.viadana.id]] as const) {
      const person = newPerson(`e2e.tree.${key}`);
      await createUser(page, tenantId, person, admin);
      await acceptInvitation(page, person.email, PASSWORD);
      world[key] = person.username;
    }
    await context.close();
  });

  test('roots, then children on demand, with the ARIA tree attributes and counts', async ({ browser }) => {
    const page = await signIn(browser, world.orgAdmin, PASSWORD);
    const seen = watchOperations(page);
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.tree).toHaveAccessibleName('Enti e sedi operative');
    await expect(tenants.items).toHaveCount(1);
    const org = tenants.item(world.org.name);
    await expect(org).toHaveAttribute('aria-level', '1');
    await expect(org).toHaveAttribute('aria-posinset', '1');
    await expect(org).toHaveAttribute('aria-setsize', '1');
    await expect(org).toHaveAttribute('aria-expanded', 'false');
    await expect(org).toHaveAttribute('tabindex', '0');
    await expect(org.getByTestId('tenant-node-users')).toHaveText('1 utente');

    await org.getByTestId('tenant-node-toggle').click();
    await expect(org).toHaveAttribute('aria-expanded', 'true');
    const viadana = tenants.item(world.viadana.name);
    await expect(viadana).toHaveAttribute('aria-level', '2');
    await expect(viadana).toHaveAttribute('aria-setsize', '2');
    await expect(viadana.getByTestId('tenant-node-users')).toHaveText('2 utenti'); // the member and the site's administrator
    // A leaf is not expandable.
    const suzzara = tenants.item(world.suzzara.name);
    await expect(suzzara).not.toHaveAttribute('aria-expanded', /.*/);
    await expect(suzzara.getByTestId('tenant-node-users')).toHaveText('0 utenti');
    expect(seen.filter((op) => op.operationName === 'TenantChildren').map((op) => op.variables)).toEqual([
      { id: world.org.id, first: 50, after: null },
    ]);
    await viadana.getByTestId('tenant-node-toggle').click();
    await expect(tenants.item(world.counter.name)).toHaveAttribute('aria-level', '3');
    await page.context().close();
  });

  test('keyboard: arrows move, open and close; Enter opens the tenant’s users', async ({ browser }) => {
    const page = await signIn(browser, world.orgAdmin, PASSWORD);
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.items).toHaveCount(1);

    // Focus starts before the tree: on "New site", the last control above it for an administrator.
    await page.getByTestId('tenant-create-open').focus();
    await page.keyboard.press('Tab');
    const org = tenants.item(world.org.name);
    await expect(org).toBeFocused();

    await page.keyboard.press('ArrowRight'); // open
    await expect(org).toHaveAttribute('aria-expanded', 'true');
    await expect(tenants.items).toHaveCount(3);
    await page.keyboard.press('ArrowRight'); // into the first child, by name
    const suzzara = tenants.item(world.suzzara.name);
    await expect(suzzara).toBeFocused();
    await expect(suzzara).toHaveAttribute('tabindex', '0');
    await expect(org).toHaveAttribute('tabindex', '-1');
    await page.keyboard.press('ArrowDown');
    const viadana = tenants.item(world.viadana.name);
    await expect(viadana).toBeFocused();
    await page.keyboard.press('ArrowLeft'); // to the parent
    await expect(org).toBeFocused();
    await page.keyboard.press('ArrowLeft'); // close
    await expect(org).toHaveAttribute('aria-expanded', 'false');
    await expect(tenants.items).toHaveCount(1);
    await page.keyboard.press('*'); // open every sibling (here the one root)
    await expect(org).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('End');
    await expect(viadana).toBeFocused();
    await page.keyboard.press('Home');
    await expect(org).toBeFocused();
    await page.keyboard.press('s'); // type-ahead
    await expect(suzzara).toBeFocused();

    // Tab leaves the tree in one step (roving tabindex).
    await page.keyboard.press('Tab');
    await expect(page.locator('[role="treeitem"]:focus')).toHaveCount(0);
    await page.keyboard.press('Shift+Tab');
    await expect(suzzara).toBeFocused();

    await page.keyboard.press('ArrowDown');
    await expect(viadana).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`/users\\?tenant=${encodeURIComponent(world.viadana.id)}$`));
    await expect(page.getByTestId('users-tenant-filter')).toContainText(`Ente: ${world.viadana.name}`);
    await page.context().close();
  });

  test('a site administrator who sees no root starts at the visible tenants', async ({ browser }) => {
    const page = await signIn(browser, world.siteAdmin, PASSWORD);
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.items).toHaveCount(1);
    const viadana = tenants.item(world.viadana.name);
    await expect(viadana).toHaveAttribute('aria-level', '1');
    await viadana.getByTestId('tenant-node-toggle').click();
    await expect(tenants.item(world.counter.name)).toHaveAttribute('aria-level', '2');
    await expect(tenants.item(world.org.name)).toHaveCount(0);
    await page.context().close();
  });

  test('the Order choice sorts the tree through orderBy (issue 15.3), children too', async ({ browser }) => {
    const page = await signIn(browser, world.orgAdmin, PASSWORD);
    const seen = watchOperations(page);
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await expect(tenants.items).toHaveCount(1);
    const roots = () => seen.filter((r) => r.operationName === 'TenantRoots');
    expect(roots().every((r) => r.variables['orderBy'] === undefined || r.variables['orderBy'] === null)).toBe(true);
    await page.getByTestId('tenants-sort').selectOption('-NAME');
    await expect(page).toHaveURL(/sort=-NAME/);
    await expect.poll(() => roots().at(-1)?.variables['orderBy']).toEqual({ field: 'NAME', direction: 'DESC' });
    await tenants.item(world.org.name).getByTestId('tenant-node-toggle').click();
    await expect(page.getByTestId('tenant-node-name')).toHaveText([world.org.name, world.viadana.name, world.suzzara.name]);
    await expect
      .poll(() => seen.filter((r) => r.operationName === 'TenantChildren').at(-1)?.variables['orderBy'])
      .toEqual({ field: 'NAME', direction: 'DESC' });
    await page.context().close();
  });

  test('in French', async ({ browser }) => {
    const page = await signIn(browser, world.orgAdmin, PASSWORD);
    const tenants = new TenantsPage(page);
    await tenants.goto();
    await tenants.shell.switchLanguage('fr');
    await expect(tenants.shell.pageHeading).toHaveText('Établissements');
    await expect(tenants.item(world.org.name).getByTestId('tenant-node-users')).toHaveText('1 utilisateur');
    await tenants.item(world.org.name).getByTestId('tenant-node-toggle').click();
    await expect(tenants.item(world.suzzara.name).getByTestId('tenant-node-users')).toHaveText('0 utilisateur');
    await saveScreenshot(page, 'tenants-tree-fr');
    await page.context().close();
  });
});
