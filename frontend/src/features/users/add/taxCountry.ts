/** Countries offered for a person's tax code (issue 16.8); the server validates Italy's and checks the others' shape. */
export const TAX_COUNTRIES = ['IT', 'FR', 'BE', 'CH', 'DE', 'ES', 'LU', 'MC'] as const;

/** The country's name in the interface language (`FR` → "Francia"). */
export function taxCountryName(country: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}

/** What the tax code is called in that country: Codice fiscale, NIR, else a tax identification number. */
export function taxCodeLabelKey(country: string): 'taxCountry.code.IT' | 'taxCountry.code.FR' | 'taxCountry.code.other' {
  switch (country.toUpperCase()) {
    case 'FR':
      return 'taxCountry.code.FR';
    case 'IT':
    case '':
      return 'taxCountry.code.IT';
    default:
      return 'taxCountry.code.other';
  }
}

/** What an organisation's tax code is called in that country: codice fiscale or partita IVA, SIREN or SIRET, else a tax identification number. */
export function organizationTaxCodeLabelKey(country: string): 'taxCountry.org.IT' | 'taxCountry.org.FR' | 'taxCountry.org.other' {
  switch (country.trim().toUpperCase()) {
    case 'FR':
      return 'taxCountry.org.FR';
    case 'IT':
    case '':
      return 'taxCountry.org.IT';
    default:
      return 'taxCountry.org.other';
  }
}
