import { expect, test } from '@playwright/test';
import { createTenant, createUser, gql, newPerson, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';
import { chooseTenant, expectTenantChosen } from './support/tenantPicker';

/**
 * The administrator's screens against the real server: groups (R11),
 * service accounts (R27), security findings and CSV reports (R22, R24) and
 * the audit log (R26), each on a tenant made for the test. The first
 * administrator's language is English, so these screens are in English.
 */
test.describe('administration screens', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test('groups: create, name taken, add and remove a member, rename, deactivate, delete', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Cremona ${Date.now().toString(36)}`);
    const person = newPerson('e2e.groups');
    await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));

    // From the tenant's users list, its other pages.
    await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
    await page.getByTestId('users-tenant-links').getByRole('link', { name: 'Groups' }).click();
    await expect(page).toHaveURL(/\/groups\?tenant=/);
    await expectTenantChosen(page, 'groups-tenant', tenantId);
    await expect(page.getByTestId('groups-empty')).toBeVisible();
    const create = page.getByTestId('group-create');
    await create.getByTestId('group-create-submit').click();
    await expect(page.getByTestId('field-group-create-name-error')).toBeVisible();
    await page.getByTestId('group-create-product').selectOption({ label: 'COB – Comunicazioni obbligatorie' });
    await page.locator('#group-create-name').fill('Ufficio personale');
    await create.getByTestId('group-create-submit').click();
    await expect(page.getByTestId('group-create-status')).toContainText('Ufficio personale');
    const group = page.getByTestId('group').filter({ hasText: 'Ufficio personale' });
    await expect(group).toBeVisible();

    // The same name on the same product: the API's userError, next to the field.
    await page.locator('#group-create-name').fill('Ufficio personale');
    await create.getByTestId('group-create-submit').click();
    await expect(page.getByTestId('field-group-create-name-error')).toContainText('A group of this product already has this name.');

    await group.getByTestId('group-add-member-open').click();
    await expect(group.getByTestId('group-add-member-user')).toContainText(person.username);
    await group.getByTestId('group-add-member-submit').click();
    await expect(group.getByTestId('group-member')).toHaveCount(1);
    await expect(group.getByTestId('group-member')).toContainText(person.username);
    await saveScreenshot(page, 'groups-en');

    await group.getByTestId('group-member-remove').click();
    await expect(group.getByTestId('group-member')).toHaveCount(0);

    await group.getByTestId('group-rename').click();
    await page.getByLabel('New name').fill('Ufficio risorse umane');
    await page.getByTestId('group-rename-submit').click();
    const renamed = page.getByTestId('group').filter({ hasText: 'Ufficio risorse umane' });
    await expect(renamed).toBeVisible();
    await renamed.getByTestId('group-deactivate').click();
    await expect(renamed).toHaveAttribute('data-active', 'false');
    await expect(renamed.getByTestId('group-add-member-open')).toHaveCount(0);
    await renamed.getByTestId('group-delete').click();
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(page.getByTestId('groups-empty')).toBeVisible();
  });

  test('service accounts: create, token shown once, rotate, revoke', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Mantova ${Date.now().toString(36)}`);
    await page.goto(`/service-accounts?tenant=${encodeURIComponent(tenantId)}`);
    await expect(page.getByTestId('sa-empty')).toBeVisible();

    await page.locator('#sa-username').fill('x');
    await page.getByTestId('sa-create-submit').click();
    await expect(page.getByTestId('field-sa-username-error')).toContainText('at least 3 characters');
    const username = `protocollo.${Date.now().toString(36)}`;
    await page.locator('#sa-username').fill(username);
    await page.locator('#sa-description').fill('Protocollo informatico: invio delle PEC');
    await page.getByTestId('sa-create-submit').click();
    await expect(page.getByTestId('sa-create-status')).toContainText(username);
    const account = page.getByTestId('service-account').filter({ hasText: username });
    await expect(account.getByTestId('sa-uid')).not.toBeEmpty();

    await account.getByTestId('sa-token-new').click();
    await account.getByLabel('Token name').fill('server di produzione');
    await account.getByTestId('sa-token-submit').click();
    const secret = page.getByTestId('sa-secret');
    await expect(secret).toBeFocused();
    const first = (await page.getByTestId('sa-secret-value').textContent()) ?? '';
    expect(first).toMatch(/^sat_/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('sa-secret-copy').click();
    await expect(page.getByTestId('sa-secret-copy-status')).toHaveText('Copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
    await saveScreenshot(page, 'service-accounts-en');

    // The token works as a bearer token, and its row shows its beginning only.
    const me = await page.request.post('/graphql', {
      headers: { Authorization: `Bearer ${first}`, 'Content-Type': 'application/json' },
      data: { query: '{ viewer { user { username } } }' },
    });
    expect(((await me.json()) as { data: { viewer: { user: { username: string } } } }).data.viewer.user.username).toBe(username);
    await page.getByTestId('sa-secret-dismiss').click();
    await expect(secret).toHaveCount(0);
    const token = account.getByTestId('sa-token');
    await expect(token).toHaveCount(1);
    expect(first.startsWith(((await token.locator('td').nth(1).textContent()) ?? '').replace('…', ''))).toBe(true);

    await token.getByTestId('sa-token-rotate').click();
    await page.getByTestId('sa-rotate-overlap').selectOption('0');
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(page.getByTestId('sa-secret-value')).not.toHaveText(first);
    await expect(account.getByTestId('sa-token')).toHaveCount(2);
    await expect(account.locator('[data-testid="sa-token"][data-status="ACTIVE"]')).toHaveCount(1);

    await account.locator('[data-testid="sa-token"][data-status="ACTIVE"]').getByTestId('sa-token-revoke').click();
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(account.locator('[data-testid="sa-token"][data-status="ACTIVE"]')).toHaveCount(0);
  });

  test('security findings and CSV reports', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantName = `Comune di Pavia ${Date.now().toString(36)}`;
    const tenantId = await createTenant(page, tenantName);
    const person = newPerson('e2e.security');
    await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));

    await page.goto('/security');
    await chooseTenant(page, 'security-tenant', tenantName);
    await expect(page).toHaveURL(/\/security\?tenant=/);
    const notActivated = page.getByTestId('findings-notActivated');
    await expect(notActivated.getByTestId('finding').filter({ hasText: person.username }).getByTestId('finding-reason').first()).toHaveAttribute(
      'data-reason',
      'INVITED',
    );
    await expect(page.getByTestId('findings-locked')).toHaveAttribute('data-count', '0');
    await saveScreenshot(page, 'security-en');

    for (const [testId, header] of [
      ['report-users', /username/i],
      ['report-permissions', /role/i],
    ] as const) {
      const href = (await page.getByTestId(testId).getAttribute('href')) ?? '';
      const response = await page.request.get(href);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toContain('text/csv');
      expect((await response.text()).split('\n')[0]).toMatch(header);
    }
  });

  test('audit log: the When and Action columns sort the trail (issue 15.3)', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantName = `Comune di Crema ${Date.now().toString(36)}`;
    const tenantId = await createTenant(page, tenantName);
    const role = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    await createUser(page, tenantId, newPerson('e2e.sort0'), role);
    await gql(page, `mutation ($input: CreateGroupInput!) { createGroup(input: $input) { userErrors { code } } }`, {
      input: { tenantId, productId: role.productId, name: 'Gruppo ordinato' },
    });
    await page.goto(`/audit?tenant=${encodeURIComponent(tenantId)}`);
    await expect(page.getByTestId('audit-sort-CREATED_AT')).toHaveAttribute('data-active', 'desc');
    const actions = async (): Promise<string[]> =>
      page.getByTestId('audit-event').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action') ?? ''));
    await expect.poll(async () => (await actions()).length).toBeGreaterThan(1);
    await page.getByTestId('audit-sort-ACTION').click();
    await expect(page).toHaveURL(/sort=ACTION/);
    await expect(page.getByTestId('audit-sort-ACTION')).toHaveAttribute('data-active', 'asc');
    // Wait for the sorted page, then read it; descending is its exact reverse
    // (ties broken by the recording order in the same direction).
    await expect(page.getByTestId('audit-event').first()).toBeVisible();
    const ascending = await actions();
    expect(ascending.length).toBeGreaterThan(1);
    expect(new Set(ascending).size).toBeGreaterThan(1);
    await page.getByTestId('audit-sort-ACTION').click();
    await expect(page).toHaveURL(/sort=-ACTION/);
    await expect.poll(actions).toEqual([...ascending].reverse());
    await page.getByTestId('audit-sort-CREATED_AT').click();
    await expect(page).not.toHaveURL(/sort=/);
    await expect(page.getByTestId('audit-sort-CREATED_AT')).toHaveAttribute('data-active', 'desc');
  });

  test('audit log: filters, actor filter, paging, live', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantName = `Comune di Lodi ${Date.now().toString(36)}`;
    const tenantId = await createTenant(page, tenantName);
    const role = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    for (let i = 0; i < 3; i++) await createUser(page, tenantId, newPerson(`e2e.audit${i}`), role);

    await page.goto('/audit');
    await expect(page.getByTestId('audit-event').first()).toBeVisible();
    await page.getByTestId('audit-tenant').selectOption({ label: tenantName });
    await page.getByTestId('audit-action').selectOption('user.create');
    await page.getByTestId('audit-apply').click();
    await expect(page).toHaveURL(/action=user.create/);
    await expect(page.getByTestId('audit-event')).toHaveCount(3);
    await expect(page.getByTestId('audit-total')).toContainText('3 changes');
    await saveScreenshot(page, 'audit-en');

    // Live: a new user in the tenant appears without reloading.
    await expect(page.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'connected');
    await createUser(page, tenantId, newPerson('e2e.audit3'), role);
    await expect(page.getByTestId('audit-event')).toHaveCount(4);

    // A time range in the future: nothing.
    await page.getByTestId('audit-from').fill('2099-01-01T00:00');
    await page.getByTestId('audit-apply').click();
    await expect(page.getByTestId('audit-empty')).toBeVisible();

    // The actor filter from a row, in this tenant only: other specs running
    // alongside write their own events meanwhile.
    await page.getByTestId('audit-clear').click();
    await page.getByTestId('audit-tenant').selectOption({ label: tenantName });
    await page.getByTestId('audit-apply').click();
    await expect(page).toHaveURL(/tenant=/);
    // Every change in this tenant so far is the administrator's.
    await expect(page.getByTestId('audit-event-actor').first()).toHaveText('Giulia Ferrari');
    await page.getByTestId('audit-filter-actor').first().click();
    await expect(page).toHaveURL(/actor=/);
    await expect(page.getByTestId('audit-chips')).toBeVisible();
    await expect(page.getByTestId('audit-event-actor').first()).toHaveText('Giulia Ferrari');

    // Paging: 26 groups make 26 group.create events in the tenant, 25 a page.
    for (let i = 0; i < 26; i++) {
      await gql(page, `mutation ($input: CreateGroupInput!) { createGroup(input: $input) { userErrors { code } } }`, {
        input: { tenantId, productId: role.productId, name: `Gruppo ${i}` },
      });
    }
    await page.goto(`/audit?tenant=${encodeURIComponent(tenantId)}&action=group.create`);
    await expect(page.getByTestId('audit-total')).toContainText('26 changes');
    await expect(page.getByTestId('audit-event')).toHaveCount(25);
    await page.getByTestId('audit-more').click();
    await expect(page.getByTestId('audit-event')).toHaveCount(26);
    await expect(page.getByTestId('audit-more')).toHaveCount(0);
  });
});
