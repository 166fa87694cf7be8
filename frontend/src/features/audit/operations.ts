import { graphql } from '../../gql';

/** Every action code the server records, for the action filter. */
export const AuditActionsQuery = graphql(`
  query AuditActions {
    auditActions
  }
`);

/** A user's history: every change about them, newest first. */
export const UserHistoryQuery = graphql(`
  query UserHistory($userId: ID!, $first: Int, $after: String) {
    auditEvents(filter: { aboutUserId: $userId }, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        action
        actorLabel
        actorName
        actor {
          id
        }
        subjectLabel
        objectLabel
        subjectUser {
          id
        }
        tenant {
          id
          name
        }
        targetType
        targetId
        createdAt
      }
    }
  }
`);

/** The name of the user a history is filtered on. */
export const AuditUserQuery = graphql(`
  query AuditUser($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on User {
        username
        givenName
        familyName
      }
    }
  }
`);

/** A page of the audit trail (R26), newest first. */
export const AuditEventsQuery = graphql(`
  query AuditEvents($filter: AuditEventFilter, $orderBy: AuditEventOrder, $first: Int, $after: String) {
    auditEvents(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        action
        actorLabel
        actorName
        actor {
          id
        }
        subjectLabel
        objectLabel
        subjectUser {
          id
        }
        tenant {
          id
          name
        }
        targetType
        targetId
        createdAt
        changes {
          field
          hidden
          oldValue
          newValue
        }
        ip
        requestId
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
