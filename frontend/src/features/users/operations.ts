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

/** One row of the "Team" view (seed 003): identity, roles, last sign-in, and what the row menu may do. */
export const TeamRowFragment = graphql(`
  fragment TeamRow on User {
    id
    kind
    username
    givenName
    familyName
    email
    status
    version
    lastSignInAt
    viewerCan {
      changeStatus
      resetCredentials
    }
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

/** A page of the "Team" view: every member once, in the chosen server-side order. */
export const UsersTeamQuery = graphql(`
  query UsersTeam($filter: UserFilter, $orderBy: UserOrder, $first: Int, $after: String, $last: Int, $before: String) {
    users(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
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
          ...TeamRow
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

/** The name of the tenant the list is filtered on, and the products it has joined (its product tabs). */
export const UsersTenantQuery = graphql(`
  query UsersTenant($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Tenant {
        name
        products {
          id
        }
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
        gender
        birthDate
        language
        timeZone
        status
        version
        createdAt
        updatedAt
        viewerCan {
          changeStatus
          editIdentity
          editNames
          editPreferences
          resetCredentials
        }
        homeTenant {
          id
          name
        }
        memberships {
          id
          createdAt
          assignableProducts {
            id
            name
            roles {
              id
              name
              category
              requiresNomination
            }
          }
          viewerCanDetach
          products {
            product {
              id
            }
            groups {
              id
              name
            }
            assignableGroups {
              id
              name
            }
            viewerCanManage
            assignableRoles {
              id
              name
              category
            }
            assignableLevels {
              id
              name
              requiresSite
            }
          }
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
            viewerCanManage
            product {
              id
              code
              name
              singleLevel
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


/** Suspends one role assignment (R10). */
export const SuspendRoleAssignmentMutation = graphql(`
  mutation SuspendRoleAssignment($input: RoleAssignmentInput!) {
    suspendRoleAssignment(input: $input) {
      roleAssignment {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Reactivates a suspended role assignment (R10). */
export const ReactivateRoleAssignmentMutation = graphql(`
  mutation ReactivateRoleAssignment($input: RoleAssignmentInput!) {
    reactivateRoleAssignment(input: $input) {
      roleAssignment {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Removes one role assignment (R10). */
export const RemoveRoleAssignmentMutation = graphql(`
  mutation RemoveRoleAssignment($input: RoleAssignmentInput!) {
    removeRoleAssignment(input: $input) {
      removedRoleAssignmentId
      membershipRemoved
      userDeleted
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Gives a member a role (R9): on a new product, or another role of the same category. */
export const AssignRoleMutation = graphql(`
  mutation AssignRole($input: AssignRoleInput!) {
    assignRole(input: $input) {
      roleAssignment {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Suspends a whole account (R5). */
export const SuspendUserMutation = graphql(`
  mutation SuspendUser($input: UserStatusInput!) {
    suspendUser(input: $input) {
      user {
        id
        status
        version
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Reactivates a suspended account (R5). */
export const ReactivateUserMutation = graphql(`
  mutation ReactivateUser($input: UserStatusInput!) {
    reactivateUser(input: $input) {
      user {
        id
        status
        version
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Live changes the users list and the profile refetch on (R28). */
export const ChangesSubscription = graphql(`
  subscription Changes($tenantIds: [ID!]) {
    changes(tenantIds: $tenantIds) {
      cursor
      type
      subjectType
      subjectId
    }
  }
`);

/** Tenants the viewer sees, for the add-user wizard's choice. */
export const AddUserTenantsQuery = graphql(`
  query AddUserTenants {
    tenants(first: 100) {
      nodes {
        id
        name
        viewerCan {
          manageableProducts {
            id
          }
        }
      }
    }
  }
`);

/** R1's first step: who has this username and tax code. */
export const LookupUserCandidateMutation = graphql(`
  mutation LookupUserCandidate($input: LookupUserCandidateInput!) {
    lookupUserCandidate(input: $input) {
      outcome
      existingUsername
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

/** Creates an INVITED person with one role and emails the invitation (R1, R14). */
export const CreateUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      user {
        id
        username
        email
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Attaches the existing account with this username and tax code (R1). */
export const AttachExistingUserMutation = graphql(`
  mutation AttachExistingUser($input: AttachExistingUserInput!) {
    attachExistingUser(input: $input) {
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

/** Edits a user's identity and preferences (R3, R4, R7). */
export const UpdateUserProfileMutation = graphql(`
  mutation UpdateUserProfile($input: UpdateUserProfileInput!) {
    updateUserProfile(input: $input) {
      user {
        id
        givenName
        familyName
        taxCode
        language
        timeZone
        version
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Attaches the user to another site of the organisation with one role (R8). */
export const AttachUserToTenantMutation = graphql(`
  mutation AttachUserToTenant($input: AttachUserToTenantInput!) {
    attachUserToTenant(input: $input) {
      membership {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Detaches the user from a site, ending its roles there (R8, R10). */
/** "Delete this user from my tenant" (seed 004): every role there ends; an account left without a tenant is deleted (R10). */
export const RemoveUserFromTenantMutation = graphql(`
  mutation RemoveUserFromTenant($input: RemoveUserFromTenantInput!) {
    removeUserFromTenant(input: $input) {
      detachedMembershipId
      userDeleted
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const DetachUserFromTenantMutation = graphql(`
  mutation DetachUserFromTenant($input: DetachUserFromTenantInput!) {
    detachUserFromTenant(input: $input) {
      detachedMembershipId
      userDeleted
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** The products and roles the viewer may give in a tenant: add a user (R1), attach one to a site (R8). */
export const TenantManageableProductsQuery = graphql(`
  query TenantManageableProducts($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Tenant {
        name
        viewerCan {
          manageableProducts {
            id
            name
            roles {
              id
              name
              category
              requiresNomination
            }
          }
        }
      }
    }
  }
`);

/** Administrator credential actions (R13, R14, R16, R17). */
export const UnlockUserMutation = graphql(`
  mutation UnlockUser($input: UnlockUserInput!) {
    unlockUser(input: $input) {
      user {
        id
        status
        version
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const AdminResetPasswordMutation = graphql(`
  mutation AdminResetPassword($input: AdminResetPasswordInput!) {
    adminResetPassword(input: $input) {
      user {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const AdminResetSecondFactorMutation = graphql(`
  mutation AdminResetSecondFactor($input: AdminResetSecondFactorInput!) {
    adminResetSecondFactor(input: $input) {
      user {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ResendInvitationMutation = graphql(`
  mutation ResendInvitation($input: ResendInvitationInput!) {
    resendInvitation(input: $input) {
      user {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Suspends the selected users of the "Team" view (partial success). */
export const SuspendUsersMutation = graphql(`
  mutation SuspendUsers($input: BulkUsersInput!) {
    suspendUsers(input: $input) {
      succeeded {
        id
        status
        version
      }
      userErrors {
        ...BulkUserErrorFields
      }
    }
  }
`);

/** Reactivates the selected users of the "Team" view (partial success). */
export const ReactivateUsersMutation = graphql(`
  mutation ReactivateUsers($input: BulkUsersInput!) {
    reactivateUsers(input: $input) {
      succeeded {
        id
        status
        version
      }
      userErrors {
        ...BulkUserErrorFields
      }
    }
  }
`);

/** Removes the selected users from the tenant (R10; partial success). */
export const RemoveUsersFromTenantMutation = graphql(`
  mutation RemoveUsersFromTenant($input: BulkUsersInput!) {
    removeUsersFromTenant(input: $input) {
      removedUserIds
      deletedUserIds
      userErrors {
        ...BulkUserErrorFields
      }
    }
  }
`);
