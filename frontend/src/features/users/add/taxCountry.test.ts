import { describe, expect, it } from 'vitest';
import { organizationTaxCodeLabelKey, taxCodeLabelKey, taxCountryName, TAX_COUNTRIES } from './taxCountry';

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

describe('organizationTaxCodeLabelKey', () => {
  it('names SIREN or SIRET in France, the codice fiscale or partita IVA in Italy', () => {
    expect(organizationTaxCodeLabelKey('fr')).toBe('taxCountry.org.FR');
    expect(organizationTaxCodeLabelKey('IT')).toBe('taxCountry.org.IT');
    expect(organizationTaxCodeLabelKey('DE')).toBe('taxCountry.org.other');
  });
});
