/**
 * Options of the time zone and country pickers: names the browser knows
 * (Intl), in the interface language, sorted by name; the current value is
 * always offered, even when the browser does not list it.
 */

/** ISO 3166-1 alpha-2 codes of today's countries and territories. */
export const COUNTRY_CODES: readonly string[] = `
  AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE
  BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
  CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
  DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
  GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
  ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
  KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
  MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
  NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
  PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
  SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
  TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
  VN VU WF WS YE YT ZA ZM ZW
`
  .trim()
  .split(/\s+/);

export interface Option {
  value: string;
  label: string;
}

/** Every IANA time zone the browser knows, plus UTC and the current value, sorted. */
export function timeZoneOptions(current: string, known: readonly string[] = supportedTimeZones()): Option[] {
  const zones = new Set(known);
  zones.add('UTC');
  if (current.trim()) zones.add(current.trim());
  return [...zones].sort((a, b) => a.localeCompare(b)).map((z) => ({ value: z, label: z.replace(/_/g, ' ') }));
}

function supportedTimeZones(): readonly string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

/** The countries named in the interface language, sorted by name; an unknown current code is kept as is. */
export function countryOptions(locale: string, current = ''): Option[] {
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames([locale], { type: 'region' });
  } catch {
    names = undefined;
  }
  const codes = new Set(COUNTRY_CODES);
  const code = current.trim().toUpperCase();
  if (code) codes.add(code);
  return [...codes]
    .map((c) => ({ value: c, label: names?.of(c) ?? c }))
    .sort((a, b) => a.label.localeCompare(b.label, locale));
}
