import type { AuditEventFilter, AuditEventOrder, AuditEventOrderField } from '../../gql/graphql';

/** The audit page's filters as they live in the URL (`/audit?tenant=…&action=…&user=…`). */
export const NO_AUDIT_PARAMS: AuditParams = { tenant: '', actor: '', target: '', user: '', action: '', from: '', to: '', sort: '' };

export interface AuditParams {
  tenant: string;
  actor: string;
  target: string;
  /** A user's global ID: every change about that user (`aboutUserId`). */
  user: string;
  action: string;
  /** `YYYY-MM-DDTHH:mm` in the viewer's wall clock (a datetime-local value). */
  from: string;
  to: string;
  /** The order (issue 15.3): `ACTION`, `-ACTION`, `CREATED_AT`; '' is newest first (`-CREATED_AT`). */
  sort: AuditSort | '';
}

/** Keys the audit trail sorts by (server-side, AuditEventOrder). */
export const AUDIT_ORDER_FIELDS: readonly AuditEventOrderField[] = ['CREATED_AT', 'ACTION'];
export type AuditSort = `${'' | '-'}${AuditEventOrderField}`;
const DEFAULT_SORT: AuditSort = '-CREATED_AT';

const KEYS = ['tenant', 'actor', 'target', 'user', 'action', 'from', 'to', 'sort'] as const;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

export function readAuditParams(search: string): AuditParams {
  const q = new URLSearchParams(search);
  const get = (k: string): string => q.get(k)?.trim() ?? '';
  const time = (k: string): string => (LOCAL_DATE_TIME.test(get(k)) ? get(k) : '');
  const sort = get('sort');
  const known = AUDIT_ORDER_FIELDS.includes(sort.replace(/^-/, '') as AuditEventOrderField) && sort !== DEFAULT_SORT;
  return {
    tenant: get('tenant'),
    actor: get('actor'),
    target: get('target'),
    user: get('user'),
    action: get('action'),
    from: time('from'),
    to: time('to'),
    sort: known ? (sort as AuditSort) : '',
  };
}

/** The current order of the trail: its field and direction. */
export function auditSortOf(p: AuditParams): { field: AuditEventOrderField; desc: boolean } {
  const sort = p.sort || DEFAULT_SORT;
  return { field: sort.replace(/^-/, '') as AuditEventOrderField, desc: sort.startsWith('-') };
}

/**
 * The order after a click on a column: the same column flips direction; another
 * column starts newest first for the time, A to Z for the action.
 */
export function nextAuditSort(p: AuditParams, field: AuditEventOrderField): AuditSort | '' {
  const cur = auditSortOf(p);
  let next: AuditSort;
  if (cur.field === field) next = cur.desc ? field : `-${field}`;
  else next = field === 'CREATED_AT' ? '-CREATED_AT' : field;
  return next === DEFAULT_SORT ? '' : next;
}

/** The API order; undefined for the default (newest first). */
export function auditOrder(p: AuditParams): AuditEventOrder | undefined {
  if (!p.sort) return undefined;
  const { field, desc } = auditSortOf(p);
  return { field, direction: desc ? 'DESC' : 'ASC' };
}

export function writeAuditParams(p: AuditParams): string {
  const q = new URLSearchParams();
  for (const k of KEYS) if (p[k]) q.set(k, p[k]);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The API filter. Times are read as wall-clock times in `timeZone` (the
 * viewer's, R4) and sent in UTC; `to` is exclusive, so a whole minute typed
 * as the end is included by moving it one minute on.
 */
export function auditFilter(p: AuditParams, timeZone?: string): AuditEventFilter {
  const f: AuditEventFilter = {};
  if (p.tenant) f.tenantId = p.tenant;
  if (p.actor) f.actorId = p.actor;
  if (p.target) f.targetId = p.target;
  if (p.user) f.aboutUserId = p.user;
  if (p.action) f.action = p.action;
  if (p.from) f.from = zonedToUtc(p.from, timeZone).toISOString();
  if (p.to) f.to = new Date(zonedToUtc(p.to, timeZone).getTime() + 60_000).toISOString();
  return f;
}

/** Offset of `zone` from UTC at `date`, in minutes (Europe/Rome in summer: 120). */
function offsetMinutes(date: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(date);
  const n = (type: string): number => Number(parts.find((x) => x.type === type)?.value ?? '0');
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
  return Math.round((asUtc - Math.floor(date.getTime() / 60_000) * 60_000) / 60_000);
}

/** A `YYYY-MM-DDTHH:mm` wall-clock time in `zone` (else the browser's) as an instant. */
export function zonedToUtc(local: string, zone?: string): Date {
  const [d = '', tm = ''] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [h, mi] = tm.split(':').map(Number);
  if (!zone) return new Date(y ?? 0, (mo ?? 1) - 1, da ?? 1, h ?? 0, mi ?? 0);
  const guess = Date.UTC(y ?? 0, (mo ?? 1) - 1, da ?? 1, h ?? 0, mi ?? 0);
  // Two passes settle the offset around daylight-saving changes.
  let t = guess - offsetMinutes(new Date(guess), zone) * 60_000;
  t = guess - offsetMinutes(new Date(t), zone) * 60_000;
  return new Date(t);
}
