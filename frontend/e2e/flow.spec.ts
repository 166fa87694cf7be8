import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { FIRST_ADMIN, REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * The end-to-end flow against the real server, real PostgreSQL and
 * Redis (scripts/e2e.sh, DEV_MAILBOX=true): add a user through the wizard,
 * read the invitation in the developer mailbox, set the password in a second
 * browser context, sign in as the new user, then (as the administrator)
 * assign a role and suspend it while another signed-in context watches the
 * profile change live through the `changes` subscription.
 */

const STAMP = Date.now().toString(36);
const NEW_USER = {
  username: `e2e.rossi.${STAMP}`,
  // A valid Italian tax code (checksum included).
  taxCode: 'RSSMRA85T10A562S',
  givenName: 'Mario',
  familyName: 'Rossi',
  email: `mario.rossi.${STAMP}@example.org`,
  password: 'vento forte sulle Dolomiti',
};

/** A GraphQL call with the context's session cookie and its CSRF header. */
async function gql<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'csrf_token')?.value ?? '';
  const response = await page.request.post('/graphql', {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: { query, variables },
  });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors ?? []).toEqual([]);
  return body.data;
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/tenants$/);
  await expect(page.getByTestId('viewer')).toContainText(username);
}

test.describe('add user → invitation → set password → sign in → assign → suspend, seen live', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test('the whole flow', async ({ page, browser }) => {
    await useAdminSession(page.context());

    // A tenant to add the person to (no tenant form in the SPA yet: the API).
    const tenantName = `Comune di Brescia ${STAMP}`;
    const created = await gql<{ createTenant: { tenant: { id: string } | null; userErrors: unknown[] } }>(
      page,
      `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } userErrors { code message } } }`,
      { input: { name: tenantName } },
    );
    expect(created.createTenant.userErrors).toEqual([]);
    const tenantId = created.createTenant.tenant?.id ?? '';

    // The wizard, from the users list of the tenant.
    await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
    await page.getByTestId('users-add').click();
    await expect(page).toHaveURL(/\/users\/new\?tenant=/);
    // The tenant is preselected: in the picker, or named alone when it is the only one (an empty database).
    const picker = page.getByTestId('add-user-tenant');
    const only = page.getByTestId('add-user-tenant-only');
    await expect
      .poll(async () => ((await only.isVisible()) ? await only.textContent() : (await picker.isVisible()) ? await picker.inputValue() : ''))
      .toMatch(new RegExp(`^(${tenantId}|${tenantName})$`));
    // An invalid tax code is reported next to its field.
    await page.locator('#add-username').fill(NEW_USER.username);
    await page.locator('#add-taxCode').fill('NOT-A-TAX-CODE');
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(page.getByTestId('field-add-taxCode-error')).toBeVisible();
    await page.locator('#add-taxCode').fill(NEW_USER.taxCode);
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(page.getByTestId('add-user-outcome')).toHaveAttribute('data-outcome', 'NEW_PERSON');
    await page.locator('#add-givenName').fill(NEW_USER.givenName);
    await page.locator('#add-familyName').fill(NEW_USER.familyName);
    await page.locator('#add-email').fill(NEW_USER.email);
    await page.getByTestId('add-user-product').selectOption({ label: 'COB – Comunicazioni obbligatorie' });
    await page.getByTestId('add-user-role').selectOption({ label: 'Operatore' });
    await saveScreenshot(page, 'add-user-form');
    await page.getByTestId('add-user-submit').click();
    // Added: the new user's profile opens, saying so (seed 001).
    await expect(page).toHaveURL(/\/users\/[^/?]+$/);
    await expect(page.getByTestId('add-user-success')).toContainText(NEW_USER.username);
    await expect(page.getByTestId('identity-username')).toHaveText(NEW_USER.username);
    await saveScreenshot(page, 'add-user-done');
    const profileUrl = page.url();

    // The same person again: the lookup says they are a member.
    await page.goto(`/users/new?tenant=${encodeURIComponent(tenantId)}`);
    await page.locator('#add-username').fill(NEW_USER.username);
    await page.locator('#add-taxCode').fill(NEW_USER.taxCode);
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(page.getByTestId('add-user-outcome')).toHaveAttribute('data-outcome', 'ALREADY_MEMBER');

    // The invitation, in the developer mailbox.
    await page.goto('/dev/mailbox');
    const mail = page.getByTestId('mail').filter({ has: page.locator(`[data-to="${NEW_USER.email}"]`) }).or(
      page.locator(`[data-testid="mail"][data-to="${NEW_USER.email}"]`),
    );
    await expect(mail.first()).toBeVisible();
    const link = mail.first().getByTestId('mail-link').filter({ hasText: '/invitation#token=' }).first();
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toContain('/invitation#token=');
    await saveScreenshot(page, 'dev-mailbox');

    // The invited person, in a second browser context.
    const invited: BrowserContext = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome' });
    const invitedPage = await invited.newPage();
    await invitedPage.goto(new URL(href).pathname + new URL(href).hash);
    await expect(invitedPage.getByTestId('invitation-username')).toContainText(NEW_USER.username);
    await invitedPage.locator('#invitation-password').fill(NEW_USER.password);
    await saveScreenshot(invitedPage, 'invitation-it');
    await invitedPage.getByTestId('invitation-submit').click();
    await expect(invitedPage.getByTestId('invitation-done')).toContainText(NEW_USER.username);
    // The link works once (a fresh page: only the fragment would change here).
    const again = await invited.newPage();
    await again.goto(new URL(href).pathname + new URL(href).hash);
    await expect(again.getByTestId('invitation-state')).toHaveAttribute('data-state', 'USED');
    await again.close();
    await signIn(invitedPage, NEW_USER.username, NEW_USER.password);
    await expect(invitedPage.locator('html')).toHaveAttribute('lang', 'it');
    await invitedPage.getByTestId('logout').click();
    await expect(invitedPage).toHaveURL(/\/login$/);

    // Another administrator's browser watches the profile.
    const watcher = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome' });
    const watcherPage = await watcher.newPage();
    await signIn(watcherPage, FIRST_ADMIN.username, FIRST_ADMIN.password);
    await watcherPage.goto(profileUrl);
    await expect(watcherPage.getByTestId('identity-username')).toHaveText(NEW_USER.username);
    await expect(watcherPage.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'connected');
    await expect(watcherPage.getByTestId('card-role')).toHaveCount(1);

    // As the administrator: assign a role on another product, then suspend it.
    await page.goto(profileUrl);
    await page.getByTestId('assign-role-open').click();
    await page.getByTestId('assign-role-product').selectOption({ label: 'Area Riservata Enti' });
    await page.getByTestId('assign-role-role').selectOption({ label: 'Operatore API' });
    await page.getByTestId('assign-role-submit').click();
    const ioCard = page.getByTestId('product-card').filter({ hasText: 'Area Riservata Enti' });
    await expect(ioCard.getByTestId('card-role')).toHaveAttribute('data-status', 'ACTIVE');
    // Live: the watcher sees the new role without reloading.
    await expect(watcherPage.getByTestId('card-role')).toHaveCount(2);

    await ioCard.getByTestId('action-suspend').click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await saveScreenshot(page, 'profile-confirm-suspend');
    await dialog.getByTestId('confirm-dialog-confirm').click();
    await expect(dialog).toBeHidden();
    await expect(ioCard.getByTestId('card-role')).toHaveAttribute('data-status', 'SUSPENDED');

    // Live again: the watcher's card turns suspended.
    const watchedCard = watcherPage.getByTestId('product-card').filter({ hasText: 'Area Riservata Enti' });
    await expect(watchedCard).toHaveAttribute('data-status', 'SUSPENDED');
    // …and screen readers hear about it.
    await expect(watcherPage.getByTestId('profile-live-status')).toContainText('Profile updated');
    await saveScreenshot(watcherPage, 'profile-live-suspended');

    // The account itself: suspend it, the watcher sees the state; then reactivate.
    await page.getByTestId('user-suspend').click();
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(page.getByTestId('user-reactivate')).toBeVisible();
    await expect(watcherPage.getByTestId('user-reactivate')).toBeVisible();
    await page.getByTestId('user-reactivate').click();
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(watcherPage.getByTestId('user-suspend')).toBeVisible();

    // A change of the person's data reaches the watcher in words, from the
    // event's typed details (issue 15.4).
    const userId = decodeURIComponent(new URL(profileUrl).pathname.split('/').pop() ?? '');
    const current = await gql<{ node: { version: number } }>(page, `query ($id: ID!) { node(id: $id) { ... on User { version } } }`, { id: userId });
    await gql(page, `mutation ($input: UpdateUserProfileInput!) { updateUserProfile(input: $input) { userErrors { code } } }`, {
      input: { userId, expectedVersion: current.node.version, timeZone: 'Europe/Paris' },
    });
    await expect(watcherPage.getByTestId('profile-live-status')).toContainText(`${NEW_USER.givenName} ${NEW_USER.familyName} was just changed: Time zone`);

    // Remove the suspended role: the card goes away, here and live there.
    await ioCard.getByTestId('action-remove').click();
    await page.getByRole('dialog').getByTestId('confirm-dialog-confirm').click();
    await expect(ioCard).toHaveCount(0);
    await expect(watchedCard).toHaveCount(0);

    // The tenant's users list, from the real API, shows the new user.
    await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
    await expect(page.getByTestId('users-page')).toContainText(NEW_USER.username);
    await saveScreenshot(page, 'users-real-tenant');

    // R1 in another tenant: the same tax code with a new username has an
    // account (attach it instead); the same username with another tax code is taken.
    const other = await gql<{ createTenant: { tenant: { id: string } | null } }>(
      page,
      `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } userErrors { code } } }`,
      { input: { name: `Comune di Bergamo ${STAMP}` } },
    );
    const otherId = other.createTenant.tenant?.id ?? '';
    await page.goto(`/users/new?tenant=${encodeURIComponent(otherId)}`);
    await page.locator('#add-username').fill(NEW_USER.username);
    await page.locator('#add-taxCode').fill('VRDGPP80A01H501U');
    await page.getByTestId('add-user-lookup-submit').click();
    const outcome = page.getByTestId('add-user-outcome');
    await expect(outcome).toHaveAttribute('data-outcome', 'USERNAME_TAKEN');
    await page.getByRole('button', { name: 'Change username' }).click();
    await expect(page.locator('#add-username')).toBeFocused();
    await page.locator('#add-username').fill(`altro.${STAMP}`);
    await page.locator('#add-taxCode').fill(NEW_USER.taxCode);
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(outcome).toHaveAttribute('data-outcome', 'TAX_CODE_HAS_ACCOUNT');
    await expect(outcome).toContainText(NEW_USER.username);
    await saveScreenshot(page, 'add-user-attach');
    await page.getByTestId('add-user-product').selectOption({ label: 'COB – Comunicazioni obbligatorie' });
    await page.getByTestId('add-user-role').selectOption({ label: 'Operatore' });
    await page.getByTestId('add-user-submit').click();
    await expect(page.getByTestId('add-user-success')).toContainText(NEW_USER.username);
    await expect(page.getByTestId('site')).toHaveCount(2);

    await watcher.close();
    await invited.close();
  });
});
