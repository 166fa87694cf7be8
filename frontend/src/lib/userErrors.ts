/** A mutation's business-rule failure (`userErrors { field code message }`, SPEC §4). */
export interface UserErrorLike {
  readonly field: readonly string[];
  readonly code: string;
  readonly message: string;
}

/**
 * The form field a user error belongs to: its path without the leading
 * `input` (`['input', 'username']` → `'username'`, nested paths joined with
 * dots); the empty string for the input as a whole.
 */
export function fieldOf(error: UserErrorLike): string {
  const path = error.field[0] === 'input' ? error.field.slice(1) : error.field;
  return path.join('.');
}

/** The first error of each field, in the order the API reported them; `''` holds form-level errors. */
export function errorsByField(errors: readonly UserErrorLike[]): Map<string, UserErrorLike> {
  const out = new Map<string, UserErrorLike>();
  for (const e of errors) {
    const field = fieldOf(e);
    if (!out.has(field)) out.set(field, e);
  }
  return out;
}
