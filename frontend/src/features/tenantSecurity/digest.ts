/** A month of the digest picker (issue 16.5): `YYYY-MM`, and whether it is the month under way. */
export interface DigestMonth {
  period: string;
  current: boolean;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The month under way first (its digest "so far"), then the `count` months before it, in UTC like the server's periods. */
export function digestMonths(now: Date, count = 12): DigestMonth[] {
  const out: DigestMonth[] = [];
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  for (let i = 0; i <= count; i++) {
    const d = new Date(Date.UTC(y, m - i, 1));
    out.push({ period: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`, current: i === 0 });
  }
  return out;
}

/** The picker's default: the last month that has ended. */
export function defaultDigestPeriod(now: Date): string {
  return digestMonths(now, 1)[1]?.period ?? '';
}

/** `2026-11` as "novembre 2026" in the interface language. */
export function monthLabel(period: string, locale: string): string {
  const [y, m] = period.split('-').map(Number);
  if (!y || !m) return period;
  return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}
