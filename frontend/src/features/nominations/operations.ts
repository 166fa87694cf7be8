import { graphql } from '../../gql';

/** The tenant's recorded legal representative and certified address, to start a nomination (R20). */
export const NominationTenantQuery = graphql(`
  query NominationTenant($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Tenant {
        name
        certifiedEmail
        legalRepresentative {
          givenName
          familyName
          taxCode
          email
        }
      }
    }
  }
`);

export const NominationFieldsFragment = graphql(`
  fragment NominationFields on Nomination {
    id
    reference
    status
    sentTo
    requestedAt
    expiresAt
    decidedAt
    reason
    role {
      id
      name
    }
    product {
      id
      name
    }
    user {
      id
      username
    }
    legalRepresentative {
      givenName
      familyName
    }
  }
`);

/** Starts the nomination of an administrator (R20). */
export const StartNominationMutation = graphql(`
  mutation StartNomination($input: StartNominationInput!) {
    startNomination(input: $input) {
      nomination {
        ...NominationFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Cancels a pending nomination (administrator). */
export const CancelNominationMutation = graphql(`
  mutation CancelNomination($input: RejectNominationInput!) {
    rejectNomination(input: $input) {
      status
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** A tenant's nominations, newest first. */
export const NominationsQuery = graphql(`
  query Nominations($tenantId: ID!, $status: NominationStatus) {
    nominations(tenantId: $tenantId, status: $status, first: 50) {
      totalCount
      nodes {
        ...NominationFields
      }
    }
  }
`);
