import { CombinedError } from '@urql/core';

/** Error codes the UI explains; the API's `extensions.code` values (SPEC §4) plus NETWORK. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'CONFLICT',
  'BAD_USER_INPUT',
  'UNAVAILABLE',
  'INTERNAL',
  'NETWORK',
  'UNKNOWN',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

function fromStatus(status: number | undefined): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'UNAVAILABLE';
    default:
      return status !== undefined && status >= 500 ? 'INTERNAL' : 'NETWORK';
  }
}

/** The code to explain for a failed operation: the first known GraphQL error code, else the transport's. */
export function errorCode(error: CombinedError): ErrorCode {
  for (const e of error.graphQLErrors) {
    const code = e.extensions?.['code'];
    if (isErrorCode(code)) return code;
  }
  if (error.networkError || error.graphQLErrors.length === 0) {
    const response = error.response as { status?: number } | undefined;
    return fromStatus(response?.status);
  }
  return 'UNKNOWN';
}

/**
 * The part of a query's error that concerns one root field (by its alias):
 * root fields are nullable, so one that fails answers null with an error at
 * its path while the others still answer. Gives the errors whose path starts
 * at `field`, the whole error when the request failed as a whole (network,
 * HTTP status, an error without a path), undefined when `field` answered.
 */
export function errorAt(error: CombinedError | undefined, field: string): CombinedError | undefined {
  if (!error) return undefined;
  if (error.networkError || error.graphQLErrors.some((e) => !e.path || e.path.length === 0)) return error;
  const own = error.graphQLErrors.filter((e) => e.path?.[0] === field);
  if (own.length === 0) return undefined;
  if (own.length === error.graphQLErrors.length) return error;
  return new CombinedError({ graphQLErrors: own, response: error.response });
}
