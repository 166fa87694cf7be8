import { expect, test, type Page } from '@playwright/test';
import { UserProfilePage } from './pages/UserProfilePage';
import { createTenant, createUser, gql, newPerson, onboardAdministrator, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { BIANCHI, graphqlError, PROFILE_SIDE_QUERIES, ROSSI, TECH, userProfile, viewer } from './support/fixtures';
import { mockGraphQL } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

// Two halves. Against the real server ("user profile against the real
// server", in the shared administrator's English): the identity card, the
// product cards with suspended roles and nominations, the sites, and an
// unknown user, on people made through the API (the profile's actions are in
// profile-actions.spec.ts). Mocked (typed by the generated documents): what
// the API cannot make — names verified by the identity provider, a viewer
// restricted by R12, a viewer in another time zone (the shared administrator's
// preferences stay as they are) — and an INTERNAL error.

test.describe('user profile', () => {
  test('names verified by the identity provider, and the Italian labels', async ({ page }) => {
    await mockGraphQL(page, {
      ...PROFILE_SIDE_QUERIES,
      Viewer: () => viewer({ timeZone: 'Europe/Rome' }),
      UserProfile: () => userProfile(BIANCHI, { nameVerified: true, phone: '+39 030 3749 1' }),
    });
    const profile = new UserProfilePage(page);
    await profile.goto(BIANCHI.id);

    await expect(profile.shell.pageHeading).toHaveText('Laura Bianchi');
    await expect(page).toHaveTitle('Laura Bianchi · Gestione utenze');
    await expect(profile.field('email')).toHaveText('laura.bianchi@provincia.brescia.it Verificata');
    await expect(profile.field('phone')).toHaveText('+39 030 3749 1');
    await expect(page.getByTestId('name-verified')).toContainText('verificati dal gestore dell’identità');
    await expect(page.getByTestId('home-tenant-rule')).toContainText('(Provincia di Brescia)');
    // 2025-03-30T23:30Z is already the 31st in Rome (CEST, UTC+2).
    await expect(profile.field('updatedAt')).toHaveText('31 mar 2025, 01:30');
    const brescia = profile.cards.filter({ hasText: 'Ente: Provincia di Brescia' });
    await expect(brescia.locator('[data-testid="card-role"][data-status="SUSPENDED"]').getByTestId('assignment-status')).toHaveText('Sospeso');
    await expect(brescia.getByTestId('card-role').first()).toContainText('dal 3 feb 2025');
    await expect(profile.sites.first().getByTestId('site-home')).toHaveText('Ente di creazione');
    await saveScreenshot(page, 'profile-it');
  });

  test('dates follow the viewer’s time zone (R4)', async ({ page }) => {
    await mockGraphQL(page, {
      ...PROFILE_SIDE_QUERIES,
      Viewer: () => viewer({ timeZone: 'America/New_York' }),
      UserProfile: () => userProfile(ROSSI),
    });
    const profile = new UserProfilePage(page);
    await profile.goto(ROSSI.id);
    await expect(profile.field('updatedAt')).toHaveText('30 mar 2025, 19:30');
    await expect(profile.field('updatedAt').locator('time')).toHaveAttribute('datetime', '2025-03-30T23:30:00Z');
  });

  test('a restricted viewer gets locks instead of personal data (R12)', async ({ page }) => {
    await mockGraphQL(page, {
      ...PROFILE_SIDE_QUERIES, UserProfile: () => userProfile(TECH) });
    const profile = new UserProfilePage(page);
    await profile.goto(TECH.id);
    await expect(profile.restricted).toBeVisible();
    await expect(profile.shell.pageHeading).toContainText('tech.amisgest');
    for (const f of ['givenName', 'familyName', 'taxCode', 'email', 'phone']) {
      await expect(profile.field(f).getByTestId('personal-hidden')).toHaveAttribute('title', 'Dato personale non visibile con il tuo ruolo');
      await expect(profile.field(f)).toHaveText('—Dato personale non visibile con il tuo ruolo');
    }
    await expect(profile.card('Amisgest – présences et équipements').getByTestId('card-role')).toContainText(
      'Senza accesso ai dati personali',
    );
    await saveScreenshot(page, 'profile-restricted-it');
  });

  test('not found, and errors with a retry', async ({ page }) => {
    let fail = true;
    await mockGraphQL(page, {
      ...PROFILE_SIDE_QUERIES,
      UserProfile: () => (fail ? graphqlError('INTERNAL', 'node') : { body: { data: { node: null } } }),
    });
    const profile = new UserProfilePage(page);
    await profile.goto('VXNlcjo5OTk=');
    await expect(profile.error).toContainText('Errore interno. Riprova più tardi.');
    fail = false;
    await page.getByTestId('profile-error-retry').click();
    await expect(profile.notFound).toHaveText('Utente non trovato o non visibile.');
  });

  test('against the real API, anonymous: the error says to sign in', async ({ page }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    await page.goto(`/users/${encodeURIComponent(ROSSI.id)}`);
    await expect(page).toHaveURL(/\/login\?next=%2Fusers%2F/);
    await expect(page.getByTestId('login-page')).toBeVisible();
  });
});

test.describe('user profile against the real server', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test.beforeEach(async ({ context }) => {
    await useAdminSession(context);
  });

  /** The role assignments of a user, by role name. */
  async function assignments(page: Page, userId: string): Promise<Map<string, string>> {
    const data = await gql<{ node: { memberships: Array<{ roleAssignments: Array<{ id: string; role: { name: string } }> }> } }>(
      page,
      `query ($id: ID!) { node(id: $id) { ... on User { memberships { roleAssignments { id role { name } } } } } }`,
      { id: userId },
    );
    return new Map(data.node.memberships.flatMap((m) => m.roleAssignments.map((ra) => [ra.role.name, ra.id] as [string, string])));
  }

  async function suspend(page: Page, roleAssignmentId: string): Promise<void> {
    const data = await gql<{ suspendRoleAssignment: { userErrors: unknown[] } }>(
      page,
      `mutation ($input: RoleAssignmentInput!) { suspendRoleAssignment(input: $input) { userErrors { code message } } }`,
      { input: { roleAssignmentId } },
    );
    expect(data.suspendRoleAssignment.userErrors).toEqual([]);
  }

  test('identity card, product cards with roles and states, sites', async ({ page }) => {
    const stamp = Date.now().toString(36);
    const orgName = `Provincia di Cremona ${stamp}`;
    const siteName = `Sede di Crema ${stamp}`;
    const org = await createTenant(page, orgName);
    const site = await createTenant(page, siteName, org);
    const person = newPerson('e2e.profile');
    const id = await createUser(page, org, person, await roleId(page, 'Area Riservata Enti', 'Operatore API'));
    const security = await roleId(page, 'Area Riservata Enti', 'Operatore Sicurezza');
    const assigned = await gql<{ assignRole: { roleAssignment: { id: string } | null; userErrors: unknown[] } }>(
      page,
      `mutation ($input: AssignRoleInput!) { assignRole(input: $input) { roleAssignment { id } userErrors { code message } } }`,
      { input: { userId: id, tenantId: org, roleId: security.roleId } },
    );
    expect(assigned.assignRole.userErrors).toEqual([]);
    await suspend(page, assigned.assignRole.roleAssignment?.id ?? '');
    const attached = await gql<{ attachUserToTenant: { userErrors: unknown[] } }>(
      page,
      `mutation ($input: AttachUserToTenantInput!) { attachUserToTenant(input: $input) { userErrors { field code message } } }`,
      { input: { userId: id, tenantId: site, ...(await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore')) } },
    );
    expect(attached.attachUserToTenant.userErrors).toEqual([]);

    const profile = new UserProfilePage(page);
    await profile.goto(id);
    await expect(profile.shell.pageHeading).toHaveText(`${person.givenName} ${person.familyName}`);
    await expect(page).toHaveTitle(new RegExp(`^${person.givenName} ${person.familyName} · `));
    await expect(profile.identity.getByRole('heading')).toHaveText('Identity and contact');
    await expect(profile.field('taxCode')).toHaveText(person.taxCode);
    await expect(profile.field('email')).toContainText(person.email);
    await expect(profile.field('homeTenant')).toHaveText(orgName);

    // One card per product and tenant: Area Riservata Enti at the organisation, COB at the site.
    await expect(profile.cards).toHaveCount(2);
    const area = profile.cards.filter({ hasText: `Tenant: ${orgName}` });
    await expect(area.getByTestId('card-role-name')).toHaveText(['Operatore API', 'Operatore Sicurezza']);
    await expect(area.locator('[data-testid="card-role"][data-status="SUSPENDED"]').getByTestId('assignment-status')).toHaveText('Suspended');
    await expect(area).toHaveAttribute('data-status', 'ACTIVE');
    await expect(profile.cards.filter({ hasText: `Tenant: ${siteName}` }).getByTestId('card-role-name')).toHaveText(['Operatore']);

    await expect(profile.sites.getByTestId('site-name')).toHaveText([orgName, siteName]);
    await expect(profile.sites.first().getByTestId('site-home')).toHaveText('Home tenant');
    await expect(profile.sites.nth(1)).toContainText(`site of ${orgName}`);
    await expect(profile.sites.nth(1).getByTestId('site-users')).toHaveAttribute('href', `/users?tenant=${encodeURIComponent(site)}`);
    await saveScreenshot(page, 'profile-en');
  });

  test('nomination info on roles that need the legal representative, suspended card tag', async ({ page }) => {
    const org = await createTenant(page, `Comune di Chiari ${Date.now().toString(36)}`);
    const person = newPerson('e2e.nominated');
    const id = await createUser(page, org, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    await onboardAdministrator(page, id, org, (await roleId(page, 'Area Riservata Enti', 'Amministratore')).roleId);
    await suspend(page, (await assignments(page, id)).get('Amministratore') ?? '');

    const profile = new UserProfilePage(page);
    await profile.goto(id);
    const card = profile.card('Area Riservata Enti');
    await expect(card).toHaveAttribute('data-status', 'SUSPENDED');
    await expect(card.getByTestId('assignment-status')).toHaveText('Suspended');
    await expect(card.getByTestId('role-nomination')).toHaveAttribute('title', /legal representative/);
    await expect(card.getByTestId('role-category')).toHaveText('Administrator');
    await expect(profile.card('COB – Comunicazioni obbligatorie')).toHaveAttribute('data-status', 'ACTIVE');
  });

  test('a user who does not exist, or is not visible, is "not found"', async ({ page }) => {
    const profile = new UserProfilePage(page);
    await profile.goto(Buffer.from('User:2147483000').toString('base64'));
    await expect(profile.notFound).toHaveText('User not found or not visible to you.');
  });
});
