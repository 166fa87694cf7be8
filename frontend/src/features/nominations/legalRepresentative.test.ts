import { describe, expect, it } from 'vitest';
import { isRepresentativeChange, representativeInput } from './legalRepresentative';

describe('isRepresentativeChange', () => {
  it('compares tax codes ignoring case and separators', () => {
    expect(isRepresentativeChange({ taxCode: 'RSSMRA85T10A562S' }, { taxCode: 'rss mra 85t10 a562s' })).toBe(false);
    expect(isRepresentativeChange({ taxCode: 'RSSMRA85T10A562S' }, { taxCode: 'VRDGPP80A01H501U' })).toBe(true);
  });
  it('nothing recorded: not a change', () => {
    expect(isRepresentativeChange(null, { taxCode: 'VRDGPP80A01H501U' })).toBe(false);
  });
});

describe('representativeInput', () => {
  it('trims and leaves out an empty email', () => {
    expect(representativeInput({ givenName: ' Anna ', familyName: 'Neri ', taxCode: ' NRENNA70A41F205X', email: ' ' })).toEqual({
      givenName: 'Anna',
      familyName: 'Neri',
      taxCode: 'NRENNA70A41F205X',
    });
    expect(representativeInput({ givenName: 'A', familyName: 'B', taxCode: 'C', email: 'a@b.it' }).email).toBe('a@b.it');
  });
});
