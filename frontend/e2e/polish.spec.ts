import { expect, test, type Page } from '@playwright/test';
import { acceptInvitation, createTenant, createUser, gql, newPerson, roleId, signIn } from './support/api';
import { REAL_API, useAdminSession } from './support/env';
import { saveScreenshot } from './support/screenshots';

/**
 * Issue 19.8 against the real server: the header's language switch lasts
 * (the account's language when signed in, this browser's otherwise); "not
 * signed in" is never shown while the session is being checked; the
 * interface follows the system's dark mode with WCAG AA text contrast.
 */

interface LowContrast {
  text: string;
  ratio: number;
  needed: number;
  color: string;
  background: string;
}

/** Visible text whose colour against its (composited) background is below WCAG AA: 4.5:1, or 3:1 for large text. */
async function lowContrast(page: Page): Promise<LowContrast[]> {
  return page.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (c: string): RGBA => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m?.[1]) return [0, 0, 0, 0];
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 1];
    };
    const over = (top: RGBA, bottom: RGBA): RGBA => {
      const a = top[3];
      return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
    };
    const background = (el: Element | null): RGBA => {
      const layers: RGBA[] = [];
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let result: RGBA = parse(getComputedStyle(document.documentElement).backgroundColor);
      if (result[3] < 1) result = over(result, [255, 255, 255, 1]);
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const luminance = ([r, g, b]: RGBA): number => {
      const ch = (v: number): number => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const found: LowContrast[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (['SCRIPT', 'STYLE', 'OPTION', 'SELECT', 'svg'].includes(el.tagName)) continue;
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!own) continue;
      if (el.closest('.visually-hidden, .skip-link, button:disabled, [aria-disabled="true"]')) continue;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      if (ratio < needed) {
        found.push({ text: own.slice(0, 40), ratio: Math.round(ratio * 100) / 100, needed, color: style.color, background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})` });
      }
    }
    return found;
  });
}

test.describe('polish', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(150_000);

  test('the header language switch lasts: in the account when signed in, in the browser otherwise', async ({ page, browser }) => {
    // Signed out: this browser remembers it.
    await page.goto('/login');
    await expect(page.locator('html')).toHaveAttribute('lang', 'it');
    await page.getByTestId('language-switcher').selectOption('en');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByTestId('language-switcher')).toHaveValue('en');

    // Signed in: the account's language changes, so it holds on reload and in another browser.
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Clusone ${Date.now().toString(36)}`);
    const person = newPerson('e2e.language');
    await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    await acceptInvitation(page, person.email, 'la lingua resta scelta');
    const own = await signIn(browser, person.username, 'la lingua resta scelta');
    await expect(own.locator('html')).toHaveAttribute('lang', 'it');
    await own.getByTestId('language-switcher').selectOption('fr');
    await expect(own.getByTestId('nav-users')).toHaveText('Utilisateurs');
    await expect
      .poll(async () => (await gql<{ viewer: { user: { language: string } } }>(own, '{ viewer { user { language } } }')).viewer.user.language)
      .toBe('fr');
    await own.reload();
    await expect(own.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(own.getByTestId('nav-users')).toHaveText('Utilisateurs');
    const elsewhere = await signIn(browser, person.username, 'la lingua resta scelta');
    await expect(elsewhere.locator('html')).toHaveAttribute('lang', 'fr');
    await elsewhere.context().close();
    await own.context().close();
  });

  test('"not signed in" is never shown while the session is being checked', async ({ page }) => {
    await useAdminSession(page.context());
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Hold the viewer query's answer (the real one) until the header has been read.
    await page.route('**/graphql', async (route) => {
      const body = route.request().postData() ?? '';
      if (body.includes('query Viewer')) await held;
      await route.continue();
    });
    await page.goto('/products');
    const viewer = page.getByTestId('viewer');
    await expect(viewer).toHaveAttribute('aria-busy', 'true');
    await expect(viewer).not.toHaveText('Not signed in');
    await expect(viewer).not.toHaveText('Accesso non effettuato');
    release();
    await expect(viewer).toHaveText('Signed in as platform.admin');
    await expect(viewer).toHaveAttribute('aria-busy', 'false');
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`text contrast meets WCAG AA in the ${scheme} scheme`, async ({ browser }) => {
      const setupCtx = await browser.newContext();
      const setup = await setupCtx.newPage();
      await useAdminSession(setupCtx);
      const tenantId = await createTenant(setup, `Comune di Lovere ${scheme} ${Date.now().toString(36)}`);
      const person = newPerson(`e2e.contrast.${scheme}`);
      const userId = await createUser(setup, tenantId, person, await roleId(setup, 'COB – Comunicazioni obbligatorie', 'Operatore'));
      await setupCtx.close();

      const ctx = await browser.newContext({ colorScheme: scheme, locale: 'it-IT' });
      await useAdminSession(ctx);
      const page = await ctx.newPage();
      const background = async (): Promise<string> => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const q = `?tenant=${encodeURIComponent(tenantId)}`;
      for (const path of ['/tenants', `/users${q}`, `/users/${encodeURIComponent(userId)}`, '/products', `/security${q}`, '/audit', '/account']) {
        await page.goto(path);
        await expect(page.getByTestId('page-heading')).toBeVisible();
        await page.waitForLoadState('networkidle');
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        expect(await background()).toBe(scheme === 'dark' ? 'rgb(17, 21, 27)' : 'rgb(255, 255, 255)');
        expect(await lowContrast(page), `${scheme} ${path}`).toEqual([]);
      }
      await saveScreenshot(page, `account-${scheme}`);
      await page.goto(`/users${q}`);
      await saveScreenshot(page, `users-${scheme}`);
      await ctx.close();

      const anon = await browser.newContext({ colorScheme: scheme });
      const login = await anon.newPage();
      await login.goto('/login');
      await expect(login.locator('h1')).toBeVisible();
      expect(await lowContrast(login), `${scheme} /login`).toEqual([]);
      await anon.close();
    });
  }

  test('catalog localised; time zone and country as pickers; the edit form replaces the identity grid', async ({ page }) => {
    await useAdminSession(page.context());
    // The first administrator reads English: the catalog's Italian and French names are translated.
    await page.goto('/products');
    const cob = page.locator('[data-product-code="cob"]');
    await expect(cob.getByTestId('catalog-product-name')).toHaveText('COB – Mandatory communications');
    await expect(page.locator('[data-product-code="amisgest"]').getByTestId('product-description')).toHaveText(
      'Attendance board, TV and door equipment of day-care centres.',
    );
    await expect(page.locator('[data-product-code="io-platform"] [data-role-code="amministratore"]').getByTestId('product-role-name')).toHaveText('Administrator');

    // Country: a picker of countries named in the interface language.
    await page.goto('/tenants');
    await page.getByTestId('tenant-create-open').click();
    const country = page.getByTestId('tenant-create-country');
    await expect(country).toHaveValue('IT');
    await expect(country.locator('option[value="FR"]')).toHaveText('France');
    await expect(country.locator('option[value="DE"]')).toHaveText('Germany');

    const tenantId = await createTenant(page, `Comune di Darfo ${Date.now().toString(36)}`);
    const person = newPerson('e2e.identity');
    const userId = await createUser(page, tenantId, person, await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore'));
    await page.goto(`/users/${encodeURIComponent(userId)}`);
    await expect(page.getByTestId('identity-givenName')).toHaveText(person.givenName);
    await page.getByTestId('identity-edit').click();
    await expect(page.getByTestId('identity-form')).toBeVisible();
    // One form, not the form and the grid it edits.
    await expect(page.getByTestId('identity-givenName')).toHaveCount(0);
    await expect(page.getByTestId('identity-timeZone-value')).toHaveCount(0);
    const zone = page.locator('#identity-timeZone');
    expect(await zone.evaluate((el) => el.tagName)).toBe('SELECT');
    await expect(zone).toHaveValue('Europe/Rome');
    await zone.selectOption('America/New_York');
    await page.getByTestId('identity-save').click();
    await expect(page.getByTestId('identity-form')).toHaveCount(0);
    await expect(page.getByTestId('identity-timeZone-value')).toHaveText('America/New_York');
  });
});
