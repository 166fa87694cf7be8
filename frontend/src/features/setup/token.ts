/**
 * The one-time setup token from the link the server prints
 * (`/setup#token=…`): in the fragment, so it never reaches a server log or a
 * Referer header.
 */
export function tokenFromHash(hash: string): string | undefined {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const token = params.get('token')?.trim();
  return token ? token : undefined;
}

/** Shortest password the default policy accepts (domain.DefaultPasswordMinLength). */
export const PASSWORD_MIN_LENGTH = 10;

/** Length as the server counts it: Unicode code points, not UTF-16 units. */
export function passwordLength(password: string): number {
  return [...password].length;
}
