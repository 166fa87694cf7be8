/** Name of the cookie holding the CSRF token the backend expects back. */
export const CSRF_COOKIE = 'csrf_token';
/** Header that carries the CSRF token on every GraphQL request. */
export const CSRF_HEADER = 'X-CSRF-Token';

/**
 * Value of cookie `name` in a `document.cookie` string, or undefined when it
 * is missing or empty.
 */
export function readCookie(cookieString: string, name: string): string | undefined {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    if (raw === '') return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** Headers carrying the CSRF token when the cookie is present. */
export function csrfHeaders(cookieString: string): Record<string, string> {
  const token = readCookie(cookieString, CSRF_COOKIE);
  return token ? { [CSRF_HEADER]: token } : {};
}
