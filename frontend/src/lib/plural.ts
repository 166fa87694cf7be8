/**
 * `'one'` when `count` takes the singular in `locale` (1 in Italian and
 * English; 0 and 1 in French), else `'other'`. Catalogs hold one message per
 * form, as `key.one` and `key.other`.
 */
export function pluralForm(locale: string, count: number): 'one' | 'other' {
  return new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
}
