import { describe, expect, test } from 'vitest';
import { COUNTRY_CODES, countryOptions, timeZoneOptions } from './pickers';

describe('timeZoneOptions', () => {
  test('known zones, UTC and the current value, sorted, underscores as spaces', () => {
    const options = timeZoneOptions('Mars/Olympus_Mons', ['Europe/Rome', 'America/New_York']);
    expect(options.map((o) => o.value)).toEqual(['America/New_York', 'Europe/Rome', 'Mars/Olympus_Mons', 'UTC']);
    expect(options[0]?.label).toBe('America/New York');
  });
});

describe('countryOptions', () => {
  test('named in the interface language and sorted by name', () => {
    const it = countryOptions('it');
    expect(it.find((o) => o.value === 'DE')?.label).toBe('Germania');
    expect(countryOptions('fr').find((o) => o.value === 'DE')?.label).toBe('Allemagne');
    const labels = it.map((o) => o.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, 'it')));
  });

  test('every current country, and an unknown current code kept', () => {
    expect(COUNTRY_CODES).toContain('IT');
    expect(COUNTRY_CODES).toContain('FR');
    expect(COUNTRY_CODES).not.toContain('YU');
    expect(countryOptions('en', 'xk').some((o) => o.value === 'XK')).toBe(true);
  });
});
