import { expect, test } from '@playwright/test';
import { acceptInvitation, createTenant, createUser, gql, italianTaxCode, newPerson, roleId, signIn } from './support/api';
import { REAL_API, useAdminSession } from './support/env';

/**
 * The working tenant against the real server (issue 19.4): chosen once, it
 * follows the administrator from page to page; a viewer with a single tenant
 * gets no picker; the add-user picker offers only the tenants where the viewer
 * may add someone. And no role is preselected when adding a user (19.5).
 */

test.describe('working tenant', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test('a chosen tenant follows the administrator across pages until the list asks for every tenant', async ({ page }) => {
    await useAdminSession(page.context());
    const stamp = Date.now().toString(36);
    const first = await createTenant(page, `Comune di Iseo ${stamp}`);
    const second = await createTenant(page, `Comune di Pisogne ${stamp}`);

    await page.goto(`/groups?tenant=${encodeURIComponent(first)}`);
    await expect(page.getByTestId('groups-tenant')).toHaveValue(first);
    await page.getByTestId('nav-security').click();
    await expect(page).toHaveURL(new RegExp(`/security\\?tenant=${encodeURIComponent(first)}`));
    await expect(page.getByTestId('security-tenant')).toHaveValue(first);
    await page.getByTestId('nav-users').click();
    await expect(page.getByTestId('users-tenant-filter')).toContainText(`Comune di Iseo ${stamp}`);

    // Another tenant chosen in a picker becomes the working one; a page opened without one starts on it.
    await page.getByTestId('nav-groups').click();
    await page.getByTestId('groups-tenant').selectOption(second);
    await expect(page).toHaveURL(new RegExp(`/groups\\?tenant=${encodeURIComponent(second)}`));
    await page.goto('/service-accounts');
    await expect(page).toHaveURL(new RegExp(`/service-accounts\\?tenant=${encodeURIComponent(second)}`));
    await expect(page.getByTestId('sa-tenant')).toHaveValue(second);

    // "Every tenant" on the users list ends it.
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-tenant-filter-remove').click();
    await expect(page.getByTestId('users-tenant-filter')).toHaveCount(0);
    await page.getByTestId('nav-groups').click();
    await expect(page).toHaveURL(/\/groups$/);
    await expect(page.getByTestId('groups-tenant')).toHaveValue('');
  });

  test('one tenant needs no picker; adding a user offers only tenants where the viewer can add; no role preselected', async ({ page, browser }) => {
    await useAdminSession(page.context());
    const stamp = Date.now().toString(36);
    const gestionnaireAdmin = await roleId(page, 'Sessions conducteurs', 'Gestionnaire administrateur');

    // Someone who administers one tenant and nothing else: no picker anywhere.
    const solo = await createTenant(page, `Autoscuola Brescia ${stamp}`);
    const soloAdmin = newPerson('e2e.solo');
    await createUser(page, solo, soloAdmin, gestionnaireAdmin);
    await acceptInvitation(page, soloAdmin.email, 'un solo ente da gestire');
    const soloPage = await signIn(browser, soloAdmin.username, 'un solo ente da gestire');
    await soloPage.getByTestId('nav-groups').click();
    await expect(soloPage.getByTestId('groups-tenant-only')).toHaveText(`Autoscuola Brescia ${stamp}`);
    await expect(soloPage.getByTestId('groups-tenant')).toHaveCount(0);
    await expect(soloPage).toHaveURL(new RegExp(`/groups\\?tenant=${encodeURIComponent(solo)}`));
    await expect(soloPage.getByTestId('groups-empty')).toBeVisible();
    await soloPage.context().close();

    // An administrator of a site who is only an operator of its organisation: the add-user form offers the site alone.
    const org = await createTenant(page, `Consorzio Trasporti Sebino ${stamp}`);
    const site = await createTenant(page, `Sede di Sarnico ${stamp}`, org);
    const siteAdmin = newPerson('e2e.site.admin');
    const siteAdminId = await createUser(page, site, siteAdmin, gestionnaireAdmin);
    const operatore = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const attached = await gql<{ attachUserToTenant: { userErrors: unknown[] } }>(
      page,
      `mutation ($input: AttachUserToTenantInput!) { attachUserToTenant(input: $input) { userErrors { field code message } } }`,
      { input: { userId: siteAdminId, tenantId: org, ...operatore } },
    );
    expect(attached.attachUserToTenant.userErrors).toEqual([]);
    await acceptInvitation(page, siteAdmin.email, 'amministro solo la sede');
    const admin = await signIn(browser, siteAdmin.username, 'amministro solo la sede');

    // Both tenants are visible (groups picker) …
    await admin.getByTestId('nav-groups').click();
    await expect(admin.getByTestId('groups-tenant').locator('option', { hasText: `Consorzio Trasporti Sebino ${stamp}` })).toHaveCount(2);
    // … but users can be added only to the site, so the form names it instead of asking.
    await admin.goto('/users/new');
    await expect(admin.getByTestId('add-user-tenant-only')).toHaveText(`Sede di Sarnico ${stamp}`);
    await expect(admin.getByTestId('add-user-tenant')).toHaveCount(0);

    const newcomer = newPerson('e2e.newcomer');
    await admin.locator('#add-username').fill(newcomer.username);
    await admin.locator('#add-taxCode').fill(italianTaxCode());
    await admin.getByTestId('add-user-lookup-submit').click();
    await expect(admin.getByTestId('add-user-outcome')).toHaveAttribute('data-outcome', 'NEW_PERSON');
    await expect(admin.getByTestId('add-user-role')).toHaveValue('');
    await admin.locator('#add-givenName').fill(newcomer.givenName);
    await admin.locator('#add-familyName').fill(newcomer.familyName);
    await admin.locator('#add-email').fill(newcomer.email);
    await admin.getByTestId('add-user-submit').click();
    await expect(admin.getByTestId('add-user-role-error')).toHaveText('Scegli il ruolo da assegnare.');
    await expect(admin.getByTestId('add-user-success')).toHaveCount(0);
    await admin.getByTestId('add-user-role').selectOption({ label: 'Gestionnaire' });
    await admin.getByTestId('add-user-submit').click();
    await expect(admin.getByTestId('add-user-success')).toContainText(newcomer.username);
    await admin.context().close();
  });
});
