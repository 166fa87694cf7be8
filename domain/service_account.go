package domain

import (
	"strings"
	"time"
)

// ServiceAccount is a non-human user of one tenant for API integrations
// (R27): a user of kind SERVICE with a stable UID, roles held like people's
// (membership and role assignments), and bearer tokens.
type ServiceAccount struct {
	// ID is the user's id.
	ID          int64
	UID         string
	Username    string
	Description string
	TenantID    int64
	Status      UserStatus
	CreatedBy   *int64
	CreatedAt   time.Time
}

// ServiceAccountToken is a token's metadata; the secret is shown once, when
// created, and only its hash is stored.
type ServiceAccountToken struct {
	ID               int64
	ServiceAccountID int64
	// TenantID is the service account's tenant.
	TenantID int64
	Name     string
	// Hint is the token's recognisable beginning, e.g. "sat_Xy12ab".
	Hint       string
	CreatedBy  *int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	// RotatedFrom is the token this one replaced.
	RotatedFrom *int64
}

// TokenStatus is the state of a service account token.
type TokenStatus string

const (
	TokenActive  TokenStatus = "ACTIVE"
	TokenExpired TokenStatus = "EXPIRED"
	TokenRevoked TokenStatus = "REVOKED"
)

// Status returns the token's state at now.
func (t *ServiceAccountToken) Status(now time.Time) TokenStatus {
	switch {
	case t.RevokedAt != nil && !t.RevokedAt.After(now):
		return TokenRevoked
	case !t.ExpiresAt.After(now):
		return TokenExpired
	}
	return TokenActive
}

// ServiceTokenPrefix starts every service account token, so that a leaked
// one is recognisable (secret scanners) and the server knows at once how to
// authenticate it.
const ServiceTokenPrefix = "sat_"

// IsServiceToken reports whether a bearer token is a service account token.
func IsServiceToken(token string) bool { return strings.HasPrefix(token, ServiceTokenPrefix) }

// Service account token rules.
const (
	// DefaultTokenLifetime applies when a token is created without expiry.
	DefaultTokenLifetime = 90 * 24 * time.Hour
	// MaxTokenLifetime bounds how far in the future a token may expire.
	MaxTokenLifetime = 366 * 24 * time.Hour
	// MaxActiveTokens bounds the live tokens of one service account.
	MaxActiveTokens = 10
	// DefaultRotationOverlap is how long the old token keeps working after
	// a rotation, so that a deployment can switch without downtime.
	DefaultRotationOverlap = time.Hour
	// MaxRotationOverlap bounds that overlap.
	MaxRotationOverlap = 7 * 24 * time.Hour
	// TokenLastUsedResolution: last-used times are written at most this
	// often per token.
	TokenLastUsedResolution = time.Minute
)

// NewServiceAccount is what an administrator chooses for a service account.
type NewServiceAccount struct {
	TenantID    int64
	Username    string
	Description string
}

// Validate normalises and checks the input; it reports every failure, one
// per field (an Errors), or nil.
func (n *NewServiceAccount) Validate() error {
	var errs Errors
	username, err := NormalizeUsername(n.Username)
	if errs.Add(err) {
		n.Username = username
	}
	n.Description = strings.TrimSpace(n.Description)
	if len(n.Description) > 500 {
		errs.Add(FieldError("description", "DESCRIPTION_TOO_LONG", "The description is at most 500 characters."))
	}
	return errs.Err()
}

// NewTokenRequest asks for a token of a service account.
type NewTokenRequest struct {
	ServiceAccountID int64
	Name             string
	ExpiresAt        *time.Time
}

// Validate checks the token name and expiry at now and fills the default
// expiry.
func (r *NewTokenRequest) Validate(now time.Time) error {
	var errs Errors
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" || len(r.Name) > 100 {
		errs.Add(FieldError("name", "INVALID_TOKEN_NAME", "The token name is required (at most 100 characters)."))
	}
	if r.ExpiresAt == nil {
		exp := now.Add(DefaultTokenLifetime)
		r.ExpiresAt = &exp
	}
	if !r.ExpiresAt.After(now) {
		errs.Add(FieldError("expiresAt", "EXPIRY_IN_PAST", "The expiry must be in the future."))
	} else if r.ExpiresAt.After(now.Add(MaxTokenLifetime)) {
		errs.Add(FieldError("expiresAt", "EXPIRY_TOO_FAR", "A token lives at most 366 days."))
	}
	return errs.Err()
}
