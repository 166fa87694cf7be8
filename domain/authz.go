package domain

import (
	"context"
	"slices"
)

// Grant is one active role a viewer holds in one tenant: the unit every
// authorization decision is made from.
type Grant struct {
	TenantID           int64
	ProductID          int64
	RoleID             int64
	Category           RoleCategory
	PersonalDataAccess bool
}

// Viewer is who makes a request: a signed-in person or a service account,
// with the grants loaded for this request. A nil *Viewer is anonymous.
type Viewer struct {
	UserID        int64
	Username      string
	Kind          UserKind
	Status        UserStatus
	PlatformAdmin bool
	Grants        []Grant
	SessionID     string
}

// Hierarchy answers the tenant-tree questions authorization needs.
type Hierarchy interface {
	// DescendantIDs returns every tenant below the given ones, at any depth,
	// excluding the given ones.
	DescendantIDs(ctx context.Context, ids []int64) ([]int64, error)
	// AncestorIDs returns every tenant above id, nearest first.
	AncestorIDs(ctx context.Context, id int64) ([]int64, error)
}

// Scope is a set of tenants a viewer may act on; All is platform-wide.
type Scope struct {
	All       bool
	TenantIDs []int64
}

// Contains reports whether tenantID is inside the scope.
func (s Scope) Contains(tenantID int64) bool {
	return s.All || slices.Contains(s.TenantIDs, tenantID)
}

// Authorizer is the one place that decides what a viewer may see and do
// (SPEC §4). Resolvers and services ask it; they never decide themselves.
type Authorizer struct {
	Hierarchy Hierarchy
}

// RequireViewer fails with UNAUTHENTICATED for anonymous requests and for
// accounts that may no longer act.
func RequireViewer(v *Viewer) error {
	if v == nil {
		return Errorf(EUNAUTHENTICATED, "Sign in to continue.")
	}
	if v.Status != UserActive {
		return Errorf(EUNAUTHENTICATED, "This account cannot sign in.")
	}
	return nil
}

// adminTenantIDs returns the tenants where v holds at least one ADMIN role.
func (v *Viewer) adminTenantIDs() []int64 {
	var ids []int64
	for _, g := range v.Grants {
		if g.Category == CategoryAdmin && !slices.Contains(ids, g.TenantID) {
			ids = append(ids, g.TenantID)
		}
	}
	return ids
}

// memberTenantIDs returns the tenants where v holds any active role.
func (v *Viewer) memberTenantIDs() []int64 {
	var ids []int64
	for _, g := range v.Grants {
		if !slices.Contains(ids, g.TenantID) {
			ids = append(ids, g.TenantID)
		}
	}
	return ids
}

// IsAdminOf reports whether v holds an active ADMIN role on the product in
// the tenant: the condition for managing that product's users there (R6).
func (v *Viewer) IsAdminOf(tenantID, productID int64) bool {
	for _, g := range v.Grants {
		if g.TenantID == tenantID && g.ProductID == productID && g.Category == CategoryAdmin {
			return true
		}
	}
	return false
}

// ReadableTenants is what v may see: the tenants v belongs to, and every
// tenant below one where v is an administrator (read-only there, R6).
func (a *Authorizer) ReadableTenants(ctx context.Context, v *Viewer) (Scope, error) {
	if err := RequireViewer(v); err != nil {
		return Scope{}, err
	}
	if v.PlatformAdmin {
		return Scope{All: true}, nil
	}
	ids := v.memberTenantIDs()
	below, err := a.Hierarchy.DescendantIDs(ctx, v.adminTenantIDs())
	if err != nil {
		return Scope{}, err
	}
	return Scope{TenantIDs: compactIDs(append(ids, below...))}, nil
}

// UserDirectoryScope is the set of tenants whose users v may list: the ones
// v administers on any product, and their descendants read-only. Operators
// see no user lists.
func (a *Authorizer) UserDirectoryScope(ctx context.Context, v *Viewer) (Scope, error) {
	if err := RequireViewer(v); err != nil {
		return Scope{}, err
	}
	if v.PlatformAdmin {
		return Scope{All: true}, nil
	}
	admin := v.adminTenantIDs()
	below, err := a.Hierarchy.DescendantIDs(ctx, admin)
	if err != nil {
		return Scope{}, err
	}
	return Scope{TenantIDs: compactIDs(append(slices.Clone(admin), below...))}, nil
}

// CanReadTenant fails with FORBIDDEN when tenantID is outside what v may see.
func (a *Authorizer) CanReadTenant(ctx context.Context, v *Viewer, tenantID int64) error {
	scope, err := a.ReadableTenants(ctx, v)
	if err != nil {
		return err
	}
	if !scope.Contains(tenantID) {
		return Errorf(EFORBIDDEN, "You cannot see this tenant.")
	}
	return nil
}

// PersonalDataScope is the set of tenants whose members' personal data
// (names, email, phone, tax code) v may read: tenants where v holds a role
// with personal-data access, and below those where that role is ADMIN.
// Restricted roles (R12) contribute nothing. Compute it once per request.
func (a *Authorizer) PersonalDataScope(ctx context.Context, v *Viewer) (Scope, error) {
	if err := RequireViewer(v); err != nil {
		return Scope{}, err
	}
	if v.PlatformAdmin {
		return Scope{All: true}, nil
	}
	var ids, admin []int64
	for _, g := range v.Grants {
		if !g.PersonalDataAccess {
			continue
		}
		ids = append(ids, g.TenantID)
		if g.Category == CategoryAdmin {
			admin = append(admin, g.TenantID)
		}
	}
	below, err := a.Hierarchy.DescendantIDs(ctx, compactIDs(admin))
	if err != nil {
		return Scope{}, err
	}
	return Scope{TenantIDs: compactIDs(append(ids, below...))}, nil
}

// CanSeePersonalData decides field-level access to one person's personal
// data: the person themselves, or a viewer whose personal-data scope holds a
// tenant the person belongs to.
func CanSeePersonalData(v *Viewer, scope Scope, targetUserID int64, targetTenantIDs []int64) bool {
	if v == nil {
		return false
	}
	if v.UserID == targetUserID || scope.All {
		return true
	}
	for _, t := range targetTenantIDs {
		if scope.Contains(t) {
			return true
		}
	}
	return false
}

func compactIDs(ids []int64) []int64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// CanNominate decides who may start, and cancel, the nomination of an
// administrator on a product of a tenant (R20): an active ADMIN of that
// product in that tenant, or platform staff. A parent tenant's admins only
// read below them (R6), so they cannot.
func (a *Authorizer) CanNominate(v *Viewer, tenantID, productID int64) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin || v.IsAdminOf(tenantID, productID) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Only an administrator of this product in this tenant can nominate its administrators.")
}

// CanOversee decides who may read a tenant's oversight pages (nominations,
// security findings): the admins of the tenant and of its ancestors, and
// platform staff; the same tenants as the user directory.
func (a *Authorizer) CanOversee(ctx context.Context, v *Viewer, tenantID int64) error {
	scope, err := a.UserDirectoryScope(ctx, v)
	if err != nil {
		return err
	}
	if !scope.Contains(tenantID) {
		return Errorf(EFORBIDDEN, "You cannot oversee this tenant.")
	}
	return nil
}

// CanReport decides who may download a tenant's CSV reports (R24): the
// report covers a tenant the viewer administers or one of its first-level
// children; platform staff may report on any tenant.
func (a *Authorizer) CanReport(ctx context.Context, v *Viewer, tenantID int64) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin {
		return nil
	}
	admin := v.adminTenantIDs()
	if slices.Contains(admin, tenantID) {
		return nil
	}
	up, err := a.Hierarchy.AncestorIDs(ctx, tenantID)
	if err != nil {
		return err
	}
	if len(up) > 0 && slices.Contains(admin, up[0]) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Reports cover a tenant you administer or one of its first-level children.")
}

// CanRunDigest decides who may trigger the monthly digest by hand: platform
// staff only (R25).
func (a *Authorizer) CanRunDigest(v *Viewer) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if !v.PlatformAdmin {
		return Errorf(EFORBIDDEN, "Only platform staff can run the monthly digest.")
	}
	return nil
}
