import { expect, test, type Page } from '@playwright/test';
import { createTenant, createUser, gql, italianTaxCode, newPerson, roleId, type NewPerson } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * The users list's two views against the real server (issue 19.1): "Team"
 * (seed 003) sorted by the server, with a page size and a row menu; "Tutti"
 * (seed 001) in collapsible product sections with counts, without section
 * chrome for a tenant on one product; and the add-user wizard landing on the
 * new user's profile.
 */

test.describe('users list views', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test.beforeEach(async ({ context }) => {
    await useAdminSession(context);
  });

  /** People whose username order is the reverse of their email order. */
  function people(prefix: string, n: number): NewPerson[] {
    return Array.from({ length: n }, (_, i) => {
      const p = newPerson(`${prefix}${String(i).padStart(2, '0')}`);
      return { ...p, email: `${String(99 - i)}.${p.username}@example.org` };
    });
  }

  async function usernamesShown(page: Page): Promise<string[]> {
    return page.getByTestId('team-row').getByTestId('user-username').allTextContents();
  }

  test('"Team": one row per person, columns sorted by the server, page size, a row menu that suspends and reactivates', async ({ page }) => {
    const tenantId = await createTenant(page, `Comune di Pisogne ${Date.now().toString(36)}`);
    const cob = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const area = await roleId(page, 'Area Riservata Enti', 'Operatore API');
    const team = people('e2e.team.', 27);
    const ids: string[] = [];
    for (const [i, person] of team.entries()) ids.push(await createUser(page, tenantId, person, i % 2 === 0 ? cob : area));
    // The first person also holds a role on the other product: still one row, two chips.
    await gql(
      page,
      `mutation ($input: AssignRoleInput!) { assignRole(input: $input) { userErrors { code message } } }`,
      { input: { userId: ids[0], tenantId, roleId: area.roleId } },
    );
    const byUsername = team.map((p) => p.username).sort();
    const byEmail = [...team].sort((a, b) => a.email.localeCompare(b.email)).map((p) => p.username);

    await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
    await page.getByTestId('users-view-team').click();
    await expect(page).toHaveURL(/view=team/);
    await expect(page.getByTestId('users-view-team')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('users-tabs')).toHaveCount(0);
    const rows = page.getByTestId('team-row');
    await expect(rows).toHaveCount(25);
    await expect(page.getByTestId('users-summary')).toHaveText('27 users');
    expect(await usernamesShown(page)).toEqual(byUsername.slice(0, 25));
    const first = rows.filter({ hasText: team[0]?.username ?? '' });
    await expect(first.getByTestId('user-role')).toHaveCount(2);
    await expect(first.getByTestId('user-role').first()).toContainText('·');
    await expect(first.getByTestId('user-last-sign-in')).toHaveText('Never');
    await saveScreenshot(page, 'users-team-en');

    // Sort by email: the server's order, the header says so; again: descending.
    await page.getByTestId('team-sort-EMAIL').click();
    await expect(page).toHaveURL(/sort=EMAIL/);
    await expect(page.getByTestId('team-sort-EMAIL')).toHaveAttribute('data-active', 'asc');
    await expect(page.locator('th[aria-sort="ascending"]')).toHaveCount(1);
    await expect.poll(() => usernamesShown(page)).toEqual(byEmail.slice(0, 25));
    await page.getByTestId('team-sort-EMAIL').click();
    await expect(page).toHaveURL(/sort=-EMAIL/);
    await expect.poll(() => usernamesShown(page)).toEqual([...byEmail].reverse().slice(0, 25));
    // The next page continues in that order, and back.
    await page.getByTestId('users-next').click();
    await expect.poll(() => usernamesShown(page)).toEqual([...byEmail].reverse().slice(25));
    await page.getByTestId('users-previous').click();
    await expect.poll(() => usernamesShown(page)).toEqual([...byEmail].reverse().slice(0, 25));
    // The order select offers the other keys (creation date here: ties broken the same way each time).
    await page.getByTestId('team-sort').selectOption('-CREATED_AT');
    await expect(page).toHaveURL(/sort=-CREATED_AT/);
    // Created one after the other: newest first is the reverse creation order.
    await expect.poll(() => usernamesShown(page)).toEqual([...team].reverse().map((p) => p.username).slice(0, 25));

    // Page size: 50 shows everyone on one page; the choice is in the URL.
    await page.getByTestId('team-sort').selectOption('USERNAME');
    await page.getByTestId('team-page-size').selectOption('50');
    await expect(page).toHaveURL(/size=50/);
    await expect(rows).toHaveCount(27);
    await expect(page.getByTestId('users-pagination')).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('team-page-size')).toHaveValue('50');
    await expect(rows).toHaveCount(27);

    // The row menu: Sospendi, confirmed, shows its result in place; then Riattiva.
    const target = rows.filter({ has: page.getByTestId('user-username').getByText(byUsername[3] ?? '', { exact: true }) });
    await target.getByTestId('row-menu-button').click();
    await expect(target.getByRole('menu')).toBeVisible();
    await expect(target.getByRole('menuitem')).toHaveText(['Edit', 'Suspend']); // invited: no credentials to reset yet
    await target.getByTestId('row-menu-suspend').click();
    await expect(page.getByTestId('confirm-dialog')).toBeVisible();
    await page.getByTestId('confirm-dialog-confirm').click();
    await expect(target.getByTestId('row-menu-result')).toContainText('is suspended');
    await expect(target.getByTestId('user-status')).toHaveText('Suspended');
    await target.getByTestId('row-menu-button').click();
    await expect(target.getByRole('menuitem')).toHaveText(['Edit', 'Reset PIN', 'Reset password', 'Reactivate']); // same rule as the profile's credential actions
    await target.getByTestId('row-menu-reactivate').click();
    await page.getByTestId('confirm-dialog-confirm').click();
    await expect(target.getByTestId('row-menu-result')).toContainText('was reactivated');
    await expect(target.getByTestId('user-status')).toHaveText('Invited');

    // Modifica opens the profile's edit form.
    await target.getByTestId('row-menu-button').click();
    await target.getByTestId('row-menu-edit').click();
    await expect(page).toHaveURL(new RegExp(`/users/${encodeURIComponent(ids[team.findIndex((p) => p.username === byUsername[3])] ?? '')}$`));
    await expect(page.getByTestId('identity-form')).toBeVisible();
    await expect(page.getByTestId('identity-edit')).toHaveCount(0); // the form is open, not its button

    // The view persists in the URL: back to the list, still "Team".
    await page.getByTestId('profile-back').click();
    await expect(page).toHaveURL(/view=team/);
    await expect(page.getByTestId('team-table')).toBeVisible();
  });

  test('"Tutti": collapsible product sections with counts; one product, one plain list', async ({ page }) => {
    const stamp = Date.now().toString(36);
    const two = await createTenant(page, `Comune di Marone ${stamp}`);
    const one = await createTenant(page, `Comune di Sulzano ${stamp}`);
    const cob = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const area = await roleId(page, 'Area Riservata Enti', 'Operatore API');
    for (const [i, person] of people('e2e.tutti.', 5).entries()) await createUser(page, two, person, i < 3 ? area : cob);
    for (const person of people('e2e.solo.', 2)) await createUser(page, one, person, cob);

    await page.goto(`/users?tenant=${encodeURIComponent(two)}`);
    const groups = page.getByTestId('users-group');
    await expect(groups).toHaveCount(2);
    await expect(page.getByTestId('users-tab')).toHaveText(['Area Riservata Enti', 'COB – Comunicazioni obbligatorie']);
    await expect(page.getByTestId('users-group-title')).toHaveText([/^Area Riservata Enti/, /^COB – Comunicazioni obbligatorie/]);
    await expect(page.getByTestId('users-group-count')).toHaveText(['(3 on this page)', '(2 on this page)']);
    // The first section is open, the others closed until asked.
    await expect(groups.nth(0)).toHaveAttribute('open', '');
    await expect(groups.nth(1)).not.toHaveAttribute('open', '');
    await expect(groups.nth(0).getByTestId('user-row')).toHaveCount(3);
    await expect(groups.nth(1).getByTestId('user-row').first()).toBeHidden();
    await groups.nth(1).locator('summary').click();
    await expect(groups.nth(1).getByTestId('user-row')).toHaveCount(2);
    await expect(groups.nth(1).getByTestId('user-row').first()).toBeVisible();
    await groups.nth(0).locator('summary').click();
    await expect(groups.nth(0).getByTestId('user-row').first()).toBeHidden();
    await saveScreenshot(page, 'users-all-sections-en');

    // A tenant on one product: a single list, no section to open.
    await page.goto(`/users?tenant=${encodeURIComponent(one)}`);
    await expect(page.getByTestId('user-row')).toHaveCount(2);
    await expect(page.getByTestId('users-group-count')).toHaveCount(0);
    await expect(page.locator('details.product-group')).toHaveCount(0);
    // Its product tabs: only the product it has joined.
    await expect(page.getByTestId('users-tab')).toHaveText(['COB – Comunicazioni obbligatorie']);
  });

  test('adding a user lands on the new user\'s profile', async ({ page }) => {
    const tenantId = await createTenant(page, `Comune di Monte Isola ${Date.now().toString(36)}`);
    const person = newPerson('e2e.landing');
    await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
    await page.getByTestId('users-add').click();
    await page.locator('#add-username').fill(person.username);
    await page.locator('#add-taxCode').fill(italianTaxCode());
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(page.getByTestId('add-user-outcome')).toHaveAttribute('data-outcome', 'NEW_PERSON');
    await page.locator('#add-givenName').fill(person.givenName);
    await page.locator('#add-familyName').fill(person.familyName);
    await page.locator('#add-email').fill(person.email);
    await page.getByTestId('add-user-product').selectOption({ label: 'COB – Comunicazioni obbligatorie' });
    await page.getByTestId('add-user-role').selectOption({ label: 'Operatore' });
    await page.getByTestId('add-user-submit').click();
    await expect(page).toHaveURL(/\/users\/[^/?]+$/);
    await expect(page.getByTestId('profile-page')).toBeVisible();
    await expect(page.getByTestId('add-user-success')).toContainText(person.username);
    await expect(page.getByTestId('identity-username')).toHaveText(person.username);
  });
});
