import { expect, test } from '@playwright/test';
import { acceptInvitation, createTenant, createUser, mailLink, newPerson, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * "Forgot password / reactivate my account" (R16) against the real server:
 * the request page answers the same for any name, the emailed link leads to
 * the reset page, a weak password is refused next to its field, the new
 * password signs in, and the link works once.
 */
test.describe('account recovery', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(90_000);

  test('request a link, set a new password from it, sign in; the link works once', async ({ page, browser }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Lecco ${Date.now().toString(36)}`);
    const person = newPerson('e2e.recovery');
    await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    await acceptInvitation(page, person.email, 'prima password del lago');

    const ctx = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome' });
    const anon = await ctx.newPage();
    await anon.goto('/login');
    await anon.getByTestId('login-forgot').click();
    await expect(anon).toHaveURL(/\/forgot-password$/);
    await expect(anon.getByTestId('page-heading')).toHaveText('Recupera l’accesso');

    // Empty: caught before any request, next to the field.
    await anon.getByTestId('recovery-submit').click();
    await expect(anon.getByTestId('field-recovery-identifier-error')).toHaveText('Errore: Compila questo campo.');
    await expect(anon.locator('#recovery-identifier')).toHaveAttribute('aria-invalid', 'true');

    // Someone who does not exist gets the same answer (no account probing).
    await anon.locator('#recovery-identifier').fill('nessuno.qui');
    await anon.getByTestId('recovery-submit').click();
    await expect(anon.getByTestId('recovery-sent')).toContainText('Se esiste un’utenza per “nessuno.qui”');
    await anon.reload();
    await anon.locator('#recovery-identifier').fill(person.email);
    await anon.getByTestId('recovery-submit').click();
    await expect(anon.getByTestId('recovery-sent')).toBeFocused();
    await saveScreenshot(anon, 'recovery-sent-it');

    const link = await mailLink(page, person.email, '/reset-password#token=');
    await anon.goto(link);
    await expect(anon.getByTestId('reset-page')).toBeVisible();
    // The server's password rules, next to the field.
    await anon.locator('#reset-password').fill('password123');
    await anon.getByTestId('reset-submit').click();
    await expect(anon.getByTestId('field-reset-password-error')).toContainText('più comuni');
    await expect(anon.locator('#reset-password')).toHaveAttribute('aria-invalid', 'true');
    await anon.locator('#reset-password').fill('seconda password del lago');
    await saveScreenshot(anon, 'reset-password-it');
    await anon.getByTestId('reset-submit').click();
    await expect(anon.getByTestId('reset-done')).toContainText(person.username);
    await expect(anon.getByTestId('page-heading')).toBeFocused();
    // The spent token leaves the address bar.
    expect(new URL(anon.url()).hash).toBe('');

    // The link works once.
    const again = await ctx.newPage();
    await again.goto(link);
    await again.locator('#reset-password').fill('terza password del lago');
    await again.getByTestId('reset-submit').click();
    await expect(again.getByTestId('reset-error')).toHaveAttribute('data-code', /RESET_TOKEN_(USED|INVALID)/);
    await expect(again.getByTestId('reset-new-link')).toHaveAttribute('href', '/forgot-password');
    await again.close();

    // The new password signs in.
    await anon.getByTestId('reset-login-link').click();
    await anon.locator('#login-username').fill(person.username);
    await anon.locator('#login-password').fill('seconda password del lago');
    await anon.getByTestId('login-submit').click();
    await expect(anon).toHaveURL(/\/tenants$/);
    await ctx.close();
  });

  test('a reset link without token explains itself', async ({ page }) => {
    await page.goto('/reset-password');
    await expect(page.getByTestId('reset-no-token')).toContainText('non è valido');
    await expect(page.getByTestId('reset-no-token').getByRole('link')).toHaveAttribute('href', '/forgot-password');
  });
});

