import { expect, test } from '@playwright/test';
import { tenantRoots } from './support/fixtures';
import type { UserErrorCode } from '../src/gql/graphql';
import { mockGraphQL, type MockResponse, type OperationData } from './support/graphql';
import { REAL_API, useAdminSession } from './support/env';
import { acceptInvitation, createTenant, createUser, newPerson, roleId } from './support/api';
import { saveScreenshot } from './support/screenshots';

const userError = (code: UserErrorCode, message: string = code) => ({ field: ['input'], code, message });
const failedLogin = (code: UserErrorCode): MockResponse<OperationData<'Login'>> => ({
  body: { data: { login: { viewer: null, totpEnrollmentRequired: false, userErrors: [userError(code)] } } },
});

// Mocked: the states the real API gives only to accounts the suite cannot
// make through the browser (an expired password needs months to pass; an
// invitation link lasts 72 hours). A second factor and a locked account are
// real: account.spec.ts signs in with TOTP, and the lockout below.
test.describe('sign-in states', () => {
  test('against the real API: five wrong passwords lock the account, and the right one then says so', async ({ page, browser }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    await useAdminSession(page.context());
    const person = newPerson('e2e.locked');
    const tenant = await createTenant(page, `Comune di Darfo ${Date.now().toString(36)}`);
    await createUser(page, tenant, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    await acceptInvitation(page, person.email, 'la password giusta del lago');

    const context = await browser.newContext({ locale: 'it-IT' });
    const login = await context.newPage();
    await login.goto('/login');
    await expect(login.locator('#login-totp')).toHaveCount(0);
    await login.locator('#login-username').fill(person.username);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await login.locator('#login-password').fill(`sbagliata ${attempt}`);
      await login.getByTestId('login-submit').click();
      await expect(login.getByTestId('login-error')).toHaveAttribute('data-code', attempt < 5 ? 'INVALID_CREDENTIALS' : /INVALID_CREDENTIALS|ACCOUNT_LOCKED/);
    }
    await login.locator('#login-password').fill('la password giusta del lago');
    await login.getByTestId('login-submit').click();
    await expect(login.getByTestId('login-error')).toHaveAttribute('data-code', 'ACCOUNT_LOCKED');
    await expect(login.getByTestId('login-error')).toHaveText(/bloccata per troppi tentativi/);
    await expect(login.getByTestId('login-error')).toBeFocused();
    await expect(login).toHaveURL(/\/login/);
    await saveScreenshot(login, 'login-locked-it');
    await context.close();
  });

  test('PASSWORD_EXPIRED leads to the change-password form, which signs in', async ({ page }) => {
    const seen = await mockGraphQL(page, {
      Login: () => failedLogin('PASSWORD_EXPIRED'),
      ChangeExpiredPassword: () => ({
        body: { data: { changeExpiredPassword: { viewer: { user: { id: 'VXNlcjox', username: 'm.rossi' } }, userErrors: [] } } },
      }),
      TenantRoots: () => tenantRoots([]),
      VisibleTenants: () => tenantRoots([]),
    });
    await page.goto('/login?next=%2Ftenants');
    await page.locator('#login-username').fill('m.rossi');
    await page.locator('#login-password').fill('la vecchia password');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('change-expired-reason')).toHaveText('La tua password è scaduta: scegline una nuova per accedere.');
    await page.locator('#change-new-password').fill('la nuova password del lago');
    await saveScreenshot(page, 'login-expired-it');
    await page.getByTestId('change-expired-submit').click();
    await expect(page).toHaveURL(/\/tenants$/);
    const change = seen.find((s) => s.operationName === 'ChangeExpiredPassword');
    expect(change?.variables).toMatchObject({
      input: { username: 'm.rossi', oldPassword: 'la vecchia password', newPassword: 'la nuova password del lago' },
    });
  });

  test('an expired invitation says so (mocked: links last 72 hours)', async ({ page }) => {
    await mockGraphQL(page, {
      InvitationStatus: () => ({
        body: { data: { invitationStatus: { state: 'EXPIRED', username: 'm.rossi', expiresAt: '2025-03-01T10:00:00Z' } } },
      }),
    });
    await page.goto('/invitation#token=scaduto');
    await expect(page.getByTestId('invitation-state')).toHaveAttribute('data-state', 'EXPIRED');
    await expect(page.getByTestId('invitation-state')).toContainText('Il link di invito è scaduto');
    await expect(page.getByTestId('invitation-form')).toHaveCount(0);
    await saveScreenshot(page, 'invitation-expired-it');
  });

  test('against the real API: an unknown invitation token is INVALID', async ({ page }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    await page.goto('/invitation#token=not-a-real-token');
    await expect(page.getByTestId('invitation-state')).toHaveAttribute('data-state', 'INVALID');
  });
});
