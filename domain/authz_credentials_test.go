package domain_test

import (
	"context"
	"testing"

	"tenantadmin/domain"
)

// fixedTree is a fixed hierarchy: 1 → 2 → 3, and 9 alone.
type fixedTree struct{}

func (fixedTree) DescendantIDs(_ context.Context, ids []int64) ([]int64, error) {
	var out []int64
	for _, id := range ids {
		switch id {
		case 1:
			out = append(out, 2, 3)
		case 2:
			out = append(out, 3)
		}
	}
	return out, nil
}
func (fixedTree) AncestorIDs(context.Context, int64) ([]int64, error) { return nil, nil }

func TestCredentialAuthorization(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: fixedTree{}}
	ctx := context.Background()
	viewer := func(id int64, grants ...domain.Grant) *domain.Viewer {
		return &domain.Viewer{UserID: id, Status: domain.UserActive, Grants: grants}
	}
	adminOf := func(tenant int64) domain.Grant {
		return domain.Grant{TenantID: tenant, ProductID: 1, Category: domain.CategoryAdmin, PersonalDataAccess: true}
	}
	operatorOf := func(tenant int64) domain.Grant {
		return domain.Grant{TenantID: tenant, ProductID: 1, Category: domain.CategoryOperator, PersonalDataAccess: true}
	}
	target, targetTenants := int64(50), []int64{2}
	// The target holds no role: CoversAccount has nothing to refuse here
	// (TestAccountWideActions covers the roles).
	targetUser := domain.TargetUser{ID: target, HomeTenantID: 2, TenantIDs: targetTenants}
	for _, tc := range []struct {
		name         string
		v            *domain.Viewer
		manage, read string
	}{
		{"AdminOfTheTenant", viewer(1, adminOf(2)), "", ""},
		{"AdminOfAnotherProductThere", viewer(1, domain.Grant{TenantID: 2, ProductID: 7, Category: domain.CategoryAdmin}), "", ""},
		{"ParentAdminReadsOnly", viewer(1, adminOf(1)), domain.EFORBIDDEN, ""},
		{"ChildAdmin", viewer(1, adminOf(3)), domain.EFORBIDDEN, domain.EFORBIDDEN},
		{"OtherTenantAdmin", viewer(1, adminOf(9)), domain.EFORBIDDEN, domain.EFORBIDDEN},
		{"Operator", viewer(1, operatorOf(2)), domain.EFORBIDDEN, domain.EFORBIDDEN},
		{"PlatformAdmin", &domain.Viewer{UserID: 1, Status: domain.UserActive, PlatformAdmin: true}, "", ""},
		{"Self", viewer(target, adminOf(2)), domain.EFORBIDDEN, ""},
		{"PlatformAdminSelf", &domain.Viewer{UserID: target, Status: domain.UserActive, PlatformAdmin: true}, domain.EFORBIDDEN, ""},
		{"Anonymous", nil, domain.EUNAUTHENTICATED, domain.EUNAUTHENTICATED},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := domain.ErrorCode(a.CanManageCredentials(ctx, tc.v, targetUser)); got != tc.manage {
				t.Errorf("manage: %q, want %q", got, tc.manage)
			}
			if _, err := a.SecurityRecordsScope(ctx, tc.v, target, targetTenants); domain.ErrorCode(err) != tc.read {
				got := domain.ErrorCode(err)
				t.Errorf("read: %q, want %q", got, tc.read)
			}
		})
	}
	t.Run("DeveloperMailbox", func(t *testing.T) {
		staff := &domain.Viewer{UserID: 1, Status: domain.UserActive, PlatformAdmin: true}
		for _, c := range []struct {
			v          *domain.Viewer
			smtp, open bool
			want       string
		}{
			{staff, false, false, ""},
			{viewer(2, adminOf(2)), false, false, domain.EFORBIDDEN},
			{nil, false, false, domain.EUNAUTHENTICATED},
			{nil, false, true, ""},
			{staff, true, false, domain.ENOTFOUND},
			{nil, true, true, domain.ENOTFOUND},
		} {
			if got := domain.ErrorCode(a.CanReadDeveloperMailbox(c.v, c.smtp, c.open)); got != c.want {
				t.Errorf("%+v smtp=%v open=%v: %q, want %q", c.v, c.smtp, c.open, got, c.want)
			}
		}
	})
}

func TestPasswordExpired(t *testing.T) {
	now := mustTime("2026-01-31T00:00:00Z")
	changed := mustTime("2026-01-01T00:00:00Z")
	days := func(n int) *int { return &n }
	if domain.PasswordExpired(&changed, nil, now) || domain.PasswordExpired(nil, days(1), now) {
		t.Fatal("no policy or no password must not expire")
	}
	if domain.PasswordExpired(&changed, days(30), now) || !domain.PasswordExpired(&changed, days(29), now) {
		t.Fatal("boundary")
	}
}
