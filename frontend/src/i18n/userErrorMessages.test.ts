import schema from '../../../graph/schema/errors.graphqls?raw';
import { describe, expect, it as test } from 'vitest';
import { catalogs } from './catalogs';
import { LOCALES } from './translate';

/** The values of the GraphQL enum UserErrorCode, read from the generated schema file. */
function userErrorCodes(): string[] {
  const body = schema.slice(schema.indexOf('enum UserErrorCode {'));
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*)$/gm)].map((m) => m[1] as string);
}

describe('userError messages (issue 15.2)', () => {
  test('every UserErrorCode has a message in it, fr and en', () => {
    const codes = userErrorCodes();
    expect(codes.length).toBeGreaterThan(100);
    for (const locale of LOCALES) {
      const catalog = catalogs[locale] as Record<string, string>;
      const missing = codes.filter((c) => !catalog[`userError.${c}`]?.trim());
      expect(missing, `${locale} lacks messages`).toEqual([]);
    }
  });
});
