import { expect, test } from '@playwright/test';
import { createTenant, createUser, gql, newPerson, roleId } from './support/api';
import { FIRST_ADMIN, REAL_API, useAdminSession } from './support/env';

/**
 * The audit log in plain language (issue 19.6), against the real server:
 * translated action labels, sentences with people's and tenants' names, the
 * action filter from the server's list, and a user's history on the profile
 * with every kind of change about them.
 */
test.describe('audit log in plain language', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test('labels, names, action filter and the profile history', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantName = `Comune di Pavia ${Date.now().toString(36)}`;
    const tenantId = await createTenant(page, tenantName);
    const cob = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const api = await roleId(page, 'Area Riservata Enti', 'Operatore API');
    const person = { ...newPerson('e2e.history'), givenName: 'Luca', familyName: 'Bianchi' };
    const userId = await createUser(page, tenantId, person, cob);
    const admin = `${FIRST_ADMIN.givenName} ${FIRST_ADMIN.familyName}`;

    // Changes about the person, each of a different kind.
    const version = async (): Promise<number> =>
      (await gql<{ node: { version: number } }>(page, `query ($id: ID!) { node(id: $id) { ... on User { version } } }`, { id: userId })).node.version;
    await gql(page, `mutation ($input: UpdateUserProfileInput!) { updateUserProfile(input: $input) { userErrors { code } } }`, {
      input: { userId, expectedVersion: await version(), givenName: 'Lucio' },
    });
    await gql(page, `mutation ($input: AssignRoleInput!) { assignRole(input: $input) { userErrors { code } } }`, {
      input: { userId, tenantId, roleId: api.roleId },
    });
    await gql(page, `mutation ($input: UserStatusInput!) { suspendUser(input: $input) { userErrors { code } } }`, { input: { userId } });
    await gql(page, `mutation ($input: UserStatusInput!) { reactivateUser(input: $input) { userErrors { code } } }`, { input: { userId } });
    const group = await gql<{ createGroup: { group: { id: string } } }>(
      page,
      `mutation ($input: CreateGroupInput!) { createGroup(input: $input) { group { id } userErrors { code } } }`,
      { input: { tenantId, productId: cob.productId, name: 'Sportello' } },
    );
    await gql(page, `mutation ($input: GroupMemberInput!) { addUserToGroup(input: $input) { userErrors { code } } }`, {
      input: { groupId: group.createGroup.group.id, userId },
    });

    // The audit page: translated labels and sentences with names.
    await page.goto(`/audit?tenant=${encodeURIComponent(tenantId)}`);
    const update = page.locator('[data-testid="audit-event"][data-action="user.update"]');
    await expect(update.getByTestId('audit-event-action')).toHaveText('Profile changed');
    await expect(update.getByTestId('audit-event-line')).toHaveText(`${admin} changed the profile of Lucio Bianchi in ${tenantName}`);
    await expect(update.getByTestId('audit-event-actor')).toHaveText(admin);
    // What changed, in words, from the record's typed changes (issue 15.4).
    await expect(update.getByTestId('audit-changes-summary')).toContainText('Given name');
    await update.getByTestId('audit-changes-summary').click();
    const given = update.locator('[data-testid="field-change"][data-field="givenName"]');
    await expect(given).toContainText('Given name');
    await expect(given.locator('.audit-before')).toHaveText('Luca');
    await expect(given.locator('.audit-after')).toHaveText('Lucio');
    // Identifiers are global IDs: the new user's tenant is a link.
    const created = page.locator('[data-testid="audit-event"][data-action="user.create"]');
    await created.getByTestId('audit-changes-summary').click();
    await expect(created.locator('[data-field="homeTenantId"]').getByTestId('change-link-tenant')).toHaveAttribute(
      'href',
      `/users?tenant=${encodeURIComponent(tenantId)}`,
    );
    const role = page.locator('[data-testid="audit-event"][data-action="roleAssignment.create"]').first();
    await expect(role.getByTestId('audit-event-line')).toContainText(`${admin} gave Lucio Bianchi the role `);

    // The action filter offers the server's actions by their label.
    await page.getByTestId('audit-action').selectOption({ label: 'Added to group' });
    await page.getByTestId('audit-apply').click();
    await expect(page).toHaveURL(/action=group.addMember/);
    await expect(page.getByTestId('audit-event')).toHaveCount(1);
    await expect(page.getByTestId('audit-event-line')).toHaveText(`${admin} added Lucio Bianchi to the group Sportello in ${tenantName}`);

    // The Italian and French words are checked by actionLabels.test.ts for every
    // action: switching this shared administrator's language here would change
    // it under the specs running alongside.

    // The profile lists every change about the person.
    await page.goto(`/users/${encodeURIComponent(userId)}`);
    const history = page.getByTestId('profile-history');
    for (const action of ['user.create', 'user.update', 'roleAssignment.create', 'user.suspend', 'user.reactivate', 'group.addMember']) {
      await expect(history.locator(`[data-testid="profile-history-event"][data-action="${action}"]`).first()).toBeVisible();
    }
    await expect(history.locator('[data-action="user.suspend"]').getByTestId('profile-history-line')).toHaveText(`${admin} suspended Lucio Bianchi in ${tenantName}`);
    const shown = await history.getByTestId('profile-history-event').count();
    expect(shown).toBeGreaterThanOrEqual(7);

    // A change made from the profile appears in its history.
    await page.getByTestId('profile-audit-link').waitFor();
    await gql(page, `mutation ($input: UserStatusInput!) { suspendUser(input: $input) { userErrors { code } } }`, { input: { userId } });
    await page.reload();
    await expect(history.locator('[data-action="user.suspend"]')).toHaveCount(2);

    // The full history in the audit log, filtered on the person.
    await history.getByTestId('profile-history-all').click();
    await expect(page).toHaveURL(/\/audit\?user=/);
    await expect(page.getByTestId('audit-chip-user-name')).toHaveText('About: Lucio Bianchi');
    await expect(page.getByTestId('audit-event')).toHaveCount(shown + 1);
  });
});
