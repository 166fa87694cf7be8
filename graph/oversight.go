package graph

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"time"

	usecase "tenantadmin/app"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
	"tenantadmin/mail"
)

// Oversight helpers (issue 6): nominations (R20), security findings (R22),
// the monthly digest (R25). Resolvers in oversight.resolvers.go call these.

// NominationLink is the emailed link of a nomination: the page where the
// legal representative downloads the form and uploads it signed.
func (app *App) NominationLink(token string) string { return app.UseCases().NominationLink(token) }

// UsersPageLink is the SPA's users page of a tenant, linked from digests.
func (app *App) UsersPageLink(tenantID int64) string {
	return app.PublicURL + "/users?tenant=" + globalID("Tenant", tenantID)
}

func (app *App) startNomination(ctx context.Context, in model.StartNominationInput) (*domain.Nomination, error) {
	var d ids
	sn := usecase.StartNominationInput{TenantID: d.id("Tenant", in.TenantID, "tenantId"), ProductID: d.id("Product", in.ProductID, "productId"),
		UserID: d.id("User", in.UserID, "userId"), RoleID: d.id("Role", in.RoleID, "roleId"),
		LegalRepresentative: domain.LegalRepresentative{GivenName: in.LegalRepresentative.GivenName,
			FamilyName: in.LegalRepresentative.FamilyName, TaxCode: in.LegalRepresentative.TaxCode, Email: deref(in.LegalRepresentative.Email)},
		ConfirmLegalRepresentativeChange: in.ConfirmLegalRepresentativeChange != nil && *in.ConfirmLegalRepresentativeChange}
	if err := d.check(ctx); err != nil {
		return nil, err
	}
	return app.UseCases().StartNomination(ctx, sn)
}

// rejectNomination closes a request: with the link's token for the legal
// representative, with the request's ID for an administrator who may
// nominate on its product.
func (app *App) rejectNomination(ctx context.Context, in model.RejectNominationInput) (*domain.Nomination, error) {
	switch {
	case in.Token != nil && in.NominationID == nil:
		return app.UseCases().RejectNominationByLink(ctx, *in.Token, in.Reason, auditContext(ctx))
	case in.NominationID != nil && in.Token == nil:
		var d ids
		id := d.id("Nomination", *in.NominationID, "nominationId")
		if err := d.check(ctx); err != nil {
			return nil, err
		}
		return app.UseCases().CancelNomination(ctx, id, in.Reason)
	}
	return nil, domain.FieldError("token", "TOKEN_OR_NOMINATION_ID", "Pass either the link's token or the nomination's ID.")
}

// visibleNomination hides a request from a caller who may not oversee its
// tenant (the legal representative holds a link, not an account).
func (app *App) visibleNomination(ctx context.Context, n *domain.Nomination) *domain.Nomination {
	if n == nil || app.Authorizer.CanOversee(ctx, ViewerFrom(ctx), n.TenantID) != nil {
		return nil
	}
	return n
}

func (app *App) nominations(ctx context.Context, tenantGID string, status *model.NominationStatus, orderBy *model.NominationOrder, first *int, after *string, last *int, before *string) (*model.NominationConnection, error) {
	page, err := pageArgs(first, after, last, before)
	if err != nil {
		return nil, err
	}
	tenantID, err := decodeID("Tenant", tenantGID, "tenantId")
	if err != nil {
		return nil, err
	}
	if err := app.oversee(ctx, tenantID); err != nil {
		return nil, err
	}
	var st *domain.NominationStatus
	if status != nil {
		s := domain.NominationStatus(*status)
		st = &s
	}
	conn, err := app.Nominations.FindNominations(ctx, tenantID, st, orderBy.Domain(), page)
	if err != nil {
		return nil, err
	}
	return model.NewNominationConnection(conn), nil
}

// oversee checks, with the request's memoised user directory scope, that
// the viewer may read the tenant's oversight pages.
func (app *App) oversee(ctx context.Context, tenantID int64) error {
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil {
		return err
	}
	if !scope.Contains(tenantID) {
		return domain.Errorf(domain.EFORBIDDEN, "You cannot oversee this tenant.")
	}
	return nil
}

func (app *App) securityFindings(ctx context.Context, tenantGID string) (*model.SecurityFindings, error) {
	tenantID, err := decodeID("Tenant", tenantGID, "tenantId")
	if err != nil {
		return nil, err
	}
	if err := app.oversee(ctx, tenantID); err != nil {
		return nil, err
	}
	t, err := loadersFrom(ctx).Tenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "Tenant not found.")
	}
	return &model.SecurityFindings{Tenant: t}, nil
}

func (app *App) findings(ctx context.Context, obj *model.SecurityFindings, cat domain.SecurityCategory, reason *model.SecurityFindingReason, orderBy *model.SecurityFindingOrder, first *int, after *string, last *int, before *string) (*model.SecurityFindingConnection, error) {
	page, err := pageArgs(first, after, last, before)
	if err != nil {
		return nil, err
	}
	if err := app.oversee(ctx, obj.Tenant.ID); err != nil {
		return nil, err
	}
	conn, err := app.Oversight.FindSecurityFindings(ctx, obj.Tenant.ID, cat, (*string)(reason), orderBy.Domain(), page)
	if err != nil {
		return nil, err
	}
	users := make([]*domain.User, len(conn.Nodes))
	for i, f := range conn.Nodes {
		users[i] = f.User
	}
	loadersFrom(ctx).PrefetchUserPage(ctx, users)
	return model.NewSecurityFindingConnection(conn), nil
}

func (app *App) runMonthlyDigest(ctx context.Context, in model.RunMonthlyDigestInput) (domain.DigestResult, error) {
	return app.UseCases().RunMonthlyDigest(ctx, in.Period)
}

// monthlyDigest previews a tenant's digest of an ended month or of the
// current month so far (issue 16.5), rendered as the mailer renders it.
func (app *App) monthlyDigest(ctx context.Context, t *domain.Tenant, period string) (*model.MonthlyDigest, error) {
	if err := app.Authorizer.CanOversee(ctx, ViewerFrom(ctx), t.ID); err != nil {
		return nil, err
	}
	p, err := domain.ParsePeriod(period)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if p.Start().After(now) {
		return nil, domain.FieldError("period", "INVALID_PERIOD", "The month has not started yet.")
	}
	until := p.End()
	if now.Before(until) {
		until = now
	}
	d, err := app.Oversight.DigestPreview(ctx, p, until, t.ID, app.UseCases().DigestEmail)
	if err != nil {
		return nil, err
	}
	// The mailer renders the data as stored, in JSON: so does the preview.
	raw, err := json.Marshal(d.Data)
	if err != nil {
		return nil, err
	}
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		return nil, err
	}
	msg, err := mail.Render(d.Template, d.Language, data)
	if err != nil {
		return nil, err
	}
	idx, err := loadersFrom(ctx).Catalog(ctx)
	if err != nil {
		return nil, err
	}
	out := &model.MonthlyDigest{Period: p.String(), Until: d.Until, Complete: d.Complete, Products: []*model.MonthlyDigestProduct{},
		Subject: msg.Subject, Text: msg.Text, SentTo: d.SentTo, SentAt: d.SentAt}
	for _, dp := range d.Products {
		out.Products = append(out.Products, &model.MonthlyDigestProduct{Product: idx.productByID[dp.ProductID], Added: dp.Added,
			NoLongerActive: dp.NoLongerActive, Inactive: dp.Inactive, InactiveUsernames: append([]string{}, dp.InactiveUsernames...)})
	}
	return out, nil
}

// legalRepresentativeOf shows a tenant's legal representative to viewers
// who may read the personal data of the tenant's members (R12).
func (app *App) legalRepresentativeOf(ctx context.Context, t *domain.Tenant) (*domain.LegalRepresentative, error) {
	if t.LegalRepresentative == nil {
		return nil, nil
	}
	scope, err := loadersFrom(ctx).PersonalData(ctx)
	if err != nil || !scope.Contains(t.ID) {
		return nil, err
	}
	return t.LegalRepresentative, nil
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// nominationAssignment is the role assignment an approved nomination
// granted, while it exists.
func (app *App) nominationAssignment(ctx context.Context, n *domain.Nomination) (*domain.RoleAssignment, error) {
	if n.RoleAssignmentID == nil {
		return nil, nil
	}
	ra, err := app.Nominations.RoleAssignmentByID(ctx, *n.RoleAssignmentID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	}
	return ra, err
}

// nominationNode resolves a Nomination global ID for node(id:).
func (app *App) nominationNode(ctx context.Context, id int64) (*domain.Nomination, error) {
	n, err := app.Nominations.NominationByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if app.oversee(ctx, n.TenantID) != nil {
		return nil, nil
	}
	return n, nil
}
