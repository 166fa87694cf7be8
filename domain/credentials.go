package domain

import "time"

// Credential rules of R14–R17.

const (
	// LockoutThreshold is the number of consecutive wrong passwords (or
	// second-factor codes) that lock an account (R16).
	LockoutThreshold = 5
	// RecoveryTokenTTL bounds the self-service reset link (R16).
	RecoveryTokenTTL = 30 * time.Minute
	// AdminResetTokenTTL bounds the link an administrator's password reset
	// emails (R17): the user may not read mail within minutes.
	AdminResetTokenTTL = 24 * time.Hour
	// MaxTokenLength bounds tokens read from clients; ours have 43 characters.
	MaxTokenLength = 128
)

// Reasons of sign-in and credential failures, as userErrors codes.
const (
	// ReasonInvalidCredentials answers every failed sign-in that must not
	// reveal whether the account exists.
	ReasonInvalidCredentials = "INVALID_CREDENTIALS"
	// ReasonPasswordExpired: the password is right but older than the
	// tenant policy allows; change it with changeExpiredPassword.
	ReasonPasswordExpired = "PASSWORD_EXPIRED"
	// ReasonPasswordChangeRequired: an administrator or a temporary
	// credential requires a new password before anything else.
	ReasonPasswordChangeRequired = "PASSWORD_CHANGE_REQUIRED"
	// ReasonTOTPRequired: the password is right; send the second-factor code.
	ReasonTOTPRequired = "TOTP_REQUIRED"
	// ReasonTOTPInvalid: the second-factor code is wrong or already used.
	ReasonTOTPInvalid      = "TOTP_INVALID"
	ReasonAccountLocked    = "ACCOUNT_LOCKED"
	ReasonAccountSuspended = "ACCOUNT_SUSPENDED"

	ReasonInvitationInvalid = "INVITATION_INVALID"
	ReasonInvitationExpired = "INVITATION_EXPIRED"
	ReasonInvitationUsed    = "INVITATION_USED"
	ReasonInvitationRevoked = "INVITATION_REVOKED"

	ReasonResetTokenInvalid = "RESET_TOKEN_INVALID"
	ReasonResetTokenExpired = "RESET_TOKEN_EXPIRED"
	ReasonResetTokenUsed    = "RESET_TOKEN_USED"
)

// PasswordExpired reports whether a password changed at changedAt is past
// the strictest policy among the user's tenants (maxAgeDays nil: never).
func PasswordExpired(changedAt *time.Time, maxAgeDays *int, now time.Time) bool {
	if maxAgeDays == nil || changedAt == nil {
		return false
	}
	return now.After(changedAt.Add(time.Duration(*maxAgeDays) * 24 * time.Hour))
}

// FailedLogin is one failed sign-in of an existing account (R23).
type FailedLogin struct {
	ID              int64
	UserID          int64
	CreatedAt       time.Time
	IP              string
	UserAgent       string
	OperatingSystem string
	Browser         string
	// Reason is INVALID_CREDENTIALS (wrong password) or TOTP_INVALID.
	Reason string
}
