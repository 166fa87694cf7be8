package graph

import (
	"context"

	usecase "tenantadmin/app"
	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Delegated administration (R1–R13): the resolvers decode their input's
// IDs, call the use case of package app and build the payload here.

// payloadErrors maps a mutation's failure: authorization and unknown
// objects are GraphQL errors (extensions.code FORBIDDEN, NOT_FOUND,
// UNAUTHENTICATED), business-rule failures become userErrors.
func payloadErrors(err error) ([]*model.UserError, error) {
	if e := domain.AsError(err); e != nil && e.Reason == "" && (e.Code == domain.EFORBIDDEN || e.Code == domain.ENOTFOUND) {
		return nil, err
	}
	return userErrors(err)
}

// ids decodes the global IDs of a mutation's input, keeping the first
// failure: resolvers decode, then call the use case with plain IDs.
type ids struct{ err error }

func (d *ids) id(typ, gid, field string) int64 {
	if d.err != nil {
		return 0
	}
	id, err := decodeID(typ, gid, field)
	d.err = err
	return id
}

func (d *ids) optional(typ string, gid *string, field string) *int64 {
	if d.err != nil || gid == nil {
		return nil
	}
	id := d.id(typ, *gid, field)
	if d.err != nil {
		return nil
	}
	return &id
}

// check is the first failure. Signed out, it is UNAUTHENTICATED: every
// mutation with IDs needs a viewer, and that is answered first.
func (d *ids) check(ctx context.Context) error {
	if d.err == nil {
		return nil
	}
	if err := domain.RequireViewer(ViewerFrom(ctx)); err != nil {
		return err
	}
	return d.err
}

// roleInput decodes the IDs of a role given to a member.
func roleInput(ctx context.Context, userGID, tenantGID, roleGID string) (usecase.RoleInput, error) {
	var d ids
	in := usecase.RoleInput{UserID: d.id("User", userGID, "userId"), TenantID: d.id("Tenant", tenantGID, "tenantId"),
		RoleID: d.id("Role", roleGID, "roleId")}
	return in, d.check(ctx)
}

func (r *mutationResolver) setAssignmentStatus(ctx context.Context, input model.RoleAssignmentInput, status domain.AssignmentStatus) (*model.RoleAssignmentPayload, error) {
	var d ids
	id := d.id("RoleAssignment", input.RoleAssignmentID, "roleAssignmentId")
	if err := d.check(ctx); err != nil {
		return assignmentPayload(nil, err)
	}
	return assignmentPayload(r.App.UseCases().SetAssignmentStatus(ctx, id, status))
}

func (r *mutationResolver) setAccountStatus(ctx context.Context, input model.UserStatusInput, suspend bool) (*model.UpdateUserProfilePayload, error) {
	var d ids
	userID := d.id("User", input.UserID, "userId")
	if err := d.check(ctx); err != nil {
		return userPayload(nil, err)
	}
	return userPayload(r.App.UseCases().SetAccountStatus(ctx, userID, input.ExpectedVersion, suspend))
}

// groupMember answers with the group and the user (read as the viewer).
func (r *mutationResolver) groupMember(ctx context.Context, input model.GroupMemberInput, add bool) (*model.GroupMemberPayload, error) {
	var d ids
	groupID, userID := d.id("Group", input.GroupID, "groupId"), d.id("User", input.UserID, "userId")
	if err := d.check(ctx); err != nil {
		return groupMemberPayload(nil, nil, err)
	}
	g, err := r.App.UseCases().GroupMember(ctx, groupID, userID, add)
	if err != nil {
		return groupMemberPayload(nil, nil, err)
	}
	u, err := loadersFrom(ctx).User(ctx, userID)
	return groupMemberPayload(g, u, err)
}

func orDefault(s *string, def string) string { return usecase.OrDefault(s, def) }

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
