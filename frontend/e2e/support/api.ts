import { createHmac, randomInt } from 'node:crypto';
import { expect, type Browser, type Page } from '@playwright/test';

/**
 * Calls to the real API for the specs' set-up (tenants and users to work
 * on), with the page context's session cookie and CSRF header; and small
 * helpers that stand in for a person: an Italian tax code, a TOTP code.
 */

/** A GraphQL call as the page's signed-in user; fails the test on any GraphQL error. */
export async function gql<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'csrf_token')?.value ?? '';
  const response = await page.request.post('/graphql', {
    headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
    data: { query, variables },
  });
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { data: T; errors?: unknown[] };
  expect(body.errors ?? []).toEqual([]);
  return body.data;
}

export async function createTenant(page: Page, name: string, parentId?: string): Promise<string> {
  const data = await gql<{ createTenant: { tenant: { id: string } | null; userErrors: unknown[] } }>(
    page,
    `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } userErrors { code message } } }`,
    { input: { name, ...(parentId ? { parentId } : {}) } },
  );
  expect(data.createTenant.userErrors).toEqual([]);
  return data.createTenant.tenant?.id ?? '';
}

/** The ID of a role by product and role name, from the catalog. */
export async function roleId(page: Page, productName: string, roleName: string): Promise<{ productId: string; roleId: string }> {
  const data = await gql<{ products: Array<{ id: string; name: string; roles: Array<{ id: string; name: string }> }> }>(
    page,
    `{ products { id name roles { id name } } }`,
  );
  const product = data.products.find((p) => p.name === productName);
  const role = product?.roles.find((r) => r.name === roleName);
  if (!product || !role) throw new Error(`no role ${productName} / ${roleName}`);
  return { productId: product.id, roleId: role.id };
}

export interface NewPerson {
  username: string;
  taxCode: string;
  givenName: string;
  familyName: string;
  email: string;
}

/** Creates an INVITED person in the tenant with one role; returns the user ID. */
export async function createUser(page: Page, tenantId: string, person: NewPerson, role: { productId: string; roleId: string }): Promise<string> {
  const data = await gql<{ createUser: { user: { id: string } | null; userErrors: unknown[] } }>(
    page,
    `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { field code message } } }`,
    { input: { tenantId, ...person, language: 'it', timeZone: 'Europe/Rome', ...role } },
  );
  expect(data.createUser.userErrors).toEqual([]);
  return data.createUser.user?.id ?? '';
}

/**
 * Platform staff's onboarding of a tenant's first administrator with a
 * nomination-only role (R20's one exception: createUser and assignRole refuse
 * such roles to everyone).
 */
export async function onboardAdministrator(page: Page, userId: string, tenantId: string, roleId: string): Promise<void> {
  const data = await gql<{ onboardTenantAdministrator: { userErrors: unknown[] } }>(
    page,
    `mutation ($input: OnboardTenantAdministratorInput!) { onboardTenantAdministrator(input: $input) { userErrors { field code message } } }`,
    { input: { userId, tenantId, roleId, reason: 'End-to-end test: first administrator of the tenant' } },
  );
  expect(data.onboardTenantAdministrator.userErrors).toEqual([]);
}

/** The first link in the newest email to `to` whose text contains `marker` (the developer mailbox). */
export async function mailLink(page: Page, to: string, marker: string): Promise<string> {
  let found = '';
  await expect
    .poll(async () => {
      const data = await gql<{ developerMailbox: { nodes: Array<{ to: string; text: string }> } }>(
        page,
        `{ developerMailbox(first: 100) { nodes { to text } } }`,
      );
      const mail = data.developerMailbox.nodes.find((m) => m.to === to && m.text.includes(marker));
      found = mail?.text.match(/https?:\/\/\S+/g)?.find((u) => u.includes(marker)) ?? '';
      return found;
    })
    .not.toBe('');
  const url = new URL(found);
  return url.pathname + url.hash;
}

/** Accepts an invitation through the API (the invitation page has its own spec); returns nothing. */
export async function acceptInvitation(page: Page, email: string, password: string): Promise<void> {
  const link = await mailLink(page, email, '/invitation#token=');
  const token = link.split('#token=')[1] ?? '';
  const data = await gql<{ acceptInvitation: { userErrors: unknown[] } }>(
    page,
    `mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { username userErrors { code } } }`,
    { input: { token, password } },
  );
  expect(data.acceptInvitation.userErrors).toEqual([]);
}

const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const MONTHS = 'ABCDEHLMPRST';

/** A random, well-formed Italian personal tax code (check character included). */
export function italianTaxCode(): string {
  const letter = (): string => String.fromCharCode(65 + randomInt(26));
  const two = (n: number): string => String(n).padStart(2, '0');
  const body =
    Array.from({ length: 6 }, letter).join('') +
    two(randomInt(40, 99)) +
    (MONTHS[randomInt(12)] ?? 'A') +
    two(randomInt(1, 28) + (randomInt(2) ? 40 : 0)) +
    letter() +
    String(randomInt(100, 999));
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = body.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const v = digit ? c - 48 : c - 65;
    // 1-based odd positions use the odd table (digits take the letters' values A=0…J=9).
    sum += i % 2 === 0 ? (ODD[v] ?? 0) : v;
  }
  return body + String.fromCharCode(65 + (sum % 26));
}

/** A person with unique username, email and tax code. */
export function newPerson(prefix: string): NewPerson {
  const stamp = `${Date.now().toString(36)}${randomInt(1000)}`;
  return {
    username: `${prefix}.${stamp}`,
    taxCode: italianTaxCode(),
    givenName: 'Chiara',
    familyName: 'Lombardi',
    email: `${prefix}.${stamp}@example.org`,
  };
}

function base32Decode(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The current RFC 6238 code (SHA-1, 30 s, 6 digits) of a base32 secret: what the authenticator app shows. */
export function totp(secret: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

/**
 * Signs in through /login in a new Italian browser context (Europe/Rome,
 * the given colour scheme) and waits for the landing page.
 */
export async function signIn(browser: Browser, username: string, password: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'it-IT', timezoneId: 'Europe/Rome', colorScheme });
  const page = await ctx.newPage();
  await page.goto('/login');
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/tenants$/);
  return page;
}
