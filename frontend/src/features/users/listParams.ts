import type { AssignmentStatus, RoleCategory, UserFilter, UserOrder, UserOrderField, UserStatus } from '../../gql/graphql';

/**
 * The users list's state lives in the URL (`/users?product=…&q=…`) so that
 * reload, back and forward, and shared links show the same list. This module
 * converts between the search params, the state, and the query variables.
 */

export const USER_STATUSES: readonly UserStatus[] = ['ACTIVE', 'INVITED', 'SUSPENDED', 'LOCKED'];
export const ROLE_CATEGORIES: readonly RoleCategory[] = ['ADMIN', 'OPERATOR'];
export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['ACTIVE', 'SUSPENDED'];

/** Users per page. */
export const USERS_PAGE_SIZE = 25;
/** Page sizes offered by the "Team" view. */
export const TEAM_PAGE_SIZES = [25, 50, 100] as const;
/** Keys the "Team" view sorts by (server-side, UserOrder). */
export const USER_ORDER_FIELDS: readonly UserOrderField[] = ['USERNAME', 'DISPLAY_NAME', 'EMAIL', 'CREATED_AT', 'LAST_SIGN_IN_AT'];
/** A sort of the "Team" view as written in the URL: FIELD or -FIELD (descending). */
export type TeamSort = `${'' | '-'}${UserOrderField}`;
/** "Inactive for N days" choices of the "Team" view (seed 001's monthly clean-up). */
export const INACTIVE_DAYS = ['30', '60', '90', '180'] as const;
export type InactiveDays = (typeof INACTIVE_DAYS)[number];
/** Longest search text the API accepts. */
export const MAX_SEARCH_LENGTH = 200;

export interface UsersListParams {
  /** "team": one row per person (seed 003); absent for "Tutti" by product (seed 001). */
  view?: 'team';
  /** The "Team" view's order; absent is by username, ascending. */
  sort?: TeamSort;
  /** The "Team" view's page size, when not the default. */
  size?: '50' | '100';
  /** The product tab; absent for "Tutti" (all, grouped by product). */
  product?: string;
  /** Role category; only in "Tutti" (a product tab filters by role only, as in the seed). */
  category?: RoleCategory;
  role?: string;
  status?: UserStatus;
  /** State of the matching role assignment. */
  roleStatus?: AssignmentStatus;
  /** Search over name, email, username, tax code. */
  q?: string;
  /** Only members of this tenant (from the tenants tree). */
  tenant?: string;
  /** "Team" view: no sign-in for this many days (UserFilter.inactiveSinceDays). */
  inactive?: InactiveDays;
  /** Paging: the page after this cursor, or before that one. */
  after?: string;
  before?: string;
}

/** The keys in the order they are written to the URL. */
const KEYS = ['view', 'product', 'tenant', 'category', 'role', 'status', 'roleStatus', 'q', 'inactive', 'sort', 'size', 'after', 'before'] as const;

function oneOf<T extends string>(allowed: readonly T[], value: string | null): T | undefined {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

function text(value: string | null): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** Reads the list state from the URL; unknown or invalid values are dropped. */
export function parseUsersParams(search: URLSearchParams): UsersListParams {
  const view = search.get('view') === 'team' ? 'team' : undefined;
  const sort = search.get('sort') ?? '';
  const p: UsersListParams = {
    view,
    sort: view && USER_ORDER_FIELDS.includes(sort.replace(/^-/, '') as UserOrderField) && sort !== 'USERNAME' ? (sort as TeamSort) : undefined,
    size: view ? oneOf(['50', '100'] as const, search.get('size')) : undefined,
    product: view ? undefined : text(search.get('product')),
    tenant: text(search.get('tenant')),
    category: oneOf(ROLE_CATEGORIES, search.get('category')),
    role: text(search.get('role')),
    status: oneOf(USER_STATUSES, search.get('status')),
    roleStatus: oneOf(ASSIGNMENT_STATUSES, search.get('roleStatus')),
    q: text(search.get('q'))?.slice(0, MAX_SEARCH_LENGTH),
    inactive: view ? oneOf(INACTIVE_DAYS, search.get('inactive')) : undefined,
    after: text(search.get('after')),
    before: text(search.get('before')),
  };
  if (p.product) delete p.category;
  // Both directions at once cannot come from the app: start from the first page.
  if (p.after && p.before) {
    delete p.after;
    delete p.before;
  }
  return compact(p);
}

function compact(p: UsersListParams): UsersListParams {
  const out: UsersListParams = {};
  for (const key of KEYS) {
    const value = p[key];
    if (value !== undefined && value !== '') (out as Record<string, string>)[key] = value;
  }
  return out;
}

/** The URL search params of a list state, in a stable order, without empty values. */
export function toSearchParams(p: UsersListParams): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of KEYS) {
    const value = p[key];
    if (value) search.set(key, value);
  }
  return search;
}

export type UsersFilterPatch = Partial<Pick<UsersListParams, 'category' | 'role' | 'status' | 'roleStatus' | 'q' | 'tenant' | 'inactive'>>;

/** Changes filters; any change starts again from the first page. */
export function withFilters(p: UsersListParams, patch: UsersFilterPatch): UsersListParams {
  const next: UsersListParams = { ...p, ...patch };
  delete next.after;
  delete next.before;
  return compact(next);
}

/**
 * Switches tab: a product's list, or "Tutti" (undefined). The role filter
 * belongs to one product and the category filter to "Tutti", so both reset;
 * status, search and tenant stay.
 */
export function withTab(p: UsersListParams, product: string | undefined): UsersListParams {
  const next: UsersListParams = { ...p, product };
  delete next.view;
  delete next.sort;
  delete next.size;
  delete next.role;
  delete next.category;
  delete next.after;
  delete next.before;
  return compact(next);
}

/** The next page (after the last cursor) or the previous one (before the first). */
export function withPage(p: UsersListParams, page: { after: string } | { before: string }): UsersListParams {
  const next: UsersListParams = { ...p };
  delete next.after;
  delete next.before;
  return compact({ ...next, ...page });
}

/** Switches between "Tutti" (undefined) and "Team"; the product tab, the order and paging reset. */
export function withView(p: UsersListParams, view: 'team' | undefined): UsersListParams {
  const next: UsersListParams = { ...p, view };
  if (!view) delete next.inactive;
  delete next.product;
  delete next.role;
  delete next.sort;
  delete next.size;
  delete next.after;
  delete next.before;
  return compact(next);
}

/** Sorts the "Team" view (from the first page: cursors belong to one order). */
export function withSort(p: UsersListParams, sort: TeamSort): UsersListParams {
  const next: UsersListParams = { ...p, sort: sort === 'USERNAME' ? undefined : sort };
  delete next.after;
  delete next.before;
  return compact(next);
}

/** The "Team" view's page size (from the first page). */
export function withSize(p: UsersListParams, size: number): UsersListParams {
  const next: UsersListParams = { ...p, size: size === 50 ? '50' : size === 100 ? '100' : undefined };
  delete next.after;
  delete next.before;
  return compact(next);
}

/** The sort of a list state: field and direction. */
export function sortOf(p: UsersListParams): { field: UserOrderField; desc: boolean } {
  const sort = p.sort ?? 'USERNAME';
  return { field: sort.replace(/^-/, '') as UserOrderField, desc: sort.startsWith('-') };
}

/** The sort a click on a column header asks for: its field ascending, or the other direction when already sorted by it. */
export function nextSort(p: UsersListParams, field: UserOrderField): TeamSort {
  const current = sortOf(p);
  if (current.field !== field) return field;
  return current.desc ? field : `-${field}`;
}

/** The GraphQL order of a list state; undefined for the default order. */
export function toUserOrder(p: UsersListParams): UserOrder | undefined {
  if (!p.sort) return undefined;
  const { field, desc } = sortOf(p);
  return { field, direction: desc ? 'DESC' : 'ASC' };
}

/** Users per page of a list state. */
export function pageSizeOf(p: UsersListParams): number {
  return p.size ? Number(p.size) : USERS_PAGE_SIZE;
}

/** Whether any filter other than the tab is set. */
export function hasFilters(p: UsersListParams): boolean {
  return Boolean(p.category || p.role || p.status || p.roleStatus || p.q || p.tenant || p.inactive);
}

/** Drops every filter but the tab. */
export function withoutFilters(p: UsersListParams): UsersListParams {
  return compact({ view: p.view, product: p.product, sort: p.sort, size: p.size });
}

/** The GraphQL `UserFilter` of a list state (global IDs passed as they are). */
export function toUserFilter(p: UsersListParams): UserFilter {
  const f: UserFilter = {};
  if (p.product) f.productId = p.product;
  if (p.tenant) f.tenantId = p.tenant;
  if (p.category) f.category = p.category;
  if (p.role) f.roleId = p.role;
  if (p.status) f.status = p.status;
  if (p.roleStatus) f.assignmentStatus = p.roleStatus;
  if (p.q) f.search = p.q;
  if (p.inactive) f.inactiveSinceDays = Number(p.inactive);
  return f;
}

/**
 * The server's CSV of the list (`/reports/user-list.csv`, issue 19.2) with
 * the list's filter, parameters spelt as UserFilter's fields; undefined
 * without a tenant (the report is a tenant's).
 */
export function userListCsvUrl(p: UsersListParams): string | undefined {
  if (!p.tenant) return undefined;
  const f = toUserFilter(p);
  const q = new URLSearchParams({ tenant: p.tenant });
  const fields = ['productId', 'roleId', 'category', 'status', 'assignmentStatus', 'search', 'inactiveSinceDays'] as const;
  for (const key of fields) {
    const value = f[key];
    if (value !== undefined && value !== null && value !== '') q.set(key, String(value));
  }
  return `/reports/user-list.csv?${q.toString()}`;
}

export interface UsersListVariables {
  filter: UserFilter;
  orderBy?: UserOrder;
  first?: number;
  after?: string;
  last?: number;
  before?: string;
}

/** Variables of the UsersList query: forward from `after`, or backward from `before`. */
export function usersListVariables(p: UsersListParams, pageSize: number = USERS_PAGE_SIZE): UsersListVariables {
  const filter = toUserFilter(p);
  if (p.before) return { filter, last: pageSize, before: p.before };
  return p.after ? { filter, first: pageSize, after: p.after } : { filter, first: pageSize };
}

/** Variables of the UsersTeam query: the list's, with its order and page size. */
export function teamListVariables(p: UsersListParams): UsersListVariables {
  const v = usersListVariables(p, pageSizeOf(p));
  const orderBy = toUserOrder(p);
  return orderBy ? { ...v, orderBy } : v;
}
