import { graphql } from '../../gql';

/** A page of the audit trail (R26), newest first. */
export const AuditEventsQuery = graphql(`
  query AuditEvents($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        action
        actorLabel
        actor {
          id
        }
        tenant {
          id
          name
        }
        targetType
        targetId
        before
        after
        ip
        requestId
        createdAt
      }
    }
  }
`);

/** Failed sign-ins of one user (R23), newest first. */
export const FailedLoginsQuery = graphql(`
  query FailedLogins($id: ID!, $first: Int, $after: String) {
    node(id: $id) {
      __typename
      id
      ... on User {
        username
        failedLogins(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            at
            ip
            userAgent
            browser
            operatingSystem
            reason
          }
        }
      }
    }
  }
`);
