import { expect, test } from '@playwright/test';
import { acceptInvitation, createUser, gql, italianTaxCode, mailLink, newPerson, onboardAdministrator, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * The tenant form and the profile's remaining actions against the real
 * server: a tenant and a site made through the tenants page, then on a
 * user's profile: edit identity, assign a group and take it back, attach
 * to the site and detach, resend the invitation, and a role that needs the
 * legal representative's nomination (R20) starting one.
 */
test.describe('tenant form and profile actions', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test('create tenant and site; edit, group, site, invitation, nomination on the profile', async ({ page, browser }) => {
    await useAdminSession(page.context());
    const stamp = Date.now().toString(36);
    const tenantName = `Provincia di Varese ${stamp}`;
    const siteName = `Sede di Gallarate ${stamp}`;

    await page.goto('/tenants');
    await page.getByTestId('tenant-create-open').click();
    const form = page.getByTestId('tenant-create-form');
    await form.getByTestId('tenant-create-submit').click();
    await expect(page.getByTestId('field-tenant-name-error')).toBeVisible();
    await page.locator('#tenant-name').fill(tenantName);
    await page.locator('#tenant-certifiedEmail').fill('not an email');
    await form.getByTestId('tenant-create-submit').click();
    await expect(page.getByTestId('field-tenant-certifiedEmail-error')).toBeVisible();
    await page.locator('#tenant-certifiedEmail').fill(`protocollo.${stamp}@pec.example.org`);
    await saveScreenshot(page, 'tenants-create-en');
    await form.getByTestId('tenant-create-submit').click();
    await expect(page.getByTestId('tenant-created')).toContainText(tenantName);
    // The tree shows it (the mutation's answer refreshes the cached lists).
    await expect(page.getByTestId('tenants-region')).toContainText(tenantName);

    await page.getByTestId('tenant-create-open').click();
    await page.getByTestId('tenant-create-parent').selectOption({ label: tenantName });
    await page.locator('#tenant-name').fill(siteName);
    await page.getByTestId('tenant-create-submit').click();
    await expect(page.getByTestId('tenant-created')).toContainText(siteName);

    const tenants = await gql<{ tenants: { nodes: Array<{ id: string; name: string }> } }>(page, `query ($s: String) { tenants(search: $s, first: 10) { nodes { id name } } }`, {
      s: stamp,
    });
    const tenantId = tenants.tenants.nodes.find((n) => n.name === tenantName)?.id ?? '';
    const cob = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const person = newPerson('e2e.profile');
    const userId = await createUser(page, tenantId, person, cob);
    await gql(page, `mutation ($input: CreateGroupInput!) { createGroup(input: $input) { userErrors { code } } }`, {
      input: { tenantId, productId: cob.productId, name: 'Sportello' },
    });

    await page.goto(`/users/${encodeURIComponent(userId)}`);
    await expect(page.getByTestId('identity-username')).toHaveText(person.username);

    // Identity: names and language (the API says they are editable).
    await page.getByTestId('identity-edit').click();
    await page.locator('#identity-givenName').fill('');
    await page.getByTestId('identity-save').click();
    await expect(page.getByTestId('field-identity-givenName-error')).toBeVisible();
    await page.locator('#identity-givenName').fill('Chiara Maria');
    await page.getByTestId('identity-language').selectOption('fr');
    await page.getByTestId('identity-save').click();
    await expect(page.getByTestId('identity-givenName')).toHaveText('Chiara Maria');
    await expect(page.getByTestId('identity-form')).toHaveCount(0);

    // Assign group from the product card, then take it back.
    const card = page.getByTestId('product-card').filter({ hasText: 'COB' });
    await card.getByTestId('assign-group-open').click();
    await card.getByTestId('assign-group-select').selectOption({ label: 'Sportello' });
    await card.getByTestId('assign-group-submit').click();
    await expect(card.getByTestId('card-group')).toHaveText(/Sportello/);
    await saveScreenshot(page, 'profile-actions-en');
    await card.getByTestId('card-group-remove').click();
    await expect(card.getByTestId('card-group')).toHaveCount(0);

    // Attach to the site with a role, then detach.
    await page.getByTestId('attach-site-open').click();
    await page.getByTestId('attach-site-tenant').selectOption({ label: `${tenantName} › ${siteName}` });
    await page.getByTestId('attach-site-product').selectOption({ label: 'COB – Comunicazioni obbligatorie' });
    await page.getByTestId('attach-site-role').selectOption({ label: 'Operatore' });
    await page.getByTestId('attach-site-submit').click();
    await expect(page.getByTestId('site')).toHaveCount(2);
    await page.getByTestId('site').filter({ hasText: siteName }).getByTestId('site-detach').click();
    await expect(page.getByRole('dialog')).toContainText(siteName);
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(page.getByTestId('site')).toHaveCount(1);

    // The invitation again.
    await page.getByTestId('credentials-resendInvitation').click();
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(page.getByTestId('credentials-status')).toHaveText('Invitation sent again.');

    // A role that needs the legal representative's nomination (R20). Platform
    // staff onboard the tenant's first COB Master, who then asks for the next.
    const master = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Master');
    const admin = newPerson('e2e.master');
    const adminId = await createUser(page, tenantId, admin, await roleId(page, 'Sessions formateurs', 'Gestionnaire'));
    await onboardAdministrator(page, adminId, tenantId, master.roleId);
    await acceptInvitation(page, admin.email, 'la torre di gallarate');
    const nominee = newPerson('e2e.nominee');
    const nomineeId = await createUser(page, tenantId, nominee, await roleId(page, 'Sessions conducteurs', 'Gestionnaire'));
    const ctx = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome' });
    const tenantAdmin = await ctx.newPage();
    await tenantAdmin.goto('/login');
    await tenantAdmin.locator('#login-username').fill(admin.username);
    await tenantAdmin.locator('#login-password').fill('la torre di gallarate');
    await tenantAdmin.getByTestId('login-submit').click();
    await expect(tenantAdmin).toHaveURL(/\/tenants$/);
    await tenantAdmin.goto(`/users/${encodeURIComponent(nomineeId)}`);
    await tenantAdmin.getByTestId('assign-role-open').click();
    await tenantAdmin.getByTestId('assign-role-product').selectOption({ label: 'COB – Comunicazioni obbligatorie' });
    await tenantAdmin.getByTestId('assign-role-role').selectOption({ label: 'Master' });
    await tenantAdmin.getByTestId('assign-role-submit').click();
    const nomination = tenantAdmin.getByTestId('nomination-form');
    await expect(nomination).toBeVisible();
    await expect(tenantAdmin.getByTestId('nomination-certified')).toContainText(`protocollo.${stamp}@pec.example.org`);
    await nomination.getByTestId('nomination-submit').click();
    await expect(tenantAdmin.getByTestId('field-nomination-givenName-error')).toBeVisible();
    await tenantAdmin.locator('#nomination-givenName').fill('Anna');
    await tenantAdmin.locator('#nomination-familyName').fill('Neri');
    await tenantAdmin.locator('#nomination-taxCode').fill('not a tax code');
    await nomination.getByTestId('nomination-submit').click();
    await expect(tenantAdmin.getByTestId('field-nomination-taxCode-error')).toBeVisible();
    await tenantAdmin.locator('#nomination-taxCode').fill(italianTaxCode());
    await saveScreenshot(tenantAdmin, 'profile-nomination-it');
    await nomination.getByTestId('nomination-submit').click();
    const status = tenantAdmin.getByTestId('nomination-status');
    await expect(status).toHaveAttribute('data-status', 'PENDING');
    await expect(status).toContainText('NOM-');
    await expect(tenantAdmin.getByTestId('nomination-status-badge')).toHaveText('In attesa di firma');

    // The legal representative's link, in the certified mailbox, opens the server's nomination page.
    const link = await mailLink(page, `protocollo.${stamp}@pec.example.org`, '/nominations/');
    const lr = await ctx.newPage();
    await lr.goto(link);
    await expect(lr.locator('a[href$="/form.pdf"]')).toBeVisible();
    await expect(lr.locator('input[type="file"]')).toHaveAttribute('accept', /p7m/);
    await lr.close();

    // The request is listed on the profile, and can be cancelled there.
    const listed = tenantAdmin.getByTestId('user-nomination').filter({ hasText: 'Master' });
    await expect(listed).toHaveAttribute('data-status', 'PENDING');
    await listed.getByTestId('nomination-cancel').click();
    await tenantAdmin.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(listed).toHaveAttribute('data-status', 'CANCELLED');
    await ctx.close();
  });
});
