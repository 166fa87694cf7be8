package graph

import (
	"context"
	"time"

	"tenantadmin/auth"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Service accounts (R27): input parsing, authorization through the
// Authorizer, storage calls.

func (app *App) createServiceAccount(ctx context.Context, in model.CreateServiceAccountInput) (*domain.ServiceAccount, error) {
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return nil, err
	}
	if err := app.Authorizer.CanManageServiceAccounts(ViewerFrom(ctx), tenantID); err != nil {
		return nil, err
	}
	n := domain.NewServiceAccount{TenantID: tenantID, Username: in.Username}
	if in.Description != nil {
		n.Description = *in.Description
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return app.ServiceAccounts.CreateServiceAccount(ctx, n, auditContext(ctx))
}

// manageableServiceAccount loads a service account the viewer may manage.
func (app *App) manageableServiceAccount(ctx context.Context, gid, field string) (*domain.ServiceAccount, error) {
	id, err := decodeID("ServiceAccount", gid, field)
	if err != nil {
		return nil, err
	}
	if err := domain.RequireViewer(ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	sa, err := app.ServiceAccounts.ServiceAccountByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, &domain.Error{Code: domain.ENOTFOUND, Field: field, Reason: "SERVICE_ACCOUNT_NOT_FOUND", Message: "No such service account."}
	} else if err != nil {
		return nil, err
	}
	if err := app.Authorizer.CanManageServiceAccounts(ViewerFrom(ctx), sa.TenantID); err != nil {
		return nil, err
	}
	return sa, nil
}

// tokenAuthorizer is the decision storage asks, under the service
// account's lock and with its every role, before a token change: a token
// acts with all of the account's roles (domain.Authorizer decides).
func (app *App) tokenAuthorizer(ctx context.Context, tenantID int64) func(domain.TargetUser) error {
	v := ViewerFrom(ctx)
	return func(t domain.TargetUser) error {
		return app.Authorizer.CanManageServiceAccountTokens(ctx, v, tenantID, t)
	}
}

// manageableToken loads a token the viewer may manage.
func (app *App) manageableToken(ctx context.Context, gid string) (*domain.ServiceAccountToken, error) {
	id, err := decodeID("ServiceAccountToken", gid, "tokenId")
	if err != nil {
		return nil, err
	}
	if err := domain.RequireViewer(ViewerFrom(ctx)); err != nil {
		return nil, err
	}
	t, err := app.ServiceAccounts.TokenByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, &domain.Error{Code: domain.ENOTFOUND, Field: "tokenId", Reason: "TOKEN_NOT_FOUND", Message: "No such token."}
	} else if err != nil {
		return nil, err
	}
	if err := app.Authorizer.CanManageServiceAccounts(ViewerFrom(ctx), t.TenantID); err != nil {
		return nil, err
	}
	return t, nil
}

func (app *App) createServiceAccountToken(ctx context.Context, in model.CreateServiceAccountTokenInput) (*domain.ServiceAccountToken, string, error) {
	sa, err := app.manageableServiceAccount(ctx, in.ServiceAccountID, "serviceAccountId")
	if err != nil {
		return nil, "", err
	}
	req := domain.NewTokenRequest{ServiceAccountID: sa.ID, Name: in.Name, ExpiresAt: in.ExpiresAt}
	if err := req.Validate(time.Now()); err != nil {
		return nil, "", err
	}
	secret, hash, hint := auth.NewServiceToken()
	t, err := app.ServiceAccounts.CreateToken(ctx, req, hash, hint, app.tokenAuthorizer(ctx, sa.TenantID), auditContext(ctx))
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

func (app *App) rotateServiceAccountToken(ctx context.Context, in model.RotateServiceAccountTokenInput) (newTok, oldTok *domain.ServiceAccountToken, secret string, err error) {
	overlap := domain.DefaultRotationOverlap
	if in.OverlapSeconds != nil {
		overlap = time.Duration(*in.OverlapSeconds) * time.Second
		if overlap < 0 || overlap > domain.MaxRotationOverlap {
			return nil, nil, "", domain.FieldError("overlapSeconds", "INVALID_OVERLAP",
				"The overlap is between 0 and %d seconds.", int(domain.MaxRotationOverlap.Seconds()))
		}
	}
	old, err := app.manageableToken(ctx, in.TokenID)
	if err != nil {
		return nil, nil, "", err
	}
	secret, hash, hint := auth.NewServiceToken()
	newTok, oldTok, err = app.ServiceAccounts.RotateToken(ctx, old.ID, overlap, hash, hint, app.tokenAuthorizer(ctx, old.TenantID), auditContext(ctx))
	if err != nil {
		return nil, nil, "", err
	}
	return newTok, oldTok, secret, nil
}

func (app *App) revokeServiceAccountToken(ctx context.Context, in model.RevokeServiceAccountTokenInput) (*domain.ServiceAccountToken, error) {
	t, err := app.manageableToken(ctx, in.TokenID)
	if err != nil {
		return nil, err
	}
	return app.ServiceAccounts.RevokeToken(ctx, t.ID, app.tokenAuthorizer(ctx, t.TenantID), auditContext(ctx))
}

// serviceAccounts lists a tenant's service accounts for viewers whose user
// directory holds the tenant.
func (app *App) serviceAccounts(ctx context.Context, tenantID int64, status *model.UserStatus, orderBy *model.ServiceAccountOrder, first *int, after *string, last *int, before *string) (*model.ServiceAccountConnection, error) {
	page, err := pageArgs(first, after, last, before)
	if err != nil {
		return nil, err
	}
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil {
		return nil, err
	}
	if !scope.Contains(tenantID) {
		return nil, domain.Errorf(domain.EFORBIDDEN, "You cannot see the service accounts of this tenant.")
	}
	conn, err := app.ServiceAccounts.FindServiceAccounts(ctx, tenantID, (*domain.UserStatus)(status), orderBy.Domain(), page)
	if err != nil {
		return nil, err
	}
	return model.NewServiceAccountConnection(conn), nil
}

// visibleServiceAccount returns a service account if the viewer's user
// directory holds its tenant, nil otherwise.
func (app *App) visibleServiceAccount(ctx context.Context, id int64) (*domain.ServiceAccount, error) {
	sa, err := app.ServiceAccounts.ServiceAccountByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil || !scope.Contains(sa.TenantID) {
		return nil, err
	}
	return sa, nil
}

// visibleToken returns a token if the viewer may see its service account.
func (app *App) visibleToken(ctx context.Context, id int64) (*domain.ServiceAccountToken, error) {
	t, err := app.ServiceAccounts.TokenByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	scope, err := loadersFrom(ctx).UserDirectory(ctx)
	if err != nil || !scope.Contains(t.TenantID) {
		return nil, err
	}
	return t, nil
}
