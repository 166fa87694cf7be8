/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment CatalogRole on Role {\n    id\n    code\n    name\n    category\n    permissions\n    requiresNomination\n    personalDataAccess\n    requiresSite\n  }\n": typeof types.CatalogRoleFragmentDoc,
    "\n  query ProductCatalog {\n    products {\n      id\n      code\n      name\n      description\n      roles {\n        id\n        ...CatalogRole\n      }\n    }\n  }\n": typeof types.ProductCatalogDocument,
    "\n  mutation BootstrapPlatformAdmin($input: BootstrapPlatformAdminInput!) {\n    bootstrapPlatformAdmin(input: $input) {\n      user {\n        id\n        username\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": typeof types.BootstrapPlatformAdminDocument,
    "\n  fragment TenantTreeItem on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n    }\n    children(first: 1) {\n      totalCount\n    }\n    users(first: 1) {\n      totalCount\n    }\n  }\n": typeof types.TenantTreeItemFragmentDoc,
    "\n  query TenantRoots($first: Int!, $after: String) {\n    tenants(rootsOnly: true, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n": typeof types.TenantRootsDocument,
    "\n  query VisibleTenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n": typeof types.VisibleTenantsDocument,
    "\n  query TenantChildren($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        children(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            id\n            ...TenantTreeItem\n          }\n        }\n      }\n    }\n  }\n": typeof types.TenantChildrenDocument,
    "\n  fragment UserListRow on User {\n    id\n    kind\n    username\n    givenName\n    familyName\n    email\n    taxCode\n    status\n    memberships {\n      id\n      tenant {\n        id\n        name\n      }\n      roleAssignments {\n        id\n        status\n        product {\n          id\n          name\n        }\n        role {\n          id\n          name\n          category\n        }\n      }\n    }\n  }\n": typeof types.UserListRowFragmentDoc,
    "\n  query UsersList($filter: UserFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    users(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...UserListRow\n        }\n      }\n    }\n  }\n": typeof types.UsersListDocument,
    "\n  query UsersProducts {\n    products {\n      id\n      name\n      roles {\n        id\n        name\n        category\n      }\n    }\n  }\n": typeof types.UsersProductsDocument,
    "\n  query UsersTenant($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        name\n      }\n    }\n  }\n": typeof types.UsersTenantDocument,
    "\n  query UserProfile($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on User {\n        uid\n        kind\n        username\n        taxCode\n        givenName\n        familyName\n        nameVerified\n        email\n        emailVerified\n        phone\n        language\n        timeZone\n        status\n        version\n        createdAt\n        updatedAt\n        homeTenant {\n          id\n          name\n        }\n        memberships {\n          id\n          createdAt\n          tenant {\n            id\n            name\n            country\n            parent {\n              id\n              name\n            }\n          }\n          roleAssignments {\n            id\n            status\n            createdAt\n            product {\n              id\n              code\n              name\n            }\n            role {\n              id\n              code\n              name\n              category\n              requiresNomination\n              personalDataAccess\n              requiresSite\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.UserProfileDocument,
    "\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n        timeZone\n      }\n    }\n  }\n": typeof types.ViewerDocument,
};
const documents: Documents = {
    "\n  fragment CatalogRole on Role {\n    id\n    code\n    name\n    category\n    permissions\n    requiresNomination\n    personalDataAccess\n    requiresSite\n  }\n": types.CatalogRoleFragmentDoc,
    "\n  query ProductCatalog {\n    products {\n      id\n      code\n      name\n      description\n      roles {\n        id\n        ...CatalogRole\n      }\n    }\n  }\n": types.ProductCatalogDocument,
    "\n  mutation BootstrapPlatformAdmin($input: BootstrapPlatformAdminInput!) {\n    bootstrapPlatformAdmin(input: $input) {\n      user {\n        id\n        username\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n": types.BootstrapPlatformAdminDocument,
    "\n  fragment TenantTreeItem on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n    }\n    children(first: 1) {\n      totalCount\n    }\n    users(first: 1) {\n      totalCount\n    }\n  }\n": types.TenantTreeItemFragmentDoc,
    "\n  query TenantRoots($first: Int!, $after: String) {\n    tenants(rootsOnly: true, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n": types.TenantRootsDocument,
    "\n  query VisibleTenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n": types.VisibleTenantsDocument,
    "\n  query TenantChildren($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        children(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            id\n            ...TenantTreeItem\n          }\n        }\n      }\n    }\n  }\n": types.TenantChildrenDocument,
    "\n  fragment UserListRow on User {\n    id\n    kind\n    username\n    givenName\n    familyName\n    email\n    taxCode\n    status\n    memberships {\n      id\n      tenant {\n        id\n        name\n      }\n      roleAssignments {\n        id\n        status\n        product {\n          id\n          name\n        }\n        role {\n          id\n          name\n          category\n        }\n      }\n    }\n  }\n": types.UserListRowFragmentDoc,
    "\n  query UsersList($filter: UserFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    users(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...UserListRow\n        }\n      }\n    }\n  }\n": types.UsersListDocument,
    "\n  query UsersProducts {\n    products {\n      id\n      name\n      roles {\n        id\n        name\n        category\n      }\n    }\n  }\n": types.UsersProductsDocument,
    "\n  query UsersTenant($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        name\n      }\n    }\n  }\n": types.UsersTenantDocument,
    "\n  query UserProfile($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on User {\n        uid\n        kind\n        username\n        taxCode\n        givenName\n        familyName\n        nameVerified\n        email\n        emailVerified\n        phone\n        language\n        timeZone\n        status\n        version\n        createdAt\n        updatedAt\n        homeTenant {\n          id\n          name\n        }\n        memberships {\n          id\n          createdAt\n          tenant {\n            id\n            name\n            country\n            parent {\n              id\n              name\n            }\n          }\n          roleAssignments {\n            id\n            status\n            createdAt\n            product {\n              id\n              code\n              name\n            }\n            role {\n              id\n              code\n              name\n              category\n              requiresNomination\n              personalDataAccess\n              requiresSite\n            }\n          }\n        }\n      }\n    }\n  }\n": types.UserProfileDocument,
    "\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n        timeZone\n      }\n    }\n  }\n": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CatalogRole on Role {\n    id\n    code\n    name\n    category\n    permissions\n    requiresNomination\n    personalDataAccess\n    requiresSite\n  }\n"): (typeof documents)["\n  fragment CatalogRole on Role {\n    id\n    code\n    name\n    category\n    permissions\n    requiresNomination\n    personalDataAccess\n    requiresSite\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProductCatalog {\n    products {\n      id\n      code\n      name\n      description\n      roles {\n        id\n        ...CatalogRole\n      }\n    }\n  }\n"): (typeof documents)["\n  query ProductCatalog {\n    products {\n      id\n      code\n      name\n      description\n      roles {\n        id\n        ...CatalogRole\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BootstrapPlatformAdmin($input: BootstrapPlatformAdminInput!) {\n    bootstrapPlatformAdmin(input: $input) {\n      user {\n        id\n        username\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation BootstrapPlatformAdmin($input: BootstrapPlatformAdminInput!) {\n    bootstrapPlatformAdmin(input: $input) {\n      user {\n        id\n        username\n      }\n      userErrors {\n        field\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TenantTreeItem on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n    }\n    children(first: 1) {\n      totalCount\n    }\n    users(first: 1) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  fragment TenantTreeItem on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n    }\n    children(first: 1) {\n      totalCount\n    }\n    users(first: 1) {\n      totalCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantRoots($first: Int!, $after: String) {\n    tenants(rootsOnly: true, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n"): (typeof documents)["\n  query TenantRoots($first: Int!, $after: String) {\n    tenants(rootsOnly: true, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VisibleTenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n"): (typeof documents)["\n  query VisibleTenants($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        ...TenantTreeItem\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantChildren($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        children(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            id\n            ...TenantTreeItem\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TenantChildren($id: ID!, $first: Int!, $after: String) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        children(first: $first, after: $after) {\n          totalCount\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n          nodes {\n            id\n            ...TenantTreeItem\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserListRow on User {\n    id\n    kind\n    username\n    givenName\n    familyName\n    email\n    taxCode\n    status\n    memberships {\n      id\n      tenant {\n        id\n        name\n      }\n      roleAssignments {\n        id\n        status\n        product {\n          id\n          name\n        }\n        role {\n          id\n          name\n          category\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment UserListRow on User {\n    id\n    kind\n    username\n    givenName\n    familyName\n    email\n    taxCode\n    status\n    memberships {\n      id\n      tenant {\n        id\n        name\n      }\n      roleAssignments {\n        id\n        status\n        product {\n          id\n          name\n        }\n        role {\n          id\n          name\n          category\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersList($filter: UserFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    users(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...UserListRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsersList($filter: UserFilter, $first: Int, $after: String, $last: Int, $before: String) {\n    users(filter: $filter, first: $first, after: $after, last: $last, before: $before) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...UserListRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersProducts {\n    products {\n      id\n      name\n      roles {\n        id\n        name\n        category\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsersProducts {\n    products {\n      id\n      name\n      roles {\n        id\n        name\n        category\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersTenant($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsersTenant($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on Tenant {\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserProfile($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on User {\n        uid\n        kind\n        username\n        taxCode\n        givenName\n        familyName\n        nameVerified\n        email\n        emailVerified\n        phone\n        language\n        timeZone\n        status\n        version\n        createdAt\n        updatedAt\n        homeTenant {\n          id\n          name\n        }\n        memberships {\n          id\n          createdAt\n          tenant {\n            id\n            name\n            country\n            parent {\n              id\n              name\n            }\n          }\n          roleAssignments {\n            id\n            status\n            createdAt\n            product {\n              id\n              code\n              name\n            }\n            role {\n              id\n              code\n              name\n              category\n              requiresNomination\n              personalDataAccess\n              requiresSite\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserProfile($id: ID!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on User {\n        uid\n        kind\n        username\n        taxCode\n        givenName\n        familyName\n        nameVerified\n        email\n        emailVerified\n        phone\n        language\n        timeZone\n        status\n        version\n        createdAt\n        updatedAt\n        homeTenant {\n          id\n          name\n        }\n        memberships {\n          id\n          createdAt\n          tenant {\n            id\n            name\n            country\n            parent {\n              id\n              name\n            }\n          }\n          roleAssignments {\n            id\n            status\n            createdAt\n            product {\n              id\n              code\n              name\n            }\n            role {\n              id\n              code\n              name\n              category\n              requiresNomination\n              personalDataAccess\n              requiresSite\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n        timeZone\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n        timeZone\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;