import { graphql } from '../../gql';

/**
 * The one selection of a mutation's userErrors (issue 14.8): every mutation
 * document spreads it, `userErrors { ...UserErrorFields }`, so that a field
 * added to the errors is added everywhere at once. `code` is the enum
 * UserErrorCode; `field` is the path of the input at fault. Read it with
 * `userErrorsOf` (lib/userErrors), which unmasks it.
 */
export const UserErrorFieldsFragmentDoc = graphql(`
  fragment UserErrorFields on UserError {
    field
    code
    message
  }
`);

/** The same for the bulk actions, whose errors also name the user. */
export const BulkUserErrorFieldsFragmentDoc = graphql(`
  fragment BulkUserErrorFields on BulkUserError {
    userId
    index
    field
    code
    message
  }
`);
