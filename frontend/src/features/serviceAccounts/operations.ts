import { graphql } from '../../gql';

/** A tenant's service accounts (R27) and their tokens (metadata only). */
export const ServiceAccountsQuery = graphql(`
  query ServiceAccounts($tenantId: ID!) {
    node(id: $tenantId) {
      __typename
      id
      ... on Tenant {
        name
        serviceAccounts(first: 100) {
          totalCount
          nodes {
            id
            uid
            username
            description
            status
            createdAt
            user {
              id
            }
            tokens {
              id
              name
              hint
              status
              createdAt
              expiresAt
              lastUsedAt
              revokedAt
            }
          }
        }
      }
    }
  }
`);

export const CreateServiceAccountMutation = graphql(`
  mutation CreateServiceAccount($input: CreateServiceAccountInput!) {
    createServiceAccount(input: $input) {
      serviceAccount {
        id
        username
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const CreateServiceAccountTokenMutation = graphql(`
  mutation CreateServiceAccountToken($input: CreateServiceAccountTokenInput!) {
    createServiceAccountToken(input: $input) {
      token {
        id
        name
        hint
        expiresAt
      }
      secret
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const RotateServiceAccountTokenMutation = graphql(`
  mutation RotateServiceAccountToken($input: RotateServiceAccountTokenInput!) {
    rotateServiceAccountToken(input: $input) {
      token {
        id
        name
        hint
        expiresAt
      }
      secret
      previousToken {
        id
        expiresAt
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const RevokeServiceAccountTokenMutation = graphql(`
  mutation RevokeServiceAccountToken($input: RevokeServiceAccountTokenInput!) {
    revokeServiceAccountToken(input: $input) {
      token {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
