import type { CombinedError } from '@urql/core';
import type { Translate } from '../i18n/translate';
import { describeUserError } from './describeUserError';
import { errorCode, type ErrorCode } from './graphql/errors';
import { errorsByField, userErrorsOf, type MaskedUserErrors } from './userErrors';

/** What a mutation's answer means for a form: the payload, or the messages to show and where. */
export type Outcome<P> =
  | { ok: true; payload: P }
  | {
      ok: false;
      /** A message for the form as a whole (request failures and userErrors without a field). */
      formError: string | null;
      /** One message per input field (`'name'`, `'expectedVersion'`), from the userErrors. */
      fieldErrors: Record<string, string>;
      /** The first userError's code, or the GraphQL error's extensions.code. */
      code: string;
    };

/**
 * Reads a mutation's result: a GraphQL error becomes a form-level message,
 * userErrors are explained per field (in the interface language when the
 * catalog knows the code, else the API's message). With `fields`, the form
 * shows only those inputs: an error on any other field joins the form-level
 * message, so that no error goes unseen.
 */
export function mutationOutcome<P extends { userErrors: MaskedUserErrors }>(
  t: Translate,
  result: { error?: CombinedError | undefined },
  payload: P | null | undefined,
  fields?: readonly string[],
): Outcome<P> {
  if (result.error || !payload) {
    const code: ErrorCode = result.error ? errorCode(result.error) : 'UNKNOWN';
    return { ok: false, formError: t(`error.${code}`), fieldErrors: {}, code };
  }
  const userErrors = userErrorsOf(payload.userErrors);
  if (userErrors.length === 0) return { ok: true, payload };
  const fieldErrors: Record<string, string> = {};
  let formError: string | null = null;
  const elsewhere: string[] = [];
  for (const [field, e] of errorsByField(userErrors)) {
    if (field === '') formError = describeUserError(t, e);
    else if (fields && !fields.includes(field)) elsewhere.push(describeUserError(t, e));
    else fieldErrors[field] = describeUserError(t, e);
  }
  if (elsewhere.length > 0) formError = [formError, ...elsewhere].filter(Boolean).join(' ');
  return { ok: false, formError, fieldErrors, code: userErrors[0]?.code ?? 'UNKNOWN' };
}

/**
 * A failed outcome as one message, for a place that shows only one (a
 * dialog, a card): the form-level message, else the first field's.
 */
export function outcomeMessage(t: Translate, failed: { formError: string | null; fieldErrors: Record<string, string> }): string {
  return failed.formError ?? Object.values(failed.fieldErrors)[0] ?? t('error.UNKNOWN');
}
