/** A base32 TOTP secret in groups of four, easier to type into an authenticator app. */
export function groupSecret(secret: string): string {
  const clean = secret.replace(/\s+/g, '').toUpperCase();
  return (clean.match(/.{1,4}/g) ?? []).join(' ');
}

/** Issuer and account name of an `otpauth://totp/Issuer:account?…` URI, for the enrolment text. */
export function otpauthLabel(uri: string): { issuer: string; account: string } | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'otpauth:') return null;
  const label = decodeURIComponent(url.pathname.replace(/^\/+/, '').replace(/^totp\//, ''));
  const [prefix, rest] = label.includes(':') ? [label.slice(0, label.indexOf(':')), label.slice(label.indexOf(':') + 1)] : ['', label];
  const issuer = url.searchParams.get('issuer') ?? prefix;
  return { issuer, account: rest.trim() };
}

/** A 6-digit TOTP code as typed: spaces and dashes dropped; null unless exactly six digits remain. */
export function normaliseTotpCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

interface SessionLike {
  current: boolean;
  lastSeenAt: string;
}

/** The current session first, then the others by last activity, newest first. */
export function orderSessions<S extends SessionLike>(sessions: readonly S[]): S[] {
  return [...sessions].sort((a, b) => {
    if (a.current !== b.current) return a.current ? -1 : 1;
    return b.lastSeenAt.localeCompare(a.lastSeenAt);
  });
}
