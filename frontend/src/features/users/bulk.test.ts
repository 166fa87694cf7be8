import { describe, expect, test } from 'vitest';
import { catalogs } from '../../i18n/catalogs';
import { createTranslator } from '../../i18n/translate';
import { pluralForm } from '../../lib/plural';
import { afterAction, bulkResult, keepListed, pageState, toggleOne, togglePage } from './bulk';
import type { FragmentType } from '../../gql';
import type { BulkUserErrorFieldsFragmentDoc } from '../shared/operations';

/** Bulk userErrors as the BulkUserErrorFields spread returns them (masked types). */
const bulkErrors = (errors: { userId: string | null; code: string; message: string }[]) =>
  errors as unknown as FragmentType<typeof BulkUserErrorFieldsFragmentDoc>[];

const ids = (s: ReadonlySet<string>) => [...s].sort();

describe('"Team" multi-select (issue 19.2)', () => {
  test('a row toggles in and out of the selection', () => {
    const one = toggleOne(new Set(), 'a');
    expect(ids(one)).toEqual(['a']);
    expect(ids(toggleOne(one, 'b'))).toEqual(['a', 'b']);
    expect(ids(toggleOne(one, 'a'))).toEqual([]);
  });

  test('"select all on this page" selects the page, then unselects it; mixed when some are selected', () => {
    const page = ['a', 'b', 'c'];
    expect(pageState(new Set(), page)).toBe('none');
    expect(pageState(new Set(['b']), page)).toBe('some');
    const all = togglePage(new Set(['b', 'x']), page);
    expect(ids(all)).toEqual(['a', 'b', 'c', 'x']);
    expect(pageState(all, page)).toBe('all');
    expect(ids(togglePage(all, page))).toEqual(['x']);
    expect(pageState(new Set(), [])).toBe('none');
  });

  test('the selection keeps only the rows still listed', () => {
    expect(ids(keepListed(new Set(['a', 'b', 'c']), ['b', 'c', 'd']))).toEqual(['b', 'c']);
  });

  test('after an action, the users changed leave the selection and the refused ones stay', () => {
    const result = bulkResult('suspend', {
      succeeded: [{ id: 'a' }, { id: 'c' }],
      userErrors: bulkErrors([{ userId: 'b', code: 'ALREADY_SUSPENDED', message: 'Already suspended.' }]),
    });
    expect(result).toEqual({
      action: 'suspend',
      done: ['a', 'c'],
      deleted: [],
      refused: [{ userId: 'b', code: 'ALREADY_SUSPENDED', message: 'Already suspended.' }],
    });
    expect(ids(afterAction(new Set(['a', 'b', 'c']), result))).toEqual(['b']);
  });

  test('a removal counts the removed users, the deleted accounts among them, and input-wide refusals', () => {
    const result = bulkResult('remove', {
      removedUserIds: ['a', 'b'],
      deletedUserIds: ['b'],
      userErrors: bulkErrors([{ userId: null, code: 'TOO_MANY_USERS', message: 'x' }]),
    });
    expect(result.done).toEqual(['a', 'b']);
    expect(result.deleted).toEqual(['b']);
    expect(result.refused).toEqual([{ userId: null, code: 'TOO_MANY_USERS', message: 'x' }]);
    expect(ids(afterAction(new Set(['a', 'b', 'c']), result))).toEqual(['c']);
  });
});

describe('bulk confirmation and summary wording', () => {
  test('the confirmation names the count in each language', () => {
    const ask = (locale: 'it' | 'fr' | 'en', n: number) =>
      createTranslator(catalogs[locale])(`teamBulk.confirm.suspend.${pluralForm(locale, n)}`, { count: n });
    expect(ask('it', 3)).toBe('Sospendere 3 utenti?');
    expect(ask('fr', 3)).toBe('Suspendre 3 utilisateurs ?');
    expect(ask('en', 3)).toBe('Suspend 3 users?');
    expect(ask('it', 1)).toBe('Sospendere 1 utente?');
    expect(createTranslator(catalogs.it)('teamBulk.refused.one', { count: 1 })).toBe('1 rifiutato');
  });
});
