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
	// ServiceTokenID is the service account token that authenticated the
	// request (0 for sessions): rate limits per token key on it (R19, R27).
	ServiceTokenID int64
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

// CanManageCredentials decides the administrators' credential actions on
// another user (resend an invitation, unlock, reset the password or the
// second factor): platform staff, or an ADMIN of any product in one of the
// tenants the user belongs to (administrators of a parent tenant only
// read, R6) who also has authority over every role the user holds
// (CoversAccount): the credentials open every one of them. Nobody does it
// to themselves from the admin screens (R13).
func (a *Authorizer) CanManageCredentials(ctx context.Context, v *Viewer, t TargetUser) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.UserID == t.ID {
		return Errorf(EFORBIDDEN, "You cannot reset your own credentials from the admin screens: use your profile instead.")
	}
	if v.PlatformAdmin {
		return nil
	}
	if !slices.ContainsFunc(t.TenantIDs, v.isAdminIn) {
		return Errorf(EFORBIDDEN, "You cannot manage this user's credentials.")
	}
	return a.CoversAccount(ctx, v, t)
}

// SecurityRecordsScope decides who reads a user's security records (failed
// sign-ins, R23) and which: the user and platform staff read them all;
// whoever has the user in their user directory (the administrators of the
// user's tenants, read-only from parent tenants) reads the records of
// events in the tenants of that directory only, never those of the other
// tenants the person belongs to (issue 13, item 7: attaching an existing
// person by tax code, R1, must not open their history elsewhere). Storage
// filters the records by the returned scope.
func (a *Authorizer) SecurityRecordsScope(ctx context.Context, v *Viewer, targetUserID int64, targetTenantIDs []int64) (Scope, error) {
	if err := RequireViewer(v); err != nil {
		return Scope{}, err
	}
	if v.UserID == targetUserID || v.PlatformAdmin {
		return Scope{All: true}, nil
	}
	scope, err := a.UserDirectoryScope(ctx, v)
	if err != nil {
		return Scope{}, err
	}
	if !slices.ContainsFunc(targetTenantIDs, scope.Contains) {
		return Scope{}, Errorf(EFORBIDDEN, "You cannot see this user's security records.")
	}
	return scope, nil
}

// CanReadDeveloperMailbox decides access to the developer mailbox, which
// exists only while no SMTP server is configured: platform staff, or anyone
// when the server runs with the development-only open mailbox.
func (a *Authorizer) CanReadDeveloperMailbox(v *Viewer, smtpConfigured, openMailbox bool) error {
	if smtpConfigured {
		return Errorf(ENOTFOUND, "There is no developer mailbox: mail is delivered over SMTP.")
	}
	if openMailbox {
		return nil
	}
	if err := RequireViewer(v); err != nil {
		return err
	}
	if !v.PlatformAdmin {
		return Errorf(EFORBIDDEN, "Only platform administrators read the developer mailbox.")
	}
	return nil
}

// TargetUser holds the facts about a user that decisions on that user
// need. Storage loads them inside the transaction that acts, from every
// tenant: never through a viewer's scope.
type TargetUser struct {
	ID           int64
	HomeTenantID int64
	// TenantIDs are the tenants where the user has a membership.
	TenantIDs []int64
	// Roles are every role assignment the user holds, in every tenant,
	// whatever its category and status (a suspended role comes back with
	// a reactivation): what an account-wide action acts on (R6).
	Roles []TargetRole
	// PlatformAdmin: the account is platform staff's.
	PlatformAdmin bool
	NameVerified  bool
}

// TargetRole is one role a target user holds: a product in a tenant.
type TargetRole struct {
	TenantID  int64
	ProductID int64
	Category  RoleCategory
}

func forbidden(format string, args ...any) error { return Errorf(EFORBIDDEN, format, args...) }

// isAdminIn reports whether v holds an active ADMIN role on any product of
// the tenant.
func (v *Viewer) isAdminIn(tenantID int64) bool {
	return slices.Contains(v.adminTenantIDs(), tenantID)
}

// CanManageProduct is R6: v manages the users of a product in a tenant only
// with an active ADMIN role on that product in that very tenant. An admin of
// a parent tenant has none in a child unless granted there: the parent's
// admins read children, they do not write.
func (a *Authorizer) CanManageProduct(v *Viewer, tenantID, productID int64) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin || v.IsAdminOf(tenantID, productID) {
		return nil
	}
	return forbidden("You need an active administrator role on this product in this tenant.")
}

// CanAdministerTenant lets v act on the tenant as a whole (look up
// candidates before adding a user, rename it, add a site below it): an
// active ADMIN role there on any product.
func (a *Authorizer) CanAdministerTenant(v *Viewer, tenantID int64) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin || v.isAdminIn(tenantID) {
		return nil
	}
	return forbidden("You need an active administrator role in this tenant.")
}

// CanManageMembership decides detaching a user from a tenant, which ends
// every role the membership holds: v must manage each of those products
// there (R6, R8), and may not detach themselves.
func (a *Authorizer) CanManageMembership(v *Viewer, tenantID, userID int64, productIDs []int64) error {
	if err := a.CanAdministerTenant(v, tenantID); err != nil {
		return err
	}
	if v.UserID == userID {
		return forbidden("You cannot remove your own access; ask another administrator.")
	}
	for _, p := range productIDs {
		if err := a.CanManageProduct(v, tenantID, p); err != nil {
			return forbidden("The user has roles on products you do not administer in this tenant.")
		}
	}
	return nil
}

// CanManageAssignment decides suspending, reactivating and removing one
// role assignment (R10): v manages its product in its tenant, and it is not
// v's own (an administrator never demotes or locks out themselves).
func (a *Authorizer) CanManageAssignment(v *Viewer, ra *RoleAssignment) error {
	if err := a.CanManageProduct(v, ra.TenantID, ra.ProductID); err != nil {
		return err
	}
	if v.UserID == ra.UserID {
		return forbidden("You cannot change your own roles; ask another administrator.")
	}
	return nil
}

// CanEditIdentity is the home-tenant rule (R7): a user's identity (names,
// tax code, account state) is edited only by the administrators of the
// tenant that created the user, and only while the user is still a member
// there. An administrator of another tenant that shares the user manages
// that tenant's memberships only.
//
// The identity is the whole account's, so the editor must also have
// authority over every role the user holds (CoversAccount).
func (a *Authorizer) CanEditIdentity(ctx context.Context, v *Viewer, t TargetUser) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin {
		return nil
	}
	if t.HomeTenantID == 0 || !v.isAdminIn(t.HomeTenantID) || !slices.Contains(t.TenantIDs, t.HomeTenantID) {
		return forbidden("Only the administrators of the tenant that created this user may edit their identity.")
	}
	return a.CoversAccount(ctx, v, t)
}

// CanChangeAccountStatus decides suspending and reactivating a whole
// account: the home-tenant rule and authority over every role the account
// holds (CoversAccount), never on oneself.
func (a *Authorizer) CanChangeAccountStatus(ctx context.Context, v *Viewer, t TargetUser) error {
	if err := a.CanEditIdentity(ctx, v, t); err != nil {
		return err
	}
	if v.UserID == t.ID {
		return forbidden("You cannot suspend or reactivate your own account.")
	}
	return nil
}

// CanResetCredentials is R13: administrators reset the password or second
// factor of users created in their tenant, with authority over every role
// the user holds (CoversAccount), never their own from the admin screens
// (they use the self-service flows instead).
func (a *Authorizer) CanResetCredentials(ctx context.Context, v *Viewer, t TargetUser) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.UserID == t.ID {
		return forbidden("You cannot reset your own password or second factor from the admin screens.")
	}
	return a.CanEditIdentity(ctx, v, t)
}

// CoversAccount is R6 applied to account-wide actions (issue 13): one
// account serves every tenant and product it holds roles on, so
// suspending it, resetting its credentials or editing its identity acts on
// all of them at once. v must have authority over each role the target
// holds, whatever its category or status: an active ADMIN role on the
// role's product in the role's tenant or in a tenant above it (a head
// office's administrator of a product outranks its sites' roles on that
// product; a site's administrator never outranks the head office). Every
// tenant the target belongs to must likewise be one v administers, or
// below one. An administrator of product X cannot act on someone who also
// holds roles on product Y, nor a site's administrator on a head-office
// administrator homed at the site. Platform staff's accounts are acted on
// by platform staff only.
func (a *Authorizer) CoversAccount(ctx context.Context, v *Viewer, t TargetUser) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin {
		return nil
	}
	if t.PlatformAdmin {
		return forbidden("Only platform staff act on the account of a platform administrator.")
	}
	// The tenants where v has authority on a product: those where v is its
	// ADMIN, and every tenant below them.
	covered := map[int64]Scope{}
	authority := func(productID int64) (Scope, error) {
		if s, ok := covered[productID]; ok {
			return s, nil
		}
		var ids []int64
		for _, g := range v.Grants {
			if g.Category == CategoryAdmin && (productID == 0 || g.ProductID == productID) {
				ids = append(ids, g.TenantID)
			}
		}
		ids = compactIDs(ids)
		below, err := a.Hierarchy.DescendantIDs(ctx, ids)
		if err != nil {
			return Scope{}, err
		}
		s := Scope{TenantIDs: compactIDs(append(ids, below...))}
		covered[productID] = s
		return s, nil
	}
	refused := forbidden("This user holds roles on products or in tenants you do not administer: only an administrator of all of them may act on the whole account.")
	for _, r := range t.Roles {
		s, err := authority(r.ProductID)
		if err != nil {
			return err
		}
		if !s.Contains(r.TenantID) {
			return refused
		}
	}
	anyProduct, err := authority(0)
	if err != nil {
		return err
	}
	for _, id := range t.TenantIDs {
		if !anyProduct.Contains(id) {
			return refused
		}
	}
	return nil
}

// CanChangeEmail is R3: a work email is changed only by its owner, through
// re-verification. Nobody else, platform staff included, may change it:
// that would hand over the account.
func (a *Authorizer) CanChangeEmail(v *Viewer, userID int64) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.UserID != userID {
		return forbidden("Only the user may change their own email.")
	}
	return nil
}

// CanSetOwnPhone is R3: the work phone is set by the user only, and only by
// users who hold an active ADMIN role somewhere.
func (a *Authorizer) CanSetOwnPhone(v *Viewer) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if len(v.adminTenantIDs()) == 0 {
		return forbidden("Only users with an administrator role record a work phone.")
	}
	return nil
}

// CanCreateTenant: platform staff onboard any tenant; a tenant's
// administrator adds sites directly below a tenant they administer.
func (a *Authorizer) CanCreateTenant(v *Viewer, parentID *int64) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin {
		return nil
	}
	if parentID == nil {
		return forbidden("Only platform staff onboard new organisations.")
	}
	if !v.isAdminIn(*parentID) {
		return forbidden("You can add sites only below a tenant you administer.")
	}
	return nil
}

// CanUpdateTenant: the tenant's administrators rename it; its identity
// (country, tax code, certified email, where nominations go) is onboarding
// data that only platform staff change.
func (a *Authorizer) CanUpdateTenant(v *Viewer, tenantID int64, identity bool) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin {
		return nil
	}
	if identity {
		return forbidden("Only platform staff change a tenant's tax code or certified email.")
	}
	return a.CanAdministerTenant(v, tenantID)
}

// ManagedProducts returns, of the given products, those v manages in the
// tenant (what the admin screens offer to assign).
func (a *Authorizer) ManagedProducts(v *Viewer, tenantID int64, productIDs []int64) []int64 {
	var out []int64
	for _, p := range productIDs {
		if a.CanManageProduct(v, tenantID, p) == nil {
			out = append(out, p)
		}
	}
	return out
}

// UserCapabilities says what v may do to one user, so that screens offer
// exactly the actions the API accepts.
type UserCapabilities struct {
	EditIdentity     bool
	EditNames        bool
	ChangeStatus     bool
	ResetCredentials bool
	ChangeEmail      bool
	SetPhone         bool
	EditPreferences  bool
}

// Capabilities computes UserCapabilities from the same decisions the
// mutations use.
func (a *Authorizer) Capabilities(ctx context.Context, v *Viewer, t TargetUser) UserCapabilities {
	identity := a.CanEditIdentity(ctx, v, t) == nil
	self := v != nil && v.UserID == t.ID
	return UserCapabilities{
		EditIdentity:     identity,
		EditNames:        identity && !t.NameVerified,
		ChangeStatus:     a.CanChangeAccountStatus(ctx, v, t) == nil,
		ResetCredentials: a.CanResetCredentials(ctx, v, t) == nil,
		ChangeEmail:      a.CanChangeEmail(v, t.ID) == nil,
		SetPhone:         self && a.CanSetOwnPhone(v) == nil,
		EditPreferences:  self || identity,
	}
}

// CanAttachToTenant is R8: v attaches a user it can list to another tenant
// of the same organisation (a site), on a product v administers there.
// Crossing organisations goes through R1's attach instead, which needs the
// person's username and tax code.
func (a *Authorizer) CanAttachToTenant(ctx context.Context, v *Viewer, t TargetUser, tenantID, productID int64) error {
	if err := a.CanManageProduct(v, tenantID, productID); err != nil {
		return err
	}
	dir, err := a.UserDirectoryScope(ctx, v)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(t.TenantIDs, dir.Contains) {
		return forbidden("You cannot see this user.")
	}
	for _, from := range t.TenantIDs {
		same, err := SameOrganisation(ctx, a.Hierarchy, from, tenantID)
		if err != nil {
			return err
		}
		if same {
			return nil
		}
	}
	return FieldError("tenantId", ReasonOtherOrganisation, "Users are attached to sites of their own organisation only.")
}

// AuditScope is the set of tenants whose audit trail v may read (R26): the
// tenants v administers on any product and, read-only, their descendants.
// Audit records without a tenant (platform changes) need Scope.All.
func (a *Authorizer) AuditScope(ctx context.Context, v *Viewer) (Scope, error) {
	return a.UserDirectoryScope(ctx, v)
}

// CanManageServiceAccounts fails with FORBIDDEN unless v may create service
// accounts of the tenant and manage their tokens (R27): platform staff, or
// an administrator of that very tenant (a parent's admins see the child's
// service accounts read-only, like its users, R6).
func (a *Authorizer) CanManageServiceAccounts(v *Viewer, tenantID int64) error {
	if err := RequireViewer(v); err != nil {
		return err
	}
	if v.PlatformAdmin || slices.Contains(v.adminTenantIDs(), tenantID) {
		return nil
	}
	return Errorf(EFORBIDDEN, "You cannot manage the service accounts of this tenant.")
}

// CanManageServiceAccountTokens decides issuing, rotating and revoking a
// service account's tokens (R27): v manages the service accounts of its
// tenant and has authority over every role the account holds
// (CoversAccount), since a token acts with all of them.
func (a *Authorizer) CanManageServiceAccountTokens(ctx context.Context, v *Viewer, tenantID int64, t TargetUser) error {
	if err := a.CanManageServiceAccounts(v, tenantID); err != nil {
		return err
	}
	return a.CoversAccount(ctx, v, t)
}

// SubscriptionStillAllowed re-checks a subscriber (R28) whose viewer was
// reloaded: the account must still be able to act, and every tenant the
// subscription covers must still be readable. It returns the current
// readable scope.
func (a *Authorizer) SubscriptionStillAllowed(ctx context.Context, v *Viewer, covered Scope) (Scope, error) {
	scope, err := a.ReadableTenants(ctx, v)
	if err != nil {
		return Scope{}, err
	}
	if err := SubscriptionCovered(scope, covered); err != nil {
		return Scope{}, err
	}
	return scope, nil
}

// SubscriptionCovered is SubscriptionStillAllowed's decision for a readable
// scope already computed for the reloaded viewer (ReadableTenants): every
// tenant the subscription covers must be in it.
func SubscriptionCovered(readable, covered Scope) error {
	if covered.All && !readable.All {
		return Errorf(EFORBIDDEN, "You can no longer see these tenants.")
	}
	for _, id := range covered.TenantIDs {
		if !readable.Contains(id) {
			return Errorf(EFORBIDDEN, "You can no longer see these tenants.")
		}
	}
	return nil
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
