import { graphql } from '../../gql';

/** Signs in with a session cookie (tokenKind COOKIE, the default). */
export const LoginMutation = graphql(`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      viewer {
        user {
          id
          username
        }
      }
      totpEnrollmentRequired
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Sets a new password after PASSWORD_EXPIRED / PASSWORD_CHANGE_REQUIRED, and signs in. */
export const ChangeExpiredPasswordMutation = graphql(`
  mutation ChangeExpiredPassword($input: ChangeExpiredPasswordInput!) {
    changeExpiredPassword(input: $input) {
      viewer {
        user {
          id
          username
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Ends the current session. */
export const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ok
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** What an invitation link is worth (anonymous). */
export const InvitationStatusQuery = graphql(`
  query InvitationStatus($token: String!) {
    invitationStatus(token: $token) {
      state
      username
      expiresAt
    }
  }
`);

/** Sets the password of an invited user and activates the account (R14). */
export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      username
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** The developer mailbox: emails queued by the server, newest first. */
export const DeveloperMailboxQuery = graphql(`
  query DeveloperMailbox($first: Int) {
    developerMailbox(first: $first) {
      totalCount
      nodes {
        id
        to
        template
        language
        subject
        text
        createdAt
      }
    }
  }
`);

/** "Send me a reset link and reactivate my account" (R16): the same answer whether or not the account exists. */
export const RequestAccountRecoveryMutation = graphql(`
  mutation RequestAccountRecovery($input: RequestAccountRecoveryInput!) {
    requestAccountRecovery(input: $input) {
      accepted
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Sets a new password from the emailed reset link; a locked account becomes active again. */
export const ResetPasswordWithTokenMutation = graphql(`
  mutation ResetPasswordWithToken($input: ResetPasswordWithTokenInput!) {
    resetPasswordWithToken(input: $input) {
      username
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Confirms an email change from the emailed link (R3); works signed out. */
export const ConfirmEmailChangeMutation = graphql(`
  mutation ConfirmEmailChange($input: ConfirmEmailChangeInput!) {
    confirmEmailChange(input: $input) {
      user {
        id
        email
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
