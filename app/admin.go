package app

import (
	"context"
	"strings"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
)

// Delegated administration (R1–R13). Every permission is a
// domain.Authorizer decision: the prologue (begin) decides what can be
// decided from the input, the stores ask again under their row locks
// through the authorize callbacks passed here.

// OrDefault is s, or def when s is absent or blank.
func OrDefault(s *string, def string) string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return def
	}
	return *s
}

// LookupUserCandidateInput is R1's first step: is this person known?
type LookupUserCandidateInput struct {
	TenantID   int64
	Username   string
	TaxCode    string
	TaxCountry string // "" is IT
}

// LookupUserCandidate is R1's first step. The lookup is audited.
func (a *App) LookupUserCandidate(ctx context.Context, in LookupUserCandidateInput) (domain.Candidate, error) {
	c, err := a.begin(ctx, need{tenant: in.TenantID, adminOf: true})
	if err != nil {
		return domain.Candidate{}, err
	}
	username, err := domain.NormalizeUsername(in.Username)
	if err != nil {
		return domain.Candidate{}, err
	}
	country, err := domain.NormalizeCountry("taxCountry", orIT(in.TaxCountry))
	if err != nil {
		return domain.Candidate{}, err
	}
	taxCode, err := domain.ValidatePersonTaxCode(country, in.TaxCode)
	if err != nil {
		return domain.Candidate{}, err
	}
	cand, err := a.Users.LookupCandidate(ctx, in.TenantID, username, taxCode)
	if err != nil {
		return cand, err
	}
	return cand, a.Users.RecordLookup(ctx, c.Audit, in.TenantID, username, cand)
}

func orIT(country string) string {
	if strings.TrimSpace(country) == "" {
		return "IT"
	}
	return country
}

// CreateUserInput is a new person with their first role.
type CreateUserInput struct {
	domain.NewUser // TenantID and ProductID name where the role is given
	RoleID         int64
	// InitialPassword, when set, is the first password the administrator
	// chose (seed 000) instead of an invitation.
	InitialPassword *string
}

// CreateUser creates a person with one role and sends the invitation.
func (a *App) CreateUser(ctx context.Context, in CreateUserInput) (*domain.User, *domain.Membership, error) {
	c, err := a.begin(ctx, need{tenant: in.TenantID, product: in.ProductID, role: in.RoleID})
	if err != nil {
		return nil, nil, err
	}
	nu := in.NewUser
	nu.TaxCountry = orIT(nu.TaxCountry)
	// Every bad field is reported at once (issue 15.2).
	var errs domain.Errors
	errs.Add(nu.Normalize())
	errs.Add(domain.CheckNomination(c.role))
	if in.InitialPassword != nil {
		errs.Add(CheckNewPassword("initialPassword", *in.InitialPassword, nu.Username, nu.Email, nu.GivenName, nu.FamilyName))
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	if in.InitialPassword != nil {
		hash, err := a.HashPassword(ctx, *in.InitialPassword, auth.DefaultArgon2)
		if err != nil {
			return nil, nil, err
		}
		return a.Users.CreateUser(ctx, nu, c.role, db.Invite{PasswordHash: hash}, c.Audit)
	}
	token, hash := auth.NewToken()
	return a.Users.CreateUser(ctx, nu, c.role, db.Invite{TokenHash: hash, Link: a.PublicURL + "/invitation#token=" + token}, c.Audit)
}

// AttachExistingUserInput names a known person to give a role.
type AttachExistingUserInput struct {
	TenantID, ProductID, RoleID int64
	Username, TaxCode           string
	TaxCountry                  string // "" is IT
}

// AttachExistingUser is R1's "attach that account instead".
func (a *App) AttachExistingUser(ctx context.Context, in AttachExistingUserInput) (*domain.User, *domain.Membership, error) {
	c, err := a.begin(ctx, need{tenant: in.TenantID, product: in.ProductID, role: in.RoleID})
	if err != nil {
		return nil, nil, err
	}
	var errs domain.Errors
	username, err := domain.NormalizeUsername(in.Username)
	errs.Add(err)
	var taxCode string
	country, err := domain.NormalizeCountry("taxCountry", orIT(in.TaxCountry))
	if errs.Add(err) {
		taxCode, err = domain.ValidatePersonTaxCode(country, in.TaxCode)
		errs.Add(err)
	}
	errs.Add(domain.CheckNomination(c.role))
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	return a.Users.AttachExistingUser(ctx, in.TenantID, username, taxCode, c.role, c.Audit)
}

// UpdateUserProfile is an administrator's edit of identity and preferences.
func (a *App) UpdateUserProfile(ctx context.Context, userID int64, expectedVersion int, upd domain.ProfileUpdate) (*domain.User, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	return a.Users.UpdateProfile(ctx, userID, &expectedVersion, upd,
		func(t domain.TargetUser) error { return c.Authz.CanEditIdentity(ctx, c.Viewer, t) }, c.Audit)
}

// self authorizes changes a viewer makes to their own account.
func self(domain.TargetUser) error { return nil }

// UpdateMyPreferences is R4 for oneself.
func (a *App) UpdateMyPreferences(ctx context.Context, expectedVersion *int, language, timeZone *string) (*domain.User, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	return a.Users.UpdatePreferences(ctx, c.Viewer.UserID, expectedVersion, language, timeZone, self, c.Audit)
}

// UpdateMyPhone is R3's work phone, for oneself (nil or blank: none).
func (a *App) UpdateMyPhone(ctx context.Context, expectedVersion *int, phone *string) (*domain.User, error) {
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error { return az.CanSetOwnPhone(v) }})
	if err != nil {
		return nil, err
	}
	normalized := ""
	if phone != nil && strings.TrimSpace(*phone) != "" {
		if normalized, err = domain.NormalizePhone(*phone); err != nil {
			return nil, err
		}
	}
	return a.Users.SetPhone(ctx, c.Viewer.UserID, expectedVersion, normalized, self, c.Audit)
}

// RequestEmailChange is R3's re-verified email change, for oneself.
func (a *App) RequestEmailChange(ctx context.Context, newEmail string) (*domain.User, error) {
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error { return az.CanChangeEmail(v, v.UserID) }})
	if err != nil {
		return nil, err
	}
	email, err := domain.NormalizeEmail(newEmail)
	if err != nil {
		return nil, err
	}
	token, hash := auth.NewToken()
	return a.Users.RequestEmailChange(ctx, c.Viewer.UserID, email, hash, a.PublicURL+"/verify-email#token="+token, c.Audit)
}

// ConfirmEmailChange applies a pending email change; the token is the
// proof, so it works signed out. The user is returned to themselves only.
func (a *App) ConfirmEmailChange(ctx context.Context, token string) (*domain.User, error) {
	if token == "" || len(token) > 128 {
		return nil, &domain.Error{Code: domain.EINVALID, Field: "token", Reason: domain.ReasonInvalidToken, Message: "This link is invalid."}
	}
	u, err := a.Users.ConfirmEmailChange(ctx, auth.HashToken(token), AuditContext(ctx))
	if err != nil {
		return nil, err
	}
	if v := ViewerFrom(ctx); v == nil || v.UserID != u.ID {
		return nil, nil
	}
	return u, nil
}

// RoleInput gives a member (or a person to make one) a role in a tenant.
type RoleInput struct {
	UserID, TenantID, RoleID int64
	// ProductID, when set, is the product the role must belong to.
	ProductID int64
}

// AttachUserToTenant is R8.
func (a *App) AttachUserToTenant(ctx context.Context, in RoleInput) (*domain.Membership, error) {
	c, err := a.begin(ctx, need{tenant: in.TenantID, product: in.ProductID, role: in.RoleID, assignable: true})
	if err != nil {
		return nil, err
	}
	return a.Users.AttachUserToTenant(ctx, in.UserID, in.TenantID, c.role, func(t domain.TargetUser) error {
		return c.Authz.CanAttachToTenant(ctx, c.Viewer, t, in.TenantID, in.ProductID)
	}, c.Audit)
}

// DetachUserFromTenant is R8 (and R10's cascade to the account).
func (a *App) DetachUserFromTenant(ctx context.Context, membershipID int64) (db.RemovalResult, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return db.RemovalResult{}, err
	}
	return a.detachMembership(ctx, c.Actor, membershipID)
}

// detachMembership ends one membership, ending the sessions of an account
// it deletes.
func (a *App) detachMembership(ctx context.Context, act Actor, membershipID int64) (db.RemovalResult, error) {
	res, err := a.Users.DetachUserFromTenant(ctx, membershipID, func(tenantID, userID int64, productIDs []int64) error {
		return act.Authz.CanManageMembership(act.Viewer, tenantID, userID, productIDs)
	}, act.Audit)
	if err == nil && res.UserDeleted {
		a.revokeSessions(ctx, res.UserID)
	}
	return res, err
}

// RemoveUserFromTenant is seed 004's "delete this user from my tenant":
// DetachUserFromTenant named by user and tenant. Whether the user is a
// member is told only to whoever administers the tenant. It returns the
// membership ended.
func (a *App) RemoveUserFromTenant(ctx context.Context, userID, tenantID int64) (db.RemovalResult, *domain.Membership, error) {
	c, err := a.begin(ctx, need{tenant: tenantID, adminOf: true})
	if err != nil {
		return db.RemovalResult{}, nil, err
	}
	return a.removeMember(ctx, c.Actor, userID, tenantID)
}

// removeMember detaches a user from a tenant that the actor is already
// known to administer: NOT_A_MEMBER when the user is not one of its
// members.
func (a *App) removeMember(ctx context.Context, act Actor, userID, tenantID int64) (db.RemovalResult, *domain.Membership, error) {
	m, err := a.Users.FindMembershipOf(ctx, userID, tenantID)
	if err != nil {
		return db.RemovalResult{}, nil, err
	}
	res, err := a.detachMembership(ctx, act, m.ID)
	return res, m, err
}

// revokeSessions ends a user's sessions after a committed change (R18).
// A failure is logged: the account's state already refuses the sessions.
func (a *App) revokeSessions(ctx context.Context, userID int64) {
	if a.Sessions == nil {
		return
	}
	if err := a.Sessions.RevokeAll(ctx, userID); err != nil {
		a.Logger.ErrorContext(ctx, "revoke sessions", "user", userID, "error", err)
	}
}

// AssignRole is R9: the viewer manages the role's product in the tenant
// (R6) and the role is not nomination-only (R20).
func (a *App) AssignRole(ctx context.Context, in RoleInput) (*domain.RoleAssignment, error) {
	c, err := a.begin(ctx, need{tenant: in.TenantID, role: in.RoleID, assignable: true})
	if err != nil {
		return nil, err
	}
	return a.Users.AssignRole(ctx, in.UserID, in.TenantID, c.role, c.Audit)
}

// SetModuleLevel sets a member's level on a single-level module (seed
// 003). It returns the new assignment and the role it replaced (nil when
// none).
func (a *App) SetModuleLevel(ctx context.Context, in RoleInput) (*domain.RoleAssignment, *domain.Role, error) {
	c, err := a.begin(ctx, need{tenant: in.TenantID, role: in.RoleID, assignable: true})
	if err != nil {
		return nil, nil, err
	}
	ra, replaced, err := a.Users.SetModuleLevel(ctx, in.UserID, in.TenantID, c.role, func(old *domain.RoleAssignment) error {
		return c.Authz.CanManageAssignment(c.Viewer, old)
	}, c.Audit)
	if err != nil || replaced == nil {
		return ra, nil, err
	}
	previous, err := a.role(ctx, replaced.RoleID)
	if err != nil {
		return nil, nil, err
	}
	return ra, previous, nil
}

// OnboardTenantAdministrator is R20's one exception: platform staff grant a
// tenant's first administrator a nomination-only role.
func (a *App) OnboardTenantAdministrator(ctx context.Context, in RoleInput, reason string) (*domain.RoleAssignment, error) {
	// Decided before any lookup: nothing about the tenant is told.
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, _ *domain.Authorizer) error { return domain.CanOnboardAdministrator(v) },
		role: in.RoleID})
	if err != nil {
		return nil, err
	}
	reason, err = domain.NormalizeOnboardingReason(reason)
	if err != nil {
		return nil, err
	}
	return a.Users.OnboardAdministrator(ctx, in.UserID, in.TenantID, c.role, reason, func(holders int) error {
		return domain.CheckOnboardAdministrator(c.Viewer, c.role, holders)
	}, c.Audit)
}

// SetAssignmentStatus suspends or reactivates a role assignment (R10).
func (a *App) SetAssignmentStatus(ctx context.Context, id int64, status domain.AssignmentStatus) (*domain.RoleAssignment, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	return a.Users.SetAssignmentStatus(ctx, id, status, func(ra *domain.RoleAssignment) error {
		return c.Authz.CanManageAssignment(c.Viewer, ra)
	}, c.Audit)
}

// RemoveRoleAssignment is R10 with its cascade.
func (a *App) RemoveRoleAssignment(ctx context.Context, id int64) (db.RemovalResult, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return db.RemovalResult{}, err
	}
	res, err := a.Users.RemoveRoleAssignment(ctx, id, func(ra *domain.RoleAssignment) error {
		return c.Authz.CanManageAssignment(c.Viewer, ra)
	}, c.Audit)
	if err == nil && res.UserDeleted {
		a.revokeSessions(ctx, res.UserID)
	}
	return res, err
}

// SetAccountStatus suspends (ending the sessions) or reactivates an account.
func (a *App) SetAccountStatus(ctx context.Context, userID int64, expectedVersion *int, suspend bool) (*domain.User, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	return a.setAccountStatus(ctx, c.Actor, userID, expectedVersion, suspend)
}

// setAccountStatus suspends or reactivates one account (R5, R7).
func (a *App) setAccountStatus(ctx context.Context, act Actor, userID int64, expectedVersion *int, suspend bool) (*domain.User, error) {
	u, err := a.Users.SetAccountStatus(ctx, userID, expectedVersion, suspend,
		func(t domain.TargetUser) error { return act.Authz.CanChangeAccountStatus(ctx, act.Viewer, t) }, act.Audit)
	if err == nil && suspend {
		a.revokeSessions(ctx, userID)
	}
	return u, err
}

// manageGroup authorizes changes to a group: its product in its tenant.
func manageGroup(act Actor) func(*domain.Group) error {
	return func(g *domain.Group) error { return act.Authz.CanManageProduct(act.Viewer, g.TenantID, g.ProductID) }
}

// CreateGroup is R11.
func (a *App) CreateGroup(ctx context.Context, tenantID, productID int64, name string) (*domain.Group, error) {
	c, err := a.begin(ctx, need{tenant: tenantID, product: productID})
	if err != nil {
		return nil, err
	}
	if _, err := a.product(ctx, productID); err != nil {
		return nil, err
	}
	if name, err = domain.NormalizeName("name", name); err != nil {
		return nil, err
	}
	return a.Groups.CreateGroup(ctx, tenantID, productID, name, c.Audit)
}

// UpdateGroup renames, activates or deactivates a group.
func (a *App) UpdateGroup(ctx context.Context, id int64, expectedVersion int, name *string, active *bool) (*domain.Group, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	upd := db.GroupUpdate{Active: active}
	if name != nil {
		n, err := domain.NormalizeName("name", *name)
		if err != nil {
			return nil, err
		}
		upd.Name = &n
	}
	return a.Groups.UpdateGroup(ctx, id, &expectedVersion, upd, manageGroup(c.Actor), c.Audit)
}

// DeleteGroup deletes a group.
func (a *App) DeleteGroup(ctx context.Context, id int64, expectedVersion *int) error {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return err
	}
	return a.Groups.DeleteGroup(ctx, id, expectedVersion, manageGroup(c.Actor), c.Audit)
}

// GroupMember adds a user to a group or takes them out.
func (a *App) GroupMember(ctx context.Context, groupID, userID int64, add bool) (*domain.Group, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	change := a.Groups.RemoveUserFromGroup
	if add {
		change = a.Groups.AddUserToGroup
	}
	return change(ctx, groupID, userID, manageGroup(c.Actor), c.Audit)
}

// CreateTenant onboards a tenant or adds a site. A site's creator who is
// not platform staff gets its administrator roles (of their roles in the
// parent), and the rest of the request sees them.
func (a *App) CreateTenant(ctx context.Context, nt domain.NewTenant) (*domain.Tenant, error) {
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error { return az.CanCreateTenant(v, nt.ParentID) }})
	if err != nil {
		return nil, err
	}
	if err := nt.Normalize(); err != nil {
		return nil, err
	}
	v := c.Viewer
	var creator *int64
	var roles []*domain.Role
	if !v.PlatformAdmin && nt.ParentID != nil {
		creator = &v.UserID
		seen := map[int64]bool{}
		var parentRoles []*domain.Role
		for _, g := range v.Grants {
			if g.TenantID == *nt.ParentID && g.Category == domain.CategoryAdmin && !seen[g.RoleID] {
				seen[g.RoleID] = true
				r, err := a.role(ctx, g.RoleID)
				if err != nil {
					return nil, err
				}
				parentRoles = append(parentRoles, r)
			}
		}
		roles = domain.SiteCreatorRoles(parentRoles)
	}
	t, err := a.Tenants.CreateTenant(ctx, nt, creator, roles, c.Audit)
	if err == nil && creator != nil {
		// The rest of this request (the payload) sees the new site's
		// grants, as the next request will.
		for _, r := range roles {
			v.Grants = append(v.Grants, domain.Grant{TenantID: t.ID, ProductID: r.ProductID, RoleID: r.ID,
				Category: r.Category, PersonalDataAccess: r.PersonalDataAccess})
		}
	}
	return t, err
}

// UpdateTenant renames a tenant, or changes its identity (platform staff).
// upd.Bounds is the App's.
func (a *App) UpdateTenant(ctx context.Context, id int64, expectedVersion int, upd domain.TenantUpdate) (*domain.Tenant, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	upd.Bounds = a.PasswordLifetime
	return a.Tenants.UpdateTenant(ctx, id, &expectedVersion, upd, func(t *domain.Tenant) error {
		return c.Authz.CanUpdateTenant(c.Viewer, t.ID, upd.Identity())
	}, c.Audit)
}
