import { graphql } from '../../gql';

/** Creates the first platform administrator with the one-time setup token. */
export const BootstrapPlatformAdminMutation = graphql(`
  mutation BootstrapPlatformAdmin($input: BootstrapPlatformAdminInput!) {
    bootstrapPlatformAdmin(input: $input) {
      user {
        id
        username
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
