package domain

import (
	"net/netip"
	"strings"
	"time"
)

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

// FailedLoginFilter narrows a tenant's failed sign-ins (seed 003: by
// period, user, operating system or browser, IP address).
type FailedLoginFilter struct {
	// From and To bound the time: From <= at < To.
	From, To *time.Time
	UserID   *int64
	// OperatingSystem and Browser match the recorded names, ignoring case.
	OperatingSystem, Browser string
	// IP is an address, or a prefix in CIDR form (e.g. 203.0.113.0/24).
	IP string
}

// ReasonInvalidFilter: a filter value that cannot be applied.
const ReasonInvalidFilter = "INVALID_FILTER"

// Normalize trims the text filters and checks the period and the IP.
func (f *FailedLoginFilter) Normalize() error {
	f.OperatingSystem, f.Browser, f.IP = strings.TrimSpace(f.OperatingSystem), strings.TrimSpace(f.Browser), strings.TrimSpace(f.IP)
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return FieldError("filter.to", ReasonInvalidFilter, "The end of the period must come after its start.")
	}
	if f.IP == "" {
		return nil
	}
	if strings.Contains(f.IP, "/") {
		p, err := netip.ParsePrefix(f.IP)
		if err != nil {
			return FieldError("filter.ip", ReasonInvalidFilter, "Enter an IP address or a prefix such as 203.0.113.0/24.")
		}
		f.IP = p.Masked().String()
		return nil
	}
	a, err := netip.ParseAddr(f.IP)
	if err != nil {
		return FieldError("filter.ip", ReasonInvalidFilter, "Enter an IP address or a prefix such as 203.0.113.0/24.")
	}
	f.IP = a.String()
	return nil
}

// IsPrefix reports whether the IP filter is a CIDR prefix.
func (f FailedLoginFilter) IsPrefix() bool { return strings.Contains(f.IP, "/") }
