import { describe, expect, it } from 'vitest';
import { reportUrl } from './reports';

describe('reportUrl', () => {
  it('points at the server endpoints with the tenant escaped', () => {
    expect(reportUrl('users', 'VGVuYW50OjE=')).toBe('/reports/users.csv?tenant=VGVuYW50OjE%3D');
    expect(reportUrl('permissions', 'a&b')).toBe('/reports/permissions.csv?tenant=a%26b');
  });
});
