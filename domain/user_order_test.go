package domain_test

import (
	"testing"

	"tenantadmin/domain"
)

// TestCanOrderByPersonalData (R12): a list may be sorted by names or
// emails only when the viewer reads the personal data of every tenant the
// list can hold.
func TestCanOrderByPersonalData(t *testing.T) {
	one := int64(2)
	for _, tc := range []struct {
		name           string
		list, personal domain.Scope
		tenant         *int64
		want           bool
	}{
		{"platform staff", domain.Scope{All: true}, domain.Scope{All: true}, nil, true},
		{"every tenant readable", domain.Scope{TenantIDs: []int64{1, 2}}, domain.Scope{TenantIDs: []int64{2, 1, 3}}, nil, true},
		{"one tenant hidden", domain.Scope{TenantIDs: []int64{1, 2}}, domain.Scope{TenantIDs: []int64{1}}, nil, false},
		{"no personal data", domain.Scope{TenantIDs: []int64{1}}, domain.Scope{}, nil, false},
		{"whole platform, scoped personal data", domain.Scope{All: true}, domain.Scope{TenantIDs: []int64{1}}, nil, false},
		{"the one tenant readable", domain.Scope{TenantIDs: []int64{1, 2}}, domain.Scope{TenantIDs: []int64{2}}, &one, true},
		{"the one tenant hidden", domain.Scope{TenantIDs: []int64{1, 2}}, domain.Scope{TenantIDs: []int64{1}}, &one, false},
	} {
		if got := domain.CanOrderByPersonalData(tc.list, tc.tenant, tc.personal); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	for f, want := range map[domain.UserOrderField]bool{"": false, domain.UserOrderUsername: false, domain.UserOrderDisplayName: true,
		domain.UserOrderEmail: true, domain.UserOrderCreatedAt: false, domain.UserOrderLastSignInAt: false} {
		if got := (domain.UserOrder{Field: f}).PersonalDataOrder(); got != want {
			t.Errorf("%q: personal %v", f, got)
		}
	}
}
