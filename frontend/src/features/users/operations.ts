import { graphql } from '../../gql';

/** One row of the users list: identity (null when hidden, R12) and roles per product. */
export const UserListRowFragment = graphql(`
  fragment UserListRow on User {
    id
    kind
    username
    givenName
    familyName
    email
    taxCode
    status
    memberships {
      id
      tenant {
        id
        name
      }
      roleAssignments {
        id
        status
        product {
          id
          name
        }
        role {
          id
          name
          category
        }
      }
    }
  }
`);

/** A page of the users list (R21), filtered, ordered by username. */
export const UsersListQuery = graphql(`
  query UsersList($filter: UserFilter, $first: Int, $after: String, $last: Int, $before: String) {
    users(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      edges {
        cursor
        node {
          id
          ...UserListRow
        }
      }
    }
  }
`);

/** Products and their roles for the tabs and the role filter. */
export const UsersProductsQuery = graphql(`
  query UsersProducts {
    products {
      id
      name
      roles {
        id
        name
        category
      }
    }
  }
`);

/** The name of the tenant the list is filtered on. */
export const UsersTenantQuery = graphql(`
  query UsersTenant($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Tenant {
        name
      }
    }
  }
`);

/** A user's profile: identity card, product cards and sites. */
export const UserProfileQuery = graphql(`
  query UserProfile($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on User {
        uid
        kind
        username
        taxCode
        givenName
        familyName
        nameVerified
        email
        emailVerified
        phone
        language
        timeZone
        status
        version
        createdAt
        updatedAt
        homeTenant {
          id
          name
        }
        memberships {
          id
          createdAt
          tenant {
            id
            name
            country
            parent {
              id
              name
            }
          }
          roleAssignments {
            id
            status
            createdAt
            product {
              id
              code
              name
            }
            role {
              id
              code
              name
              category
              requiresNomination
              personalDataAccess
              requiresSite
            }
          }
        }
      }
    }
  }
`);
