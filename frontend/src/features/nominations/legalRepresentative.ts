export interface LegalRepresentativeDraft {
  givenName: string;
  familyName: string;
  taxCode: string;
  email: string;
}

/** Tax codes compared as the server does: case and separators ignored. */
function compactTaxCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * Whether the draft names another person than the recorded legal
 * representative (R20: a change needs the requester's confirmation). The
 * tax code identifies the person; with none recorded there is nothing to change.
 */
export function isRepresentativeChange(
  recorded: { taxCode: string } | null | undefined,
  draft: Pick<LegalRepresentativeDraft, 'taxCode'>,
): boolean {
  if (!recorded) return false;
  return compactTaxCode(recorded.taxCode) !== compactTaxCode(draft.taxCode);
}

/** The draft as the API input: trimmed, email left out when empty. */
export function representativeInput(d: LegalRepresentativeDraft): { givenName: string; familyName: string; taxCode: string; email?: string } {
  const out: { givenName: string; familyName: string; taxCode: string; email?: string } = {
    givenName: d.givenName.trim(),
    familyName: d.familyName.trim(),
    taxCode: d.taxCode.trim(),
  };
  if (d.email.trim()) out.email = d.email.trim();
  return out;
}
