import { graphql } from '../../gql';

/** One node of the tenants tree: whether it has children, and how many users. */
export const TenantTreeItemFragment = graphql(`
  fragment TenantTreeItem on Tenant {
    id
    name
    country
    parent {
      id
    }
    children(first: 1) {
      totalCount
    }
    users(first: 1) {
      totalCount
    }
  }
`);

/** Top of the tree: tenants without a parent (head offices, holdings). */
export const TenantRootsQuery = graphql(`
  query TenantRoots($first: Int!, $after: String) {
    tenants(rootsOnly: true, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        ...TenantTreeItem
      }
    }
  }
`);

/**
 * Every visible tenant, for viewers who see no root (an administrator of a
 * site whose head office they may not see): the tree starts at the visible
 * tenants whose parent is hidden.
 */
export const VisibleTenantsQuery = graphql(`
  query VisibleTenants($first: Int!, $after: String) {
    tenants(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        ...TenantTreeItem
      }
    }
  }
`);

/** The direct children of one tenant, a page at a time. */
export const TenantChildrenQuery = graphql(`
  query TenantChildren($id: ID!, $first: Int!, $after: String) {
    node(id: $id) {
      __typename
      id
      ... on Tenant {
        children(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
            ...TenantTreeItem
          }
        }
      }
    }
  }
`);

/** Tenants for a tenant picker (audit, security, groups, service accounts), ordered by name. */
export const TenantOptionsQuery = graphql(`
  query TenantOptions($search: String) {
    tenants(search: $search, first: 100) {
      totalCount
      nodes {
        id
        name
        parent {
          id
          name
        }
      }
    }
  }
`);

/** A site (or, for platform staff, an organisation) under a parent (R8). */
export const CreateTenantMutation = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      tenant {
        id
        name
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
