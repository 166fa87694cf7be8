package app

import (
	"context"
	"strings"
	"testing"

	"tenantadmin/db"
	"tenantadmin/domain"
)

type fakeUserLists struct {
	got *domain.UserFilter
}

func (f *fakeUserLists) StreamUserList(_ context.Context, filter domain.UserFilter, _ domain.Scope, _ db.PersonalDataRule, row func([]string) error) error {
	f.got = &filter
	return row([]string{"mario.rossi"})
}

// The users-list export is authorized as Tenant.users is: a tenant of the
// viewer's user directory; its filter is checked as GraphQL checks it, and
// the store is asked for that tenant only, whatever the filter said.
func TestUserListExport(t *testing.T) {
	a, _, _ := newApp()
	lists := &fakeUserLists{}
	a.UserLists = lists
	long := strings.Repeat("x", 201)
	days := 0
	other := tenantB
	for _, tc := range []struct {
		name   string
		v      *domain.Viewer
		tenant int64
		f      domain.UserFilter
		want   string
	}{
		{"signed out", nil, tenantA, domain.UserFilter{}, domain.EUNAUTHENTICATED},
		{"another tenant", adminOfA, tenantB, domain.UserFilter{}, domain.EFORBIDDEN},
		{"search too long", adminOfA, tenantA, domain.UserFilter{Search: &long}, "SEARCH_TOO_LONG"},
		{"no inactivity days", adminOfA, tenantA, domain.UserFilter{InactiveSinceDays: &days}, domain.ReasonInvalidFilter},
	} {
		lists.got = nil
		_, err := a.UserListExport(as(tc.v), tc.tenant, tc.f)
		if code(err) != tc.want || lists.got != nil {
			t.Errorf("%s: %v (store asked: %v), want %s", tc.name, err, lists.got != nil, tc.want)
		}
	}

	search := "rossi"
	stream, err := a.UserListExport(as(adminOfA), tenantA, domain.UserFilter{Search: &search, TenantID: &other})
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	if err := stream(func(r []string) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || lists.got == nil || lists.got.TenantID == nil || *lists.got.TenantID != tenantA ||
		lists.got.Search == nil || *lists.got.Search != "rossi" || !lists.got.Scope.Contains(tenantA) || lists.got.Scope.Contains(tenantB) {
		t.Fatalf("rows %v, filter %+v", rows, lists.got)
	}
}
