import { describe, expect, it } from 'vitest';
import { groupSecret, normaliseTotpCode, orderSessions, otpauthLabel } from './account';

describe('groupSecret', () => {
  it('groups by four, upper case, ignoring spaces', () => {
    expect(groupSecret('jbsw y3dpehpk3pxp')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('ABCDEF')).toBe('ABCD EF');
    expect(groupSecret('')).toBe('');
  });
});

describe('otpauthLabel', () => {
  it('reads issuer and account', () => {
    expect(otpauthLabel('otpauth://totp/Tenantadmin:m.rossi?secret=ABC&issuer=Tenantadmin')).toEqual({
      issuer: 'Tenantadmin',
      account: 'm.rossi',
    });
  });
  it('decodes the label and prefers the issuer parameter', () => {
    expect(otpauthLabel('otpauth://totp/Old%20Name:mario%40example.org?issuer=New')).toEqual({
      issuer: 'New',
      account: 'mario@example.org',
    });
  });
  it('rejects other URIs', () => {
    expect(otpauthLabel('https://example.org/totp/x')).toBeNull();
    expect(otpauthLabel('not a uri')).toBeNull();
  });
});

describe('normaliseTotpCode', () => {
  it('accepts six digits with separators', () => {
    expect(normaliseTotpCode(' 123 456 ')).toBe('123456');
    expect(normaliseTotpCode('123-456')).toBe('123456');
  });
  it('rejects anything else', () => {
    expect(normaliseTotpCode('12345')).toBeNull();
    expect(normaliseTotpCode('1234567')).toBeNull();
    expect(normaliseTotpCode('12a456')).toBeNull();
  });
});

describe('orderSessions', () => {
  it('puts the current session first, then newest activity', () => {
    const s = [
      { id: 'a', current: false, lastSeenAt: '2026-01-01T10:00:00Z' },
      { id: 'b', current: true, lastSeenAt: '2025-01-01T10:00:00Z' },
      { id: 'c', current: false, lastSeenAt: '2026-02-01T10:00:00Z' },
    ];
    expect(orderSessions(s).map((x) => x.id)).toEqual(['b', 'c', 'a']);
  });
});
