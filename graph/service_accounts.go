package graph

import (
	"context"

	usecase "tenantadmin/app"
	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Service accounts (R27): the mutations decode their IDs (before anything
// else, as they always did) and call app; the reads are here.

func (app *App) createServiceAccount(ctx context.Context, in model.CreateServiceAccountInput) (*domain.ServiceAccount, error) {
	tenantID, err := decodeID("Tenant", in.TenantID, "tenantId")
	if err != nil {
		return nil, err
	}
	return app.UseCases().CreateServiceAccount(ctx, domain.NewServiceAccount{TenantID: tenantID, Username: in.Username,
		Description: deref(in.Description)})
}

func (app *App) createServiceAccountToken(ctx context.Context, in model.CreateServiceAccountTokenInput) (*domain.ServiceAccountToken, string, error) {
	id, err := decodeID("ServiceAccount", in.ServiceAccountID, "serviceAccountId")
	if err != nil {
		return nil, "", err
	}
	return app.UseCases().CreateServiceAccountToken(ctx, id, in.Name, in.ExpiresAt)
}

func (app *App) rotateServiceAccountToken(ctx context.Context, in model.RotateServiceAccountTokenInput) (newTok, oldTok *domain.ServiceAccountToken, secret string, err error) {
	overlap, err := usecase.RotationOverlap(in.OverlapSeconds) // checked first, as always
	if err != nil {
		return nil, nil, "", err
	}
	id, err := decodeID("ServiceAccountToken", in.TokenID, "tokenId")
	if err != nil {
		return nil, nil, "", err
	}
	return app.UseCases().RotateServiceAccountToken(ctx, id, overlap)
}

func (app *App) revokeServiceAccountToken(ctx context.Context, in model.RevokeServiceAccountTokenInput) (*domain.ServiceAccountToken, error) {
	id, err := decodeID("ServiceAccountToken", in.TokenID, "tokenId")
	if err != nil {
		return nil, err
	}
	return app.UseCases().RevokeServiceAccountToken(ctx, id)
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
