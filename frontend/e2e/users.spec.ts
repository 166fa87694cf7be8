import { expect, test } from '@playwright/test';
import { UsersPage } from './pages/UsersPage';
import { acceptInvitation, createTenant, createUser, gql, newPerson, roleId, signIn } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import {
  BIANCHI,
  BOT,
  BRESCIA,
  COB,
  graphqlError,
  ROSSI,
  TECH,
  usersList,
  usersProducts,
  VERDI,
  viewer,
} from './support/fixtures';
import { mockGraphQL, watchOperations, type MockResponse, type OperationData } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

// Two halves. Against the real server ("users list against the real
// server"): tabs, filters in the URL, cursors, the way to a profile and
// back, the tenant filter and the languages, on a tenant and people made
// through the API. Mocked (typed by the generated documents): what the real
// server's catalog cannot produce for a browser — a viewer restricted by R12
// who still has a user directory, a refused order by personal data, a
// service account and a person without email in one list — and the loading
// and error states, which need an answer held back or failed on purpose.

const ALL = [ROSSI, BIANCHI, VERDI, TECH, BOT];

type Seen = Array<{ operationName: string; variables: Record<string, unknown> }>;
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

test.describe('users list against the real server', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  /** A tenant of 27 people made through the API: even ones on COB, odd ones on Area Riservata Enti, two of those also Operatore Sicurezza. */
  const world = { tenantId: '', tenantName: '', usernames: [] as string[], areaUsernames: [] as string[] };

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext();
    await useAdminSession(context);
    const page = await context.newPage();
    world.tenantName = `Comune di Salò ${Date.now().toString(36)}`;
    world.tenantId = await createTenant(page, world.tenantName);
    const cob = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const api = await roleId(page, 'Area Riservata Enti', 'Operatore API');
    const security = await roleId(page, 'Area Riservata Enti', 'Operatore Sicurezza');
    for (let i = 0; i < 27; i++) {
      const person = newPerson(`e2e.list${String(i).padStart(2, '0')}`);
      const id = await createUser(page, world.tenantId, person, i % 2 === 0 ? cob : api);
      world.usernames.push(person.username);
      if (i % 2 === 1) world.areaUsernames.push(person.username);
      if (i === 1 || i === 3) {
        const data = await gql<{ assignRole: { userErrors: unknown[] } }>(
          page,
          `mutation ($input: AssignRoleInput!) { assignRole(input: $input) { userErrors { code message } } }`,
          { input: { userId: id, tenantId: world.tenantId, roleId: security.roleId } },
        );
        expect(data.assignRole.userErrors).toEqual([]);
      }
    }
    await context.close();
  });

  test.beforeEach(async ({ context }) => {
    await useAdminSession(context);
  });

  const inTenant = (): string => `?tenant=${encodeURIComponent(world.tenantId)}`;
  /** The people on the page, once each (a person on two products has a row in each section). */
  async function shown(users: UsersPage): Promise<string[]> {
    return [...new Set(await users.rows.getByTestId('user-username').allTextContents())].sort();
  }

  test('pages with cursors the server sealed, forward and back', async ({ page }) => {
    const seen = watchOperations(page);
    const users = new UsersPage(page);
    await users.goto(inTenant());
    await expect(users.summary).toHaveText('27 users');
    await expect(users.previous).toBeDisabled();
    await expect.poll(() => shown(users)).toEqual(world.usernames.slice(0, 25));

    await users.next.click();
    await expect(page).toHaveURL(/[?&]after=/);
    await expect.poll(() => shown(users)).toEqual(world.usernames.slice(25));
    await expect(users.region).toBeFocused();
    await expect(users.next).toBeDisabled();

    await users.previous.click();
    await expect(page).toHaveURL(/[?&]before=/);
    await expect.poll(() => shown(users)).toEqual(world.usernames.slice(0, 25));
    // The cursors are the server's, sealed (issue 15.5): the page passes them back as they came.
    const pages = listCalls(seen).slice(-2);
    expect(pages[0]).toMatchObject({ first: 25, after: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/) });
    expect(pages[1]).toMatchObject({ last: 25, before: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/) });
  });

  test('a product tab lists that product and filters by its roles', async ({ page }) => {
    const users = new UsersPage(page);
    await users.goto(`${inTenant()}&category=ADMIN`);
    await expect(users.category).toHaveValue('ADMIN');

    await users.tab('Area Riservata Enti').click();
    await expect(page).toHaveURL(/[?&]product=/);
    await expect(page).not.toHaveURL(/category=/);
    await expect(users.tab('Area Riservata Enti')).toHaveAttribute('aria-current', 'page');
    await expect.poll(() => shown(users)).toEqual(world.areaUsernames);
    // In a product's list: no category filter (seed), the product's roles grouped by category.
    await expect(users.category).toHaveCount(0);
    await expect(users.role.locator('optgroup')).toHaveCount(2);
    await expect(users.role.locator('optgroup').first()).toHaveAttribute('label', 'Administrator');
    await expect(users.role.locator('optgroup').nth(1).locator('option')).toContainText(['Operatore API', 'Operatore Sicurezza']);
    await expect(users.region).toHaveAccessibleName('Users of Area Riservata Enti');

    await users.role.selectOption({ label: 'Operatore Sicurezza' });
    await expect(page).toHaveURL(/[?&]role=/);
    await expect.poll(() => shown(users)).toEqual([world.usernames[1], world.usernames[3]].sort());
  });

  test('filters live in the URL: reload and back restore them, the search is debounced', async ({ page }) => {
    const seen = watchOperations(page);
    const users = new UsersPage(page);
    await users.goto(inTenant());
    await expect(users.summary).toHaveText('27 users');

    await users.category.selectOption('OPERATOR');
    // The role filter then offers operator roles only.
    await expect(users.role.locator('option', { hasText: 'Amministratore' })).toHaveCount(0);
    await users.status.selectOption('INVITED');
    await users.roleStatus.selectOption('ACTIVE');
    await expect(page).toHaveURL(/category=OPERATOR&status=INVITED&roleStatus=ACTIVE$/);
    await expect(users.summary).toHaveText('27 users');

    // One request for what was typed, not one per key.
    const before = listCalls(seen).length;
    await users.search.pressSequentially('e2e.list0', { delay: 30 });
    await expect(page).toHaveURL(/&q=e2e.list0$/);
    await expect(users.summary).toHaveText('10 users');
    expect(listCalls(seen).length - before).toBeLessThan(5);
    expect(listCalls(seen).at(-1)?.['filter']).toEqual({
      tenantId: world.tenantId,
      category: 'OPERATOR',
      status: 'INVITED',
      assignmentStatus: 'ACTIVE',
      search: 'e2e.list0',
    });

    await page.reload();
    await expect(users.category).toHaveValue('OPERATOR');
    await expect(users.status).toHaveValue('INVITED');
    await expect(users.roleStatus).toHaveValue('ACTIVE');
    await expect(users.search).toHaveValue('e2e.list0');
    await expect(users.summary).toHaveText('10 users');

    // Typing replaced its history entry: back undoes the last select.
    await page.goBack();
    await expect(page).toHaveURL(/category=OPERATOR&status=INVITED$/);
    await expect(users.search).toHaveValue('');
    await expect(users.roleStatus).toHaveValue('');
    await expect(users.summary).toHaveText('27 users');

    await users.reset.click();
    await expect(page).not.toHaveURL(/category=|status=/);
    await expect(users.category).toHaveValue('');
    await expect(users.reset).toHaveCount(0);
  });

  test('a row opens the profile, and the way back keeps the filters', async ({ page }) => {
    const users = new UsersPage(page);
    await users.goto(`${inTenant()}&status=INVITED`);
    // The first row of the open section (the others start collapsed).
    const first = users.rows.first();
    const username = (await first.getByTestId('user-username').textContent()) ?? '';
    expect(world.usernames).toContain(username);
    await first.getByTestId('user-roles').click();
    await expect(page).toHaveURL(/\/users\/[A-Za-z0-9_=-]+$/);
    await expect(page.getByTestId('profile-page')).toContainText(username);
    await page.getByTestId('profile-back').click();
    await expect(page).toHaveURL(/\/users\?tenant=[^&]+&status=INVITED$/);
    await expect(users.status).toHaveValue('INVITED');
  });

  test('from a tenant: the list is filtered on it, and the filter can be removed', async ({ page }) => {
    const seen = watchOperations(page);
    const users = new UsersPage(page);
    await users.goto(inTenant());
    await expect(users.tenantFilter).toContainText(world.tenantName);
    await expect.poll(() => listCalls(seen)[0]?.['filter']).toEqual({ tenantId: world.tenantId });
    await users.tenantFilterRemove.click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(users.tenantFilter).toHaveCount(0);
    await expect.poll(() => listCalls(seen).at(-1)?.['filter']).toEqual({});
  });

  test('in Italian, French and English, as the tenant’s own administrator', async ({ page, browser }) => {
    const admin = newPerson('e2e.list.admin');
    await createUser(page, world.tenantId, admin, await roleId(page, 'Sessions conducteurs', 'Gestionnaire administrateur'));
    await acceptInvitation(page, admin.email, 'elenco degli utenti in tre lingue');
    const own = await signIn(browser, admin.username, 'elenco degli utenti in tre lingue');
    const users = new UsersPage(own);
    await users.goto();
    await expect(users.shell.pageHeading).toHaveText('Elenco utenti');
    await expect(users.tabAll).toHaveText('Tutti');
    await expect(users.summary).toHaveText('28 utenti');
    await users.shell.switchLanguage('fr');
    await expect(users.shell.pageHeading).toHaveText('Utilisateurs');
    await expect(users.tabAll).toHaveText('Tous');
    await expect(users.summary).toHaveText('28 utilisateurs');
    await saveScreenshot(own, 'users-all-fr');
    await users.shell.switchLanguage('en');
    await expect(users.summary).toHaveText('28 users');
    await expect(users.category.locator('option')).toHaveText(['All', 'Administrator', 'Operator']);
    await own.context().close();
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
