import { expect, type Page } from '@playwright/test';

/**
 * Checks that a TenantPicker shows the tenant as chosen. A viewer who sees a
 * single tenant gets its name instead of a select (`<testId>-only`), which
 * happens when a spec runs alone on a fresh database: both forms are right.
 */
export async function expectTenantChosen(page: Page, testId: string, tenantId: string): Promise<void> {
  const select = page.getByTestId(testId);
  const only = page.getByTestId(`${testId}-only`);
  await expect(select.or(only)).toBeVisible();
  if (await only.isVisible()) await expect(only).toHaveAttribute('data-tenant-id', tenantId);
  else await expect(select).toHaveValue(tenantId);
}

/** Chooses a tenant by its label in a TenantPicker, or checks it is the only one offered. */
export async function chooseTenant(page: Page, testId: string, label: string): Promise<void> {
  const select = page.getByTestId(testId);
  const only = page.getByTestId(`${testId}-only`);
  await expect(select.or(only)).toBeVisible();
  if (await only.isVisible()) await expect(only).toHaveText(label);
  else await select.selectOption({ label });
}
