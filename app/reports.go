package app

import (
	"context"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// The CSV reports (R24, issue 16.6): authorized here, streamed by the
// stores as PostgreSQL sends the rows.

// ReportStore streams the reports of R24.
type ReportStore interface {
	StreamReport(ctx context.Context, report db.Report, tenantID int64, rule db.PersonalDataRule, row func([]string) error) error
}

// FailedLoginStore streams a tenant's failed sign-ins.
type FailedLoginStore interface {
	StreamTenantFailedLogins(ctx context.Context, tenantID int64, f domain.FailedLoginFilter, row func([]string) error) error
}

var (
	_ ReportStore      = (*db.OversightService)(nil)
	_ FailedLoginStore = (*db.CredentialService)(nil)
)

// Stream writes a report's rows through row.
type Stream func(row func([]string) error) error

// TenantReport prepares a report of one tenant (R24) for a viewer who may
// report on it: a tenant they administer or one of its first-level
// children. Personal-data columns follow the viewer's personal-data scope
// (R12).
func (a *App) TenantReport(ctx context.Context, report db.Report, tenantID int64) (Stream, error) {
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error { return az.CanReport(ctx, v, tenantID) }})
	if err != nil {
		return nil, err
	}
	scope, err := c.Authz.PersonalDataScope(ctx, c.Viewer)
	if err != nil {
		return nil, err
	}
	rule := db.PersonalDataRuleFor(c.Viewer.UserID, scope, tenantID)
	return func(row func([]string) error) error {
		return a.Reports.StreamReport(ctx, report, tenantID, rule, row)
	}, nil
}

// FailedLoginsReport prepares a tenant's failed sign-ins (issue 16.6) for
// whoever oversees the tenant; filter reads the request's filters, once
// the viewer may see the report.
func (a *App) FailedLoginsReport(ctx context.Context, tenantID int64, filter func() (domain.FailedLoginFilter, error)) (Stream, error) {
	if _, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error { return az.CanOversee(ctx, v, tenantID) }}); err != nil {
		return nil, err
	}
	f, err := filter()
	if err != nil {
		return nil, err
	}
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	return func(row func([]string) error) error {
		return a.FailedLogins.StreamTenantFailedLogins(ctx, tenantID, f, row)
	}, nil
}
