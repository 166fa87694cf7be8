package app

import (
	"context"
	"time"

	"tenantadmin/auth"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// The stores the use cases call, one interface per family. Package db
// implements them in PostgreSQL: each call is one transaction that checks
// the authorize callback under its row locks and records the audit entry
// and the change event with the change. (db's value types RemovalResult,
// Invite and GroupUpdate are still declared there.)

// UserStore is the administration of people (R1–R10).
type UserStore interface {
	LookupCandidate(ctx context.Context, tenantID int64, username, taxCode string) (domain.Candidate, error)
	RecordLookup(ctx context.Context, ac domain.AuditContext, tenantID int64, username string, c domain.Candidate) error
	CreateUser(ctx context.Context, in domain.NewUser, role *domain.Role, inv db.Invite, ac domain.AuditContext) (*domain.User, *domain.Membership, error)
	AttachExistingUser(ctx context.Context, tenantID int64, username, taxCode string, role *domain.Role, ac domain.AuditContext) (*domain.User, *domain.Membership, error)
	UpdateProfile(ctx context.Context, userID int64, expectedVersion *int, upd domain.ProfileUpdate, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
	UpdatePreferences(ctx context.Context, userID int64, expectedVersion *int, language, timeZone *string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
	SetPhone(ctx context.Context, userID int64, expectedVersion *int, phone string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
	RequestEmailChange(ctx context.Context, userID int64, newEmail string, tokenHash []byte, link string, ac domain.AuditContext) (*domain.User, error)
	ConfirmEmailChange(ctx context.Context, tokenHash []byte, ac domain.AuditContext) (*domain.User, error)
	AttachUserToTenant(ctx context.Context, userID, tenantID int64, role *domain.Role, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.Membership, error)
	DetachUserFromTenant(ctx context.Context, membershipID int64, authorize func(tenantID, userID int64, productIDs []int64) error, ac domain.AuditContext) (db.RemovalResult, error)
	FindMembershipOf(ctx context.Context, userID, tenantID int64) (*domain.Membership, error)
	AssignRole(ctx context.Context, userID, tenantID int64, role *domain.Role, ac domain.AuditContext) (*domain.RoleAssignment, error)
	SetModuleLevel(ctx context.Context, userID, tenantID int64, role *domain.Role, authorizeReplaced func(*domain.RoleAssignment) error, ac domain.AuditContext) (*domain.RoleAssignment, *domain.RoleAssignment, error)
	OnboardAdministrator(ctx context.Context, userID, tenantID int64, role *domain.Role, reason string, authorize func(holders int) error, ac domain.AuditContext) (*domain.RoleAssignment, error)
	SetAssignmentStatus(ctx context.Context, id int64, status domain.AssignmentStatus, authorize func(*domain.RoleAssignment) error, ac domain.AuditContext) (*domain.RoleAssignment, error)
	RemoveRoleAssignment(ctx context.Context, id int64, authorize func(*domain.RoleAssignment) error, ac domain.AuditContext) (db.RemovalResult, error)
	SetAccountStatus(ctx context.Context, userID int64, expectedVersion *int, suspend bool, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
}

// GroupStore is the groups of R11.
type GroupStore interface {
	CreateGroup(ctx context.Context, tenantID, productID int64, name string, ac domain.AuditContext) (*domain.Group, error)
	UpdateGroup(ctx context.Context, id int64, expectedVersion *int, upd db.GroupUpdate, authorize func(*domain.Group) error, ac domain.AuditContext) (*domain.Group, error)
	DeleteGroup(ctx context.Context, id int64, expectedVersion *int, authorize func(*domain.Group) error, ac domain.AuditContext) error
	AddUserToGroup(ctx context.Context, groupID, userID int64, authorize func(*domain.Group) error, ac domain.AuditContext) (*domain.Group, error)
	RemoveUserFromGroup(ctx context.Context, groupID, userID int64, authorize func(*domain.Group) error, ac domain.AuditContext) (*domain.Group, error)
}

// TenantStore is the tenants and sites of R12–R13.
type TenantStore interface {
	CreateTenant(ctx context.Context, nt domain.NewTenant, creator *int64, adminRoles []*domain.Role, ac domain.AuditContext) (*domain.Tenant, error)
	UpdateTenant(ctx context.Context, id int64, expectedVersion *int, upd domain.TenantUpdate, authorize func(*domain.Tenant) error, ac domain.AuditContext) (*domain.Tenant, error)
}

// Catalog is the products and roles (read whole, cached by db).
type Catalog interface {
	Products(ctx context.Context) ([]*domain.Product, error)
	Roles(ctx context.Context) ([]*domain.Role, error)
}

// SessionStore is the sessions (Redis, shared by the replicas).
type SessionStore interface {
	Create(ctx context.Context, userID int64, kind, ip, userAgent string) (string, *auth.Session, error)
	List(ctx context.Context, userID int64) ([]*auth.Session, error)
	RevokeOwned(ctx context.Context, userID int64, id string) (bool, error)
	RevokeOthers(ctx context.Context, userID int64, keep string) (int, error)
	// RevokeAll ends every session of an account (R18).
	RevokeAll(ctx context.Context, userID int64) error
}

// RateLimiter counts attempts against a rate (R19); a positive wait is a
// refusal.
type RateLimiter interface {
	// AllowAll counts one attempt against each bucket in order, in one
	// round trip, as counting them one by one would until the first
	// refusal; the wait is the longest of the buckets that refuse.
	AllowAll(ctx context.Context, limits []auth.Limit) (time.Duration, error)
}

// ViewerLoader loads the viewer of a new session.
type ViewerLoader interface {
	LoadViewer(ctx context.Context, userID int64) (*domain.Viewer, error)
}

// CredentialStore is passwords, second factors, invitation and reset
// links, failed sign-ins (R14–R19, R23).
type CredentialStore interface {
	FindLoginAccounts(ctx context.Context, identifier string, limit int) ([]*db.LoginAccount, error)
	LoginAccountByID(ctx context.Context, userID int64) (*db.LoginAccount, error)
	RecordFailedLogin(ctx context.Context, f db.FailedAttempt, ac domain.AuditContext) (locked bool, err error)
	RecordSignIn(ctx context.Context, userID int64, step int64) (*domain.User, error)
	SetPassword(ctx context.Context, userID int64, passwordHash string, action string, ac domain.AuditContext) error
	InvitationInfo(ctx context.Context, tokenHash []byte) (*db.TokenInfo, error)
	AcceptInvitation(ctx context.Context, tokenHash []byte, passwordHash string, ac domain.AuditContext) (*db.TokenInfo, error)
	StartRecovery(ctx context.Context, a *db.LoginAccount, tokenHash []byte, link string, ac domain.AuditContext) error
	ResetTokenInfo(ctx context.Context, tokenHash []byte) (*db.TokenInfo, error)
	ResetPasswordWithToken(ctx context.Context, tokenHash []byte, passwordHash string, ac domain.AuditContext) (*db.TokenInfo, error)
	ResendInvitation(ctx context.Context, userID int64, tokenHash []byte, link string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
	UnlockUser(ctx context.Context, userID int64, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
	AdminResetPassword(ctx context.Context, userID int64, tokenHash []byte, link string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
	AdminResetSecondFactor(ctx context.Context, userID int64, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.User, error)
	SetPendingTOTP(ctx context.Context, userID int64, secret string) error
	ConfirmTOTP(ctx context.Context, userID int64, pendingSecret string, step int64, ac domain.AuditContext) error
}

var (
	_ UserStore   = (*db.UserService)(nil)
	_ GroupStore  = (*db.GroupService)(nil)
	_ TenantStore = (*db.TenantService)(nil)
	_ Catalog     = (*db.CatalogService)(nil)
)
