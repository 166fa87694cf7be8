import type { CombinedError } from '@urql/core';

/** A query's refusal of one of its arguments: `extensions.field` / `reason` of a BAD_USER_INPUT error. */
export interface InputError {
  /** The argument's path as the API names it (`filter.ip`, `period`). */
  field: string;
  /** INVALID_FILTER, INVALID_PERIOD… */
  reason: string;
  message: string;
}

/** The first GraphQL error that names an argument, if any (else the caller shows the error as a whole). */
export function inputError(error: CombinedError | undefined): InputError | null {
  for (const e of error?.graphQLErrors ?? []) {
    const field = e.extensions?.['field'];
    const reason = e.extensions?.['reason'];
    if (typeof field === 'string' && field !== '') {
      return { field, reason: typeof reason === 'string' ? reason : '', message: e.message };
    }
  }
  return null;
}
