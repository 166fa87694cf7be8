package graph

import (
	"context"
	"strings"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Delegated administration (R1–R13): input parsing and the calls the
// mutation resolvers make. Every permission is a domain.Authorizer
// decision; the storage layer asks it again under its row locks through
// the authorize callbacks passed here.

// payloadErrors maps a mutation's failure: authorization and unknown
// objects are GraphQL errors (extensions.code FORBIDDEN, NOT_FOUND,
// UNAUTHENTICATED), business-rule failures become userErrors.
func payloadErrors(err error) ([]*model.UserError, error) {
	if e := domain.AsError(err); e != nil && e.Reason == "" && (e.Code == domain.EFORBIDDEN || e.Code == domain.ENOTFOUND) {
		return nil, err
	}
	return userErrors(err)
}

// actor returns the signed-in viewer and the per-request authorizer.
func actor(ctx context.Context) (*domain.Viewer, *domain.Authorizer, error) {
	v := ViewerFrom(ctx)
	if err := domain.RequireViewer(v); err != nil {
		return nil, nil, err
	}
	return v, loadersFrom(ctx).authorizer, nil
}

// roleOf resolves a role ID and checks that it belongs to the product.
func (app *App) roleOf(ctx context.Context, roleGID string, productID *int64) (*domain.Role, error) {
	id, err := decodeID("Role", roleGID, "roleId")
	if err != nil {
		return nil, err
	}
	idx, err := loadersFrom(ctx).Catalog(ctx)
	if err != nil {
		return nil, err
	}
	role, ok := idx.roleByID[id]
	if !ok {
		return nil, domain.FieldError("roleId", "UNKNOWN_ROLE", "No such role.")
	}
	if productID != nil {
		if err := domain.CheckRoleOfProduct(role, *productID); err != nil {
			return nil, err
		}
	}
	return role, nil
}

func orDefault(s *string, def string) string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return def
	}
	return *s
}

// LookupUserCandidate is R1's first step.
func (app *App) LookupUserCandidate(ctx context.Context, in model.LookupUserCandidateInput) (domain.Candidate, *domain.User, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return domain.Candidate{}, nil, err
	}
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return domain.Candidate{}, nil, err
	}
	if err := az.CanAdministerTenant(v, tenantID); err != nil {
		return domain.Candidate{}, nil, err
	}
	username, err := domain.NormalizeUsername(in.Username)
	if err != nil {
		return domain.Candidate{}, nil, err
	}
	country, err := domain.NormalizeCountry("taxCountry", orDefault(in.TaxCountry, "IT"))
	if err != nil {
		return domain.Candidate{}, nil, err
	}
	taxCode, err := domain.ValidatePersonTaxCode(country, in.TaxCode)
	if err != nil {
		return domain.Candidate{}, nil, err
	}
	c, err := app.Users.LookupCandidate(ctx, tenantID, username, taxCode)
	if err != nil {
		return c, nil, err
	}
	if err := app.Users.RecordLookup(ctx, auditContext(ctx), tenantID, username, c); err != nil {
		return c, nil, err
	}
	var member *domain.User
	if c.Outcome == domain.CandidateAlreadyMember {
		// A member of a tenant the viewer administers: in its user list.
		if member, err = loadersFrom(ctx).User(ctx, c.UserID); err != nil {
			return c, nil, err
		}
	}
	return c, member, nil
}

// CreateUser creates a person with one role and sends the invitation.
func (app *App) CreateUser(ctx context.Context, in model.CreateUserInput) (*domain.User, *domain.Membership, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	nu := domain.NewUser{Username: in.Username, TaxCode: in.TaxCode, TaxCountry: orDefault(in.TaxCountry, "IT"),
		GivenName: in.GivenName, FamilyName: in.FamilyName, Email: in.Email,
		Language: orDefault(in.Language, ""), TimeZone: orDefault(in.TimeZone, ""),
		Phone: orDefault(in.Phone, ""), BirthDate: orDefault(in.BirthDate, "")}
	if in.Gender != nil {
		nu.Gender = string(*in.Gender)
	}
	if nu.TenantID, err = decodeID("Tenant", in.TenantID, "tenantId"); err != nil {
		return nil, nil, err
	}
	if nu.ProductID, err = decodeID("Product", in.ProductID, "productId"); err != nil {
		return nil, nil, err
	}
	if err := az.CanManageProduct(v, nu.TenantID, nu.ProductID); err != nil {
		return nil, nil, err
	}
	role, err := app.roleOf(ctx, in.RoleID, &nu.ProductID)
	if err != nil {
		return nil, nil, err
	}
	// Every bad field is reported at once (issue 15.2).
	var errs domain.Errors
	errs.Add(nu.Normalize())
	errs.Add(domain.CheckNomination(role))
	if in.InitialPassword != nil {
		// Seed 000: the administrator chooses the first password.
		errs.Add(checkNewPassword("initialPassword", *in.InitialPassword, nu.Username, nu.Email, nu.GivenName, nu.FamilyName))
	}
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	if in.InitialPassword != nil {
		hash, err := app.hashPassword(ctx, *in.InitialPassword, auth.DefaultArgon2)
		if err != nil {
			return nil, nil, err
		}
		return app.Users.CreateUser(ctx, nu, role, db.Invite{PasswordHash: hash}, auditContext(ctx))
	}
	token, hash := auth.NewToken()
	return app.Users.CreateUser(ctx, nu, role, db.Invite{TokenHash: hash, Link: app.PublicURL + "/invitation#token=" + token}, auditContext(ctx))
}

// AttachExistingUser is R1's "attach that account instead".
func (app *App) AttachExistingUser(ctx context.Context, in model.AttachExistingUserInput) (*domain.User, *domain.Membership, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return nil, nil, err
	}
	productID, err := decodeID("Product", in.ProductID, "productId")
	if err != nil {
		return nil, nil, err
	}
	if err := az.CanManageProduct(v, tenantID, productID); err != nil {
		return nil, nil, err
	}
	role, err := app.roleOf(ctx, in.RoleID, &productID)
	if err != nil {
		return nil, nil, err
	}
	var errs domain.Errors
	username, err := domain.NormalizeUsername(in.Username)
	errs.Add(err)
	var taxCode string
	country, err := domain.NormalizeCountry("taxCountry", orDefault(in.TaxCountry, "IT"))
	if errs.Add(err) {
		taxCode, err = domain.ValidatePersonTaxCode(country, in.TaxCode)
		errs.Add(err)
	}
	errs.Add(domain.CheckNomination(role))
	if err := errs.Err(); err != nil {
		return nil, nil, err
	}
	return app.Users.AttachExistingUser(ctx, tenantID, username, taxCode, role, auditContext(ctx))
}

// UpdateUserProfile is an administrator's edit of identity and preferences.
func (app *App) UpdateUserProfile(ctx context.Context, in model.UpdateUserProfileInput) (*domain.User, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	userID, err := decodeID("User", in.UserID, "userId")
	if err != nil {
		return nil, err
	}
	upd := domain.ProfileUpdate{GivenName: in.GivenName, FamilyName: in.FamilyName, TaxCode: in.TaxCode,
		TaxCountry: in.TaxCountry, Language: in.Language, TimeZone: in.TimeZone, Gender: in.Gender, BirthDate: in.BirthDate}
	return app.Users.UpdateProfile(ctx, userID, &in.ExpectedVersion, upd,
		func(t domain.TargetUser) error { return az.CanEditIdentity(ctx, v, t) }, auditContext(ctx))
}

// self authorizes changes a viewer makes to their own account.
func self(domain.TargetUser) error { return nil }

// UpdateMyPreferences is R4 for oneself.
func (app *App) UpdateMyPreferences(ctx context.Context, in model.UpdateMyPreferencesInput) (*domain.User, error) {
	v, _, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	return app.Users.UpdatePreferences(ctx, v.UserID, in.ExpectedVersion, in.Language, in.TimeZone, self, auditContext(ctx))
}

// UpdateMyPhone is R3's work phone, for oneself.
func (app *App) UpdateMyPhone(ctx context.Context, in model.UpdateMyPhoneInput) (*domain.User, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := az.CanSetOwnPhone(v); err != nil {
		return nil, err
	}
	phone := ""
	if in.Phone != nil && strings.TrimSpace(*in.Phone) != "" {
		if phone, err = domain.NormalizePhone(*in.Phone); err != nil {
			return nil, err
		}
	}
	return app.Users.SetPhone(ctx, v.UserID, in.ExpectedVersion, phone, self, auditContext(ctx))
}

// RequestEmailChange is R3's re-verified email change, for oneself.
func (app *App) RequestEmailChange(ctx context.Context, in model.RequestEmailChangeInput) (*domain.User, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := az.CanChangeEmail(v, v.UserID); err != nil {
		return nil, err
	}
	email, err := domain.NormalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	token, hash := auth.NewToken()
	return app.Users.RequestEmailChange(ctx, v.UserID, email, hash, app.PublicURL+"/verify-email#token="+token, auditContext(ctx))
}

// ConfirmEmailChange applies a pending email change; the token is the
// proof, so it works signed out. The user is returned to themselves only.
func (app *App) ConfirmEmailChange(ctx context.Context, in model.ConfirmEmailChangeInput) (*domain.User, error) {
	if in.Token == "" || len(in.Token) > 128 {
		return nil, &domain.Error{Code: domain.EINVALID, Field: "token", Reason: domain.ReasonInvalidToken, Message: "This link is invalid."}
	}
	u, err := app.Users.ConfirmEmailChange(ctx, auth.HashToken(in.Token), auditContext(ctx))
	if err != nil {
		return nil, err
	}
	if v := ViewerFrom(ctx); v == nil || v.UserID != u.ID {
		return nil, nil
	}
	return u, nil
}

// AttachUserToTenant is R8.
func (app *App) AttachUserToTenant(ctx context.Context, in model.AttachUserToTenantInput) (*domain.Membership, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	userID, err := decodeID("User", in.UserID, "userId")
	if err != nil {
		return nil, err
	}
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return nil, err
	}
	productID, err := decodeID("Product", in.ProductID, "productId")
	if err != nil {
		return nil, err
	}
	if err := az.CanManageProduct(v, tenantID, productID); err != nil {
		return nil, err
	}
	role, err := app.roleOf(ctx, in.RoleID, &productID)
	if err != nil {
		return nil, err
	}
	if err := domain.CheckNomination(role); err != nil {
		return nil, err
	}
	return app.Users.AttachUserToTenant(ctx, userID, tenantID, role, func(t domain.TargetUser) error {
		return az.CanAttachToTenant(ctx, v, t, tenantID, productID)
	}, auditContext(ctx))
}

// DetachUserFromTenant is R8 (and R10's cascade to the account).
func (app *App) DetachUserFromTenant(ctx context.Context, in model.DetachUserFromTenantInput) (db.RemovalResult, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return db.RemovalResult{}, err
	}
	id, err := decodeID("Membership", in.MembershipID, "membershipId")
	if err != nil {
		return db.RemovalResult{}, err
	}
	return app.detachMembership(ctx, v, az, id)
}

// detachMembership ends one membership as v (R8, R10), ending the
// sessions of an account it deletes.
func (app *App) detachMembership(ctx context.Context, v *domain.Viewer, az *domain.Authorizer, membershipID int64) (db.RemovalResult, error) {
	res, err := app.Users.DetachUserFromTenant(ctx, membershipID, func(tenantID, userID int64, productIDs []int64) error {
		return az.CanManageMembership(v, tenantID, userID, productIDs)
	}, auditContext(ctx))
	if err == nil && res.UserDeleted {
		app.revokeSessions(ctx, res.UserID)
	}
	return res, err
}

// RemoveUserFromTenant is seed 004's "delete this user from my tenant":
// DetachUserFromTenant named by user and tenant. Whether the user is a
// member is told only to whoever administers the tenant.
func (app *App) RemoveUserFromTenant(ctx context.Context, in model.RemoveUserFromTenantInput) (db.RemovalResult, string, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return db.RemovalResult{}, "", err
	}
	userID, err := decodeID("User", in.UserID, "userId")
	if err != nil {
		return db.RemovalResult{}, "", err
	}
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return db.RemovalResult{}, "", err
	}
	if err := az.CanAdministerTenant(v, tenantID); err != nil {
		return db.RemovalResult{}, "", err
	}
	res, m, err := app.removeMember(ctx, v, az, userID, tenantID)
	if err != nil {
		return res, "", err
	}
	return res, globalID("Membership", m.ID), nil
}

// removeMember detaches a user from a tenant that v is already known to
// administer: NOT_A_MEMBER when the user is not one of its members.
func (app *App) removeMember(ctx context.Context, v *domain.Viewer, az *domain.Authorizer, userID, tenantID int64) (db.RemovalResult, *domain.Membership, error) {
	m, err := app.Users.FindMembershipOf(ctx, userID, tenantID)
	if err != nil {
		return db.RemovalResult{}, nil, err
	}
	res, err := app.detachMembership(ctx, v, az, m.ID)
	return res, m, err
}

// revokeSessions ends a user's sessions after a committed change (R18).
// A failure is logged: the account's state already refuses the sessions.
func (app *App) revokeSessions(ctx context.Context, userID int64) {
	if app.Sessions == nil {
		return
	}
	if err := app.Sessions.RevokeAll(ctx, userID); err != nil {
		app.Logger.ErrorContext(ctx, "revoke sessions", "user", userID, "error", err)
	}
}

// roleGrant is what giving a member a role is decided on: the viewer, the
// member and tenant, and the role, checked as R6 (the viewer manages the
// role's product there) and R20 (no nomination-only role outside a
// nomination) require.
type roleGrant struct {
	v                *domain.Viewer
	az               *domain.Authorizer
	userID, tenantID int64
	role             *domain.Role
}

func (app *App) decideRoleGrant(ctx context.Context, userGID, tenantGID, roleGID string) (roleGrant, error) {
	var g roleGrant
	var err error
	if g.v, g.az, err = actor(ctx); err != nil {
		return g, err
	}
	if g.userID, err = decodeID("User", userGID, "userId"); err != nil {
		return g, err
	}
	if g.tenantID, err = decodeID("Tenant", tenantGID, "tenantId"); err != nil {
		return g, err
	}
	if g.role, err = app.roleOf(ctx, roleGID, nil); err != nil {
		return g, err
	}
	if err := g.az.CanManageProduct(g.v, g.tenantID, g.role.ProductID); err != nil {
		return g, err
	}
	return g, domain.CheckNomination(g.role)
}

// AssignRole is R9.
func (app *App) AssignRole(ctx context.Context, in model.AssignRoleInput) (*domain.RoleAssignment, error) {
	g, err := app.decideRoleGrant(ctx, in.UserID, in.TenantID, in.RoleID)
	if err != nil {
		return nil, err
	}
	return app.Users.AssignRole(ctx, g.userID, g.tenantID, g.role, auditContext(ctx))
}

// SetModuleLevel sets a member's level on a single-level module (seed 003).
func (app *App) SetModuleLevel(ctx context.Context, in model.SetModuleLevelInput) (*domain.RoleAssignment, *domain.Role, error) {
	g, err := app.decideRoleGrant(ctx, in.UserID, in.TenantID, in.RoleID)
	if err != nil {
		return nil, nil, err
	}
	ra, replaced, err := app.Users.SetModuleLevel(ctx, g.userID, g.tenantID, g.role, func(old *domain.RoleAssignment) error {
		return g.az.CanManageAssignment(g.v, old)
	}, auditContext(ctx))
	if err != nil || replaced == nil {
		return ra, nil, err
	}
	idx, err := loadersFrom(ctx).Catalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	return ra, idx.roleByID[replaced.RoleID], nil
}

// OnboardTenantAdministrator is R20's one exception: platform staff grant a
// tenant's first administrator a nomination-only role.
func (app *App) OnboardTenantAdministrator(ctx context.Context, in model.OnboardTenantAdministratorInput) (*domain.RoleAssignment, error) {
	v, _, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := domain.CanOnboardAdministrator(v); err != nil {
		return nil, err // before any lookup: nothing about the tenant is told
	}
	userID, err := decodeID("User", in.UserID, "userId")
	if err != nil {
		return nil, err
	}
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return nil, err
	}
	role, err := app.roleOf(ctx, in.RoleID, nil)
	if err != nil {
		return nil, err
	}
	reason, err := domain.NormalizeOnboardingReason(in.Reason)
	if err != nil {
		return nil, err
	}
	return app.Users.OnboardAdministrator(ctx, userID, tenantID, role, reason, func(holders int) error {
		return domain.CheckOnboardAdministrator(v, role, holders)
	}, auditContext(ctx))
}

// SetAssignmentStatus suspends or reactivates a role assignment (R10).
func (app *App) SetAssignmentStatus(ctx context.Context, in model.RoleAssignmentInput, status domain.AssignmentStatus) (*domain.RoleAssignment, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	id, err := decodeID("RoleAssignment", in.RoleAssignmentID, "roleAssignmentId")
	if err != nil {
		return nil, err
	}
	return app.Users.SetAssignmentStatus(ctx, id, status, func(ra *domain.RoleAssignment) error {
		return az.CanManageAssignment(v, ra)
	}, auditContext(ctx))
}

// RemoveRoleAssignment is R10 with its cascade.
func (app *App) RemoveRoleAssignment(ctx context.Context, in model.RoleAssignmentInput) (db.RemovalResult, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return db.RemovalResult{}, err
	}
	id, err := decodeID("RoleAssignment", in.RoleAssignmentID, "roleAssignmentId")
	if err != nil {
		return db.RemovalResult{}, err
	}
	res, err := app.Users.RemoveRoleAssignment(ctx, id, func(ra *domain.RoleAssignment) error {
		return az.CanManageAssignment(v, ra)
	}, auditContext(ctx))
	if err == nil && res.UserDeleted {
		app.revokeSessions(ctx, res.UserID)
	}
	return res, err
}

// SetAccountStatus suspends (ending the sessions) or reactivates an account.
func (app *App) SetAccountStatus(ctx context.Context, in model.UserStatusInput, suspend bool) (*domain.User, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	userID, err := decodeID("User", in.UserID, "userId")
	if err != nil {
		return nil, err
	}
	return app.setAccountStatus(ctx, v, az, userID, in.ExpectedVersion, suspend)
}

// setAccountStatus suspends or reactivates one account as v (R5, R7).
func (app *App) setAccountStatus(ctx context.Context, v *domain.Viewer, az *domain.Authorizer, userID int64, expectedVersion *int, suspend bool) (*domain.User, error) {
	u, err := app.Users.SetAccountStatus(ctx, userID, expectedVersion, suspend,
		func(t domain.TargetUser) error { return az.CanChangeAccountStatus(ctx, v, t) }, auditContext(ctx))
	if err == nil && suspend {
		app.revokeSessions(ctx, userID)
	}
	return u, err
}

// manageGroup authorizes changes to a group: its product in its tenant.
func manageGroup(v *domain.Viewer, az *domain.Authorizer) func(*domain.Group) error {
	return func(g *domain.Group) error { return az.CanManageProduct(v, g.TenantID, g.ProductID) }
}

// CreateGroup is R11.
func (app *App) CreateGroup(ctx context.Context, in model.CreateGroupInput) (*domain.Group, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return nil, err
	}
	productID, err := decodeID("Product", in.ProductID, "productId")
	if err != nil {
		return nil, err
	}
	if err := az.CanManageProduct(v, tenantID, productID); err != nil {
		return nil, err
	}
	if _, err := app.product(ctx, productID); err != nil {
		return nil, err
	}
	name, err := domain.NormalizeName("name", in.Name)
	if err != nil {
		return nil, err
	}
	return app.Groups.CreateGroup(ctx, tenantID, productID, name, auditContext(ctx))
}

// UpdateGroup renames, activates or deactivates a group.
func (app *App) UpdateGroup(ctx context.Context, in model.UpdateGroupInput) (*domain.Group, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	id, err := decodeID("Group", in.GroupID, "groupId")
	if err != nil {
		return nil, err
	}
	upd := db.GroupUpdate{Active: in.Active}
	if in.Name != nil {
		name, err := domain.NormalizeName("name", *in.Name)
		if err != nil {
			return nil, err
		}
		upd.Name = &name
	}
	return app.Groups.UpdateGroup(ctx, id, &in.ExpectedVersion, upd, manageGroup(v, az), auditContext(ctx))
}

// DeleteGroup deletes a group.
func (app *App) DeleteGroup(ctx context.Context, in model.DeleteGroupInput) (int64, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	id, err := decodeID("Group", in.GroupID, "groupId")
	if err != nil {
		return 0, err
	}
	return id, app.Groups.DeleteGroup(ctx, id, in.ExpectedVersion, manageGroup(v, az), auditContext(ctx))
}

// GroupMember adds a user to a group or takes them out.
func (app *App) GroupMember(ctx context.Context, in model.GroupMemberInput, add bool) (*domain.Group, *domain.User, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	groupID, err := decodeID("Group", in.GroupID, "groupId")
	if err != nil {
		return nil, nil, err
	}
	userID, err := decodeID("User", in.UserID, "userId")
	if err != nil {
		return nil, nil, err
	}
	change := app.Groups.RemoveUserFromGroup
	if add {
		change = app.Groups.AddUserToGroup
	}
	g, err := change(ctx, groupID, userID, manageGroup(v, az), auditContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	u, err := loadersFrom(ctx).User(ctx, userID)
	return g, u, err
}

// CreateTenant onboards a tenant or adds a site.
func (app *App) CreateTenant(ctx context.Context, in model.CreateTenantInput) (*domain.Tenant, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	nt := domain.NewTenant{Name: in.Name, Country: orDefault(in.Country, ""), TaxCode: orDefault(in.TaxCode, ""),
		CertifiedEmail: orDefault(in.CertifiedEmail, "")}
	if nt.ParentID, err = decodeOptionalID("Tenant", in.ParentID, "parentId"); err != nil {
		return nil, err
	}
	if err := az.CanCreateTenant(v, nt.ParentID); err != nil {
		return nil, err
	}
	if err := nt.Normalize(); err != nil {
		return nil, err
	}
	var creator *int64
	var roles []*domain.Role
	if !v.PlatformAdmin && nt.ParentID != nil {
		idx, err := loadersFrom(ctx).Catalog(ctx)
		if err != nil {
			return nil, err
		}
		creator = &v.UserID
		seen := map[int64]bool{}
		var parentRoles []*domain.Role
		for _, g := range v.Grants {
			if g.TenantID == *nt.ParentID && g.Category == domain.CategoryAdmin && !seen[g.RoleID] {
				seen[g.RoleID] = true
				parentRoles = append(parentRoles, idx.roleByID[g.RoleID])
			}
		}
		roles = domain.SiteCreatorRoles(parentRoles)
	}
	t, err := app.Tenants.CreateTenant(ctx, nt, creator, roles, auditContext(ctx))
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
func (app *App) UpdateTenant(ctx context.Context, in model.UpdateTenantInput) (*domain.Tenant, error) {
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	id, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return nil, err
	}
	upd := domain.TenantUpdate{Name: in.Name, TaxCode: in.TaxCode, CertifiedEmail: in.CertifiedEmail,
		PasswordMaxAgeDays: in.PasswordMaxAgeDays, Bounds: app.PasswordLifetime}
	return app.Tenants.UpdateTenant(ctx, id, &in.ExpectedVersion, upd, func(t *domain.Tenant) error {
		return az.CanUpdateTenant(v, t.ID, upd.Identity())
	}, auditContext(ctx))
}

// Payload builders of the mutations that return one object.

func userPayload(u *domain.User, err error) (*model.UpdateUserProfilePayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.UpdateUserProfilePayload{UserErrors: errs}, err
	}
	return &model.UpdateUserProfilePayload{User: u, UserErrors: []*model.UserError{}}, nil
}

func assignmentPayload(ra *domain.RoleAssignment, err error) (*model.RoleAssignmentPayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.RoleAssignmentPayload{UserErrors: errs}, err
	}
	return &model.RoleAssignmentPayload{RoleAssignment: ra, UserErrors: []*model.UserError{}}, nil
}

// assignRolePayload answers a new role assignment with its membership.
func assignRolePayload(ra *domain.RoleAssignment, err error) (*model.AssignRolePayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.AssignRolePayload{UserErrors: errs}, err
	}
	m := &domain.Membership{ID: ra.MembershipID, TenantID: ra.TenantID, UserID: ra.UserID}
	return &model.AssignRolePayload{RoleAssignment: ra, Membership: m, UserErrors: []*model.UserError{}}, nil
}

func detachPayload(res db.RemovalResult, membershipID string, err error) (*model.DetachUserFromTenantPayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.DetachUserFromTenantPayload{UserErrors: errs}, err
	}
	return &model.DetachUserFromTenantPayload{DetachedMembershipID: &membershipID, UserDeleted: res.UserDeleted,
		UserErrors: []*model.UserError{}}, nil
}

func setModuleLevelPayload(ra *domain.RoleAssignment, previous *domain.Role, err error) (*model.SetModuleLevelPayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.SetModuleLevelPayload{UserErrors: errs}, err
	}
	return &model.SetModuleLevelPayload{RoleAssignment: ra, PreviousRole: previous, UserErrors: []*model.UserError{}}, nil
}

func groupPayload(g *domain.Group, err error) (*model.GroupPayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.GroupPayload{UserErrors: errs}, err
	}
	return &model.GroupPayload{Group: g, UserErrors: []*model.UserError{}}, nil
}

func groupMemberPayload(g *domain.Group, u *domain.User, err error) (*model.GroupMemberPayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.GroupMemberPayload{UserErrors: errs}, err
	}
	return &model.GroupMemberPayload{Group: g, User: u, UserErrors: []*model.UserError{}}, nil
}

func tenantPayload(t *domain.Tenant, err error) (*model.TenantPayload, error) {
	if err != nil {
		errs, err := payloadErrors(err)
		return &model.TenantPayload{UserErrors: errs}, err
	}
	return &model.TenantPayload{Tenant: t, UserErrors: []*model.UserError{}}, nil
}
