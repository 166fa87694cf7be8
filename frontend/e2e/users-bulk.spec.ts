import { expect, test, type Page } from '@playwright/test';
import { createTenant, createUser, newPerson, roleId, type NewPerson } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * Bulk actions and export of the "Team" view against the real server
 * (issue 19.2): multi-select, suspend / reactivate / remove from the tenant
 * behind a confirmation naming the count, partial refusals listed by
 * username, the "inactive for N days" filter, and the CSV of the filtered
 * list.
 */

test.describe('users list bulk actions and export', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(120_000);

  test.beforeEach(async ({ context }) => {
    await useAdminSession(context);
  });

  function rowOf(page: Page, person: NewPerson) {
    return page
      .getByTestId('team-row')
      .filter({ has: page.getByTestId('user-username').getByText(person.username, { exact: true }) });
  }

  test('select, suspend, reactivate with a refusal, remove from the tenant, export the filtered list', async ({ page }) => {
    const stamp = Date.now().toString(36);
    const tenantId = await createTenant(page, `Comune di Lovere ${stamp}`);
    const cob = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const people = ['Anna', 'Bruno', 'Carla'].map((name) => ({ ...newPerson(`e2e.bulk.${name.toLowerCase()}`), givenName: name }));
    for (const p of people) await createUser(page, tenantId, p, cob);
    const [anna, bruno, carla] = people as [NewPerson, NewPerson, NewPerson];

    // Without a tenant, the bar asks for one first.
    await page.goto('/users?view=team');
    await page.getByTestId('team-row').first().getByTestId('team-select').check();
    await expect(page.getByTestId('bulk-count')).toHaveText('1 selected');
    await expect(page.getByTestId('bulk-no-tenant')).toBeVisible();
    await expect(page.getByTestId('bulk-suspend')).toBeDisabled();
    await expect(page.getByTestId('bulk-remove')).toBeDisabled();
    await expect(page.getByTestId('team-export')).toBeDisabled();

    await page.goto(`/users?view=team&tenant=${encodeURIComponent(tenantId)}`);
    await expect(page.getByTestId('team-row')).toHaveCount(3);
    await expect(page.getByTestId('bulk-bar')).toHaveCount(0);

    // "Select all on this page", then "Clear".
    await page.getByLabel('Select all on this page').check();
    await expect(page.getByTestId('bulk-count')).toHaveText('3 selected');
    await page.getByTestId('bulk-clear').click();
    await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
    await expect(page.getByTestId('team-select-page')).not.toBeChecked();

    // Two selected → Suspend: the confirmation names 2; both show suspended.
    await page.getByLabel(`Select ${anna.givenName} ${anna.familyName}`).check();
    await rowOf(page, bruno).getByTestId('team-select').check();
    await expect(page.getByTestId('bulk-count')).toHaveText('2 selected');
    await page.getByTestId('bulk-suspend').click();
    await expect(page.getByTestId('bulk-confirm')).toContainText('Suspend 2 users?');
    await page.getByTestId('bulk-confirm-confirm').click();
    await expect(page.getByTestId('bulk-summary')).toHaveText('2 suspended');
    await expect(rowOf(page, anna).getByTestId('user-status')).toHaveText('Suspended');
    await expect(rowOf(page, bruno).getByTestId('user-status')).toHaveText('Suspended');
    await expect(rowOf(page, carla).getByTestId('user-status')).toHaveText('Invited');
    // The ones done leave the selection.
    await expect(page.getByTestId('bulk-bar')).toHaveCount(0);

    // Reactivate all three: the one never suspended is refused, by username, with the reason.
    await page.getByTestId('team-select-page').check();
    await page.getByTestId('bulk-reactivate').click();
    await expect(page.getByTestId('bulk-confirm')).toContainText('Reactivate 3 users?');
    await page.getByTestId('bulk-confirm-confirm').click();
    await expect(page.getByTestId('bulk-summary')).toHaveText('2 reactivated, 1 refused');
    await expect(page.getByTestId('bulk-refusal')).toHaveText([`${carla.username}: Not suspended.`]);
    await expect(page.getByTestId('bulk-refusal')).toHaveAttribute('data-code', 'NOT_SUSPENDED');
    await expect(rowOf(page, anna).getByTestId('user-status')).toHaveText('Invited');
    await expect(rowOf(page, bruno).getByTestId('user-status')).toHaveText('Invited');
    // The refused one stays selected, to act on again.
    await expect(page.getByTestId('bulk-count')).toHaveText('1 selected');
    await expect(rowOf(page, carla).getByTestId('team-select')).toBeChecked();
    await saveScreenshot(page, 'users-team-bulk-en');
    await page.getByTestId('bulk-clear').click();

    // Export: the link carries the list's filter; the CSV lists the users it shows.
    await page.goto(`/users?view=team&tenant=${encodeURIComponent(tenantId)}&q=${encodeURIComponent(bruno.username)}`);
    await expect(page.getByTestId('team-row')).toHaveCount(1);
    const href = (await page.getByTestId('team-export').getAttribute('href')) ?? '';
    const query = new URLSearchParams(href.split('?')[1]);
    expect(href.startsWith('/reports/user-list.csv?')).toBe(true);
    expect(query.get('tenant')).toBe(tenantId);
    expect(query.get('search')).toBe(bruno.username);
    const filtered = await page.request.get(href);
    expect(filtered.ok()).toBe(true);
    expect(filtered.headers()['content-type']).toContain('text/csv');
    const filteredCsv = await filtered.text();
    expect(filteredCsv.split(/\r?\n/)[0]).toContain('username');
    expect(filteredCsv).toContain(bruno.username);
    expect(filteredCsv).not.toContain(anna.username);
    // The browser's download of the unfiltered list: all three.
    await page.goto(`/users?view=team&tenant=${encodeURIComponent(tenantId)}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('team-export').click()]);
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    const all = await readFile(path, 'utf8');
    for (const p of people) expect(all).toContain(p.username);

    // "Inactive for 30 days": people created today have not been inactive that long; the export follows.
    await page.getByTestId('team-inactive').selectOption('30');
    await expect(page).toHaveURL(/inactive=30/);
    await expect(page.getByTestId('users-empty')).toBeVisible();
    const inactiveHref = (await page.getByTestId('team-export').getAttribute('href')) ?? '';
    expect(new URLSearchParams(inactiveHref.split('?')[1]).get('inactiveSinceDays')).toBe('30');
    const inactiveCsv = await (await page.request.get(inactiveHref)).text();
    for (const p of people) expect(inactiveCsv).not.toContain(p.username);
    await page.getByTestId('team-inactive').selectOption('');
    await expect(page.getByTestId('team-row')).toHaveCount(3);

    // Remove one from the tenant: R10 explained; the account, in no other tenant, is deleted; the row leaves the list.
    await rowOf(page, carla).getByTestId('team-select').check();
    await page.getByTestId('bulk-remove').click();
    await expect(page.getByTestId('bulk-confirm')).toContainText('Remove 1 user from the tenant?');
    await expect(page.getByTestId('bulk-confirm-body')).toContainText('deleted with their personal data');
    await page.getByTestId('bulk-confirm-confirm').click();
    await expect(page.getByTestId('bulk-summary')).toHaveText('1 removed · 1 account deleted');
    await expect(page.getByTestId('team-row')).toHaveCount(2);
    await expect(rowOf(page, carla)).toHaveCount(0);
    await expect(page.getByTestId('bulk-bar')).toHaveCount(0);
  });
});
