import { graphql } from '../../gql';

/**
 * Changes a member's level on a single-level module (issue 16.2, seed 003):
 * the level held is replaced in one step.
 */
export const SetModuleLevelMutation = graphql(`
  mutation SetModuleLevel($input: SetModuleLevelInput!) {
    setModuleLevel(input: $input) {
      roleAssignment {
        id
        status
        role {
          id
          name
        }
      }
      previousRole {
        id
        name
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
