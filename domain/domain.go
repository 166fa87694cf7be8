package domain

import (
	"context"
	"time"
)

// Category of a role: administrators manage people, operators use a product.
type RoleCategory string

const (
	CategoryAdmin    RoleCategory = "ADMIN"
	CategoryOperator RoleCategory = "OPERATOR"
)

// UserStatus is the account state of R5.
type UserStatus string

const (
	UserInvited   UserStatus = "INVITED"
	UserActive    UserStatus = "ACTIVE"
	UserSuspended UserStatus = "SUSPENDED"
	UserLocked    UserStatus = "LOCKED"
)

// AssignmentStatus is the per-product state of one role assignment (R5, R10).
type AssignmentStatus string

const (
	AssignmentActive    AssignmentStatus = "ACTIVE"
	AssignmentSuspended AssignmentStatus = "SUSPENDED"
)

// UserKind separates people from service accounts (R27).
type UserKind string

const (
	KindHuman   UserKind = "HUMAN"
	KindService UserKind = "SERVICE"
)

// ReactivatedStatus is the account state a suspended account returns to
// (R5): a person who never set a password is still INVITED (the invitation
// is how they get one), a person with a password is ACTIVE. A service
// account never has a password: it authenticates with its tokens (R27), so
// it returns to ACTIVE and its live tokens work again.
func ReactivatedStatus(kind UserKind, hasPassword bool) UserStatus {
	if kind == KindService || hasPassword {
		return UserActive
	}
	return UserInvited
}

// Supported interface languages (R4).
var Languages = []string{"it", "fr", "en"}

// Tenant is an organisation or one of its sites; ParentID is nil at the top
// of a hierarchy (head office, holding).
type Tenant struct {
	ID             int64
	ParentID       *int64
	Name           string
	Country        string
	TaxCode        string
	CertifiedEmail string
	// LegalRepresentative signs nominations of administrators (R20); nil
	// when none is recorded.
	LegalRepresentative *LegalRepresentative
	// PasswordMaxAgeDays is the password expiry policy (R15); nil: never.
	PasswordMaxAgeDays *int
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Product is a module of the platform that users get roles on.
type Product struct {
	ID          int64
	Code        string
	Name        string
	Description string
	// SingleLevel marks a module whose roles are levels (seed 003): a
	// member holds one of them per tenant, never two at once.
	SingleLevel bool
}

// Role is a named set of permissions on one product.
type Role struct {
	ID                 int64
	ProductID          int64
	Code               string
	Name               string
	Category           RoleCategory
	Permissions        []string
	RequiresNomination bool
	// PersonalDataAccess false marks restricted roles (e.g. an external
	// technician) that must never see other people's personal data (R12).
	PersonalDataAccess bool
	// RequiresSite marks roles that only work attached to a site (R12).
	RequiresSite bool
	// SingleLevel is the role's product's: the role is a level of a module.
	SingleLevel bool
	// Retired roles left the catalog: kept where assigned, never given again.
	Retired bool
}

// User is a person or a service account. Personal data fields are empty on a
// deleted user's pseudonymised audit references, never on live rows.
type User struct {
	ID            int64
	UID           string
	Kind          UserKind
	Username      string
	TaxCode       string
	TaxCountry    string
	GivenName     string
	FamilyName    string
	NameVerified  bool
	Email         string
	EmailVerified bool
	Phone         string
	// Gender (FEMALE, MALE, OTHER) and BirthDate (YYYY-MM-DD) are optional
	// (seed 003); empty when not given.
	Gender        string
	BirthDate     string
	Language      string
	TimeZone      string
	Status        UserStatus
	HomeTenantID  int64
	PlatformAdmin bool
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// LastSignInAt is the last successful sign-in; nil if never signed in.
	LastSignInAt *time.Time
}

// Membership attaches a user to one tenant.
type Membership struct {
	ID        int64
	TenantID  int64
	UserID    int64
	CreatedAt time.Time
}

// RoleAssignment gives a membership one role on one product.
type RoleAssignment struct {
	ID           int64
	MembershipID int64
	TenantID     int64
	UserID       int64
	ProductID    int64
	RoleID       int64
	Category     RoleCategory
	Status       AssignmentStatus
	CreatedAt    time.Time
}

// Group is a named set of users of one tenant on one product (R11).
type Group struct {
	ID        int64
	TenantID  int64
	ProductID int64
	Name      string
	Active    bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// AuditEvent records one change: who, where from, what, before and after (R26).
type AuditEvent struct {
	ID         int64
	TenantID   *int64
	ActorID    *int64
	ActorLabel string
	Action     string
	TargetType string
	TargetID   *int64
	Before     map[string]any
	After      map[string]any
	IP         string
	UserAgent  string
	RequestID  string
	CreatedAt  time.Time
	// SubjectUserID is the user the change is about: the target when it is
	// a user, else the userId its documents name (membership, role
	// assignment, group membership, lookup) or the nominee of a nomination.
	SubjectUserID *int64
}

// Page asks for one page of a keyset-paginated list. After and Before are
// opaque cursors produced by the storage layer.
type Page struct {
	First  int
	After  string
	Last   int
	Before string
}

// MaxPageSize bounds every list the API returns.
const MaxPageSize = 100

// TenantFilter selects tenants. Nil fields do not filter.
type TenantFilter struct {
	ParentID *int64
	// RootsOnly selects tenants without a parent.
	RootsOnly bool
	// DescendantsOf selects every tenant below this one, at any depth.
	DescendantsOf *int64
	Search        *string
	// Country selects the tenants of one ISO 3166-1 alpha-2 country.
	Country *string
	// Order is the sort order (not a filter); the zero value is by name.
	Order ListOrder
	// Scope limits the result to tenants the viewer may see; the
	// authorization module computes it. It is mandatory: the zero Scope
	// matches nothing.
	Scope Scope
}

// UserFilter selects the users of R21. Scope is mandatory: users are always
// listed through their memberships of tenants in it.
type UserFilter struct {
	Scope Scope
	// TenantID narrows the list to one tenant of the scope.
	TenantID         *int64
	ProductID        *int64
	Category         *RoleCategory
	RoleID           *int64
	Status           *UserStatus
	AssignmentStatus *AssignmentStatus
	Search           *string
	// GroupID narrows the list to the members of one group (R11).
	GroupID *int64
	// Order is the sort order of the list, not a filter (counts ignore
	// it); the zero value is username ascending.
	Order UserOrder
	// InactiveSinceDays keeps the users with no sign-in for that many days:
	// last signed in, or created when they never did, before then (seed
	// 001's monthly clean-up). See CheckInactiveSinceDays.
	InactiveSinceDays *int
	// Fields is which fields of each user the list fills, not a filter
	// (counts ignore it); the zero value is all of them.
	Fields UserFields
}

// UserFields is the set of a user's fields a read fills besides those it
// always fills: ID, Kind, Username, Status, HomeTenantID, PlatformAdmin and
// NameVerified (who the person is, and the authorization's input). A page
// that shows few fields reads only those (issue 17.1: ten of a user's 23
// columns are most of a users page's cost to PostgreSQL); the others stay
// zero. The zero value is every field.
type UserFields uint32

// The fields a read may leave out.
const (
	UserUID     UserFields = 1 << iota
	UserTaxCode            // with TaxCountry
	UserGivenName
	UserFamilyName
	UserEmail
	UserEmailVerified
	UserPhone
	UserGender
	UserBirthDate
	UserLanguage
	UserTimeZone
	UserVersion
	UserCreatedAt
	UserUpdatedAt
	UserLastSignInAt

	// userFieldsListed marks a set that lists its fields, so that the
	// zero value can mean all of them.
	userFieldsListed UserFields = 1 << 31
)

// AllUserFields is every field of a user.
const AllUserFields UserFields = 0

// OnlyUserFields is the set of the given fields (with those always read).
func OnlyUserFields(fields UserFields) UserFields { return fields | userFieldsListed }

// Has reports whether the set holds field.
func (s UserFields) Has(field UserFields) bool {
	return s&userFieldsListed == 0 || s&field != 0
}

// ListOrder is the sort order of a list other than users (issue 15.3):
// one of the list's order fields ("" is its default) and the direction.
// Ties are broken by the row's id in the same direction; a missing value
// sorts first ascending and last descending.
type ListOrder struct {
	Field string
	Desc  bool
}

// UserOrderField is a key a users list can be sorted by.
type UserOrderField string

const (
	UserOrderUsername     UserOrderField = "USERNAME"
	UserOrderDisplayName  UserOrderField = "DISPLAY_NAME"
	UserOrderEmail        UserOrderField = "EMAIL"
	UserOrderCreatedAt    UserOrderField = "CREATED_AT"
	UserOrderLastSignInAt UserOrderField = "LAST_SIGN_IN_AT"
)

// UserOrder is the sort order of a users list. Ties are broken by the
// user's id in the same direction; a missing value (no email, never signed
// in) sorts before every value, so first ascending and last descending.
type UserOrder struct {
	Field UserOrderField // "" is USERNAME
	Desc  bool
}

// PersonalDataOrder reports whether the order sorts by personal data
// (R12): the order itself would then tell a viewer who may not read those
// fields how the hidden values compare.
func (o UserOrder) PersonalDataOrder() bool {
	return o.Field == UserOrderDisplayName || o.Field == UserOrderEmail
}

// CanOrderByPersonalData decides whether a viewer may sort a users list by
// personal data (R12): only when it may read the personal data of every
// user the list can hold, i.e. the personal-data scope holds every tenant
// of the list (the one tenant, or the whole directory scope).
func CanOrderByPersonalData(list Scope, tenantID *int64, personal Scope) bool {
	if personal.All {
		return true
	}
	if tenantID != nil {
		return personal.Contains(*tenantID)
	}
	if list.All {
		return false
	}
	readable := make(map[int64]bool, len(personal.TenantIDs))
	for _, t := range personal.TenantIDs {
		readable[t] = true
	}
	for _, t := range list.TenantIDs {
		if !readable[t] {
			return false
		}
	}
	return true
}

// MaxInactiveSinceDays bounds UserFilter.InactiveSinceDays (ten years).
const MaxInactiveSinceDays = 3650

// CheckInactiveSinceDays validates a "no sign-in for N days" filter.
func CheckInactiveSinceDays(days int) error {
	if days < 1 || days > MaxInactiveSinceDays {
		return FieldError("inactiveSinceDays", ReasonInvalidFilter, "Give a number of days from 1 to %d.", MaxInactiveSinceDays)
	}
	return nil
}

// Connection is one page of a list plus what a client needs to page on.
type Connection[T any] struct {
	Nodes           []T
	Cursors         []string
	HasNextPage     bool
	HasPreviousPage bool
	// Count computes the total number of matches on demand: it costs a
	// query, so it runs only when a client asks for totalCount.
	Count func(ctx context.Context) (int, error)
}

// Count is a list's total: exact, or an estimate when counting every match
// would cost more than the page (Exact false).
type Count struct {
	N     int
	Exact bool
}

// Service interfaces implemented by the storage layer.

// TenantService reads and changes tenants.
type TenantService interface {
	FindTenantByID(ctx context.Context, id int64) (*Tenant, error)
	FindTenants(ctx context.Context, filter TenantFilter, page Page) (*Connection[*Tenant], error)
	// AncestorIDs returns the ids of every tenant above id, nearest first.
	AncestorIDs(ctx context.Context, id int64) ([]int64, error)
}

// UserService reads users.
type UserService interface {
	FindUsers(ctx context.Context, filter UserFilter, page Page) (*Connection[*User], error)
}

// AuditContext is who makes a change and from where; every mutation passes
// it down so that the audit event is written in the same transaction.
type AuditContext struct {
	ActorID    *int64
	ActorLabel string
	IP         string
	UserAgent  string
	RequestID  string
}
