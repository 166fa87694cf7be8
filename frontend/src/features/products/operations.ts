import { graphql } from '../../gql';

/** A role as the catalog page and the filters show it. */
export const CatalogRoleFragment = graphql(`
  fragment CatalogRole on Role {
    id
    code
    name
    category
    permissions
    requiresNomination
    personalDataAccess
    requiresSite
  }
`);

/** The products of the platform and their roles, administrators first. */
export const ProductCatalogQuery = graphql(`
  query ProductCatalog {
    products {
      id
      code
      name
      description
      singleLevel
      roles {
        id
        ...CatalogRole
      }
    }
  }
`);
