import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, test } from 'vitest';
import { errorAt, errorCode } from './errors';

const at = (path: string[] | undefined, code: string) => new GraphQLError('x', { path, extensions: { code } });

describe('errorAt', () => {
  test('the errors of the root field named, not of the others', () => {
    const error = new CombinedError({ graphQLErrors: [at(['mySessions'], 'FORBIDDEN'), at(['other', 'x'], 'INTERNAL')] });
    const own = errorAt(error, 'mySessions');
    expect(own?.graphQLErrors).toHaveLength(1);
    expect(own && errorCode(own)).toBe('FORBIDDEN');
  });

  test('undefined when the field answered', () => {
    expect(errorAt(new CombinedError({ graphQLErrors: [at(['other'], 'FORBIDDEN')] }), 'mySessions')).toBeUndefined();
    expect(errorAt(undefined, 'mySessions')).toBeUndefined();
  });

  test('a request that failed as a whole concerns every field', () => {
    const network = new CombinedError({ networkError: new Error('offline') });
    expect(errorAt(network, 'mySessions')).toBe(network);
    const unplaced = new CombinedError({ graphQLErrors: [at(undefined, 'RATE_LIMITED')] });
    expect(errorAt(unplaced, 'mySessions')).toBe(unplaced);
  });
});
