import { describe, expect, it } from 'vitest';
import { readTenantSort, TENANT_SORTS, tenantOrder } from './tenantSort';

describe('tenant tree order (issue 15.3)', () => {
  it('sends no orderBy by name, else the field and direction', () => {
    expect(tenantOrder('')).toBeUndefined();
    expect(tenantOrder('-NAME')).toEqual({ field: 'NAME', direction: 'DESC' });
    expect(tenantOrder('COUNTRY')).toEqual({ field: 'COUNTRY', direction: 'ASC' });
    expect(tenantOrder('-CREATED_AT')).toEqual({ field: 'CREATED_AT', direction: 'DESC' });
  });

  it('reads known sorts only', () => {
    expect(readTenantSort('-CREATED_AT')).toBe('-CREATED_AT');
    expect(readTenantSort('TAX_CODE')).toBe('');
    expect(readTenantSort(null)).toBe('');
    expect(new Set(TENANT_SORTS).size).toBe(TENANT_SORTS.length);
  });
});
