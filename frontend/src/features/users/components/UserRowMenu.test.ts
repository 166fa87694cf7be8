import { describe, expect, test } from 'vitest';
import { rowActions } from './UserRowMenu';

describe('rowActions (seed 003 row menu)', () => {
  const can = { changeStatus: true, resetCredentials: true };
  test('resets and suspend for an active account, reactivate for a suspended one', () => {
    expect(rowActions({ id: 'u', status: 'ACTIVE', version: 1, viewerCan: can })).toEqual(['resetPin', 'resetPassword', 'suspend']);
    expect(rowActions({ id: 'u', status: 'SUSPENDED', version: 1, viewerCan: can })).toEqual(['resetPin', 'resetPassword', 'reactivate']);
  });
  test('an invited account has no credentials to reset; capabilities the viewer lacks are not offered', () => {
    expect(rowActions({ id: 'u', status: 'INVITED', version: 1, viewerCan: can })).toEqual(['suspend']);
    expect(rowActions({ id: 'u', status: 'ACTIVE', version: 1, viewerCan: { changeStatus: false, resetCredentials: false } })).toEqual([]);
  });
});
