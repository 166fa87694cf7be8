import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The real Go server, when scripts/e2e.sh started one (else the target is a
 * `vite preview` without /graphql and the specs that need the API skip).
 */
export const REAL_API = Boolean(process.env.E2E_BASE_URL);
/** The one-time setup token the server printed at start. */
export const SETUP_TOKEN = process.env.E2E_SETUP_TOKEN ?? '';

/** artifacts/e2e at the repository root (git-ignored): state the setup project leaves for later specs. */
export const STATE_DIR = fileURLToPath(new URL('../../../artifacts/e2e/', import.meta.url));
export const ADMIN_STATE = `${STATE_DIR}admin-state.json`;
export const ADMIN_CREDENTIALS = `${STATE_DIR}admin.json`;

export function ensureStateDir(): void {
  mkdirSync(STATE_DIR, { recursive: true });
}

/** The first platform administrator the setup project creates. */
export const FIRST_ADMIN = {
  givenName: 'Giulia',
  familyName: 'Ferrari',
  username: 'platform.admin',
  email: 'giulia.ferrari@example.org',
  password: 'tramonto sul lago di Garda',
};

/**
 * Signs the page's browser context in as the first platform administrator:
 * the session cookies the setup project stored after its real login.
 */
export async function useAdminSession(context: import('@playwright/test').BrowserContext): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const state = JSON.parse(readFileSync(ADMIN_STATE, 'utf8')) as { cookies: Parameters<typeof context.addCookies>[0] };
  await context.addCookies(state.cookies);
}
