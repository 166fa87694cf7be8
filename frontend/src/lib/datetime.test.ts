import { describe, expect, test } from 'vitest';
import { createDateFormatter, validTimeZone } from './datetime';
import { pluralForm } from './plural';
import { errorsByField, fieldOf } from './userErrors';

describe('createDateFormatter', () => {
  const instant = '2025-03-30T23:30:00Z';

  test('OK: the wall clock of the viewer’s time zone', () => {
    expect(createDateFormatter('en-GB', 'Europe/Rome').dateTime(instant)).toBe('31 Mar 2025, 01:30');
    expect(createDateFormatter('en-GB', 'America/New_York').dateTime(instant)).toBe('30 Mar 2025, 19:30');
  });

  test('the date changes with the zone', () => {
    expect(createDateFormatter('it', 'Europe/Rome').date(instant)).toBe('31 mar 2025');
    expect(createDateFormatter('it', 'UTC').date(instant)).toBe('30 mar 2025');
  });

  test('an unknown zone falls back to the browser’s', () => {
    const f = createDateFormatter('fr', 'Mars/Olympus');
    expect(f.timeZone).toBeUndefined();
    expect(f.date(instant)).not.toBe('');
  });

  test('missing or invalid timestamps format as empty', () => {
    const f = createDateFormatter('it', 'UTC');
    expect(f.date(null)).toBe('');
    expect(f.dateTime('not a date')).toBe('');
  });

  test('validTimeZone', () => {
    expect(validTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(validTimeZone('')).toBeUndefined();
    expect(validTimeZone('Nowhere/Town')).toBeUndefined();
  });
});

describe('pluralForm', () => {
  test('Italian and English: 1 is singular; French: 0 and 1', () => {
    expect([0, 1, 2].map((n) => pluralForm('it', n))).toEqual(['other', 'one', 'other']);
    expect([0, 1, 2].map((n) => pluralForm('en', n))).toEqual(['other', 'one', 'other']);
    expect([0, 1, 2].map((n) => pluralForm('fr', n))).toEqual(['one', 'one', 'other']);
  });
});

describe('userErrors', () => {
  test('fieldOf strips the input prefix', () => {
    expect(fieldOf({ field: ['input', 'username'], code: 'USERNAME_TAKEN', message: '' })).toBe('username');
    expect(fieldOf({ field: ['input', 'address', 'city'], code: 'X', message: '' })).toBe('address.city');
    expect(fieldOf({ field: [], code: 'ALREADY_SET_UP', message: '' })).toBe('');
  });

  test('errorsByField keeps the first error of each field', () => {
    const map = errorsByField([
      { field: ['input', 'password'], code: 'PASSWORD_TOO_SHORT', message: 'a' },
      { field: ['input', 'password'], code: 'PASSWORD_COMMON', message: 'b' },
      { field: [], code: 'ALREADY_SET_UP', message: 'c' },
    ]);
    expect([...map.entries()].map(([k, v]) => [k, v.code])).toEqual([
      ['password', 'PASSWORD_TOO_SHORT'],
      ['', 'ALREADY_SET_UP'],
    ]);
  });
});
