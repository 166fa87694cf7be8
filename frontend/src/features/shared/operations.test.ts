import { describe, expect, it } from 'vitest';

// Every file of GraphQL documents (codegen reads features/**/operations.ts).
const documents = import.meta.glob('../**/operations.ts', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('userErrors selections (issue 14.8)', () => {
  it('every mutation selects its userErrors through the shared fragment, never field by field', () => {
    const selections = Object.entries(documents).flatMap(([file, text]) =>
      [...text.matchAll(/userErrors\s*\{([^}]*)\}/g)].map((m) => ({ file, body: (m[1] ?? '').trim() })),
    );
    expect(selections.length).toBeGreaterThan(40);
    const handWritten = selections.filter((s) => s.body !== '...UserErrorFields' && s.body !== '...BulkUserErrorFields');
    expect(handWritten).toEqual([]);
  });
});
