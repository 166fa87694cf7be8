import { expect, test } from '@playwright/test';
import { tenantRoots } from './support/fixtures';
import type { UserErrorCode } from '../src/gql/graphql';
import { mockGraphQL, type MockResponse, type OperationData } from './support/graphql';
import { REAL_API } from './support/env';
import { saveScreenshot } from './support/screenshots';

const userError = (code: UserErrorCode, message: string = code) => ({ field: ['input'], code, message });
const failedLogin = (code: UserErrorCode): MockResponse<OperationData<'Login'>> => ({
  body: { data: { login: { viewer: null, totpEnrollmentRequired: false, userErrors: [userError(code)] } } },
});

// States the real API gives only to accounts the suite cannot set up through
// the browser (a second factor, an expired password, a locked account): mocked.
test.describe('sign-in states', () => {
  test('TOTP_REQUIRED adds the code field; ACCOUNT_LOCKED explains itself', async ({ page }) => {
    const codes: UserErrorCode[] = ['TOTP_REQUIRED', 'ACCOUNT_LOCKED'];
    const seen = await mockGraphQL(page, { Login: () => failedLogin(codes.shift() ?? 'INVALID_CREDENTIALS') });
    await page.goto('/login');
    await expect(page.locator('#login-totp')).toHaveCount(0);
    await page.locator('#login-username').fill('m.rossi');
    await page.locator('#login-password').fill('una password qualsiasi');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'TOTP_REQUIRED');
    await expect(page.getByLabel('Codice di verifica')).toBeVisible();
    await page.getByLabel('Codice di verifica').fill('123456');
    await saveScreenshot(page, 'login-totp-it');
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toHaveAttribute('data-code', 'ACCOUNT_LOCKED');
    await expect(page.getByTestId('login-error')).toBeFocused();
    const last = seen.filter((s) => s.operationName === 'Login').at(-1);
    expect(last?.variables).toMatchObject({ input: { username: 'm.rossi', totpCode: '123456' } });
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
