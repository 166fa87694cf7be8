import { expect, test } from '@playwright/test';
import { createTenant, createUser, gql, newPerson, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';

/**
 * Issue 16 leftovers on the user profile, against the real server: gender
 * and birth date in the identity form ('' clears), and "Delete from this
 * tenant" (removeUserFromTenant) with a confirmation that says what happens.
 */
test.describe('profile: identity extras and delete from tenant', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test('gender and birth date: set, shown, cleared', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Crema ${Date.now().toString(36)}`);
    const userId = await createUser(page, tenantId, newPerson('e2e.extras'), await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));

    await page.goto(`/users/${encodeURIComponent(userId)}`);
    await expect(page.getByTestId('identity-gender')).toContainText('Not set');
    await page.getByTestId('identity-edit').click();
    await page.getByTestId('identity-gender-select').selectOption('FEMALE');
    await page.locator('#identity-birthDate').fill('1985-04-12');
    await page.getByTestId('identity-save').click();
    await expect(page.getByTestId('identity-form')).toHaveCount(0);
    await expect(page.getByTestId('identity-gender')).toHaveText('Female');
    await expect(page.getByTestId('identity-birthDate')).toContainText('1985');

    // A birth date in the future is refused where it was typed.
    await page.getByTestId('identity-edit').click();
    await expect(page.getByTestId('identity-gender-select')).toHaveValue('FEMALE');
    await expect(page.locator('#identity-birthDate')).toHaveValue('1985-04-12');
    await page.locator('#identity-birthDate').fill('2999-01-01');
    await page.getByTestId('identity-save').click();
    await expect(page.locator('#identity-birthDate-error')).toContainText('birth date');

    // Emptied fields are cleared.
    await page.getByTestId('identity-gender-select').selectOption('');
    await page.locator('#identity-birthDate').fill('');
    await page.getByTestId('identity-save').click();
    await expect(page.getByTestId('identity-form')).toHaveCount(0);
    await expect(page.getByTestId('identity-gender')).toContainText('Not set');
    await expect(page.getByTestId('identity-birthDate')).toContainText('Not set');
    const stored = await gql<{ node: { gender: string | null; birthDate: string | null } }>(
      page,
      `query ($id: ID!) { node(id: $id) { ... on User { gender birthDate } } }`,
      { id: userId },
    );
    expect(stored.node).toEqual({ gender: null, birthDate: null });
  });

  test('delete from a tenant: from a site first, then from the last tenant, which deletes the account', async ({ page }) => {
    await useAdminSession(page.context());
    const stamp = Date.now().toString(36);
    const org = await createTenant(page, `Unione dei Comuni ${stamp}`);
    const site = await createTenant(page, `Sede di Soncino ${stamp}`, org);
    const role = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const person = newPerson('e2e.remove');
    const userId = await createUser(page, org, person, role);
    await gql(page, `mutation ($input: AttachUserToTenantInput!) { attachUserToTenant(input: $input) { userErrors { code } } }`, {
      input: { userId, tenantId: site, ...role },
    });

    await page.goto(`/users/${encodeURIComponent(userId)}`);
    const section = page.getByTestId('remove-tenant');
    await section.getByTestId('remove-tenant-select').selectOption({ label: `Sede di Soncino ${stamp}` });
    await section.getByTestId('remove-tenant-open').click();
    const dialog = page.getByTestId('confirm-dialog');
    await expect(dialog.getByTestId('remove-tenant-body')).toContainText(`loses every role in Sede di Soncino ${stamp}`);
    await expect(dialog.getByTestId('remove-tenant-erasure')).toContainText('personal data are erased');
    // Two tenants visible: no warning that this is the last one.
    await expect(dialog.getByTestId('remove-tenant-last')).toHaveCount(0);
    await dialog.getByTestId('confirm-dialog-confirm').click();
    await expect(section.getByTestId('remove-tenant-result')).toHaveText(`Chiara Lombardi was removed from Sede di Soncino ${stamp}.`);
    await expect(page.getByTestId('site')).toHaveCount(1);

    // The last tenant: the dialog warns, and the account goes.
    await section.getByTestId('remove-tenant-open').click();
    await expect(dialog.getByTestId('remove-tenant-last')).toBeVisible();
    await dialog.getByTestId('confirm-dialog-confirm').click();
    await expect(section.getByTestId('remove-tenant-result')).toContainText('the account was deleted');
    const gone = await gql<{ node: unknown }>(page, `query ($id: ID!) { node(id: $id) { id } }`, { id: userId });
    expect(gone.node).toBeNull();
    await section.getByTestId('remove-tenant-back').click();
    await expect(page).toHaveURL(/\/users/);
  });

  test('a refused tax code names the identifier of its country', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Lodi Vecchio ${Date.now().toString(36)}`);
    await page.goto(`/users/new?tenant=${encodeURIComponent(tenantId)}`);
    await page.locator('#add-username').fill(`e2e.nir.${Date.now().toString(36)}`);
    await page.locator('#add-taxCountry').selectOption('FR');
    await page.locator('#add-taxCode').fill('12');
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(page.getByTestId('field-add-taxCode-error')).toContainText('NIR');
    await expect(page.getByTestId('field-add-taxCode-error')).not.toContainText('Codice fiscale');
    await page.locator('#add-taxCountry').selectOption('IT');
    await page.locator('#add-taxCode').fill('RSSMRA85T10A56');
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(page.getByTestId('field-add-taxCode-error')).toContainText('Codice fiscale');

    // A French tenant's tax code: SIREN or SIRET.
    await page.goto('/tenants');
    await page.getByTestId('tenant-create-open').click();
    await page.locator('#tenant-name').fill(`Mairie de Lyon ${Date.now().toString(36)}`);
    await page.getByTestId('tenant-create-country').selectOption('FR');
    await page.locator('#tenant-taxCode').fill('12345678A');
    await page.getByTestId('tenant-create-submit').click();
    await expect(page.getByTestId('field-tenant-taxCode-error')).toContainText('SIREN or SIRET');
  });
});
