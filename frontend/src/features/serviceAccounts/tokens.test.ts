import { describe, expect, it } from 'vitest';
import { expiryFromDate, OVERLAP_CHOICES } from './tokens';

describe('expiryFromDate', () => {
  it('is the last second of the day in the viewer’s zone', () => {
    expect(expiryFromDate('2026-12-31', 'Europe/Rome')).toBe('2026-12-31T22:59:59Z');
    expect(expiryFromDate('2026-07-31', 'Europe/Paris')).toBe('2026-07-31T21:59:59Z');
    expect(expiryFromDate('2026-02-28', 'UTC')).toBe('2026-02-28T23:59:59Z');
  });

  it('rejects what is not a date', () => {
    expect(expiryFromDate('', 'UTC')).toBeUndefined();
    expect(expiryFromDate('31/12/2026', 'UTC')).toBeUndefined();
  });
});

describe('OVERLAP_CHOICES', () => {
  it('stay within the API’s limit (7 days)', () => {
    expect(Math.max(...OVERLAP_CHOICES)).toBeLessThanOrEqual(604800);
    expect(OVERLAP_CHOICES).toContain(3600);
  });
});
