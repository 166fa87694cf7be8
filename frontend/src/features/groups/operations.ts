import { graphql } from '../../gql';

/** A tenant's groups (R11) with their members, and the products the viewer may create groups on. */
export const TenantGroupsQuery = graphql(`
  query TenantGroups($tenantId: ID!) {
    node(id: $tenantId) {
      __typename
      id
      ... on Tenant {
        name
        viewerCan {
          manageableProducts {
            id
            name
          }
        }
        groups(includeInactive: true) {
          id
          name
          active
          version
          product {
            id
            name
          }
          members(first: 100) {
            totalCount
            nodes {
              id
              username
              givenName
              familyName
            }
          }
        }
      }
    }
  }
`);

export const CreateGroupMutation = graphql(`
  mutation CreateGroup($input: CreateGroupInput!) {
    createGroup(input: $input) {
      group {
        id
        name
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateGroupMutation = graphql(`
  mutation UpdateGroup($input: UpdateGroupInput!) {
    updateGroup(input: $input) {
      group {
        id
        name
        active
        version
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteGroupMutation = graphql(`
  mutation DeleteGroup($input: DeleteGroupInput!) {
    deleteGroup(input: $input) {
      deletedGroupId
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const AddUserToGroupMutation = graphql(`
  mutation AddUserToGroup($input: GroupMemberInput!) {
    addUserToGroup(input: $input) {
      group {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const RemoveUserFromGroupMutation = graphql(`
  mutation RemoveUserFromGroup($input: GroupMemberInput!) {
    removeUserFromGroup(input: $input) {
      group {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Users of the tenant with a role on the product: who may join one of its groups. */
export const GroupCandidatesQuery = graphql(`
  query GroupCandidates($tenantId: ID!, $productId: ID!) {
    users(filter: { tenantId: $tenantId, productId: $productId }, first: 100) {
      nodes {
        id
        username
        givenName
        familyName
      }
    }
  }
`);
