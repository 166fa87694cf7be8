package graph

import (
	"context"
	"strconv"

	usecase "tenantadmin/app"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Bulk actions on users (issue 19): the use cases of package app run the
// single-user changes one by one; here the input's IDs are decoded and
// each user's failure becomes its userError.

// bulkInput decodes a bulk action's input. An undecodable user ID stays 0
// (the use case answers that user INVALID_ID); an undecodable tenant ID
// refuses the whole input (signed out: UNAUTHENTICATED, answered first).
func bulkInput(ctx context.Context, in model.BulkUsersInput) (usecase.BulkUsersInput, error) {
	var d ids
	tenantID := d.id("Tenant", in.TenantID, "tenantId")
	if err := d.check(ctx); err != nil {
		return usecase.BulkUsersInput{}, err
	}
	out := usecase.BulkUsersInput{TenantID: tenantID, UserIDs: make([]int64, len(in.UserIds))}
	for i, gid := range in.UserIds {
		out.UserIDs[i], _ = decodeID("User", gid, "userIds")
	}
	return out, nil
}

// bulkUserErrors is the userErrors of the users that failed.
func bulkUserErrors(in model.BulkUsersInput, items []usecase.BulkItem) ([]*model.BulkUserError, error) {
	errs := []*model.BulkUserError{}
	for _, it := range items {
		if it.Err == nil {
			continue
		}
		e := domain.AsError(it.Err)
		code, err := userErrorCode(e)
		if err != nil {
			return nil, err
		}
		gid, index := in.UserIds[it.Index], it.Index
		errs = append(errs, &model.BulkUserError{UserID: &gid, Index: &index, Field: []string{"input", "userIds", strconv.Itoa(index)},
			Code: code, Message: e.Message})
	}
	return errs, nil
}

// bulkInputError reports an input refused as a whole as one userError
// with no user; other failures (FORBIDDEN, the service's) are errors.
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

// setAccountStatuses is suspendUsers and reactivateUsers.
func (app *App) setAccountStatuses(ctx context.Context, in model.BulkUsersInput, suspend bool) (*model.BulkUserStatusPayload, error) {
	p := &model.BulkUserStatusPayload{Succeeded: []*domain.User{}}
	bin, err := bulkInput(ctx, in)
	if err != nil {
		p.UserErrors, err = bulkInputError(err)
		return bulkPayload(p, err)
	}
	items, err := app.UseCases().SetAccountStatuses(ctx, bin, suspend)
	if err != nil {
		p.UserErrors, err = bulkInputError(err)
		return bulkPayload(p, err)
	}
	for _, it := range items {
		if it.Err == nil {
			p.Succeeded = append(p.Succeeded, it.User)
		}
	}
	p.UserErrors, err = bulkUserErrors(in, items)
	return bulkPayload(p, err)
}

// removeUsersFromTenant is removeUsersFromTenant.
func (app *App) removeUsersFromTenant(ctx context.Context, in model.BulkUsersInput) (*model.BulkRemoveUsersPayload, error) {
	p := &model.BulkRemoveUsersPayload{RemovedUserIds: []string{}, DeletedUserIds: []string{}}
	bin, err := bulkInput(ctx, in)
	if err != nil {
		p.UserErrors, err = bulkInputError(err)
		return bulkPayload(p, err)
	}
	items, err := app.UseCases().RemoveUsersFromTenant(ctx, bin)
	if err != nil {
		p.UserErrors, err = bulkInputError(err)
		return bulkPayload(p, err)
	}
	for _, it := range items {
		if it.Err == nil {
			p.RemovedUserIds = append(p.RemovedUserIds, in.UserIds[it.Index])
			if it.Deleted {
				p.DeletedUserIds = append(p.DeletedUserIds, in.UserIds[it.Index])
			}
		}
	}
	p.UserErrors, err = bulkUserErrors(in, items)
	return bulkPayload(p, err)
}

// bulkPayload is p, or nil with the error that ended the action.
func bulkPayload[P any](p *P, err error) (*P, error) {
	if err != nil {
		return nil, err
	}
	return p, nil
}
