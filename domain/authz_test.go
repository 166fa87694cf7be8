package domain_test

import (
	"context"
	"slices"
	"testing"

	"tenantadmin/domain"
)

// treeHierarchy is an in-memory tenant tree (child → parent): the
// Authorizer's only dependency, not a stand-in for PostgreSQL.
type treeHierarchy map[int64]int64

func (h treeHierarchy) DescendantIDs(_ context.Context, ids []int64) ([]int64, error) {
	var out []int64
	frontier := slices.Clone(ids)
	for len(frontier) > 0 {
		var next []int64
		for child, parent := range h {
			if slices.Contains(frontier, parent) && !slices.Contains(out, child) {
				out = append(out, child)
				next = append(next, child)
			}
		}
		frontier = next
	}
	slices.Sort(out)
	return out, nil
}

func (h treeHierarchy) AncestorIDs(_ context.Context, id int64) ([]int64, error) {
	var out []int64
	for p, ok := h[id]; ok; p, ok = h[p] {
		out = append(out, p)
	}
	return out, nil
}

// Tenants: holding(1) → company(2) → site(3); other(4). Products 10, 11.
const (
	holding, company, site, other = 1, 2, 3, 4
	productA, productB            = 10, 11
)

var tree = treeHierarchy{company: holding, site: company}

func grant(tenant, product int64, c domain.RoleCategory, personal bool) domain.Grant {
	return domain.Grant{TenantID: tenant, ProductID: product, Category: c, PersonalDataAccess: personal}
}

func viewer(id int64, grants ...domain.Grant) *domain.Viewer {
	return &domain.Viewer{UserID: id, Username: "v", Status: domain.UserActive, Grants: grants}
}

func wantCode(t *testing.T, name string, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Errorf("%s: code %q, want %q (%v)", name, got, code, err)
	}
}

func TestAuthorizerCanManageProduct(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	companyAdmin := viewer(1, grant(company, productA, domain.CategoryAdmin, true))
	holdingAdmin := viewer(2, grant(holding, productA, domain.CategoryAdmin, true))
	operator := viewer(3, grant(company, productA, domain.CategoryOperator, true))
	staff := &domain.Viewer{UserID: 4, Status: domain.UserActive, PlatformAdmin: true}
	for _, c := range []struct {
		name            string
		v               *domain.Viewer
		tenant, product int64
		code            string
	}{
		{"R6 admin on own product", companyAdmin, company, productA, ""},
		{"R6 admin on another product", companyAdmin, company, productB, domain.EFORBIDDEN},
		{"R6 parent admin in child is read-only", holdingAdmin, company, productA, domain.EFORBIDDEN},
		{"R6 admin in a site below", companyAdmin, site, productA, domain.EFORBIDDEN},
		{"other tenant", companyAdmin, other, productA, domain.EFORBIDDEN},
		{"operator", operator, company, productA, domain.EFORBIDDEN},
		{"platform staff", staff, other, productB, ""},
		{"anonymous", nil, company, productA, domain.EUNAUTHENTICATED},
		{"suspended viewer", &domain.Viewer{UserID: 5, Status: domain.UserSuspended, Grants: companyAdmin.Grants}, company, productA, domain.EUNAUTHENTICATED},
	} {
		wantCode(t, c.name, a.CanManageProduct(c.v, c.tenant, c.product), c.code)
	}
	// A parent admin granted an ADMIN role in the child manages it there.
	granted := viewer(2, grant(holding, productA, domain.CategoryAdmin, true), grant(company, productA, domain.CategoryAdmin, true))
	wantCode(t, "R6 parent admin granted in child", a.CanManageProduct(granted, company, productA), "")
}

func TestAuthorizerMembershipAndAssignment(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	admin := viewer(1, grant(company, productA, domain.CategoryAdmin, true))
	wantCode(t, "detach with all products managed", a.CanManageMembership(admin, company, 9, []int64{productA}), "")
	wantCode(t, "detach with a product not managed", a.CanManageMembership(admin, company, 9, []int64{productA, productB}), domain.EFORBIDDEN)
	wantCode(t, "detach oneself", a.CanManageMembership(admin, company, 1, []int64{productA}), domain.EFORBIDDEN)
	wantCode(t, "detach elsewhere", a.CanManageMembership(admin, other, 9, nil), domain.EFORBIDDEN)

	ra := &domain.RoleAssignment{TenantID: company, ProductID: productA, UserID: 9}
	wantCode(t, "manage assignment", a.CanManageAssignment(admin, ra), "")
	own := &domain.RoleAssignment{TenantID: company, ProductID: productA, UserID: 1}
	wantCode(t, "manage own assignment", a.CanManageAssignment(admin, own), domain.EFORBIDDEN)
	onB := &domain.RoleAssignment{TenantID: company, ProductID: productB, UserID: 9}
	wantCode(t, "manage assignment on a product not administered", a.CanManageAssignment(admin, onB), domain.EFORBIDDEN)
}

func TestAuthorizerHomeTenantRule(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	ctx := context.Background()
	companyAdmin := viewer(1, grant(company, productA, domain.CategoryAdmin, true))
	siteAdmin := viewer(2, grant(site, productB, domain.CategoryAdmin, true))
	homedInCompany := domain.TargetUser{ID: 9, HomeTenantID: company, TenantIDs: []int64{company, site}}
	wantCode(t, "R7 home admin edits identity", a.CanEditIdentity(ctx, companyAdmin, homedInCompany), "")
	wantCode(t, "R7 sharing tenant cannot edit identity", a.CanEditIdentity(ctx, siteAdmin, homedInCompany), domain.EFORBIDDEN)
	left := domain.TargetUser{ID: 9, HomeTenantID: company, TenantIDs: []int64{site}}
	wantCode(t, "R7 home admin after the user left home", a.CanEditIdentity(ctx, companyAdmin, left), domain.EFORBIDDEN)
	wantCode(t, "suspend other", a.CanChangeAccountStatus(ctx, companyAdmin, homedInCompany), "")
	self := domain.TargetUser{ID: 1, HomeTenantID: company, TenantIDs: []int64{company}}
	wantCode(t, "suspend oneself", a.CanChangeAccountStatus(ctx, companyAdmin, self), domain.EFORBIDDEN)
	wantCode(t, "R13 reset other's credentials", a.CanResetCredentials(ctx, companyAdmin, homedInCompany), "")
	wantCode(t, "R13 reset own credentials", a.CanResetCredentials(ctx, companyAdmin, self), domain.EFORBIDDEN)
	staff := &domain.Viewer{UserID: 7, Status: domain.UserActive, PlatformAdmin: true}
	wantCode(t, "R13 staff reset own credentials", a.CanResetCredentials(ctx, staff, domain.TargetUser{ID: 7}), domain.EFORBIDDEN)
	wantCode(t, "R13 sharing admin resets credentials", a.CanResetCredentials(ctx, siteAdmin, homedInCompany), domain.EFORBIDDEN)
}

func TestAuthorizerSelfServiceFields(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	ctx := context.Background()
	admin := viewer(1, grant(company, productA, domain.CategoryAdmin, true))
	operator := viewer(2, grant(company, productA, domain.CategoryOperator, true))
	staff := &domain.Viewer{UserID: 7, Status: domain.UserActive, PlatformAdmin: true}
	wantCode(t, "R3 own email", a.CanChangeEmail(operator, 2), "")
	wantCode(t, "R3 admin changes another's email", a.CanChangeEmail(admin, 2), domain.EFORBIDDEN)
	wantCode(t, "R3 staff changes another's email", a.CanChangeEmail(staff, 2), domain.EFORBIDDEN)
	wantCode(t, "R3 phone of an admin", a.CanSetOwnPhone(admin), "")
	wantCode(t, "R3 phone of an operator", a.CanSetOwnPhone(operator), domain.EFORBIDDEN)

	caps := a.Capabilities(ctx, admin, domain.TargetUser{ID: 9, HomeTenantID: company, TenantIDs: []int64{company}, NameVerified: true})
	if !caps.EditIdentity || caps.EditNames || !caps.ChangeStatus || !caps.ResetCredentials || caps.ChangeEmail || caps.SetPhone {
		t.Errorf("capabilities on a verified colleague: %+v", caps)
	}
	caps = a.Capabilities(ctx, admin, domain.TargetUser{ID: 1, HomeTenantID: company, TenantIDs: []int64{company}})
	if caps.ResetCredentials || caps.ChangeStatus || !caps.ChangeEmail || !caps.SetPhone || !caps.EditPreferences {
		t.Errorf("capabilities on oneself: %+v", caps)
	}
}

func TestAuthorizerTenants(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	admin := viewer(1, grant(company, productA, domain.CategoryAdmin, true))
	holdingAdmin := viewer(2, grant(holding, productA, domain.CategoryAdmin, true))
	staff := &domain.Viewer{UserID: 7, Status: domain.UserActive, PlatformAdmin: true}
	c := int64(company)
	s := int64(site)
	wantCode(t, "staff onboards a root", a.CanCreateTenant(staff, nil), "")
	wantCode(t, "admin onboards a root", a.CanCreateTenant(admin, nil), domain.EFORBIDDEN)
	wantCode(t, "admin adds a site below own tenant", a.CanCreateTenant(admin, &c), "")
	wantCode(t, "admin adds a site below a site it does not administer", a.CanCreateTenant(admin, &s), domain.EFORBIDDEN)
	wantCode(t, "parent admin adds a site below a child", a.CanCreateTenant(holdingAdmin, &c), domain.EFORBIDDEN)
	wantCode(t, "admin renames own tenant", a.CanUpdateTenant(admin, company, false), "")
	wantCode(t, "admin changes tenant identity", a.CanUpdateTenant(admin, company, true), domain.EFORBIDDEN)
	wantCode(t, "parent admin renames a child", a.CanUpdateTenant(holdingAdmin, company, false), domain.EFORBIDDEN)
	wantCode(t, "staff changes tenant identity", a.CanUpdateTenant(staff, company, true), "")
	if got := a.ManagedProducts(admin, company, []int64{productA, productB}); !slices.Equal(got, []int64{productA}) {
		t.Errorf("managed products = %v", got)
	}
}

// TestAuthorizerPersonalDataScope is R12 at the decision level: a
// restricted role contributes nothing to the personal-data scope, an admin
// role covers its tenant and the tenants below.
func TestAuthorizerPersonalDataScope(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	ctx := context.Background()
	technician := viewer(1, grant(company, productA, domain.CategoryOperator, false))
	scope, err := a.PersonalDataScope(ctx, technician)
	if err != nil || len(scope.TenantIDs) != 0 || scope.All {
		t.Fatalf("R12 technician scope = %+v, %v", scope, err)
	}
	if domain.CanSeePersonalData(technician, scope, 9, []int64{company}) {
		t.Error("R12 technician sees a colleague's personal data")
	}
	if !domain.CanSeePersonalData(technician, scope, 1, []int64{company}) {
		t.Error("R12 technician does not see their own personal data")
	}
	holdingAdmin := viewer(2, grant(holding, productA, domain.CategoryAdmin, true))
	scope, _ = a.PersonalDataScope(ctx, holdingAdmin)
	if !scope.Contains(site) || scope.Contains(other) {
		t.Errorf("holding admin personal-data scope = %+v", scope)
	}
}

func TestAuthorizerAttachToTenant(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	ctx := context.Background()
	admin := viewer(1, grant(company, productA, domain.CategoryAdmin, true), grant(site, productA, domain.CategoryAdmin, true))
	colleague := domain.TargetUser{ID: 9, HomeTenantID: company, TenantIDs: []int64{company}}
	wantCode(t, "R8 attach to a site", a.CanAttachToTenant(ctx, admin, colleague, site, productA), "")
	wantCode(t, "R8 attach on a product not administered", a.CanAttachToTenant(ctx, admin, colleague, site, productB), domain.EFORBIDDEN)
	stranger := domain.TargetUser{ID: 8, HomeTenantID: other, TenantIDs: []int64{other}}
	wantCode(t, "R8 attach a user not listed", a.CanAttachToTenant(ctx, admin, stranger, site, productA), domain.EFORBIDDEN)
	staff := &domain.Viewer{UserID: 7, Status: domain.UserActive, PlatformAdmin: true}
	if e := domain.AsError(a.CanAttachToTenant(ctx, staff, stranger, site, productA)); e == nil || e.Reason != domain.ReasonOtherOrganisation {
		t.Errorf("R8 attach across organisations: %v", e)
	}
}
