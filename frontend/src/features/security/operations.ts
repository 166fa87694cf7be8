import { graphql } from '../../gql';

/** One category of security findings. */
export const SecurityFindingListFragment = graphql(`
  fragment SecurityFindingList on SecurityFindingConnection {
    totalCount
    nodes {
      reasons
      user {
        id
        username
        givenName
        familyName
        status
      }
    }
  }
`);

/** The security findings of a tenant's members (R22). */
export const SecurityFindingsQuery = graphql(`
  query SecurityFindings($tenantId: ID!) {
    securityFindings(tenantId: $tenantId) {
      tenant {
        id
        name
      }
      notActivated(first: 100) {
        ...SecurityFindingList
      }
      blocked(first: 100) {
        ...SecurityFindingList
      }
      locked(first: 100) {
        ...SecurityFindingList
      }
      suspended(first: 100) {
        ...SecurityFindingList
      }
    }
  }
`);
