import { describe, expect, it } from 'vitest';
import {
  EMPTY_FAILED_LOGIN_PARAMS,
  failedLoginFilter,
  failedLoginsCsvUrl,
  paramOfField,
  readFailedLoginParams,
  writeFailedLoginParams,
} from './failedLoginParams';

describe('failed sign-in filters', () => {
  it('round-trips through the URL and drops malformed times', () => {
    const p = readFailedLoginParams('?tenant=T1&from=2026-11-01T08:00&to=nonsense&os=Windows&browser=Firefox&ip=203.0.113.0/24&user=U1');
    expect(p).toEqual({ tenant: 'T1', from: '2026-11-01T08:00', to: '', user: 'U1', os: 'Windows', browser: 'Firefox', ip: '203.0.113.0/24' });
    expect(readFailedLoginParams(writeFailedLoginParams(p))).toEqual(p);
    expect(writeFailedLoginParams(EMPTY_FAILED_LOGIN_PARAMS)).toBe('');
  });

  it('sends the period in UTC with the end minute included, and only the filters set', () => {
    const p = { ...EMPTY_FAILED_LOGIN_PARAMS, tenant: 'T1', from: '2026-11-01T08:00', to: '2026-11-01T09:30', os: 'iOS' };
    expect(failedLoginFilter(p, 'Europe/Rome')).toEqual({ from: '2026-11-01T07:00:00Z', to: '2026-11-01T08:31:00Z', operatingSystem: 'iOS' });
  });

  it('builds the CSV link with the same filters', () => {
    const p = { ...EMPTY_FAILED_LOGIN_PARAMS, tenant: 'T1', from: '2026-07-01T00:00', user: 'U9', browser: 'Chrome', ip: '10.0.0.1' };
    const url = new URL(failedLoginsCsvUrl(p, 'Europe/Rome'), 'http://x');
    expect(url.pathname).toBe('/reports/failed-logins.csv');
    expect(Object.fromEntries(url.searchParams)).toEqual({ tenant: 'T1', from: '2026-06-30T22:00:00Z', user: 'U9', browser: 'Chrome', ip: '10.0.0.1' });
  });

  it('maps the API field of a refusal to the filter', () => {
    expect(paramOfField('filter.ip')).toBe('ip');
    expect(paramOfField('filter.to')).toBe('to');
    expect(paramOfField('filter.userId')).toBe('user');
    expect(paramOfField('tenantId')).toBe('');
  });
});
