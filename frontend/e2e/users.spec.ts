import { expect, test } from '@playwright/test';
import { UsersPage } from './pages/UsersPage';
import { REAL_API } from './support/env';
import {
  AREA,
  BIANCHI,
  BOT,
  BRESCIA,
  COB,
  graphqlError,
  ROSSI,
  TECH,
  tenantName,
  usersList,
  usersProducts,
  VERDI,
  viewer,
} from './support/fixtures';
import { mockGraphQL, type MockResponse, type OperationData } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

// Mocked (typed by the generated documents): a fixed population (a viewer
// restricted by R12, a service account, pages of cursors, a refused order)
// that the shared real server does not hold. The sign-in that once forced
// these mocks exists now: moving them to users made through the API is left
// to do (issue 14.8). The last test checks the real API, anonymous.

const ALL = [ROSSI, BIANCHI, VERDI, TECH, BOT];

type Seen = Awaited<ReturnType<typeof mockGraphQL>>;
const listCalls = (seen: Seen) => seen.filter((op) => op.operationName === 'UsersList').map((op) => op.variables);

test.describe('users list', () => {
  test('"Tutti" groups the users by product, with their roles and states', async ({ page }) => {
    const seen = await mockGraphQL(page, {
      Viewer: () => viewer(),
      UsersProducts: () => usersProducts(),
      UsersList: () => usersList(ALL, { totalCount: 5 }),
    });
    const users = new UsersPage(page);
    await users.goto();

    await expect(users.tabAll).toHaveAttribute('aria-current', 'page');
    await expect(users.tab('Area Riservata Enti')).toBeVisible();
    await expect(users.summary).toHaveText('5 utenti');
    await expect(users.groups.getByTestId('users-group-title')).toHaveText([
      /^Area Riservata Enti/,
      /^COB – Comunicazioni obbligatorie/,
      /^Amisgest/,
    ]);
    const area = users.group('Area Riservata Enti');
    await expect(area.getByTestId('user-username')).toHaveText(['m.rossi', 'l.bianchi']);
    // Roles on this product only; the tenant is named when the user holds it in several.
    await expect(users.row('l.bianchi', area).getByTestId('user-role')).toHaveText([
      'Operatore API · Provincia di Brescia',
      'Operatore Sicurezza · Provincia di BresciaSospeso',
      'Operatore API · Sede operativa via Cefalonia',
    ]);
    const cob = users.group('COB – Comunicazioni obbligatorie');
    await expect(cob.getByTestId('user-username')).toHaveText(['m.rossi', 'g.verdi', 'svc.protocollo']);
    await expect(users.row('g.verdi', cob).getByTestId('user-status')).toHaveText('Invitato');
    // Names visible: a missing email is just not set, not withheld.
    await expect(users.row('g.verdi', cob).getByTestId('user-email').getByTestId('personal-hidden')).toHaveCount(0);
    await expect(users.row('g.verdi', cob).getByTestId('user-email')).toHaveText('—Non indicato');
    await expect(users.row('tech.amisgest').getByTestId('user-email').getByTestId('personal-hidden')).toHaveCount(1);
    await expect(users.row('svc.protocollo', cob)).toContainText('Utenza applicativa');
    // The table is named by its product heading.
    await expect(area.getByRole('table')).toHaveAccessibleName(/^Area Riservata Enti/);
    await expect.poll(() => listCalls(seen)[0]).toEqual({ filter: {}, first: 25 });
    await saveScreenshot(page, 'users-all-it');
  });

  test('a restricted viewer sees a lock instead of personal data (R12)', async ({ page }) => {
    await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersList: () => usersList([TECH, ROSSI]),
    });
    const users = new UsersPage(page);
    await users.goto();
    await expect(users.restricted).toHaveText('Alcuni dati personali non sono visibili con il tuo ruolo.');
    // The user's product section is collapsed: open it (the first section is open).
    const section = users.groups.filter({ has: page.getByTestId('user-username').getByText('tech.amisgest', { exact: true }) });
    if ((await section.getAttribute('open')) === null) await section.locator('summary').click();
    const tech = users.row('tech.amisgest');
    const lock = tech.getByTestId('user-name').getByTestId('personal-hidden');
    await expect(lock).toBeVisible();
    await expect(lock).toHaveAttribute('title', 'Dato personale non visibile con il tuo ruolo');
    await expect(tech.getByTestId('user-name')).toHaveText('—Dato personale non visibile con il tuo ruolo');
    await expect(tech.getByTestId('user-status')).toHaveText('Bloccato');
    await expect(users.row('m.rossi').first().getByTestId('user-name')).toHaveText('Mario Rossi');
    await saveScreenshot(page, 'users-restricted-it');
  });

  test('a product tab lists that product and filters by its roles', async ({ page }) => {
    const seen = await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersList: (v) => usersList(v.filter?.productId === AREA.id ? [ROSSI, BIANCHI] : ALL),
    });
    const users = new UsersPage(page);
    await users.goto('?category=ADMIN');
    await expect(users.category).toHaveValue('ADMIN');

    await users.tab('Area Riservata Enti').click();
    await expect(page).toHaveURL(new RegExp(`/users\\?product=${encodeURIComponent(AREA.id)}$`));
    await expect(users.tab('Area Riservata Enti')).toHaveAttribute('aria-current', 'page');
    await expect(users.rows).toHaveCount(2);
    // In a product's list: no category filter (seed), the product's roles grouped by category.
    await expect(users.category).toHaveCount(0);
    await expect(users.role.locator('optgroup')).toHaveCount(2);
    await expect(users.role.locator('optgroup').first()).toHaveAttribute('label', 'Amministratore');
    await expect(users.role.locator('option')).toHaveText(['Tutti i ruoli', 'Amministratore', 'Operatore API', 'Operatore Sicurezza']);
    await expect(users.region).toHaveAccessibleName('Utenti di Area Riservata Enti');
    await expect.poll(() => listCalls(seen).at(-1)).toEqual({ filter: { productId: AREA.id }, first: 25 });
    await saveScreenshot(page, 'users-product-it');

    await users.role.selectOption({ label: 'Operatore Sicurezza' });
    await expect(page).toHaveURL(/role=/);
    await expect.poll(() => listCalls(seen).at(-1)).toEqual({ filter: { productId: AREA.id, roleId: AREA.roles[2]?.id }, first: 25 });
  });

  test('filters live in the URL: reload and back restore them', async ({ page }) => {
    const seen = await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersList: () => usersList([ROSSI]),
    });
    const users = new UsersPage(page);
    await users.goto();
    await expect(users.rows).toHaveCount(2); // two products

    await users.category.selectOption('OPERATOR');
    // The role filter then offers operator roles only.
    await expect(users.role.locator('option', { hasText: 'Master' })).toHaveCount(0);
    await users.status.selectOption('SUSPENDED');
    await users.roleStatus.selectOption('SUSPENDED');
    await expect(page).toHaveURL(/\?category=OPERATOR&status=SUSPENDED&roleStatus=SUSPENDED$/);

    // The search is debounced: one request for what was typed, not one per key.
    const before = listCalls(seen).length;
    await users.search.pressSequentially('rossi', { delay: 30 });
    await expect(page).toHaveURL(/&q=rossi$/);
    await expect.poll(() => listCalls(seen).at(-1)?.['filter']).toEqual({
      category: 'OPERATOR',
      status: 'SUSPENDED',
      assignmentStatus: 'SUSPENDED',
      search: 'rossi',
    });
    expect(listCalls(seen).length - before).toBeLessThan(5); // fewer requests than keystrokes

    await page.reload();
    await expect(users.category).toHaveValue('OPERATOR');
    await expect(users.status).toHaveValue('SUSPENDED');
    await expect(users.roleStatus).toHaveValue('SUSPENDED');
    await expect(users.search).toHaveValue('rossi');

    // Typing replaced its history entry: back undoes the last select.
    await page.goBack();
    await expect(page).toHaveURL(/\?category=OPERATOR&status=SUSPENDED$/);
    await expect(users.search).toHaveValue('');
    await expect(users.roleStatus).toHaveValue('');

    await users.reset.click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(users.category).toHaveValue('');
    await expect(users.reset).toHaveCount(0);
  });

  test('pages with cursors, forward and back', async ({ page }) => {
    const seen = await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersList: (v) =>
        v.after === 'p1:end'
          ? usersList([VERDI], { totalCount: 26, hasPreviousPage: true, page: 'p2' })
          : usersList([ROSSI, BIANCHI], { totalCount: 26, hasNextPage: true, page: 'p1' }),
    });
    const users = new UsersPage(page);
    await users.goto();
    await expect(users.summary).toHaveText('26 utenti');
    await expect(users.previous).toBeDisabled();

    await users.next.click();
    await expect(page).toHaveURL(/\?after=p1%3Aend$/);
    await expect(users.rows).toHaveCount(1);
    await expect(users.region).toBeFocused();
    await expect(users.next).toBeDisabled();

    await users.previous.click();
    await expect(page).toHaveURL(/\?before=p2%3Astart$/);
    await expect.poll(() => listCalls(seen).slice(-2)).toEqual([
      { filter: {}, first: 25, after: 'p1:end' },
      { filter: {}, last: 25, before: 'p2:start' },
    ]);
  });

  test('a row opens the profile, and the way back keeps the filters', async ({ page }) => {
    await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersList: () => usersList([ROSSI]),
    });
    const users = new UsersPage(page);
    await users.goto('?status=ACTIVE');
    await users.rows.first().getByTestId('user-roles').click();
    await expect(page).toHaveURL(new RegExp(`/users/${encodeURIComponent(ROSSI.id)}$`));
    await page.getByTestId('profile-back').click();
    await expect(page).toHaveURL(/\/users\?status=ACTIVE$/);
  });

  test('from a tenant: the list is filtered on it, and the filter can be removed', async ({ page }) => {
    const seen = await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersTenant: (v) => tenantName(String(v.id), BRESCIA.name),
      UsersList: () => usersList([ROSSI]),
    });
    const users = new UsersPage(page);
    await users.goto(`?tenant=${encodeURIComponent(BRESCIA.id)}`);
    await expect(users.tenantFilter).toContainText('Ente: Provincia di Brescia');
    await expect.poll(() => listCalls(seen)[0]?.['filter']).toEqual({ tenantId: BRESCIA.id });
    await users.tenantFilterRemove.click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(users.tenantFilter).toHaveCount(0);
  });

  test('empty, loading and error states show where the list goes', async ({ page }) => {
    let answer = usersList([]);
    let release: () => void = () => {};
    let gate: Promise<void> = Promise.resolve();
    await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersList: async () => {
        await gate;
        return answer;
      },
    });
    const users = new UsersPage(page);
    gate = new Promise<void>((resolve) => (release = resolve));
    await users.goto('?q=nessuno');
    await expect(users.loading).toHaveText('Caricamento degli utenti…');
    release();
    await expect(users.empty).toHaveText('Nessun utente corrisponde ai filtri scelti.');

    answer = graphqlError('FORBIDDEN', 'users');
    await users.status.selectOption('LOCKED');
    await expect(users.error).toContainText('Non hai i permessi necessari per questa operazione.');
    await expect(users.error).toHaveAttribute('role', 'alert');
    answer = usersList([COB_ADMIN]);
    await users.errorRetry.click();
    await expect(users.rows).toHaveCount(1);
  });

  test('in French and English', async ({ page }) => {
    await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersList: () => usersList([ROSSI, TECH], { totalCount: 1 }),
    });
    const users = new UsersPage(page);
    await users.goto();
    await users.shell.switchLanguage('fr');
    await expect(users.shell.pageHeading).toHaveText('Utilisateurs');
    await expect(users.tabAll).toHaveText('Tous');
    await expect(users.summary).toHaveText('1 utilisateur');
    await expect(users.row('m.rossi').first().getByTestId('user-status')).toHaveText('Actif');
    await saveScreenshot(page, 'users-all-fr');
    await users.shell.switchLanguage('en');
    await expect(users.summary).toHaveText('1 user');
    await expect(users.category.locator('option')).toHaveText(['All', 'Administrator', 'Operator']);
  });

  test('"Team": a refused order by personal data (R12) is explained where the list goes, and undone in one click', async ({ page }) => {
    const seen = await mockGraphQL(page, {
      UsersProducts: () => usersProducts(),
      UsersTeam: (v) =>
        v.orderBy
          ? { body: { data: { users: null }, errors: [{ message: 'refused', path: ['users'], extensions: { code: 'BAD_USER_INPUT', reason: 'PERSONAL_DATA_ORDER' } }] } }
          : teamList([TECH, ROSSI]),
    });
    const users = new UsersPage(page);
    await users.goto('?view=team&sort=EMAIL');
    await expect(users.error).toHaveText(/Con il tuo ruolo non puoi ordinare per nome o email/);
    await expect(users.error).toHaveAttribute('data-error-reason', 'PERSONAL_DATA_ORDER');
    await page.getByTestId('team-error-reset').click();
    await expect(page).toHaveURL(/\/users\?view=team$/);
    await expect(page.getByTestId('team-row')).toHaveCount(2);
    expect(seen.filter((op) => op.operationName === 'UsersTeam').at(-1)?.variables).toEqual({ filter: {}, first: 25 });
    // Names are hidden from this viewer: the name and email headers do not sort.
    await expect(page.getByTestId('team-sort-DISPLAY_NAME')).toBeDisabled();
    await expect(page.getByTestId('team-sort-EMAIL')).toBeDisabled();
    await expect(page.getByTestId('team-sort-LAST_SIGN_IN_AT')).toBeEnabled();
    await expect(page.getByTestId('team-sort').locator('option[value="EMAIL"]')).toBeDisabled();
  });

  test('against the real API, anonymous: the error says to sign in', async ({ page }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    await page.goto('/users');
    // UNAUTHENTICATED leads to the sign-in page, which comes back here afterwards.
    await expect(page).toHaveURL(/\/login\?next=%2Fusers/);
    await expect(page.getByTestId('login-page')).toBeVisible();
    await saveScreenshot(page, 'users-unauthenticated-it');
  });
});

/** A page of the Team view from user fixtures. */
function teamList(list: ReadonlyArray<typeof ROSSI>): MockResponse<OperationData<'UsersTeam'>> {
  const users = usersList(list).body.data?.users;
  if (!users) throw new Error('fixture: no users');
  const edges = users.edges.map((e) => ({
    ...e,
    node: { ...e.node, version: 1, lastSignInAt: null, viewerCan: { __typename: 'UserCapabilities', changeStatus: true, resetCredentials: true } },
  }));
  return { body: { data: { users: { ...users, edges } } } };
}

const COB_ADMIN = { ...ROSSI, roles: [[BRESCIA, [[COB, 0, 'ACTIVE']]]] } as typeof ROSSI;
