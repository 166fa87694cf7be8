package domain_test

import (
	"context"
	"slices"
	"testing"

	"tenantadmin/domain"
)

// TestSecurityRecordsScope (issue 13, item 7): an administrator reads a
// person's security records only for events in the tenants of their user
// directory, never the other tenants the person belongs to.
func TestSecurityRecordsScope(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	ctx := context.Background()
	// The person belongs to the company (holding → company → site) and to
	// another organisation that attached them by tax code.
	person, tenants := int64(9), []int64{company, other}
	for _, c := range []struct {
		name string
		v    *domain.Viewer
		all  bool
		want []int64
		code string
	}{
		{"company admin: company and its site", viewer(1, grant(company, productA, domain.CategoryAdmin, true)), false, []int64{company, site}, ""},
		{"attaching tenant's admin: its own tenant only", viewer(2, grant(other, productB, domain.CategoryAdmin, true)), false, []int64{other}, ""},
		{"holding admin: read-only below", viewer(3, grant(holding, productA, domain.CategoryAdmin, true)), false, []int64{holding, company, site}, ""},
		{"the person: every record", viewer(person), true, nil, ""},
		{"platform staff: every record", &domain.Viewer{UserID: 7, Status: domain.UserActive, PlatformAdmin: true}, true, nil, ""},
		{"operator of the company", viewer(4, grant(company, productA, domain.CategoryOperator, true)), false, nil, domain.EFORBIDDEN},
		{"site admin: the person is not in its directory", viewer(5, grant(site, productA, domain.CategoryAdmin, true)), false, nil, domain.EFORBIDDEN},
	} {
		scope, err := a.SecurityRecordsScope(ctx, c.v, person, tenants)
		wantCode(t, c.name, err, c.code)
		if err != nil {
			continue
		}
		if scope.All != c.all || !slices.Equal(scope.TenantIDs, c.want) {
			t.Errorf("%s: scope %+v, want all=%v %v", c.name, scope, c.all, c.want)
		}
	}
}
