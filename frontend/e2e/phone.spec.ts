import { expect, test, type Page } from '@playwright/test';
import { createTenant, createUser, gql, newPerson, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * Every screen on a phone (390×844) against the real server: nothing wider
 * than the viewport, no sideways scrolling, the header collapsed behind a
 * menu button, and the users list showing a user on its first screen.
 */
test.use({ viewport: { width: 390, height: 844 } });

/** What sticks out sideways: the document's scroll width and the elements wider than, or past, the viewport. */
async function overflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; wide: string[] }> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const describe = (el: Element): string => {
      const r = el.getBoundingClientRect();
      const id = el.getAttribute('data-testid') ?? el.id;
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${id ? `#${id}` : ''}${cls} [${Math.round(r.left)}…${Math.round(r.right)}]`;
    };
    const wide = Array.from(document.body.querySelectorAll('*'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && (r.width > width + 0.5 || r.right > width + 0.5 || r.left < -0.5);
      })
      .filter((el) => !el.closest('.visually-hidden, .skip-link'))
      .map(describe);
    return { scrollWidth: root.scrollWidth, clientWidth: width, wide: wide.slice(0, 8) };
  });
}

async function expectNoOverflow(page: Page, screen: string): Promise<void> {
  const found = await overflow(page);
  expect(found.wide, `${screen}: elements past the 390 px viewport`).toEqual([]);
  expect(found.scrollWidth, `${screen}: document scrolls sideways`).toBeLessThanOrEqual(found.clientWidth);
}

test.describe('phone, 390×844', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(180_000);

  test('every screen fits without sideways scrolling', async ({ page }) => {
    await useAdminSession(page.context());
    const stamp = Date.now().toString(36);
    const tenantId = await createTenant(page, `Azienda Sanitaria Territoriale della Valle Camonica e del Sebino ${stamp}`);
    const person = newPerson('e2e.phone.with.a.rather.long.username');
    person.email = `amministrazione.personale.${stamp}@aziendasanitariaterritoriale-vallecamonica.example.org`;
    const userId = await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    const sa = await gql<{ createServiceAccount: { serviceAccount: { id: string } | null } }>(
      page,
      `mutation ($input: CreateServiceAccountInput!) { createServiceAccount(input: $input) { serviceAccount { id } userErrors { code } } }`,
      { input: { tenantId, username: `protocollo.${stamp}`, description: 'Protocollo informatico: invio delle PEC' } },
    );
    expect(sa.createServiceAccount.serviceAccount).not.toBeNull();
    const q = `?tenant=${encodeURIComponent(tenantId)}`;

    const screens: Array<[string, string]> = [
      ['tenants', '/tenants'],
      ['users', '/users'],
      ['users-tenant', `/users${q}`],
      ['users-team', `/users${q}&view=team`],
      ['profile', `/users/${encodeURIComponent(userId)}`],
      ['add-user', `/users/new${q}`],
      ['products', '/products'],
      ['groups', `/groups${q}`],
      ['service-accounts', `/service-accounts${q}`],
      ['security', `/security${q}`],
      ['audit', '/audit'],
      ['account', '/account'],
      ['mailbox', '/dev/mailbox'],
      ['not-found', '/no-such-page'],
    ];
    for (const [name, path] of screens) {
      await page.goto(path);
      await expect(page.getByTestId('page-heading')).toBeVisible();
      await page.waitForLoadState('networkidle');
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      await saveScreenshot(page, `phone-${name}`);
      await expectNoOverflow(page, name);
    }

    // The Team view's row menu fits, and the long username and email are never broken inside a word.
    await page.goto(`/users${q}&view=team`);
    const row = page.getByTestId('team-row').first();
    const username = row.getByTestId('user-username');
    await expect(username).toHaveAttribute('title', person.username);
    const unbreakable = await username.evaluate((el) => {
      // Each line box of the text: a word cut across lines shows as a line starting with neither the text's start nor a part after "." or "@".
      const range = document.createRange();
      range.selectNodeContents(el);
      return range.getClientRects().length > 0 && getComputedStyle(el).overflowWrap === 'normal' && getComputedStyle(el).wordBreak === 'normal';
    });
    expect(unbreakable, 'username wraps only at its <wbr> points').toBe(true);
    await row.getByTestId('row-menu-button').click();
    await expect(row.getByRole('menu')).toBeVisible();
    await expectNoOverflow(page, 'team row menu');
    await page.keyboard.press('Escape');
    // The bulk bar (issue 19.2) wraps: a row selected, all its buttons within the screen.
    await row.getByTestId('team-select').check();
    await expect(page.getByTestId('bulk-bar')).toBeVisible();
    await expectNoOverflow(page, 'team bulk bar');

    // The open menu and the profile's edit form fit too.
    await page.goto(`/users/${encodeURIComponent(userId)}`);
    await page.getByTestId('nav-toggle').click();
    await expect(page.getByTestId('main-nav')).toBeVisible();
    await expectNoOverflow(page, 'menu');
  });

  test('the header collapses behind a menu button; the users list shows a user on the first screen', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Lovere ${Date.now().toString(36)}`);
    const person = newPerson('e2e.phone.first');
    await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));

    await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
    const toggle = page.getByTestId('nav-toggle');
    await expect(toggle).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId('main-nav')).toBeHidden();
    const header = await page.getByTestId('app-header').boundingBox();
    expect(header?.height ?? 1000).toBeLessThan(120);

    const row = page.getByTestId('user-row').first();
    await expect(row).toContainText(person.username);
    const box = await row.boundingBox();
    expect(box, 'the first user row').not.toBeNull();
    expect((box?.y ?? 1000) + Math.min(box?.height ?? 0, 40)).toBeLessThanOrEqual(844);
    // Readable: the username gets a line of its own, not a letter-wide column.
    const username = await row.getByTestId('user-username').boundingBox();
    expect(username?.width ?? 0).toBeGreaterThan(250);

    // Products, tenant and filters are one tap away.
    await page.getByTestId('users-controls-toggle').click();
    await expect(page.getByTestId('users-tabs')).toBeVisible();
    await expectNoOverflow(page, 'users controls');

    // The menu opens, leads to a page and closes there.
    await toggle.click();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await page.getByTestId('nav-products').click();
    await expect(page).toHaveURL(/\/products$/);
    await expect(page.getByTestId('main-nav')).toBeHidden();
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  });

  test('the public screens fit', async ({ browser }) => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'it-IT' });
    const page = await ctx.newPage();
    for (const path of ['/login', '/forgot-password', '/reset-password#token=x', '/invitation#token=x', '/verify-email#token=x', '/setup#token=x']) {
      await page.goto(path);
      await expect(page.locator('h1')).toBeVisible();
      await page.waitForLoadState('networkidle');
      await expectNoOverflow(page, path);
    }
    await ctx.close();
  });
});
