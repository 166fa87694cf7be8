package app

import (
	"context"

	"tenantadmin/domain"
)

// Bulk actions on users (issue 19): the single-user use cases applied to
// each selected user in turn, each with its own transaction, audit record
// and event. Partial success: a user's failure is reported with its
// position and the others go on.

// BulkUsersInput is a selection of users of one tenant. A user ID the
// transport could not decode is 0: that user fails with INVALID_ID.
type BulkUsersInput struct {
	TenantID int64
	UserIDs  []int64
}

// BulkItem is one selected user's outcome, in input order.
type BulkItem struct {
	Index  int
	UserID int64
	// Err is the user's failure (a domain error: a business failure or a
	// refusal about this user); nil when done.
	Err error
	// User is the account after the change (status changes).
	User *domain.User
	// Deleted: removing the user from the tenant deleted the account.
	Deleted bool
}

// bulkUsers checks a bulk action's input and runs each for every user in
// input order. The viewer must administer the tenant (else FORBIDDEN,
// nothing done); an input refused as a whole (count, duplicates) is an
// EINVALID error, nothing done. A business failure or refusal about one
// user is that user's BulkItem.Err; a failure of the service itself
// (database, cancelled request) stops the action and is the error: the
// users before it were processed.
func (a *App) bulkUsers(ctx context.Context, in BulkUsersInput, each func(act Actor, item *BulkItem) error) ([]BulkItem, error) {
	c, err := a.begin(ctx, need{tenant: in.TenantID, adminOf: true})
	if err != nil {
		return nil, err
	}
	if err := domain.CheckBulkUsers(in.UserIDs); err != nil {
		return nil, err
	}
	items := make([]BulkItem, 0, len(in.UserIDs))
	for i, id := range in.UserIDs {
		item := BulkItem{Index: i, UserID: id}
		if id == 0 {
			item.Err = domain.FieldError("userIds", "INVALID_ID", "Not a valid User ID.")
		} else {
			item.Err = each(c.Actor, &item)
		}
		if item.Err != nil && stopsBulk(item.Err) {
			return nil, item.Err
		}
		items = append(items, item)
	}
	return items, nil
}

// stopsBulk tells a failure of the service (or of the caller's session)
// from one about the user.
func stopsBulk(err error) bool {
	e := domain.AsError(err)
	return e == nil || e.Code == domain.EINTERNAL || e.Code == domain.EUNAVAILABLE ||
		e.Code == domain.EUNAUTHENTICATED || e.Code == domain.ERATELIMITED
}

// SetAccountStatuses is suspendUsers and reactivateUsers: SetAccountStatus
// on each member of the tenant selected.
func (a *App) SetAccountStatuses(ctx context.Context, in BulkUsersInput, suspend bool) ([]BulkItem, error) {
	return a.bulkUsers(ctx, in, func(act Actor, item *BulkItem) error {
		if _, err := a.Users.FindMembershipOf(ctx, item.UserID, in.TenantID); err != nil {
			return err
		}
		var err error
		item.User, err = a.setAccountStatus(ctx, act, item.UserID, nil, suspend)
		return err
	})
}

// RemoveUsersFromTenant is removeUsersFromTenant: RemoveUserFromTenant on
// each user selected.
func (a *App) RemoveUsersFromTenant(ctx context.Context, in BulkUsersInput) ([]BulkItem, error) {
	return a.bulkUsers(ctx, in, func(act Actor, item *BulkItem) error {
		res, _, err := a.removeMember(ctx, act, item.UserID, in.TenantID)
		item.Deleted = err == nil && res.UserDeleted
		return err
	})
}
