import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { createTenant, createUser, gql, newPerson, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { SCREENSHOT_DIR } from './support/screenshots';

/**
 * The README's screenshots (docs/screenshots): the main screens against the
 * real server at 1280×800, the visible viewport only. Each screen must have
 * rendered its data before it is shot. Copy artifacts/screenshots/docs/*.png
 * to docs/screenshots/ to refresh the README (taken alone on a fresh database,
 * `bash scripts/e2e.sh docs-screenshots`, the pictures hold only this data).
 */
const DOCS_DIR = `${SCREENSHOT_DIR}docs/`;

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(DOCS_DIR, { recursive: true });
  await page.screenshot({ path: `${DOCS_DIR}${name}.png` });
}

test.describe('README screenshots', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.use({ viewport: { width: 1280, height: 800 } });
  test.setTimeout(90_000);

  test('login, tenants, users, profile, add user, audit log', async ({ page, browser }) => {
    const anon = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'it-IT' });
    const login = await anon.newPage();
    await login.goto('/login');
    await expect(login.getByTestId('login-form')).toBeVisible();
    await shoot(login, 'login');
    await anon.close();

    await useAdminSession(page.context());
    // Plain names for the pictures; usernames take a short suffix, being unique.
    const stamp = Date.now().toString(36).slice(-3);
    const head = await createTenant(page, 'Provincia di Brescia');
    await createTenant(page, 'Sede operativa via Cefalonia', head);
    const operatore = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const api = await roleId(page, 'Area Riservata Enti', 'Operatore API');
    const people = [
      { ...newPerson('x'), username: `m.rossi${stamp}`, email: `mario.rossi${stamp}@provincia.brescia.example`, givenName: 'Mario', familyName: 'Rossi' },
      { ...newPerson('x'), username: `l.bianchi${stamp}`, email: `laura.bianchi${stamp}@provincia.brescia.example`, givenName: 'Laura', familyName: 'Bianchi' },
      { ...newPerson('x'), username: `g.verdi${stamp}`, email: `giuseppe.verdi${stamp}@provincia.brescia.example`, givenName: 'Giuseppe', familyName: 'Verdi' },
    ];
    const ids: string[] = [];
    for (const [i, p] of people.entries()) ids.push(await createUser(page, head, p, i === 1 ? api : operatore));
    await gql(page, `mutation ($input: AssignRoleInput!) { assignRole(input: $input) { userErrors { code } } }`, {
      input: { userId: ids[0], tenantId: head, roleId: api.roleId },
    });

    await page.goto('/tenants');
    await expect(page.getByTestId('tenants-region')).toContainText('Provincia di Brescia');
    // Open the head office to show its site.
    await page.getByTestId('tenant-node').filter({ hasText: 'Provincia di Brescia' }).first().getByTestId('tenant-node-toggle').click();
    await expect(page.getByTestId('tenants-region')).toContainText('Sede operativa via Cefalonia');
    await shoot(page, 'tenants');

    await page.goto(`/users?tenant=${encodeURIComponent(head)}`);
    await expect(page.getByTestId('users-page')).toContainText(people[2]?.username ?? '');
    await shoot(page, 'users');

    await page.goto(`/users/${encodeURIComponent(ids[0] ?? '')}`);
    await expect(page.getByTestId('product-card')).toHaveCount(2);
    await shoot(page, 'profile');

    await page.goto(`/users/new?tenant=${encodeURIComponent(head)}`);
    await page.locator('#add-username').fill(`a.conti${stamp}`);
    await page.locator('#add-taxCode').fill(newPerson('x').taxCode);
    await page.getByTestId('add-user-lookup-submit').click();
    await expect(page.getByTestId('add-user-outcome')).toHaveAttribute('data-outcome', 'NEW_PERSON');
    await page.locator('#add-givenName').fill('Anna');
    await page.locator('#add-familyName').fill('Conti');
    await page.locator('#add-email').fill(`anna.conti${stamp}@provincia.brescia.example`);
    await shoot(page, 'add-user');

    await page.goto(`/audit?tenant=${encodeURIComponent(head)}`);
    await expect(page.getByTestId('audit-event').first()).toBeVisible();
    await shoot(page, 'audit-log');
  });
});
