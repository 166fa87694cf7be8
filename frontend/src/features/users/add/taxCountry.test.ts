import { describe, expect, it } from 'vitest';
import { taxCodeLabelKey, taxCountryName, TAX_COUNTRIES } from './taxCountry';

describe('tax code country', () => {
  it('offers Italy and France at least', () => {
    expect(TAX_COUNTRIES).toContain('IT');
    expect(TAX_COUNTRIES).toContain('FR');
  });

  it('names the code as each country does', () => {
    expect(taxCodeLabelKey('IT')).toBe('taxCountry.code.IT');
    expect(taxCodeLabelKey('fr')).toBe('taxCountry.code.FR');
    expect(taxCodeLabelKey('BE')).toBe('taxCountry.code.other');
  });

  it('names countries in the interface language', () => {
    expect(taxCountryName('FR', 'it')).toBe('Francia');
    expect(taxCountryName('IT', 'fr')).toBe('Italie');
    expect(taxCountryName('FR', 'en')).toBe('France');
  });
});
