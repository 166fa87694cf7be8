package graph

import (
	"context"

	"tenantadmin/db"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// UserListExport prepares the CSV export of a tenant's users list (issue
// 19): the list Tenant.users(filter) shows, authorized the same way (the
// tenant must be in the viewer's user directory), with personal data
// where R12 grants it. It returns the stream that writes the rows.
func (app *App) UserListExport(ctx context.Context, v *domain.Viewer, tenantID int64, in model.UserFilter) (func(row func([]string) error) error, error) {
	if err := domain.RequireViewer(v); err != nil {
		return nil, err
	}
	az := app.Authorizer
	scope, err := az.UserDirectoryScope(ctx, v)
	if err != nil {
		return nil, err
	}
	in.TenantID = nil
	f, err := userFilter(&in, scope)
	if err != nil {
		return nil, err
	}
	if !scope.Contains(tenantID) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "You cannot list the users of this tenant.")
	}
	f.TenantID = &tenantID
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
		return app.Users.StreamUserList(ctx, f, visible, rule, row)
	}, nil
}
