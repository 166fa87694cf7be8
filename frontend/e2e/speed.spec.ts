import { expect, test, type Page } from '@playwright/test';
import { createTenant, createUser, newPerson, roleId } from './support/api';
import { REAL_API, useAdminSession } from './support/env';

/**
 * Issue 19.7: the users list must not move while it loads (the tabs and the
 * "Nuovo utente" button used to arrive late and push the list down: CLS
 * 0.37–1.19). Layout shifts are summed from the browser's own
 * PerformanceObserver, on a desktop and a phone screen, with the processor
 * slowed down as Lighthouse's mobile preset does (4×).
 */

declare global {
  interface Window {
    __layoutShift: number;
    __layoutShiftSources: string[];
  }
}

async function observeLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__layoutShift = 0;
    window.__layoutShiftSources = [];
    type Shift = PerformanceEntry & { value: number; hadRecentInput: boolean; sources: Array<{ node: Node | null }> };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Shift[]) {
        if (entry.hadRecentInput) continue;
        window.__layoutShift += entry.value;
        for (const { node } of entry.sources) {
          const el = node instanceof Element ? node : node?.parentElement;
          window.__layoutShiftSources.push(`${entry.value.toFixed(3)} ${el?.getAttribute('data-testid') ?? el?.className ?? node?.nodeName ?? '?'}`);
        }
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** The shifts so far and what moved, once two more frames have been drawn (entries are reported after the frame that shifted). */
async function layoutShift(page: Page): Promise<{ total: number; sources: string[] }> {
  return page.evaluate(
    () =>
      new Promise<{ total: number; sources: string[] }>((resolve) =>
        requestAnimationFrame(() =>
          requestAnimationFrame(() => setTimeout(() => resolve({ total: window.__layoutShift, sources: window.__layoutShiftSources }), 0)),
        ),
      ),
  );
}

test.describe('speed', () => {
  test.skip(!REAL_API, 'needs the Go server (scripts/e2e.sh)');
  test.setTimeout(90_000);

  test('the users list does not move while it loads (CLS < 0.1)', async ({ page }) => {
    await useAdminSession(page.context());
    const tenantId = await createTenant(page, `Comune di Salò ${Date.now().toString(36)}`);
    const operator = await roleId(page, 'COB – Comunicazioni obbligatorie', 'Operatore');
    const api = await roleId(page, 'Area Riservata Enti', 'Operatore API');
    for (let i = 0; i < 6; i++) await createUser(page, tenantId, newPerson(`e2e.speed${i}`), i % 2 ? operator : api);

    // A returning administrator: the browser (it-IT) has learnt the
    // account's language (en) on an earlier visit, so the first paint is in
    // it. (On the very first visit the texts change language once.)
    await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');

    await observeLayoutShifts(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    for (const screen of [
      { width: 1280, height: 720 },
      { width: 412, height: 823 },
    ]) {
      await page.setViewportSize(screen);
      await page.goto(`/users?tenant=${encodeURIComponent(tenantId)}`);
      await expect(page.getByTestId('users-summary')).toHaveText(/^6 /);
      await expect(page.getByTestId('users-add')).toBeVisible();
      await expect(page.getByTestId('users-tab')).not.toHaveCount(0);
      const shift = await layoutShift(page);
      expect(shift.total, `layout shift at ${screen.width}×${screen.height}: ${shift.sources.join(', ')}`).toBeLessThan(0.1);
    }
  });
});
