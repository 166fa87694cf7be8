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
    "\n  fragment TenantRow on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n      name\n    }\n  }\n": typeof types.TenantRowFragmentDoc,
    "\n  query TenantsPage($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow\n        }\n      }\n    }\n  }\n": typeof types.TenantsPageDocument,
    "\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n      }\n    }\n  }\n": typeof types.ViewerDocument,
};
const documents: Documents = {
    "\n  fragment TenantRow on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n      name\n    }\n  }\n": types.TenantRowFragmentDoc,
    "\n  query TenantsPage($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow\n        }\n      }\n    }\n  }\n": types.TenantsPageDocument,
    "\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n      }\n    }\n  }\n": types.ViewerDocument,
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
export function graphql(source: "\n  fragment TenantRow on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment TenantRow on Tenant {\n    id\n    name\n    country\n    parent {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantsPage($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TenantsPage($first: Int!, $after: String) {\n    tenants(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          id\n          ...TenantRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n      }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      platformAdmin\n      user {\n        id\n        username\n        language\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;