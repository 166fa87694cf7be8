import { describe, expect, test } from 'vitest';
import {
  hasFilters,
  parseUsersParams,
  toSearchParams,
  toUserFilter,
  usersListVariables,
  withFilters,
  withoutFilters,
  withPage,
  withTab,
  nextSort,
  teamListVariables,
  toUserOrder,
  withSize,
  withSort,
  withView,
  userListCsvUrl,
} from './listParams';

const parse = (s: string) => parseUsersParams(new URLSearchParams(s));

describe('parseUsersParams', () => {
  test('OK', () => {
    expect(parse('product=UHJvZHVjdDox&role=Um9sZToy&status=SUSPENDED&roleStatus=ACTIVE&q=rossi&tenant=VDox&after=c1')).toEqual({
      product: 'UHJvZHVjdDox',
      role: 'Um9sZToy',
      status: 'SUSPENDED',
      roleStatus: 'ACTIVE',
      q: 'rossi',
      tenant: 'VDox',
      after: 'c1',
    });
  });

  test('an empty URL is the first page of "Tutti" without filters', () => {
    expect(parse('')).toEqual({});
  });

  test('drops unknown enum values, blanks and unknown keys', () => {
    expect(parse('status=DELETED&category=GUEST&roleStatus=x&q=%20%20&foo=bar&role=')).toEqual({});
  });

  test('category applies to "Tutti" only', () => {
    expect(parse('category=ADMIN')).toEqual({ category: 'ADMIN' });
    expect(parse('product=P1&category=ADMIN')).toEqual({ product: 'P1' });
  });

  test('trims and bounds the search', () => {
    expect(parse('q=%20Mario%20Rossi%20').q).toBe('Mario Rossi');
    expect(parse(`q=${'a'.repeat(300)}`).q).toHaveLength(200);
  });

  test('both paging directions at once start again from the first page', () => {
    expect(parse('after=a&before=b')).toEqual({});
  });
});

describe('toSearchParams', () => {
  test('round-trips and writes keys in a stable order', () => {
    const p = { q: 'ros', status: 'ACTIVE' as const, product: 'P1', role: 'R1', after: 'c' };
    const search = toSearchParams(p);
    expect(search.toString()).toBe('product=P1&role=R1&status=ACTIVE&q=ros&after=c');
    expect(parseUsersParams(search)).toEqual(p);
  });

  test('empty state, empty query string', () => {
    expect(toSearchParams({}).toString()).toBe('');
  });
});

describe('state changes', () => {
  test('changing a filter goes back to the first page', () => {
    expect(withFilters({ q: 'a', after: 'c1' }, { status: 'LOCKED' })).toEqual({ q: 'a', status: 'LOCKED' });
    expect(withFilters({ q: 'a', before: 'c1' }, { q: undefined })).toEqual({});
  });

  test('switching tab keeps search, states and tenant, drops role, category and paging', () => {
    const p = { category: 'ADMIN' as const, role: 'R1', status: 'ACTIVE' as const, q: 'x', tenant: 'T', after: 'c' };
    expect(withTab(p, 'P2')).toEqual({ product: 'P2', status: 'ACTIVE', q: 'x', tenant: 'T' });
    expect(withTab({ product: 'P2', role: 'R9' }, undefined)).toEqual({});
  });

  test('paging replaces the cursor of the other direction', () => {
    expect(withPage({ q: 'x', after: 'a' }, { before: 'b' })).toEqual({ q: 'x', before: 'b' });
    expect(withPage({ before: 'b' }, { after: 'z' })).toEqual({ after: 'z' });
  });

  test('hasFilters and withoutFilters ignore the tab', () => {
    expect(hasFilters({ product: 'P1' })).toBe(false);
    expect(hasFilters({ product: 'P1', roleStatus: 'SUSPENDED' })).toBe(true);
    expect(withoutFilters({ product: 'P1', q: 'x', tenant: 'T', after: 'c' })).toEqual({ product: 'P1' });
  });
});

describe('query variables', () => {
  test('OK: the filter of every URL param', () => {
    expect(
      toUserFilter({ product: 'P', tenant: 'T', category: 'OPERATOR', role: 'R', status: 'INVITED', roleStatus: 'SUSPENDED', q: 'rss' }),
    ).toEqual({
      productId: 'P',
      tenantId: 'T',
      category: 'OPERATOR',
      roleId: 'R',
      status: 'INVITED',
      assignmentStatus: 'SUSPENDED',
      search: 'rss',
    });
  });

  test('forward from the start, forward after a cursor, backward before one', () => {
    expect(usersListVariables({}, 25)).toEqual({ filter: {}, first: 25 });
    expect(usersListVariables({ after: 'c' }, 25)).toEqual({ filter: {}, first: 25, after: 'c' });
    expect(usersListVariables({ before: 'c', q: 'x' }, 10)).toEqual({ filter: { search: 'x' }, last: 10, before: 'c' });
  });
});

describe('"Team" view params (issue 19.1)', () => {
  test('view, sort and size are read only in the Team view', () => {
    expect(parse('view=team&sort=-LAST_SIGN_IN_AT&size=50')).toEqual({ view: 'team', sort: '-LAST_SIGN_IN_AT', size: '50' });
    expect(parse('sort=-EMAIL&size=100')).toEqual({});
    expect(parse('view=team&sort=NAME&size=30')).toEqual({ view: 'team' });
    // The default order is not written.
    expect(parse('view=team&sort=USERNAME')).toEqual({ view: 'team' });
    // No product tab in the Team view.
    expect(parse('view=team&product=P1')).toEqual({ view: 'team' });
  });

  test('header clicks: a new column ascending, the same one flips', () => {
    const p = parse('view=team');
    expect(nextSort(p, 'EMAIL')).toBe('EMAIL');
    expect(nextSort(p, 'USERNAME')).toBe('-USERNAME');
    expect(nextSort(parse('view=team&sort=EMAIL'), 'EMAIL')).toBe('-EMAIL');
    expect(nextSort(parse('view=team&sort=-EMAIL'), 'EMAIL')).toBe('EMAIL');
  });

  test('sort and size changes start from the first page; the view switch resets them', () => {
    const p = parse('view=team&sort=EMAIL&after=c1&q=ro');
    expect(withSort(p, '-CREATED_AT')).toEqual({ view: 'team', sort: '-CREATED_AT', q: 'ro' });
    expect(withSize(p, 100)).toEqual({ view: 'team', sort: 'EMAIL', size: '100', q: 'ro' });
    expect(withSize(parse('view=team&size=50'), 25)).toEqual({ view: 'team' });
    expect(withView(p, undefined)).toEqual({ q: 'ro' });
    expect(withView(parse('product=P1&role=R1&status=ACTIVE'), 'team')).toEqual({ view: 'team', status: 'ACTIVE' });
    expect(toSearchParams(withSort(p, 'LAST_SIGN_IN_AT')).toString()).toBe('view=team&q=ro&sort=LAST_SIGN_IN_AT');
  });

  test('query variables carry orderBy and the page size', () => {
    expect(teamListVariables(parse('view=team'))).toEqual({ filter: {}, first: 25 });
    expect(teamListVariables(parse('view=team&sort=-LAST_SIGN_IN_AT&size=50&before=c9'))).toEqual({
      filter: {},
      orderBy: { field: 'LAST_SIGN_IN_AT', direction: 'DESC' },
      last: 50,
      before: 'c9',
    });
    expect(toUserOrder(parse('view=team&sort=EMAIL'))).toEqual({ field: 'EMAIL', direction: 'ASC' });
  });
});

describe('"Team" inactive filter and CSV export (issue 19.2)', () => {
  test('inactive days are read in the Team view only, written to the URL and fed to the filter', () => {
    expect(parse('view=team&inactive=90')).toEqual({ view: 'team', inactive: '90' });
    expect(parse('view=team&inactive=45')).toEqual({ view: 'team' });
    expect(parse('inactive=90')).toEqual({});
    expect(toSearchParams({ view: 'team', tenant: 'T1', inactive: '30' }).toString()).toBe('view=team&tenant=T1&inactive=30');
    expect(toUserFilter({ view: 'team', inactive: '180' })).toEqual({ inactiveSinceDays: 180 });
    expect(hasFilters({ view: 'team', inactive: '30' })).toBe(true);
    // Leaving the Team view drops it; changing it starts from the first page.
    expect(withView({ view: 'team', inactive: '30', tenant: 'T1' }, undefined)).toEqual({ tenant: 'T1' });
    expect(withFilters({ view: 'team', after: 'c1' }, { inactive: '60' })).toEqual({ view: 'team', inactive: '60' });
  });

  test('the CSV link carries the list\'s filter, spelt as UserFilter, for the list\'s tenant', () => {
    const url = userListCsvUrl({
      view: 'team',
      tenant: 'VGVuYW50OjE=',
      status: 'ACTIVE',
      roleStatus: 'SUSPENDED',
      category: 'ADMIN',
      role: 'Um9sZTo0',
      q: 'rossi & co',
      inactive: '30',
      sort: '-EMAIL',
      size: '50',
      after: 'cursor',
    });
    expect(url?.startsWith('/reports/user-list.csv?')).toBe(true);
    const q = new URLSearchParams(url?.split('?')[1]);
    expect(Object.fromEntries(q)).toEqual({
      tenant: 'VGVuYW50OjE=',
      roleId: 'Um9sZTo0',
      category: 'ADMIN',
      status: 'ACTIVE',
      assignmentStatus: 'SUSPENDED',
      search: 'rossi & co',
      inactiveSinceDays: '30',
    });
    expect(userListCsvUrl({ view: 'team', tenant: 'T1' })).toBe('/reports/user-list.csv?tenant=T1');
    // No tenant, no report: the export is a tenant's.
    expect(userListCsvUrl({ view: 'team', status: 'ACTIVE' })).toBeUndefined();
  });
});
