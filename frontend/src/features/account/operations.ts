import { graphql } from '../../gql';

/** The signed-in user's own account page: identity, second factor, sessions, failed sign-ins. */
export const MyAccountQuery = graphql(`
  query MyAccount {
    viewer {
      secondFactorEnrolled
      secondFactorEnrollmentRequired
      user {
        id
        username
        givenName
        familyName
        email
        pendingEmail
        phone
        viewerCan {
          setPhone
        }
        language
        timeZone
        version
        failedLogins(first: 10) {
          totalCount
          nodes {
            at
            ip
            browser
            operatingSystem
            reason
          }
        }
      }
    }
    mySessions {
      id
      kind
      current
      createdAt
      lastSeenAt
      expiresAt
      ip
      browser
      operatingSystem
    }
  }
`);

/** Ends one of the viewer's sessions. */
export const RevokeSessionMutation = graphql(`
  mutation RevokeSession($input: RevokeSessionInput!) {
    revokeSession(input: $input) {
      ok
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Ends every session of the viewer but this one. */
export const RevokeOtherSessionsMutation = graphql(`
  mutation RevokeOtherSessions {
    revokeOtherSessions {
      revokedCount
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Changes the viewer's password; the other sessions end. */
export const ChangePasswordMutation = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      user {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Starts TOTP enrolment: a secret for the authenticator app. */
export const BeginTotpEnrollmentMutation = graphql(`
  mutation BeginTotpEnrollment {
    beginTotpEnrollment {
      secret
      otpauthUri
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Finishes TOTP enrolment with a current code. */
export const ConfirmTotpEnrollmentMutation = graphql(`
  mutation ConfirmTotpEnrollment($input: ConfirmTotpEnrollmentInput!) {
    confirmTotpEnrollment(input: $input) {
      viewer {
        secondFactorEnrolled
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** The viewer's language and time zone (R4). */
export const UpdateMyPreferencesMutation = graphql(`
  mutation UpdateMyPreferences($input: UpdateMyPreferencesInput!) {
    updateMyPreferences(input: $input) {
      user {
        id
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

/** Asks to change the viewer's email: a link goes to the new address (R3). */
export const RequestEmailChangeMutation = graphql(`
  mutation RequestEmailChange($input: RequestEmailChangeInput!) {
    requestEmailChange(input: $input) {
      user {
        id
        pendingEmail
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Sets or clears the viewer's work phone (R3; administrators only). */
export const UpdateMyPhoneMutation = graphql(`
  mutation UpdateMyPhone($input: UpdateMyPhoneInput!) {
    updateMyPhone(input: $input) {
      user {
        id
        phone
        version
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
