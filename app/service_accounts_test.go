package app

import (
	"context"
	"testing"

	"tenantadmin/domain"
)

type fakeServiceAccounts struct {
	ServiceAccountStore
	tokens  map[int64]*domain.ServiceAccountToken
	revoked []int64
}

func (f *fakeServiceAccounts) TokenByID(_ context.Context, id int64) (*domain.ServiceAccountToken, error) {
	if t := f.tokens[id]; t != nil {
		return t, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "no token")
}

func (f *fakeServiceAccounts) RevokeToken(_ context.Context, id int64, authorize func(domain.TargetUser) error, _ domain.AuditContext) (*domain.ServiceAccountToken, error) {
	f.revoked = append(f.revoked, id)
	return f.tokens[id], nil
}

func TestRevokeServiceAccountToken(t *testing.T) {
	a, _, _ := newApp()
	sa := &fakeServiceAccounts{tokens: map[int64]*domain.ServiceAccountToken{
		1: {ID: 1, TenantID: tenantA}, 2: {ID: 2, TenantID: tenantB}}}
	a.ServiceAccounts = sa
	if _, err := a.RevokeServiceAccountToken(as(adminOfA), 2); code(err) != domain.EFORBIDDEN {
		t.Fatalf("another tenant's token: %v, want FORBIDDEN", err)
	}
	if _, err := a.RevokeServiceAccountToken(as(adminOfA), 3); code(err) != "TOKEN_NOT_FOUND" {
		t.Fatalf("no such token: %v", err)
	}
	if _, err := a.RevokeServiceAccountToken(as(adminOfA), 1); err != nil || len(sa.revoked) != 1 || sa.revoked[0] != 1 {
		t.Fatalf("own tenant's token: %v, revoked %v", err, sa.revoked)
	}
}
