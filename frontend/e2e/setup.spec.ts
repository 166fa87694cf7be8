import { expect, test } from '@playwright/test';
import { SetupPage } from './pages/SetupPage';
import { FIRST_ADMIN, REAL_API } from './support/env';
import { mockGraphQL } from './support/graphql';
import { saveScreenshot } from './support/screenshots';

test.describe('first-run setup', () => {
  test('without a token in the link it asks for the code', async ({ page }) => {
    const form = new SetupPage(page);
    await form.goto();
    await expect(form.noToken).toBeVisible();
    await expect(form.token).toBeVisible();
    await expect(form.token).toHaveAccessibleName('Codice di configurazione (obbligatorio)');
    // No navigation and no live link before signing in.
    await expect(form.shell.nav).toHaveCount(0);
    await expect(form.shell.connectionIndicator).toHaveCount(0);
  });

  test('an invalid token is reported next to the code, by the real API', async ({ page }) => {
    test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
    const form = new SetupPage(page);
    await form.goto('not-a-valid-token');
    await expect(form.token).toHaveCount(0);
    await form.fill({ ...FIRST_ADMIN, username: 'someone.else', email: 'someone@example.org' });
    await form.submit.click();
    // The field appears with the error so that a new code can be pasted.
    await expect(form.fieldError('token')).toHaveText(/non è valido, è scaduto o è già stato usato/);
    await expect(form.token).toHaveValue('not-a-valid-token');
    await expect(form.summary).toBeFocused();
    await saveScreenshot(page, 'setup-invalid-token-it');
  });

  // ALREADY_SET_UP needs a valid unused token while an administrator exists:
  // the real server never leaves one (the token is spent by the bootstrap),
  // so this response is mocked.
  test('already set up: said above the form with the way to sign in', async ({ page }) => {
    await mockGraphQL(page, {
      BootstrapPlatformAdmin: () => ({
        body: {
          data: {
            bootstrapPlatformAdmin: {
              __typename: 'BootstrapPlatformAdminPayload',
              user: null,
              userErrors: [{ __typename: 'UserError', field: [], code: 'ALREADY_SET_UP', message: 'A platform administrator already exists.' }],
            },
          },
        },
      }),
    });
    const form = new SetupPage(page);
    await form.goto('tok');
    await form.fill(FIRST_ADMIN);
    await form.submit.click();
    await expect(form.formError).toContainText('La configurazione iniziale è già stata completata');
    await expect(form.formError.getByRole('link', { name: 'Vai alla pagina di accesso' })).toHaveAttribute('href', '/login');
  });

  test('in French', async ({ page }) => {
    const form = new SetupPage(page);
    await form.goto('tok');
    await form.shell.switchLanguage('fr');
    await expect(form.shell.pageHeading).toHaveText('Configuration initiale');
    await expect(form.username).toHaveAccessibleName('Identifiant (obligatoire)');
    await expect(form.passwordToggle).toHaveText('Afficher le mot de passe');
    await saveScreenshot(page, 'setup-form-fr');
  });
});
