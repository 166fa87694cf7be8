import { describe, expect, test } from 'vitest';
import { tenantStep, withTenant } from './tenantContext';

describe('tenantStep', () => {
  test('a tenant in a tenant page URL becomes the working tenant', () => {
    expect(tenantStep('/groups', '?tenant=T1', '')).toEqual({ remembered: 'T1' });
    expect(tenantStep('/users', '?tenant=T2&q=x', 'T1')).toEqual({ remembered: 'T2' });
  });

  test('a page that needs a tenant, opened without one, goes to the working tenant', () => {
    expect(tenantStep('/security', '', 'T1')).toEqual({ remembered: 'T1', redirect: '/security?tenant=T1' });
    expect(tenantStep('/service-accounts', '?x=1', 'T1')).toEqual({ remembered: 'T1', redirect: '/service-accounts?x=1&tenant=T1' });
    expect(tenantStep('/groups', '', '')).toEqual({ remembered: '' });
  });

  test('the users list or audit log without a tenant shows every tenant and forgets it', () => {
    expect(tenantStep('/users', '', 'T1')).toEqual({ remembered: '' });
    expect(tenantStep('/audit', '?action=x', 'T1')).toEqual({ remembered: '' });
  });

  test('other pages leave the working tenant alone', () => {
    expect(tenantStep('/products', '', 'T1')).toEqual({ remembered: 'T1' });
    expect(tenantStep('/users/U1', '?tenant=T9', 'T1')).toEqual({ remembered: 'T1' });
  });
});

describe('withTenant', () => {
  test('tenant pages carry the working tenant, others do not', () => {
    expect(withTenant('/groups', 'T 1')).toBe('/groups?tenant=T+1');
    expect(withTenant('/products', 'T1')).toBe('/products');
    expect(withTenant('/users', '')).toBe('/users');
  });
});
