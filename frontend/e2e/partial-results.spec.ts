import { expect, test } from '@playwright/test';
import { viewer } from './support/fixtures';
import { mockGraphQL, type MockResponse, type OperationData } from './support/graphql';

// Root fields are nullable (issue 15.1): one that fails answers null with an
// error at its path while the rest of the document answers. The real server
// cannot be made to fail one field of a page's query from a browser test, so
// this answer is mocked (typed by the MyAccount document).

const account = (): MockResponse<OperationData<'MyAccount'>> => ({
  body: {
    data: {
      viewer: {
        secondFactorEnrolled: false,
        secondFactorEnrollmentRequired: false,
        user: {
          id: 'VXNlcjox',
          username: 'm.rossi',
          givenName: 'Mario',
          familyName: 'Rossi',
          email: 'mario.rossi@example.org',
          pendingEmail: null,
          phone: null,
          viewerCan: { setPhone: true },
          language: 'it',
          timeZone: 'Europe/Rome',
          version: 1,
          failedLogins: { totalCount: 0, nodes: [] },
        },
      },
      mySessions: null,
    },
    errors: [{ message: 'internal error', path: ['mySessions'], extensions: { code: 'INTERNAL' } }],
  },
});

test('a failing root field shows its error where its data goes; the rest of the page answers', async ({ page }) => {
  await mockGraphQL(page, { Viewer: () => viewer({ username: 'm.rossi' }), MyAccount: account });
  await page.goto('/account');
  await expect(page.getByTestId('sessions-error')).toHaveAttribute('data-error-code', 'INTERNAL');
  await expect(page.getByTestId('sessions-error')).toContainText('Errore interno');
  await expect(page.getByTestId('sessions-card')).toHaveCount(0);
  await expect(page.getByTestId('account-error')).toHaveCount(0);
  await expect(page.getByTestId('password-card')).toBeVisible();
  await expect(page.getByTestId('preferences-card')).toBeVisible();
});
