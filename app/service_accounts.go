package app

import (
	"context"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
)

// Service accounts (R27): created by whoever manages a tenant's service
// accounts; a token acts with all of the account's roles, so changing one
// is decided with every role, under the account's lock.

// ServiceAccountStore is the service accounts and their tokens.
type ServiceAccountStore interface {
	CreateServiceAccount(ctx context.Context, n domain.NewServiceAccount, ac domain.AuditContext) (*domain.ServiceAccount, error)
	ServiceAccountByID(ctx context.Context, id int64) (*domain.ServiceAccount, error)
	TokenByID(ctx context.Context, id int64) (*domain.ServiceAccountToken, error)
	CreateToken(ctx context.Context, req domain.NewTokenRequest, hash []byte, hint string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.ServiceAccountToken, error)
	RotateToken(ctx context.Context, tokenID int64, overlap time.Duration, hash []byte, hint string, authorize func(domain.TargetUser) error, ac domain.AuditContext) (newTok, oldTok *domain.ServiceAccountToken, err error)
	RevokeToken(ctx context.Context, tokenID int64, authorize func(domain.TargetUser) error, ac domain.AuditContext) (*domain.ServiceAccountToken, error)
}

var _ ServiceAccountStore = (*db.ServiceAccountService)(nil)

// CreateServiceAccount creates a service account in a tenant.
func (a *App) CreateServiceAccount(ctx context.Context, n domain.NewServiceAccount) (*domain.ServiceAccount, error) {
	c, err := a.begin(ctx, need{allow: func(v *domain.Viewer, az *domain.Authorizer) error {
		return az.CanManageServiceAccounts(v, n.TenantID)
	}})
	if err != nil {
		return nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	return a.ServiceAccounts.CreateServiceAccount(ctx, n, c.Audit)
}

// tokenAuthorizer is the decision storage asks, under the service
// account's lock and with its every role, before a token change.
func tokenAuthorizer(ctx context.Context, act Actor, tenantID int64) func(domain.TargetUser) error {
	return func(t domain.TargetUser) error {
		return act.Authz.CanManageServiceAccountTokens(ctx, act.Viewer, tenantID, t)
	}
}

// manageableServiceAccount loads a service account the viewer may manage
// (field names the input for NOT_FOUND).
func (a *App) manageableServiceAccount(ctx context.Context, act Actor, id int64, field string) (*domain.ServiceAccount, error) {
	sa, err := a.ServiceAccounts.ServiceAccountByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, &domain.Error{Code: domain.ENOTFOUND, Field: field, Reason: "SERVICE_ACCOUNT_NOT_FOUND", Message: "No such service account."}
	} else if err != nil {
		return nil, err
	}
	if err := act.Authz.CanManageServiceAccounts(act.Viewer, sa.TenantID); err != nil {
		return nil, err
	}
	return sa, nil
}

// manageableToken loads a token the viewer may manage.
func (a *App) manageableToken(ctx context.Context, act Actor, id int64) (*domain.ServiceAccountToken, error) {
	t, err := a.ServiceAccounts.TokenByID(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, &domain.Error{Code: domain.ENOTFOUND, Field: "tokenId", Reason: "TOKEN_NOT_FOUND", Message: "No such token."}
	} else if err != nil {
		return nil, err
	}
	if err := act.Authz.CanManageServiceAccounts(act.Viewer, t.TenantID); err != nil {
		return nil, err
	}
	return t, nil
}

// CreateServiceAccountToken issues a token; the secret is returned once.
func (a *App) CreateServiceAccountToken(ctx context.Context, serviceAccountID int64, name string, expiresAt *time.Time) (*domain.ServiceAccountToken, string, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, "", err
	}
	sa, err := a.manageableServiceAccount(ctx, c.Actor, serviceAccountID, "serviceAccountId")
	if err != nil {
		return nil, "", err
	}
	req := domain.NewTokenRequest{ServiceAccountID: sa.ID, Name: name, ExpiresAt: expiresAt}
	if err := req.Validate(time.Now()); err != nil {
		return nil, "", err
	}
	secret, hash, hint := auth.NewServiceToken()
	t, err := a.ServiceAccounts.CreateToken(ctx, req, hash, hint, tokenAuthorizer(ctx, c.Actor, sa.TenantID), c.Audit)
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// RotationOverlap is how long a rotated token keeps working: seconds
// given, or the default.
func RotationOverlap(seconds *int) (time.Duration, error) {
	if seconds == nil {
		return domain.DefaultRotationOverlap, nil
	}
	overlap := time.Duration(*seconds) * time.Second
	if overlap < 0 || overlap > domain.MaxRotationOverlap {
		return 0, domain.FieldError("overlapSeconds", "INVALID_OVERLAP",
			"The overlap is between 0 and %d seconds.", int(domain.MaxRotationOverlap.Seconds()))
	}
	return overlap, nil
}

// RotateServiceAccountToken issues a new token that replaces one, which
// keeps working for overlap (RotationOverlap).
func (a *App) RotateServiceAccountToken(ctx context.Context, tokenID int64, overlap time.Duration) (newTok, oldTok *domain.ServiceAccountToken, secret string, err error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, nil, "", err
	}
	old, err := a.manageableToken(ctx, c.Actor, tokenID)
	if err != nil {
		return nil, nil, "", err
	}
	secret, hash, hint := auth.NewServiceToken()
	newTok, oldTok, err = a.ServiceAccounts.RotateToken(ctx, old.ID, overlap, hash, hint, tokenAuthorizer(ctx, c.Actor, old.TenantID), c.Audit)
	if err != nil {
		return nil, nil, "", err
	}
	return newTok, oldTok, secret, nil
}

// RevokeServiceAccountToken ends a token.
func (a *App) RevokeServiceAccountToken(ctx context.Context, tokenID int64) (*domain.ServiceAccountToken, error) {
	c, err := a.begin(ctx, need{})
	if err != nil {
		return nil, err
	}
	t, err := a.manageableToken(ctx, c.Actor, tokenID)
	if err != nil {
		return nil, err
	}
	return a.ServiceAccounts.RevokeToken(ctx, t.ID, tokenAuthorizer(ctx, c.Actor, t.TenantID), c.Audit)
}
