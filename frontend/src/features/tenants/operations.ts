import { graphql } from '../../gql';

/** One row of the tenants table. */
export const TenantRowFragment = graphql(`
  fragment TenantRow on Tenant {
    id
    name
    country
    parent {
      id
      name
    }
  }
`);

/** A page of the tenants the viewer may see, ordered by name. */
export const TenantsPageQuery = graphql(`
  query TenantsPage($first: Int!, $after: String) {
    tenants(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          ...TenantRow
        }
      }
    }
  }
`);
