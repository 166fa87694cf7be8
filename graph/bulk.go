package graph

import (
	"context"
	"strconv"

	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Bulk actions on users (issue 19): the single-user mutations applied to
// each selected user in turn, each with its own transaction, audit record
// and event. Partial success: a user's failure is reported with its ID
// and the others go on.

// bulkUser is one selected user: its input ID and position, decoded.
type bulkUser struct {
	gid   string
	index int
	id    int64
}

// bulkUsers checks a bulk action's input and runs each for every user in
// input order. The viewer must administer the tenant (else a FORBIDDEN
// error, nothing done); an input refused as a whole (count, duplicates, a
// bad tenant ID) is one userError with no user, nothing done. A business
// failure or refusal about one user is that user's userError; a failure
// of the service itself (database, cancelled request) stops the action
// and is the GraphQL error: the users before it were processed.
func (app *App) bulkUsers(ctx context.Context, in model.BulkUsersInput, each func(v *domain.Viewer, az *domain.Authorizer, u bulkUser, tenantID int64) error) ([]*model.BulkUserError, error) {
	errs := []*model.BulkUserError{}
	v, az, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return bulkInputError(err)
	}
	if err := az.CanAdministerTenant(v, tenantID); err != nil {
		return nil, err
	}
	users := make([]bulkUser, len(in.UserIds))
	ids := make([]int64, len(in.UserIds))
	for i, gid := range in.UserIds {
		users[i] = bulkUser{gid: gid, index: i}
		// An undecodable ID stays 0: its own userError below.
		users[i].id, _ = decodeID("User", gid, "userIds")
		ids[i] = users[i].id
	}
	if err := domain.CheckBulkUsers(ids); err != nil {
		return bulkInputError(err)
	}
	for _, u := range users {
		var err error
		if u.id == 0 {
			err = domain.FieldError("userIds", "INVALID_ID", "Not a valid User ID.")
		} else {
			err = each(v, az, u, tenantID)
		}
		if err == nil {
			continue
		}
		e := domain.AsError(err)
		if e == nil || e.Code == domain.EINTERNAL || e.Code == domain.EUNAVAILABLE ||
			e.Code == domain.EUNAUTHENTICATED || e.Code == domain.ERATELIMITED {
			return nil, err
		}
		code, err := userErrorCode(e)
		if err != nil {
			return nil, err
		}
		gid, index := u.gid, u.index
		errs = append(errs, &model.BulkUserError{UserID: &gid, Index: &index, Field: []string{"input", "userIds", strconv.Itoa(index)},
			Code: code, Message: e.Message})
	}
	return errs, nil
}

// bulkInputError reports an input refused as a whole.
func bulkInputError(err error) ([]*model.BulkUserError, error) {
	e := domain.AsError(err)
	if e == nil || e.Code != domain.EINVALID {
		return nil, err
	}
	code, err := userErrorCode(e)
	if err != nil {
		return nil, err
	}
	return []*model.BulkUserError{{Field: fieldPath(e.Field), Code: code, Message: e.Message}}, nil
}

// SetAccountStatuses is suspendUsers and reactivateUsers: SetAccountStatus
// on each member of the tenant selected.
func (app *App) SetAccountStatuses(ctx context.Context, in model.BulkUsersInput, suspend bool) (*model.BulkUserStatusPayload, error) {
	p := &model.BulkUserStatusPayload{Succeeded: []*domain.User{}}
	var err error
	p.UserErrors, err = app.bulkUsers(ctx, in, func(v *domain.Viewer, az *domain.Authorizer, u bulkUser, tenantID int64) error {
		if _, err := app.Users.FindMembershipOf(ctx, u.id, tenantID); err != nil {
			return err
		}
		user, err := app.setAccountStatus(ctx, v, az, u.id, nil, suspend)
		if err == nil {
			p.Succeeded = append(p.Succeeded, user)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// RemoveUsersFromTenant is removeUsersFromTenant: RemoveUserFromTenant on
// each user selected.
func (app *App) RemoveUsersFromTenant(ctx context.Context, in model.BulkUsersInput) (*model.BulkRemoveUsersPayload, error) {
	p := &model.BulkRemoveUsersPayload{RemovedUserIds: []string{}, DeletedUserIds: []string{}}
	var err error
	p.UserErrors, err = app.bulkUsers(ctx, in, func(v *domain.Viewer, az *domain.Authorizer, u bulkUser, tenantID int64) error {
		res, _, err := app.removeMember(ctx, v, az, u.id, tenantID)
		if err == nil {
			p.RemovedUserIds = append(p.RemovedUserIds, u.gid)
			if res.UserDeleted {
				p.DeletedUserIds = append(p.DeletedUserIds, u.gid)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
