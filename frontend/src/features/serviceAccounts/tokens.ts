import { zonedToUtc } from '../audit/auditParams';

/** Overlaps offered when rotating a token, in seconds: at once, 1 hour (the API's default), 1 day, 7 days (the maximum). */
export const OVERLAP_CHOICES = [0, 3600, 86400, 604800] as const;

/**
 * A token's expiry from a date input (`YYYY-MM-DD`): the end of that day in
 * the viewer's time zone, as RFC 3339 UTC; undefined for anything else.
 */
export function expiryFromDate(date: string, timeZone?: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const startOfDay = zonedToUtc(`${date}T00:00`, timeZone);
  if (Number.isNaN(startOfDay.getTime())) return undefined;
  // The next midnight minus a second: the whole chosen day is included.
  const next = zonedToUtc(nextDay(date) + 'T00:00', timeZone);
  return new Date(next.getTime() - 1000).toISOString().replace('.000Z', 'Z');
}

function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const n = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + 1));
  return n.toISOString().slice(0, 10);
}
