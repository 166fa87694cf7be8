import { graphql } from '../../gql';

/** A tenant's password lifetime and the platform's bounds on it (issue 16.4). */
export const TenantPasswordLifetimeQuery = graphql(`
  query TenantPasswordLifetime($tenantId: ID!) {
    node(id: $tenantId) {
      __typename
      id
      ... on Tenant {
        name
        version
        passwordMaxAgeDays
        passwordLifetimeBounds {
          minDays
          maxDays
        }
        viewerCan {
          update
        }
      }
    }
  }
`);

/** Sets a tenant's password lifetime (0: passwords do not expire). */
export const UpdateTenantPasswordLifetimeMutation = graphql(`
  mutation UpdateTenantPasswordLifetime($input: UpdateTenantInput!) {
    updateTenant(input: $input) {
      tenant {
        id
        version
        passwordMaxAgeDays
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** A tenant's failed sign-ins, newest first, filtered (issue 16.6). */
export const TenantFailedLoginsQuery = graphql(`
  query TenantFailedLogins($tenantId: ID!, $first: Int, $after: String, $filter: FailedLoginFilter) {
    node(id: $tenantId) {
      __typename
      id
      ... on Tenant {
        name
        failedLogins(first: $first, after: $after, filter: $filter) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            at
            ip
            userAgent
            operatingSystem
            browser
            reason
            user {
              id
              username
            }
          }
        }
      }
    }
  }
`);

/** The name of the user a filter is set on. */
export const FailedLoginsUserQuery = graphql(`
  query FailedLoginsUser($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on User {
        username
      }
    }
  }
`);

/** A month's digest as the email carries it, not sent (issue 16.5). */
export const MonthlyDigestQuery = graphql(`
  query MonthlyDigest($tenantId: ID!, $period: String!) {
    node(id: $tenantId) {
      __typename
      id
      ... on Tenant {
        name
        monthlyDigest(period: $period) {
          period
          until
          complete
          subject
          text
          sentTo
          sentAt
          products {
            product {
              id
              name
            }
            added
            noLongerActive
            inactive
            inactiveUsernames
          }
        }
      }
    }
  }
`);

/** The country of a tenant: the add-user wizard's default tax-code country (issue 16.8). */
export const TenantCountryQuery = graphql(`
  query TenantCountry($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Tenant {
        country
      }
    }
  }
`);
