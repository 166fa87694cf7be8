package app

import (
	"context"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/domain"
)

// SetupStore creates the first platform administrator with the one-time
// setup token.
type SetupStore interface {
	BootstrapPlatformAdmin(ctx context.Context, tokenHash []byte, in db.NewPlatformAdmin, audit domain.AuditContext) (*domain.User, error)
}

var _ SetupStore = (*db.SetupService)(nil)

// BootstrapPlatformAdminInput is the first administrator, with the setup
// link's token.
type BootstrapPlatformAdminInput struct {
	Token, Username, Email, GivenName, FamilyName, Password string
}

// BootstrapPlatformAdmin validates the first administrator's input and
// creates it with the setup token.
func (a *App) BootstrapPlatformAdmin(ctx context.Context, in BootstrapPlatformAdminInput) (*domain.User, error) {
	username, err := domain.NormalizeUsername(in.Username)
	if err != nil {
		return nil, err
	}
	email, err := domain.NormalizeEmail(in.Email)
	if err != nil {
		return nil, err
	}
	if in.GivenName == "" || len(in.GivenName) > 100 {
		return nil, domain.FieldError("givenName", "INVALID_NAME", "Given name is required (at most 100 characters).")
	}
	if in.FamilyName == "" || len(in.FamilyName) > 100 {
		return nil, domain.FieldError("familyName", "INVALID_NAME", "Family name is required (at most 100 characters).")
	}
	if err := (domain.PasswordPolicy{}).Check(in.Password, username, email); err != nil {
		return nil, err
	}
	hash, err := a.HashPassword(ctx, in.Password, auth.DefaultArgon2)
	if err != nil {
		return nil, err
	}
	return a.Setup.BootstrapPlatformAdmin(ctx, auth.HashToken(in.Token), db.NewPlatformAdmin{
		Username: username, Email: email, GivenName: in.GivenName, FamilyName: in.FamilyName, PasswordHash: hash,
	}, AuditContext(ctx))
}
