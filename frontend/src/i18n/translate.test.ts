import { describe, expect, it as test } from 'vitest';
import { catalogs } from './catalogs';
import { it } from './it';
import {
  createTranslator,
  DEFAULT_LOCALE,
  format,
  isMessageKey,
  translateDynamic,
  LOCALES,
  matchLocale,
  negotiateLocale,
  placeholdersOf,
  type MessageKey,
} from './translate';

describe('createTranslator', () => {
  test('OK', () => {
    const t = createTranslator(catalogs.it);
    expect(t('app.name')).toBe('Gestione utenze');
    expect(t('nav.users')).toBe('Elenco utenti');
  });

  test('each catalog uses its own words', () => {
    expect(createTranslator(catalogs.fr)('app.name')).toBe('Gestion des utilisateurs');
    expect(createTranslator(catalogs.en)('app.name')).toBe('User management');
  });

  test('fills placeholders', () => {
    const t = createTranslator(catalogs.it);
    expect(t('tenants.moreCount', { shown: 50, total: 120 })).toBe('Mostra altri (50 di 120)');
    expect(t('header.signedInAs', { name: 'm.rossi' })).toBe('Accesso come m.rossi');
    expect(createTranslator(catalogs.fr)('tenants.moreCount', { shown: 50, total: 60 })).toBe(
      'Afficher plus (50 sur 60)',
    );
  });

  test('falls back to the fallback catalog, then to the key', () => {
    const partial = { ...catalogs.en } as Record<string, string>;
    delete partial['app.name'];
    const t = createTranslator(partial as typeof catalogs.en, catalogs.it);
    expect(t('app.name')).toBe('Gestione utenze');
    expect(createTranslator(partial as typeof catalogs.en)('app.name')).toBe('app.name');
  });

  test('the params argument is typed from the message', () => {
    const t = createTranslator(catalogs.en);
    // @ts-expect-error a message with placeholders needs its params
    t('tenants.moreCount');
    // @ts-expect-error a message without placeholders takes none
    t('app.name', { x: 1 });
    // @ts-expect-error unknown keys do not compile
    t('no.such.key');
    expect(true).toBe(true);
  });
});

describe('format', () => {
  test('leaves unknown placeholders and braces alone', () => {
    expect(format('{a} and {b}', { a: 'x' })).toBe('x and {b}');
    expect(format('no params {a}')).toBe('no params {a}');
  });

  test('does not read inherited properties', () => {
    expect(format('{toString}', {})).toBe('{toString}');
  });
});

describe('catalogs', () => {
  const keys = Object.keys(it) as MessageKey[];

  test.each(LOCALES)('%s has every key, non-empty, with the same placeholders', (locale) => {
    const catalog = catalogs[locale];
    expect(Object.keys(catalog).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(catalog[key].trim(), `${locale} ${key}`).not.toBe('');
      expect(placeholdersOf(catalog[key]), `${locale} ${key}`).toEqual(placeholdersOf(it[key]));
    }
  });
});

describe('messages built from API values', () => {
  // Keys the UI builds at run time: every API value needs its message in every language.
  const dynamic = [
    ...['ACTIVE', 'INVITED', 'SUSPENDED', 'LOCKED'].map((s) => `status.user.${s}`),
    ...['ACTIVE', 'SUSPENDED'].map((s) => `status.assignment.${s}`),
    ...['ADMIN', 'OPERATOR'].map((c) => `category.${c}`),
    ...[
      'INVALID_SETUP_TOKEN',
      'ALREADY_SET_UP',
      'USERNAME_TOO_SHORT',
      'USERNAME_TOO_LONG',
      'USERNAME_INVALID_CHARACTER',
      'USERNAME_TAKEN',
      'INVALID_EMAIL',
      'INVALID_NAME',
      'PASSWORD_TOO_SHORT',
      'PASSWORD_TOO_LONG',
      'PASSWORD_COMMON',
      'PASSWORD_REPETITIVE',
      'PASSWORD_CONTAINS_USERNAME',
    ].map((c) => `userError.${c}`),
    ...['one', 'other'].flatMap((f) => [`users.total.${f}`, `users.groupCount.${f}`, `tenants.users.${f}`]),
  ];

  test.each(LOCALES)('%s has them all', (locale) => {
    for (const key of dynamic) expect(isMessageKey(catalogs[locale], key), `${locale} ${key}`).toBe(true);
  });

  test('translateDynamic: a known code, else undefined for the caller’s fallback', () => {
    const t = createTranslator(catalogs.it);
    expect(translateDynamic(t, catalogs.it, 'userError.PASSWORD_COMMON')).toMatch(/password/i);
    expect(translateDynamic(t, catalogs.it, 'userError.SOMETHING_NEW')).toBeUndefined();
  });
});

describe('negotiateLocale', () => {
  test('OK', () => {
    expect(negotiateLocale(['fr'])).toBe('fr');
  });

  test('the first supported candidate wins', () => {
    expect(negotiateLocale([undefined, null, 'de-DE', 'en-GB', 'fr'])).toBe('en');
    expect(negotiateLocale(['fr-CA', 'it'])).toBe('fr');
  });

  test('the user preference comes before the browser', () => {
    expect(negotiateLocale(['en', 'fr-FR', 'it-IT'])).toBe('en');
  });

  test('defaults to Italian', () => {
    expect(negotiateLocale([])).toBe(DEFAULT_LOCALE);
    expect(negotiateLocale(['de', 'es-ES', ''])).toBe('it');
  });

  test('matchLocale is case and separator insensitive', () => {
    expect(matchLocale('EN_us')).toBe('en');
    expect(matchLocale(' it ')).toBe('it');
    expect(matchLocale('ita')).toBeUndefined();
  });
});
