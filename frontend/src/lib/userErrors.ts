import { getFragmentData, type FragmentType } from '../gql';
import type { UserErrorCode } from '../gql/graphql';
import { UserErrorFieldsFragmentDoc } from '../features/shared/operations';

/** A mutation's business-rule failure (the UserErrorFields fragment, SPEC §4). */
export interface UserErrorLike {
  readonly field: readonly string[];
  /** An API code (UserErrorCode), or a check of the form itself such as REQUIRED. */
  readonly code: UserErrorCode | (string & {});
  readonly message: string;
}

/** A payload's userErrors as the documents select them: `{ ...UserErrorFields }` (masked). */
export type MaskedUserErrors = readonly FragmentType<typeof UserErrorFieldsFragmentDoc>[];

/** The fields of a payload's userErrors (unmasks the UserErrorFields fragment). */
export function userErrorsOf(errors: MaskedUserErrors): readonly UserErrorLike[] {
  return getFragmentData(UserErrorFieldsFragmentDoc, errors);
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
