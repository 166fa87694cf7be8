import { describe, expect, it } from 'vitest';
import { defaultDigestPeriod, digestMonths, monthLabel } from './digest';

describe('digest months', () => {
  it('starts with the month under way, then the months before it across the year', () => {
    const months = digestMonths(new Date('2026-02-10T12:00:00Z'), 3);
    expect(months).toEqual([
      { period: '2026-02', current: true },
      { period: '2026-01', current: false },
      { period: '2025-12', current: false },
      { period: '2025-11', current: false },
    ]);
  });

  it('defaults to the last month that has ended', () => {
    expect(defaultDigestPeriod(new Date('2026-01-01T00:30:00Z'))).toBe('2025-12');
    expect(defaultDigestPeriod(new Date('2026-12-31T23:59:00Z'))).toBe('2026-11');
  });

  it('names the month in the interface language', () => {
    expect(monthLabel('2026-11', 'it')).toBe('novembre 2026');
    expect(monthLabel('2026-11', 'fr')).toBe('novembre 2026');
    expect(monthLabel('2026-11', 'en')).toBe('November 2026');
  });
});
