import { expect, test } from '@playwright/test';
import { acceptInvitation, createTenant, createUser, gql, newPerson, roleId, signIn, totp } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * "My account" against the real server: two signed-in browsers, one ends
 * the other's session; the password change reports a wrong current
 * password next to its field; TOTP enrolment with a real code, after which
 * sign-in asks for the code; failed sign-ins are listed (R23).
 */

test.describe('my account', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test('sessions, password, second factor, failed sign-ins', async ({ page, browser }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Sondrio ${Date.now().toString(36)}`);
    const person = newPerson('e2e.account');
    const userId = await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    const password = 'nebbia sulla valtellina';
    await acceptInvitation(page, person.email, password);

    // A wrong password first: it shows among the failed sign-ins.
    const probe = await browser.newContext();
    const probePage = await probe.newPage();
    await probePage.goto('/login');
    await probePage.locator('#login-username').fill(person.username);
    await probePage.locator('#login-password').fill('not my password at all');
    await probePage.getByTestId('login-submit').click();
    await expect(probePage.getByTestId('login-error')).toHaveAttribute('data-code', 'INVALID_CREDENTIALS');
    await probe.close();

    const phone = await signIn(browser, person.username, password);
    const laptop = await signIn(browser, person.username, password);
    await laptop.getByTestId('nav-account').click();
    await expect(laptop.getByTestId('page-heading')).toHaveText('Il mio account');
    const sessions = laptop.getByTestId('session');
    await expect(sessions).toHaveCount(2);
    await expect(sessions.first()).toHaveAttribute('data-current', 'true');
    await expect(sessions.first().getByTestId('session-revoke')).toHaveCount(0);
    await expect(laptop.getByTestId('failed-login')).toHaveCount(1);
    await expect(laptop.getByTestId('failed-login')).toContainText('password errata');
    await saveScreenshot(laptop, 'account-it');

    // End the other session: the phone is signed out.
    await sessions.nth(1).getByTestId('session-revoke').click();
    const dialog = laptop.getByRole('dialog');
    await expect(dialog).toContainText('verrà chiusa');
    await dialog.getByTestId('confirm-dialog-confirm').click();
    await expect(dialog).toBeHidden();
    await expect(laptop.getByTestId('sessions-status')).toHaveText('Sessione chiusa.');
    await expect(sessions).toHaveCount(1);
    await phone.goto('/account');
    await expect(phone).toHaveURL(/\/login\?next=%2Faccount$/);
    await expect(laptop.getByTestId('sessions-revoke-others')).toBeDisabled();

    // Change password: the wrong current password is reported next to its field.
    await laptop.locator('#account-current-password').fill('sbagliata davvero');
    await laptop.locator('#account-new-password').fill('sole sulle alpi orobie');
    await laptop.getByTestId('password-submit').click();
    await expect(laptop.getByTestId('field-account-current-password-error')).toBeVisible();
    await expect(laptop.locator('#account-current-password')).toHaveAttribute('aria-invalid', 'true');
    await laptop.locator('#account-current-password').fill(password);
    await laptop.getByTestId('password-submit').click();
    await expect(laptop.getByTestId('password-changed')).toBeVisible();
    const newPassword = 'sole sulle alpi orobie';

    // Second factor: the secret, a wrong code, then the real one.
    await laptop.getByTestId('totp-begin').click();
    const secretText = (await laptop.getByTestId('totp-secret').textContent()) ?? '';
    expect(secretText).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    await expect(laptop.getByTestId('totp-uri')).toHaveAttribute('href', /^otpauth:\/\/totp\//);
    await expect(laptop.getByRole('img', { name: /Codice QR per l’app di autenticazione/ })).toBeVisible();
    await laptop.locator('#totp-code').fill('12345');
    await laptop.getByTestId('totp-confirm').click();
    await expect(laptop.getByTestId('field-totp-code-error')).toContainText('6 cifre');
    const secret = secretText.replace(/\s/g, '');
    const wrong = String((Number(totp(secret)) + 500_000) % 1_000_000).padStart(6, '0');
    await laptop.locator('#totp-code').fill(wrong);
    await laptop.getByTestId('totp-confirm').click();
    await expect(laptop.getByTestId('field-totp-code-error')).toBeVisible();
    await saveScreenshot(laptop, 'account-totp-it');
    await laptop.locator('#totp-code').fill(totp(secret));
    await laptop.getByTestId('totp-confirm').click();
    await expect(laptop.getByTestId('totp-enrolled')).toBeVisible();

    // Preferences: the interface follows the language saved (R4).
    await laptop.getByTestId('preferences-language').selectOption('fr');
    await laptop.getByTestId('preferences-submit').click();
    await expect(laptop.getByTestId('preferences-saved')).toBeVisible();
    await expect(laptop.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(laptop.getByTestId('page-heading')).toHaveText('Mon compte');
    // No phone for someone without an administrator role (R3).
    await expect(laptop.locator('#preferences-phone')).toHaveCount(0);

    // Signing in now asks for the code.
    await laptop.getByTestId('logout').click();
    await expect(laptop).toHaveURL(/\/login$/);
    await laptop.locator('#login-username').fill(person.username);
    await laptop.locator('#login-password').fill(newPassword);
    await laptop.getByTestId('login-submit').click();
    await expect(laptop.getByTestId('login-error')).toHaveAttribute('data-code', 'TOTP_REQUIRED');
    // The next time step's code: the one used to enrol may not be replayed.
    await laptop.locator('#login-totp').fill(totp(secret, Date.now() + 30_000));
    await laptop.getByTestId('login-submit').click();
    await expect(laptop).toHaveURL(/\/tenants$/);
    await expect(laptop.getByTestId('enrol-second-factor')).toHaveCount(0);

    // R17: the administrator resets the second factor; at the next sign-in
    // the user lands on the enrolment, and every page says so until it is done.
    const reset = await gql<{ adminResetSecondFactor: { userErrors: unknown[] } }>(
      page,
      `mutation ($input: AdminResetSecondFactorInput!) { adminResetSecondFactor(input: $input) { userErrors { code } } }`,
      { input: { userId } },
    );
    expect(reset.adminResetSecondFactor.userErrors).toEqual([]);
    await laptop.goto('/login');
    await laptop.locator('#login-username').fill(person.username);
    await laptop.locator('#login-password').fill(newPassword);
    await laptop.getByTestId('login-submit').click();
    await expect(laptop).toHaveURL(/\/account#totp-heading$/);
    await expect(laptop.getByTestId('enrol-second-factor')).toContainText('second facteur');
    await laptop.getByTestId('nav-users').click();
    await laptop.getByTestId('enrol-second-factor-link').click();
    await expect(laptop).toHaveURL(/\/account#totp-heading$/);
    await laptop.getByTestId('totp-begin').click();
    const again = ((await laptop.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    await laptop.locator('#totp-code').fill(totp(again));
    await laptop.getByTestId('totp-confirm').click();
    await expect(laptop.getByTestId('totp-enrolled')).toBeVisible();
    await expect(laptop.getByTestId('enrol-second-factor')).toHaveCount(0);

    await phone.context().close();
    await laptop.context().close();
  });
});
