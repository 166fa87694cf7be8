import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../i18n/catalogs';
import { createTranslator } from '../i18n/translate';
import { mutationOutcome, outcomeMessage } from './mutationOutcome';
import type { MaskedUserErrors } from './userErrors';

const t = createTranslator(catalogs.en);

/** userErrors as a document's UserErrorFields spread returns them (masked types). */
const masked = (errors: { field: string[]; code: string; message: string }[]) => errors as unknown as MaskedUserErrors;

describe('mutationOutcome', () => {
  it('OK: the payload when there are no userErrors', () => {
    const payload = { userErrors: [], group: { id: 'g' } };
    expect(mutationOutcome(t, {}, payload)).toEqual({ ok: true, payload });
  });

  it('userErrors go next to their field, translated; unknown codes keep the API message', () => {
    const out = mutationOutcome(t, {}, {
      userErrors: masked([
        { field: ['input', 'name'], code: 'GROUP_NAME_TAKEN', message: 'taken' },
        { field: ['input', 'name'], code: 'INVALID_NAME', message: 'second error of the same field is dropped' },
        { field: ['input', 'legalRepresentative', 'taxCode'], code: 'INVALID_TAX_CODE', message: 'bad' },
        { field: [], code: 'SOMETHING_NEW', message: 'The API says why.' },
      ]),
    });
    expect(out).toEqual({
      ok: false,
      code: 'GROUP_NAME_TAKEN',
      formError: 'The API says why.',
      fieldErrors: {
        name: 'A group of this product already has this name.',
        'legalRepresentative.taxCode': catalogs.en['userError.INVALID_TAX_CODE'],
      },
    });
  });

  it('errors on fields the form does not show join the form-level message', () => {
    const out = mutationOutcome(
      t,
      {},
      {
        userErrors: masked([
          { field: ['input', 'name'], code: 'INVALID_NAME', message: 'x' },
          { field: ['input', 'expectedVersion'], code: 'CONFLICT', message: 'stale' },
        ]),
      },
      ['name'],
    );
    expect(out).toEqual({
      ok: false,
      code: 'INVALID_NAME',
      formError: catalogs.en['userError.CONFLICT'],
      fieldErrors: { name: catalogs.en['userError.INVALID_NAME'] },
    });
  });

  it('a GraphQL error is a form-level message with its code', () => {
    const error = new CombinedError({ graphQLErrors: [new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } })] });
    expect(mutationOutcome(t, { error }, undefined)).toEqual({
      ok: false,
      code: 'FORBIDDEN',
      formError: catalogs.en['error.FORBIDDEN'],
      fieldErrors: {},
    });
  });

  it('no payload and no error: unknown', () => {
    const out = mutationOutcome(t, {}, null);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.code).toBe('UNKNOWN');
  });
});

describe('outcomeMessage', () => {
  it('the form-level message first, else the first field message, else unknown', () => {
    expect(outcomeMessage(t, { formError: 'form', fieldErrors: { name: 'field' } })).toBe('form');
    expect(outcomeMessage(t, { formError: null, fieldErrors: { name: 'field' } })).toBe('field');
    expect(outcomeMessage(t, { formError: null, fieldErrors: {} })).toBe(catalogs.en['error.UNKNOWN']);
  });
});
