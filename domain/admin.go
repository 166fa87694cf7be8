package domain

import (
	"context"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // time zones validate the same on every machine
	"unicode"
	"unicode/utf8"
)

// Rules of delegated administration (R1–R4, R8–R11): pure functions that the
// storage layer applies inside its transactions.

// Reasons of business-rule failures, reported in userErrors.
const (
	ReasonInvalidName        = "INVALID_NAME"
	ReasonInvalidLanguage    = "INVALID_LANGUAGE"
	ReasonInvalidTimeZone    = "INVALID_TIME_ZONE"
	ReasonInvalidPhone       = "INVALID_PHONE"
	ReasonInvalidCountry     = "INVALID_COUNTRY"
	ReasonNameVerified       = "NAME_VERIFIED"
	ReasonTaxCodeImmutable   = "TAX_CODE_IMMUTABLE"
	ReasonRoleNotOfProduct   = "ROLE_NOT_OF_PRODUCT"
	ReasonCategoryConflict   = "CATEGORY_CONFLICT"
	ReasonRoleAlreadyHeld    = "ROLE_ALREADY_ASSIGNED"
	ReasonNominationRequired = "NOMINATION_REQUIRED"
	// ReasonNoNominationNeeded: onboarding is for nomination-only roles;
	// the others are assigned with assignRole.
	ReasonNoNominationNeeded = "NO_NOMINATION_NEEDED"
	// ReasonAlreadyOnboarded: the tenant already has an administrator with
	// a nomination-only role on the product; more come by nomination.
	ReasonAlreadyOnboarded  = "ALREADY_ONBOARDED"
	ReasonNotAMember        = "NOT_A_MEMBER"
	ReasonAlreadyMember     = "ALREADY_MEMBER"
	ReasonNoMatchingAccount = "NO_MATCHING_ACCOUNT"
	ReasonOtherOrganisation = "OTHER_ORGANISATION"
	ReasonAlreadySuspended  = "ALREADY_SUSPENDED"
	ReasonNotSuspended      = "NOT_SUSPENDED"
	ReasonGroupInactive     = "GROUP_INACTIVE"
	ReasonNotOnProduct      = "NOT_ON_PRODUCT"
	ReasonNotInGroup        = "NOT_IN_GROUP"
	ReasonInvalidToken      = "INVALID_TOKEN"
	ReasonNothingToChange   = "NOTHING_TO_CHANGE"
	// ReasonOneLevelPerModule: the product is a module of seed 003 whose
	// roles are levels; a member holds one, changed with setModuleLevel.
	ReasonOneLevelPerModule = "ONE_LEVEL_PER_MODULE"
	// ReasonNotALevel: setModuleLevel is for modules whose roles are levels.
	ReasonNotALevel = "NOT_A_LEVEL"
	// ReasonSiteRequired: the role works only on a site (R12), a tenant
	// with a parent.
	ReasonSiteRequired = "SITE_REQUIRED"
	// ReasonRoleRetired: the role left the catalog; assignments kept, no new ones.
	ReasonRoleRetired = "ROLE_RETIRED"
)

// StaleVersion is the optimistic-concurrency failure (code CONFLICT):
// somebody changed the object since the client read it; nothing was changed.
func StaleVersion(what string) error {
	return &Error{Code: ECONFLICT, Field: "expectedVersion",
		Message: "The " + what + " was changed by someone else; reload it and try again."}
}

// CheckVersion fails with StaleVersion when expected is given and differs.
func CheckVersion(what string, current int, expected *int) error {
	if expected != nil && *expected != current {
		return StaleVersion(what)
	}
	return nil
}

// R1: looking up a candidate before creating a user.

// CandidateOutcome is what an administrator sees after typing a username
// and a tax code (R1).
type CandidateOutcome string

const (
	// CandidateAlreadyMember: the person is already a member of the tenant.
	CandidateAlreadyMember CandidateOutcome = "ALREADY_MEMBER"
	// CandidateUsernameTaken: another account has the username.
	CandidateUsernameTaken CandidateOutcome = "USERNAME_TAKEN"
	// CandidateTaxCodeHasAccount: the person has an account under another
	// (or this) username; attach that account instead.
	CandidateTaxCodeHasAccount CandidateOutcome = "TAX_CODE_HAS_ACCOUNT"
	// CandidateNewPerson: fill in the full form.
	CandidateNewPerson CandidateOutcome = "NEW_PERSON"
)

// AccountMatch is an existing account found by username or by tax code.
type AccountMatch struct {
	UserID   int64
	Username string
	// MemberOfTenant tells whether the account is a member of the tenant
	// the administrator is adding people to.
	MemberOfTenant bool
}

// Candidate is the decision of R1.
type Candidate struct {
	Outcome CandidateOutcome
	// UserID is the account concerned: the member, the tax code's account,
	// or the username's holder. Only a member is shown to the caller.
	UserID int64
	// ExistingUsername is the username to attach instead
	// (TAX_CODE_HAS_ACCOUNT): the administrator knows the tax code, and the
	// username is not personal data.
	ExistingUsername string
}

// DecideCandidate applies R1. The tax code identifies a person, so its
// match wins: a member → ALREADY_MEMBER; an account elsewhere →
// TAX_CODE_HAS_ACCOUNT (whoever holds the typed username). Otherwise a
// taken username is USERNAME_TAKEN, even when its holder is a member: a
// different tax code means a different person.
func DecideCandidate(byUsername, byTaxCode *AccountMatch) Candidate {
	switch {
	case byTaxCode != nil && byTaxCode.MemberOfTenant:
		return Candidate{Outcome: CandidateAlreadyMember, UserID: byTaxCode.UserID}
	case byTaxCode != nil:
		return Candidate{Outcome: CandidateTaxCodeHasAccount, UserID: byTaxCode.UserID, ExistingUsername: byTaxCode.Username}
	case byUsername != nil:
		return Candidate{Outcome: CandidateUsernameTaken, UserID: byUsername.UserID}
	}
	return Candidate{Outcome: CandidateNewPerson}
}

// HomeTenantHearsOfAttach tells whether attaching an existing account by
// username and tax code (R1) must be told to the person's home tenant: an
// audit event in its trail and a notice to the person (issue 13, item 7),
// whenever the attaching tenant is not the home tenant itself.
func HomeTenantHearsOfAttach(homeTenantID, attachingTenantID int64) bool {
	return homeTenantID != 0 && homeTenantID != attachingTenantID
}

// Identity fields (R2, R3, R4).

// Longest names: of persons and groups, and of tenants.
const (
	MaxNameLength       = 100
	MaxTenantNameLength = 200
)

// NormalizeName trims a person's or group's name and checks it: 1 to 100
// characters, no control or invisible characters.
func NormalizeName(field, s string) (string, error) {
	return normalizeText(field, s, MaxNameLength)
}

func normalizeText(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError(field, ReasonInvalidName, "Enter a name.")
	}
	if utf8.RuneCountInString(s) > max {
		return "", FieldError(field, ReasonInvalidName, "A name has at most %d characters.", max)
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) }) >= 0 {
		return "", FieldError(field, ReasonInvalidName, "The name contains an invalid or invisible character.")
	}
	return s, nil
}

// NormalizeLanguage checks an interface language (R4).
func NormalizeLanguage(s string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	for _, ok := range Languages {
		if l == ok {
			return l, nil
		}
	}
	return "", FieldError("language", ReasonInvalidLanguage, "The language must be one of it, fr, en.")
}

// NormalizeTimeZone checks an IANA time zone name such as Europe/Rome (R4).
func NormalizeTimeZone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "UTC" {
		return s, nil
	}
	if !strings.Contains(s, "/") || len(s) > 64 {
		return "", FieldError("timeZone", ReasonInvalidTimeZone, "Use an IANA time zone such as Europe/Rome.")
	}
	if _, err := time.LoadLocation(s); err != nil {
		return "", FieldError("timeZone", ReasonInvalidTimeZone, "Unknown time zone %q.", s)
	}
	return s, nil
}

// NormalizePhone checks a work phone number (R3): an optional leading '+',
// then 6 to 15 digits (E.164), with spaces, dots, dashes and parentheses
// allowed between them and removed.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	var b strings.Builder
	digits := 0
	for i, r := range s {
		switch {
		case r == '+' && i == 0:
			b.WriteRune(r)
		case '0' <= r && r <= '9':
			b.WriteRune(r)
			digits++
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", FieldError("phone", ReasonInvalidPhone, "A phone number holds digits, an optional leading +, spaces and dashes.")
		}
	}
	if digits < 6 || digits > 15 {
		return "", FieldError("phone", ReasonInvalidPhone, "A phone number has 6 to 15 digits.")
	}
	return b.String(), nil
}

// NormalizeCountry checks an ISO 3166-1 alpha-2 country code.
func NormalizeCountry(field, s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if len(c) != 2 || !tcIsUpper(c[0]) || !tcIsUpper(c[1]) {
		return "", FieldError(field, ReasonInvalidCountry, "Use a two-letter country code such as IT or FR.")
	}
	return c, nil
}

// NewUser is what an administrator fills in to create a person (R1–R3):
// the account starts INVITED, homed in TenantID, with one role.
type NewUser struct {
	TenantID   int64
	Username   string
	TaxCode    string
	TaxCountry string
	GivenName  string
	FamilyName string
	Email      string
	Language   string
	TimeZone   string
	ProductID  int64
	RoleID     int64
	// Optional fields of the seeds: the work phone (000, 004), gender and
	// birth date (003).
	Phone, Gender, BirthDate string
}

// Genders are the values of User.Gender (seed 003's "genere").
var Genders = []string{"FEMALE", "MALE", "OTHER"}

// Reasons of the optional identity fields.
const (
	ReasonInvalidGender    = "INVALID_GENDER"
	ReasonInvalidBirthDate = "INVALID_BIRTH_DATE"
)

// NormalizeGender accepts "" (not given) or one of Genders.
func NormalizeGender(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s != "" && !slices.Contains(Genders, s) {
		return "", FieldError("gender", ReasonInvalidGender, "Gender is FEMALE, MALE or OTHER.")
	}
	return s, nil
}

// NormalizeBirthDate accepts "" (not given) or a date YYYY-MM-DD from 1900
// to today.
func NormalizeBirthDate(s string, today time.Time) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 1900 || d.After(today) {
		return "", FieldError("birthDate", ReasonInvalidBirthDate, "Enter the birth date as YYYY-MM-DD, from 1900 to today.")
	}
	return d.Format(time.DateOnly), nil
}

// Normalize validates every field in place (R2 username, per-country tax
// code, names, work email, language) and reports every failure, one per
// field (an Errors), or nil.
func (u *NewUser) Normalize() error {
	var errs Errors
	var err error
	if u.Username, err = NormalizeUsername(u.Username); err != nil {
		errs.Add(err)
	}
	if u.TaxCountry, err = NormalizeCountry("taxCountry", u.TaxCountry); err != nil {
		errs.Add(err)
	} else if u.TaxCode, err = ValidatePersonTaxCode(u.TaxCountry, u.TaxCode); err != nil {
		errs.Add(err)
	}
	if u.GivenName, err = NormalizeName("givenName", u.GivenName); err != nil {
		errs.Add(err)
	}
	if u.FamilyName, err = NormalizeName("familyName", u.FamilyName); err != nil {
		errs.Add(err)
	}
	if u.Email, err = NormalizeEmail(u.Email); err != nil {
		errs.Add(err)
	}
	if u.Language == "" {
		u.Language = "it"
	}
	if u.Language, err = NormalizeLanguage(u.Language); err != nil {
		errs.Add(err)
	}
	if u.TimeZone == "" {
		u.TimeZone = "Europe/Rome"
	}
	if u.TimeZone, err = NormalizeTimeZone(u.TimeZone); err != nil {
		errs.Add(err)
	}
	if strings.TrimSpace(u.Phone) != "" {
		if u.Phone, err = NormalizePhone(u.Phone); err != nil {
			errs.Add(err)
		}
	} else {
		u.Phone = ""
	}
	if u.Gender, err = NormalizeGender(u.Gender); err != nil {
		errs.Add(err)
	}
	if u.BirthDate, err = NormalizeBirthDate(u.BirthDate, time.Now()); err != nil {
		errs.Add(err)
	}
	return errs.Err()
}

// ProfileUpdate is an administrator's change to a user's identity and
// preferences (R3, R4). Nil fields are left alone. There is no email: an
// administrator never changes another person's email (R3).
type ProfileUpdate struct {
	GivenName  *string
	FamilyName *string
	// TaxCode and TaxCountry may be set once, on an account without a tax
	// code; a tax code is never edited (R2).
	TaxCode    *string
	TaxCountry *string
	Language   *string
	TimeZone   *string
	// Gender and BirthDate: "" clears them.
	Gender    *string
	BirthDate *string
}

// ApplyProfileUpdate returns u with the update applied, or every rule it
// breaks (an Errors, one per field): names are locked once verified by an
// identity provider, a tax code never changes once set.
func ApplyProfileUpdate(u User, upd ProfileUpdate) (User, error) {
	var errs Errors
	var err error
	if upd.GivenName != nil || upd.FamilyName != nil {
		if u.NameVerified {
			field := "givenName"
			if upd.GivenName == nil {
				field = "familyName"
			}
			errs.Add(FieldError(field, ReasonNameVerified, "The names were verified by an identity provider and cannot be edited."))
		} else {
			if upd.GivenName != nil {
				if u.GivenName, err = NormalizeName("givenName", *upd.GivenName); err != nil {
					errs.Add(err)
				}
			}
			if upd.FamilyName != nil {
				if u.FamilyName, err = NormalizeName("familyName", *upd.FamilyName); err != nil {
					errs.Add(err)
				}
			}
		}
	}
	if upd.TaxCode != nil {
		country := "IT"
		if upd.TaxCountry != nil {
			country = *upd.TaxCountry
		}
		if u.TaxCode != "" {
			errs.Add(FieldError("taxCode", ReasonTaxCodeImmutable, "A tax code cannot be changed once set."))
		} else if u.TaxCountry, err = NormalizeCountry("taxCountry", country); err != nil {
			errs.Add(err)
		} else if u.TaxCode, err = ValidatePersonTaxCode(u.TaxCountry, *upd.TaxCode); err != nil {
			errs.Add(err)
		}
	} else if upd.TaxCountry != nil {
		errs.Add(FieldError("taxCountry", ReasonTaxCodeImmutable, "The tax code's country is set with the tax code."))
	}
	if upd.Language != nil {
		if u.Language, err = NormalizeLanguage(*upd.Language); err != nil {
			errs.Add(err)
		}
	}
	if upd.TimeZone != nil {
		if u.TimeZone, err = NormalizeTimeZone(*upd.TimeZone); err != nil {
			errs.Add(err)
		}
	}
	if upd.Gender != nil {
		if u.Gender, err = NormalizeGender(*upd.Gender); err != nil {
			errs.Add(err)
		}
	}
	if upd.BirthDate != nil {
		if u.BirthDate, err = NormalizeBirthDate(*upd.BirthDate, time.Now()); err != nil {
			errs.Add(err)
		}
	}
	return u, errs.Err()
}

// EmailChangeTTL is how long the link that confirms a new email works.
const EmailChangeTTL = 24 * time.Hour

// R9: roles and their categories.

// CheckRoleOfProduct fails unless the role belongs to the product.
func CheckRoleOfProduct(role *Role, productID int64) error {
	if role == nil || role.ProductID != productID {
		return FieldError("roleId", ReasonRoleNotOfProduct, "This role does not belong to the product.")
	}
	return nil
}

// CheckNomination refuses roles whose grant needs the legal
// representative's signed nomination (R20), whoever asks: the nomination
// workflow grants them. The one exception, platform staff onboarding a
// tenant's first administrator, is its own operation
// (CheckOnboardAdministrator), audited as such.
func CheckNomination(role *Role) error {
	if role.RequiresNomination {
		return FieldError("roleId", ReasonNominationRequired,
			"This role is granted through a nomination signed by the legal representative.")
	}
	return nil
}

// CheckOnboardAdministrator is the exception to R20: before a tenant has
// any administrator holding a nomination-only role on a product, platform
// staff may grant that role directly, so that someone can start the
// nominations that follow. holders counts the tenant's active assignments
// of nomination-only roles on the role's product. Tenant administrators
// never may: for them every such role goes through a nomination.
func CheckOnboardAdministrator(v *Viewer, role *Role, holders int) error {
	if err := CanOnboardAdministrator(v); err != nil {
		return err
	}
	if !role.RequiresNomination {
		return FieldError("roleId", ReasonNoNominationNeeded, "This role needs no nomination: assign it as usual.")
	}
	if holders > 0 {
		return &Error{Code: ECONFLICT, Field: "tenantId", Reason: ReasonAlreadyOnboarded,
			Message: "This tenant already has an administrator for this product: further administrators are nominated by the legal representative."}
	}
	return nil
}

// ReasonInvalidReason: an onboarding without a usable reason.
const ReasonInvalidReason = "INVALID_REASON"

// NormalizeOnboardingReason trims the reason of an onboarding and requires
// 3 to 500 characters: the trail must say why R20 was set aside.
func NormalizeOnboardingReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 3 || n > 500 || strings.ContainsRune(reason, 0) {
		return "", FieldError("reason", ReasonInvalidReason, "Give the reason for onboarding without a nomination (3 to 500 characters).")
	}
	return reason, nil
}

// CanOnboardAdministrator: platform staff only.
func CanOnboardAdministrator(v *Viewer) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if !v.PlatformAdmin {
		return forbidden("Only platform staff onboard a tenant's first administrator; administrators are otherwise nominated by the legal representative.")
	}
	return nil
}

// SiteCreatorRoles are the roles the administrator who adds a site gets
// there: their ADMIN roles on the parent, except those that need a
// nomination (R20). Seed 002 makes a site's own managers its
// administrators; the creator keeps what lets them add those managers.
func SiteCreatorRoles(parentAdminRoles []*Role) []*Role {
	var out []*Role
	for _, r := range parentAdminRoles {
		if r.Category == CategoryAdmin && !r.RequiresNomination {
			out = append(out, r)
		}
	}
	return out
}

// CheckAssignRole is R9 for one membership: held are the membership's
// assignments on role's product. A role on a product the user has none on
// is always assignable; "assign another role" adds a role of the same
// category; a user never holds ADMIN and OPERATOR roles on one product in
// one tenant (the database enforces it too).
func CheckAssignRole(role *Role, held []*RoleAssignment) error {
	if role.Retired {
		return FieldError("roleId", ReasonRoleRetired, "This role is no longer offered; choose another one.")
	}
	for _, h := range held {
		if h.ProductID != role.ProductID {
			continue
		}
		if h.RoleID == role.ID {
			return &Error{Code: ECONFLICT, Field: "roleId", Reason: ReasonRoleAlreadyHeld, Message: "The user already has this role."}
		}
		if h.Category != role.Category {
			return &Error{Code: ECONFLICT, Field: "roleId", Reason: ReasonCategoryConflict,
				Message: "A user cannot hold ADMIN and OPERATOR roles on the same product in the same tenant."}
		}
		if role.SingleLevel {
			return &Error{Code: ECONFLICT, Field: "roleId", Reason: ReasonOneLevelPerModule,
				Message: "The user already has a level on this module; change the level instead of adding one."}
		}
	}
	return nil
}

// IsSite reports whether the tenant is a site (an establishment, a node)
// of an organisation: one with a parent.
func (t *Tenant) IsSite() bool { return t.ParentID != nil }

// CheckRoleFitsTenant is R12's "some roles need an attachment to a site":
// such a role (the external technician of seed 004, Clienti's USER and
// GUEST of seed 003) is refused on a tenant that is not a site.
func CheckRoleFitsTenant(role *Role, t *Tenant) error {
	if role.RequiresSite && !t.IsSite() {
		return FieldError("roleId", ReasonSiteRequired,
			"This role works only on a site: give it on one of the organisation's sites.")
	}
	return nil
}

// PlanLevelChange is "one level per module" (seed 003): on a module whose
// roles are levels, a member holds at most one, and changing it replaces
// it in one step. held are the membership's assignments on the role's
// product; the result is the level replaced, nil when the member had none
// (the level is then simply given).
func PlanLevelChange(role *Role, held []*RoleAssignment) (*RoleAssignment, error) {
	if !role.SingleLevel {
		return nil, FieldError("roleId", ReasonNotALevel,
			"This product's roles are not levels: use assignRole and removeRoleAssignment.")
	}
	if role.Retired {
		return nil, FieldError("roleId", ReasonRoleRetired, "This role is no longer offered; choose another one.")
	}
	var current *RoleAssignment
	for _, h := range held {
		if h.ProductID != role.ProductID {
			continue
		}
		if current != nil {
			// Only data from before the rule can hold two: replace them
			// one at a time is not an atomic change; ask for a cleanup.
			return nil, &Error{Code: ECONFLICT, Field: "roleId", Reason: ReasonOneLevelPerModule,
				Message: "The user has more than one level on this module; remove all but one first."}
		}
		current = h
	}
	if current != nil && current.RoleID == role.ID {
		return nil, &Error{Code: ECONFLICT, Field: "roleId", Reason: ReasonRoleAlreadyHeld, Message: "The user already has this level."}
	}
	return current, nil
}

// AssignableRoles are the roles of a product that CheckAssignRole accepts
// for a membership: all of them when the user has none on the product,
// else the missing ones of the same category. An empty result means that
// "assign another role" is not offered.
func AssignableRoles(productRoles []*Role, held []*RoleAssignment) []*Role {
	out := []*Role{}
	for _, r := range productRoles {
		if CheckAssignRole(r, held) == nil {
			out = append(out, r)
		}
	}
	return out
}

// R10: what removing a role or a membership takes with it.

// RemovalEffect is the cascade of a removal.
type RemovalEffect struct {
	// ProductRemoved: the user has no role left on the product in the
	// tenant (they also leave that product's groups there).
	ProductRemoved bool
	// MembershipRemoved: the user has no role left in the tenant and leaves it.
	MembershipRemoved bool
	// UserDeleted: the user belongs to no tenant any more: the account is
	// deleted, its personal data erased, its audit trail pseudonymised.
	UserDeleted bool
}

// PlanRoleRemoval decides the cascade of removing one role assignment from
// the counts left after it. Platform staff keep their account without any
// membership.
func PlanRoleRemoval(leftOnProduct, leftInMembership, otherMemberships int, platformAdmin bool) RemovalEffect {
	e := RemovalEffect{ProductRemoved: leftOnProduct == 0, MembershipRemoved: leftInMembership == 0}
	e.UserDeleted = e.MembershipRemoved && otherMemberships == 0 && !platformAdmin
	return e
}

// PlanDetach decides the cascade of detaching a user from a tenant (R8):
// detaching from every tenant ends all access, so the account goes.
func PlanDetach(otherMemberships int, platformAdmin bool) RemovalEffect {
	return RemovalEffect{ProductRemoved: true, MembershipRemoved: true, UserDeleted: otherMemberships == 0 && !platformAdmin}
}

// PersonalDataKeys are the keys of audit before/after documents that hold
// a person's identifying data; a deleted user's are pseudonymised.
var PersonalDataKeys = []string{"username", "givenName", "familyName", "email", "newEmail", "taxCode", "phone", "gender", "birthDate"}

// Pseudonym is what the audit trail says instead of a deleted user's
// identity: stable for one user, meaningless outside the trail.
func Pseudonym(uid string) string {
	if len(uid) > 8 {
		uid = uid[:8]
	}
	return "deleted-user-" + uid
}

// R11: groups.

// CheckAddToGroup is R11: users join active groups only, and only groups
// of a product they have a role on in the group's tenant.
func CheckAddToGroup(g *Group, userOnProduct bool) error {
	if !g.Active {
		return FieldError("groupId", ReasonGroupInactive, "Users can be added to active groups only.")
	}
	if !userOnProduct {
		return FieldError("userId", ReasonNotOnProduct, "The user has no role on the group's product in its tenant.")
	}
	return nil
}

// AssignableGroups are the active groups the user is not in: "assign
// group" is offered only when this is not empty (R11).
func AssignableGroups(groups []*Group, memberOf func(groupID int64) bool) []*Group {
	out := []*Group{}
	for _, g := range groups {
		if g.Active && !memberOf(g.ID) {
			out = append(out, g)
		}
	}
	return out
}

// Tenants.

// SameOrganisation reports whether two tenants belong to one organisation:
// the same top of the hierarchy (R8 attaches users to sites of their own
// organisation only).
func SameOrganisation(ctx context.Context, h Hierarchy, a, b int64) (bool, error) {
	root := func(id int64) (int64, error) {
		up, err := h.AncestorIDs(ctx, id)
		if err != nil || len(up) == 0 {
			return id, err
		}
		return up[len(up)-1], nil
	}
	ra, err := root(a)
	if err != nil {
		return false, err
	}
	rb, err := root(b)
	return ra == rb, err
}

// NewTenant is a tenant to onboard, or a site below a parent.
type NewTenant struct {
	ParentID       *int64
	Name           string
	Country        string
	TaxCode        string
	CertifiedEmail string
}

// Normalize validates the fields in place and reports every failure, one
// per field (an Errors), or nil.
func (t *NewTenant) Normalize() error {
	var errs Errors
	var err error
	if t.Name, err = normalizeText("name", t.Name, MaxTenantNameLength); err != nil {
		errs.Add(err)
	}
	if t.Country == "" {
		t.Country = "IT"
	}
	if t.Country, err = NormalizeCountry("country", t.Country); err != nil {
		errs.Add(err)
	} else if t.TaxCode != "" {
		if t.TaxCode, err = ValidateOrganizationTaxCode(t.Country, t.TaxCode); err != nil {
			errs.Add(err)
		}
	}
	if t.CertifiedEmail != "" {
		if t.CertifiedEmail, err = NormalizeEmail(t.CertifiedEmail); err != nil {
			errs.Add(&Error{Code: EINVALID, Field: "certifiedEmail", Reason: ReasonInvalidEmail, Message: ErrorMessage(err)})
		}
	}
	return errs.Err()
}

// TenantUpdate changes a tenant; nil fields are left alone. Identity
// fields are for platform staff (Authorizer.CanUpdateTenant).
type TenantUpdate struct {
	Name           *string
	TaxCode        *string
	CertifiedEmail *string
	// PasswordMaxAgeDays sets the password lifetime of the tenant's
	// members (seed 003 "Bloccato"): 0 for none, else within Bounds.
	PasswordMaxAgeDays *int
	Bounds             PasswordLifetimeBounds
}

// PasswordLifetimeBounds are the platform's limits on the password
// lifetime a tenant's administrators may set.
type PasswordLifetimeBounds struct{ MinDays, MaxDays int }

// DefaultPasswordLifetimeBounds: a month to two years.
var DefaultPasswordLifetimeBounds = PasswordLifetimeBounds{MinDays: 30, MaxDays: 730}

// ReasonInvalidPasswordLifetime: outside the platform's bounds.
const ReasonInvalidPasswordLifetime = "INVALID_PASSWORD_LIFETIME"

// Lifetime validates a requested lifetime: 0 means passwords do not
// expire (nil), otherwise MinDays..MaxDays.
func (b PasswordLifetimeBounds) Lifetime(days int) (*int, error) {
	if days == 0 {
		return nil, nil
	}
	if days < b.MinDays || days > b.MaxDays {
		return nil, FieldError("passwordMaxAgeDays", ReasonInvalidPasswordLifetime,
			"The password lifetime is between %d and %d days, or 0 for none.", b.MinDays, b.MaxDays)
	}
	return &days, nil
}

// Identity reports whether the update touches identity fields.
func (u TenantUpdate) Identity() bool { return u.TaxCode != nil || u.CertifiedEmail != nil }

// ApplyTenantUpdate returns t with the update applied and validated.
func ApplyTenantUpdate(t Tenant, u TenantUpdate) (Tenant, error) {
	nt := NewTenant{Name: t.Name, Country: t.Country, TaxCode: t.TaxCode, CertifiedEmail: t.CertifiedEmail}
	if u.Name != nil {
		nt.Name = *u.Name
	}
	if u.TaxCode != nil {
		nt.TaxCode = *u.TaxCode
	}
	if u.CertifiedEmail != nil {
		nt.CertifiedEmail = *u.CertifiedEmail
	}
	var errs Errors
	errs.Add(nt.Normalize())
	if u.PasswordMaxAgeDays != nil {
		lifetime, err := u.Bounds.Lifetime(*u.PasswordMaxAgeDays)
		if errs.Add(err) {
			t.PasswordMaxAgeDays = lifetime
		}
	}
	if err := errs.Err(); err != nil {
		return t, err
	}
	t.Name, t.TaxCode, t.CertifiedEmail = nt.Name, nt.TaxCode, nt.CertifiedEmail
	return t, nil
}

// MaxBulkUsers is the most users one bulk action acts on (issue 19).
const MaxBulkUsers = 100

// Reasons a bulk action's input is refused as a whole.
const (
	ReasonTooFewUsers   = "TOO_FEW_USERS"
	ReasonTooManyUsers  = "TOO_MANY_USERS"
	ReasonDuplicateUser = "DUPLICATE_USER"
)

// CheckBulkUsers decides whether a bulk action may run on these users (1 to
// MaxBulkUsers, each once): otherwise nothing is done. Users are compared
// by ID; an ID of 0 (not decodable) is left to the per-user checks.
func CheckBulkUsers(ids []int64) error {
	switch {
	case len(ids) == 0:
		return FieldError("userIds", ReasonTooFewUsers, "Select at least one user.")
	case len(ids) > MaxBulkUsers:
		return FieldError("userIds", ReasonTooManyUsers, "Select at most %d users at once.", MaxBulkUsers)
	}
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if id != 0 && seen[id] {
			return FieldError("userIds", ReasonDuplicateUser, "A user is selected more than once.")
		}
		seen[id] = true
	}
	return nil
}
