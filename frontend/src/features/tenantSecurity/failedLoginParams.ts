import type { FailedLoginFilter } from '../../gql/graphql';
import { zonedToUtc } from '../audit/auditParams';

/** The failed sign-ins page's filters as they live in the URL (`/failed-logins?tenant=…&os=…`). */
export interface FailedLoginParams {
  tenant: string;
  /** `YYYY-MM-DDTHH:mm` in the viewer's wall clock (a datetime-local value). */
  from: string;
  to: string;
  /** A User ID. */
  user: string;
  os: string;
  browser: string;
  ip: string;
}

const KEYS = ['tenant', 'from', 'to', 'user', 'os', 'browser', 'ip'] as const;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export const EMPTY_FAILED_LOGIN_PARAMS: FailedLoginParams = { tenant: '', from: '', to: '', user: '', os: '', browser: '', ip: '' };

export function readFailedLoginParams(search: string): FailedLoginParams {
  const q = new URLSearchParams(search);
  const get = (k: string): string => q.get(k)?.trim() ?? '';
  const time = (k: string): string => (LOCAL_DATE_TIME.test(get(k)) ? get(k) : '');
  return { tenant: get('tenant'), from: time('from'), to: time('to'), user: get('user'), os: get('os'), browser: get('browser'), ip: get('ip') };
}

export function writeFailedLoginParams(p: FailedLoginParams): string {
  const q = new URLSearchParams();
  for (const k of KEYS) if (p[k].trim()) q.set(k, p[k].trim());
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** An instant as RFC 3339 in UTC, to the second (what the CSV endpoint parses). */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The period in UTC: wall-clock times in `timeZone`; `to` is exclusive, so the minute typed as the end is included. */
function period(p: FailedLoginParams, timeZone?: string): { from?: string; to?: string } {
  return {
    ...(p.from ? { from: rfc3339(zonedToUtc(p.from, timeZone)) } : {}),
    ...(p.to ? { to: rfc3339(new Date(zonedToUtc(p.to, timeZone).getTime() + 60_000)) } : {}),
  };
}

/** The API filter of Tenant.failedLogins. */
export function failedLoginFilter(p: FailedLoginParams, timeZone?: string): FailedLoginFilter {
  const f: FailedLoginFilter = { ...period(p, timeZone) };
  if (p.user) f.userId = p.user;
  if (p.os) f.operatingSystem = p.os;
  if (p.browser) f.browser = p.browser;
  if (p.ip) f.ip = p.ip;
  return f;
}

/** The same list as the server's CSV (`/reports/failed-logins.csv`), with the same filters. */
export function failedLoginsCsvUrl(p: FailedLoginParams, timeZone?: string): string {
  const q = new URLSearchParams({ tenant: p.tenant });
  const { from, to } = period(p, timeZone);
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  if (p.user) q.set('user', p.user);
  if (p.os) q.set('os', p.os);
  if (p.browser) q.set('browser', p.browser);
  if (p.ip) q.set('ip', p.ip);
  return `/reports/failed-logins.csv?${q.toString()}`;
}

/** The filter field an API refusal names (`filter.ip` → `ip`, `filter.to` → `to`). */
export function paramOfField(field: string): keyof FailedLoginParams | '' {
  const name = field.replace(/^filter\./, '');
  const map: Record<string, keyof FailedLoginParams> = {
    from: 'from',
    to: 'to',
    userId: 'user',
    operatingSystem: 'os',
    browser: 'browser',
    ip: 'ip',
  };
  return map[name] ?? '';
}
