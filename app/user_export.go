package app

import (
	"context"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// UserListStore streams a users list as CSV rows (issue 19).
type UserListStore interface {
	StreamUserList(ctx context.Context, f domain.UserFilter, visible domain.Scope, rule db.PersonalDataRule, row func([]string) error) error
}

var _ UserListStore = (*db.UserService)(nil)

// CheckUserFilter checks the free-form fields of a users-list filter as
// every transport must (the IDs and enum values are the transport's to
// decode): the search text's length and the inactivity days.
func CheckUserFilter(f domain.UserFilter) error {
	if f.Search != nil && len(*f.Search) > 200 {
		return domain.FieldError("search", "SEARCH_TOO_LONG", "Search text is at most 200 characters.")
	}
	if f.InactiveSinceDays != nil {
		if err := domain.CheckInactiveSinceDays(*f.InactiveSinceDays); err != nil {
			return err
		}
	}
	return nil
}

// UserListExport prepares the CSV export of a tenant's users list (issue
// 19): the list Tenant.users(filter) shows, authorized the same way (the
// tenant must be in the viewer's user directory), with personal data
// where R12 grants it. f's scope and tenant are set here; its other fields
// are checked by CheckUserFilter. It returns the stream that writes the
// rows.
func (a *App) UserListExport(ctx context.Context, tenantID int64, f domain.UserFilter) (Stream, error) {
	c, err := a.actor(ctx)
	if err != nil {
		return nil, err
	}
	az, v := c.Authz, c.Viewer
	scope, err := az.UserDirectoryScope(ctx, v)
	if err != nil {
		return nil, err
	}
	if err := CheckUserFilter(f); err != nil {
		return nil, err
	}
	if !scope.Contains(tenantID) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "You cannot list the users of this tenant.")
	}
	f.Scope, f.TenantID = scope, &tenantID
	visible, err := az.ReadableTenants(ctx, v)
	if err != nil {
		return nil, err
	}
	pd, err := az.PersonalDataScope(ctx, v)
	if err != nil {
		return nil, err
	}
	rule := db.PersonalDataRuleFor(v.UserID, pd, tenantID)
	return func(row func([]string) error) error {
		return a.UserLists.StreamUserList(ctx, f, visible, rule, row)
	}, nil
}
