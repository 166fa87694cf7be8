/**
 * Dates and times shown in the viewer's time zone (R4): the API sends RFC
 * 3339 timestamps in UTC; the profile's `timeZone` decides the wall clock.
 */

/** `zone` if the runtime knows it as an IANA time zone, else undefined. */
export function validTimeZone(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

export interface DateFormatter {
  /** Day, month, year: "3 mar 2025". */
  date(iso: string | null | undefined): string;
  /** Date and time to the minute: "3 mar 2025, 14:05". */
  dateTime(iso: string | null | undefined): string;
  /** The time zone used (for a title or a hint). */
  timeZone: string | undefined;
}

function parse(iso: string | null | undefined): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Formatters for `locale` in `timeZone`; an unknown or missing zone falls
 * back to the browser's. Invalid timestamps format as the empty string.
 */
export function createDateFormatter(locale: string, timeZone?: string | null): DateFormatter {
  const zone = validTimeZone(timeZone);
  const base: Intl.DateTimeFormatOptions = zone ? { timeZone: zone } : {};
  const dateFmt = new Intl.DateTimeFormat(locale, { ...base, day: 'numeric', month: 'short', year: 'numeric' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, {
    ...base,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  return {
    date: (iso) => {
      const d = parse(iso);
      return d ? dateFmt.format(d) : '';
    },
    dateTime: (iso) => {
      const d = parse(iso);
      return d ? dateTimeFmt.format(d) : '';
    },
    timeZone: zone,
  };
}
