package domain

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Oversight (issue 6): admin nominations (R20), security findings (R22),
// reports (R24) and the monthly digest (R25).

// LegalRepresentative is the person who signs the nomination of a tenant's
// new administrator (R20).
type LegalRepresentative struct {
	GivenName  string
	FamilyName string
	// TaxCode is the person's national tax code, normalized.
	TaxCode string
	Email   string
}

// FullName is "Given Family".
func (l LegalRepresentative) FullName() string {
	return strings.TrimSpace(l.GivenName + " " + l.FamilyName)
}

// SamePerson reports whether two records describe the same legal
// representative: same tax code and names (case and spacing aside). Any
// other difference is a change of legal representative, which the requester
// must confirm.
func (l LegalRepresentative) SamePerson(o LegalRepresentative) bool {
	norm := func(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
	return norm(l.TaxCode) == norm(o.TaxCode) && norm(l.GivenName) == norm(o.GivenName) &&
		norm(l.FamilyName) == norm(o.FamilyName)
}

// NormalizeLegalRepresentative validates a legal representative typed by a
// requester; country selects the tax code rules (the tenant's country).
func NormalizeLegalRepresentative(country string, in LegalRepresentative) (LegalRepresentative, error) {
	out := LegalRepresentative{GivenName: strings.TrimSpace(in.GivenName), FamilyName: strings.TrimSpace(in.FamilyName)}
	if out.GivenName == "" || len(out.GivenName) > 100 {
		return out, FieldError("legalRepresentative.givenName", "INVALID_NAME", "Given name is required (at most 100 characters).")
	}
	if out.FamilyName == "" || len(out.FamilyName) > 100 {
		return out, FieldError("legalRepresentative.familyName", "INVALID_NAME", "Family name is required (at most 100 characters).")
	}
	tc, err := ValidatePersonTaxCode(country, in.TaxCode)
	if err != nil {
		e := *AsError(err)
		e.Field = "legalRepresentative.taxCode"
		return out, &e
	}
	out.TaxCode = tc
	if strings.TrimSpace(in.Email) != "" {
		email, err := NormalizeEmail(in.Email)
		if err != nil {
			e := *AsError(err)
			e.Field = "legalRepresentative.email"
			return out, &e
		}
		out.Email = email
	}
	return out, nil
}

// NominationStatus is the state of a nomination request.
type NominationStatus string

const (
	NominationPending   NominationStatus = "PENDING"
	NominationApproved  NominationStatus = "APPROVED"
	NominationRejected  NominationStatus = "REJECTED"
	NominationCancelled NominationStatus = "CANCELLED"
	NominationExpired   NominationStatus = "EXPIRED"
)

// NominationTTL is how long the emailed link of a nomination works.
const NominationTTL = 30 * 24 * time.Hour

// Nomination is a request to grant a role that requires the legal
// representative's signed nomination form (R20).
type Nomination struct {
	ID                  int64
	TenantID            int64
	UserID              int64
	ProductID           int64
	RoleID              int64
	Status              NominationStatus
	LegalRepresentative LegalRepresentative
	SentTo              string
	FormSHA256          []byte
	ContentSHA256       []byte
	RequestedBy         *int64
	RequestedAt         time.Time
	ExpiresAt           time.Time
	DecidedAt           *time.Time
	DecidedBy           *int64
	Reason              string
	Signer              *SignerCertificate
	RoleAssignmentID    *int64
}

// EffectiveStatus is the status a reader sees: a pending request past its
// expiry is expired even before the sweep records it.
func (n *Nomination) EffectiveStatus(now time.Time) NominationStatus {
	if n.Status == NominationPending && !now.Before(n.ExpiresAt) {
		return NominationExpired
	}
	return n.Status
}

// SignerCertificate is what is recorded of the certificate that signed a
// nomination form.
type SignerCertificate struct {
	Subject           string
	Issuer            string
	SerialNumber      string
	NotBefore         time.Time
	NotAfter          time.Time
	SHA256Fingerprint string
	// TaxCode is the signer's tax code read from the certificate subject,
	// empty when the certificate carries none.
	TaxCode  string
	SignedAt time.Time
}

// NominationForm is what the nomination form states: the PDF is generated
// from it and nothing else, so that the same request always gives the same
// bytes.
type NominationForm struct {
	RequestID           int64
	TenantName          string
	TenantTaxCode       string
	NomineeName         string
	NomineeUsername     string
	NomineeTaxCode      string
	ProductName         string
	RoleName            string
	LegalRepresentative LegalRepresentative
	RequestedAt         time.Time
	ExpiresAt           time.Time
}

// SecurityCategory is one list of the security findings page (R22).
type SecurityCategory string

const (
	// FindingNotActivated: invited and never activated, or no second
	// factor enrolled.
	FindingNotActivated SecurityCategory = "NOT_ACTIVATED"
	// FindingBlocked: password expired under the tenant's policy.
	FindingBlocked SecurityCategory = "BLOCKED"
	// FindingLocked: locked after repeated wrong passwords.
	FindingLocked SecurityCategory = "LOCKED"
	// FindingSuspended: account suspended, or a role assignment suspended.
	FindingSuspended SecurityCategory = "SUSPENDED"
)

// Reasons of security findings; a finding lists every reason that applies.
// ReasonPasswordExpired, ReasonAccountLocked and ReasonAccountSuspended are
// shared with the sign-in answers (credentials.go).
const (
	ReasonInvited                 = "INVITED"
	ReasonMFANotEnrolled          = "MFA_NOT_ENROLLED"
	ReasonRoleAssignmentSuspended = "ROLE_ASSIGNMENT_SUSPENDED"
)

// SecurityFinding is one user of one category of findings, with the
// reasons that put them there.
type SecurityFinding struct {
	User    *User
	Reasons []string
}

// Period is a calendar month, "2026-10", the unit of the monthly digest.
type Period struct {
	Year  int
	Month time.Month
}

// ParsePeriod reads "YYYY-MM".
func ParsePeriod(s string) (Period, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return Period{}, FieldError("period", "INVALID_PERIOD", "The period is a month written YYYY-MM, e.g. 2026-10.")
	}
	return Period{Year: t.Year(), Month: t.Month()}, nil
}

// PeriodOf returns the month containing t (in UTC).
func PeriodOf(t time.Time) Period {
	t = t.UTC()
	return Period{Year: t.Year(), Month: t.Month()}
}

func (p Period) String() string { return fmt.Sprintf("%04d-%02d", p.Year, int(p.Month)) }

// Start is the first instant of the month, UTC.
func (p Period) Start() time.Time { return time.Date(p.Year, p.Month, 1, 0, 0, 0, 0, time.UTC) }

// End is the first instant of the next month, UTC.
func (p Period) End() time.Time { return p.Start().AddDate(0, 1, 0) }

// Previous is the month before.
func (p Period) Previous() Period { return PeriodOf(p.Start().AddDate(0, -1, 0)) }

// InactivityThreshold is how long without signing in flags a user for
// removal in the monthly digest (R25).
const InactivityThreshold = 30 * 24 * time.Hour

// DigestProduct is one product's lines of a tenant's monthly digest.
type DigestProduct struct {
	ProductID      int64  `json:"-"`
	Code           string `json:"code"`
	Name           string `json:"name"`
	Added          int    `json:"added"`
	NoLongerActive int    `json:"noLongerActive"`
	Inactive       int    `json:"inactive30Days"`
	// InactiveUsernames lists the first flagged users (usernames only: the
	// digest carries no personal data beyond them).
	InactiveUsernames []string `json:"inactiveUsernames"`
}

// DigestPreview is a tenant's monthly digest as the email carries it, for
// an ended month or the current one so far (issue 16.5).
type DigestPreview struct {
	Period Period
	// Until is the end of what the digest covers: the month's end, or now
	// for the current month (Complete false).
	Until    time.Time
	Complete bool
	Products []DigestProduct
	// Template, Language and Data are the email's: rendering them gives
	// the very text the tenant receives.
	Template, Language string
	Data               map[string]any
	// SentTo and SentAt tell whether and where the period's digest went.
	SentTo *string
	SentAt *time.Time
}

// DigestResult counts what one run of the monthly digest did.
type DigestResult struct {
	Period Period
	// Sent is the number of tenants whose digest this run sent.
	Sent int
	// AlreadySent is the number of tenants whose digest for the period had
	// been sent before (by this or another replica).
	AlreadySent int
	// NoAddress is the number of tenants without a certified or contact
	// address: recorded, nothing sent.
	NoAddress int
}

// TenantLanguage is the language of a tenant's official messages,
// from its country.
func TenantLanguage(country string) string {
	switch strings.ToUpper(country) {
	case "IT", "SM", "VA":
		return "it"
	case "FR", "MC", "BE", "LU":
		return "fr"
	}
	return "en"
}

// NominationService is what the nomination workflow needs from storage.
type NominationService interface {
	FindNominations(ctx context.Context, tenantID int64, status *NominationStatus, order ListOrder, page Page) (*Connection[*Nomination], error)
}
