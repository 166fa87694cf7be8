import { describe, expect, it } from 'vitest';
import { globalIdType } from './fieldChanges';

const gid = (s: string) => btoa(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

describe('globalIdType', () => {
  it('reads the type of a global ID', () => {
    expect(globalIdType(gid('User:42'))).toBe('User');
    expect(globalIdType(gid('Tenant:7'))).toBe('Tenant');
  });
  it('leaves other text alone', () => {
    expect(globalIdType('Mario')).toBeNull();
    expect(globalIdType('ACTIVE')).toBeNull();
    expect(globalIdType(gid('Nothing:1'))).toBeNull();
    expect(globalIdType('')).toBeNull();
  });
});
