/**
 * The tenant the viewer is working on, carried from page to page (issue 19.4):
 * choosing a tenant on one page (`?tenant=` in its URL) makes the navigation
 * links of the tenant-aware pages carry it, and a page about one tenant opened
 * without one starts on it. Kept for the browser tab (sessionStorage).
 */

export const TENANT_STORAGE_KEY = 'tenantadmin.tenant';

/** Pages whose `?tenant=` is the working tenant; the first three need one, the others may show every tenant. */
export const TENANT_PAGES = ['/groups', '/service-accounts', '/security', '/users', '/audit'] as const;
const NEEDS_TENANT = new Set<string>(['/groups', '/service-accounts', '/security']);

export interface TenantStep {
  /** The working tenant after this page view ('' for none). */
  remembered: string;
  /** Where to go instead (same page, with the working tenant), when the page needs one and has none. */
  redirect?: string;
}

/**
 * What a page view does to the working tenant: a `?tenant=` on a tenant page
 * becomes it; a tenant page that may show every tenant (users, audit) opened
 * without one clears it (the navigation links carry it, so its absence was
 * asked for); a page that needs one is sent to the remembered one.
 */
export function tenantStep(pathname: string, search: string, remembered: string): TenantStep {
  if (!(TENANT_PAGES as readonly string[]).includes(pathname)) return { remembered };
  const params = new URLSearchParams(search);
  const tenant = params.get('tenant') ?? '';
  if (tenant) return { remembered: tenant };
  if (!NEEDS_TENANT.has(pathname)) return { remembered: '' };
  if (!remembered) return { remembered };
  params.set('tenant', remembered);
  return { remembered, redirect: `${pathname}?${params.toString()}` };
}

/** A navigation link to a tenant page, carrying the working tenant. */
export function withTenant(path: string, tenant: string): string {
  if (!tenant || !(TENANT_PAGES as readonly string[]).includes(path)) return path;
  return `${path}?${new URLSearchParams({ tenant }).toString()}`;
}

export function readRememberedTenant(): string {
  try {
    return window.sessionStorage.getItem(TENANT_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function writeRememberedTenant(tenant: string): void {
  try {
    if (tenant) window.sessionStorage.setItem(TENANT_STORAGE_KEY, tenant);
    else window.sessionStorage.removeItem(TENANT_STORAGE_KEY);
  } catch {
    // storage disabled: the tenant lasts until the next page that changes it
  }
}
