package domain_test

import (
	"context"
	"fmt"
	"testing"

	"tenantadmin/domain"
)

// accountWideDecisions are the decisions of account-wide actions: each must
// refuse a target the viewer does not cover entirely (issue 13, item 6).
func accountWideDecisions(a *domain.Authorizer) map[string]func(context.Context, *domain.Viewer, domain.TargetUser) error {
	return map[string]func(context.Context, *domain.Viewer, domain.TargetUser) error{
		"CanEditIdentity":        a.CanEditIdentity,
		"CanChangeAccountStatus": a.CanChangeAccountStatus,
		"CanResetCredentials":    a.CanResetCredentials,
		"CanManageCredentials":   a.CanManageCredentials,
		"CoversAccount":          a.CoversAccount,
		"CanManageServiceAccountTokens": func(ctx context.Context, v *domain.Viewer, t domain.TargetUser) error {
			return a.CanManageServiceAccountTokens(ctx, v, t.HomeTenantID, t)
		},
		"Capabilities": func(ctx context.Context, v *domain.Viewer, t domain.TargetUser) error {
			// The screens offer exactly what the mutations accept.
			c := a.Capabilities(ctx, v, t)
			if c.EditIdentity != c.ChangeStatus || c.ChangeStatus != c.ResetCredentials {
				return fmt.Errorf("inconsistent capabilities %+v", c)
			}
			if !c.ChangeStatus {
				return domain.Errorf(domain.EFORBIDDEN, "no capability")
			}
			return nil
		},
	}
}

// TestAccountWideActionsMatrix is R6 for account-wide actions, over
// product × role category × hierarchy: an ADMIN of product A in the
// company (the target's home tenant) acts on the whole account only when
// every role the target holds is on product A, in the company or below it.
// Tree: holding → company → site; other alone.
func TestAccountWideActionsMatrix(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	ctx := context.Background()
	companyAdmin := viewer(1, grant(company, productA, domain.CategoryAdmin, true))
	placements := []struct {
		name    string
		tenant  int64
		covered bool // the tenant is the company or below it
	}{
		{"SameTenant", company, true},
		{"ChildSite", site, true},
		{"ParentHolding", holding, false},
		{"OtherOrganisation", other, false},
	}
	for name, decide := range accountWideDecisions(a) {
		for _, product := range []int64{productA, productB} {
			for _, category := range []domain.RoleCategory{domain.CategoryAdmin, domain.CategoryOperator} {
				for _, p := range placements {
					tenants := []int64{company}
					if p.tenant != company {
						tenants = append(tenants, p.tenant)
					}
					target := domain.TargetUser{ID: 9, HomeTenantID: company, TenantIDs: tenants, Roles: []domain.TargetRole{
						{TenantID: company, ProductID: productA, Category: domain.CategoryOperator},
						{TenantID: p.tenant, ProductID: product, Category: category},
					}}
					want := ""
					if product != productA || !p.covered {
						want = domain.EFORBIDDEN
					}
					label := fmt.Sprintf("%s/product%d/%s/%s", name, product, category, p.name)
					wantCode(t, label, decide(ctx, companyAdmin, target), want)
				}
			}
		}
	}
}

// TestAccountWideActions covers the viewers of the rule: several products,
// the head office above a site, platform staff and platform staff's
// accounts.
func TestAccountWideActions(t *testing.T) {
	a := &domain.Authorizer{Hierarchy: tree}
	ctx := context.Background()
	staff := &domain.Viewer{UserID: 7, Status: domain.UserActive, PlatformAdmin: true}
	role := func(tenant, product int64, c domain.RoleCategory) domain.TargetRole {
		return domain.TargetRole{TenantID: tenant, ProductID: product, Category: c}
	}
	// A head-office (company) administrator of product A whose home tenant
	// is the site.
	headOfficeAdmin := domain.TargetUser{ID: 20, HomeTenantID: site, TenantIDs: []int64{company, site},
		Roles: []domain.TargetRole{role(company, productA, domain.CategoryAdmin), role(site, productA, domain.CategoryOperator)}}
	// Someone who administers only product B in the company.
	productBAdmin := domain.TargetUser{ID: 21, HomeTenantID: company, TenantIDs: []int64{company},
		Roles: []domain.TargetRole{role(company, productB, domain.CategoryAdmin)}}
	siteUser := domain.TargetUser{ID: 22, HomeTenantID: site, TenantIDs: []int64{site},
		Roles: []domain.TargetRole{role(site, productA, domain.CategoryOperator)}}
	// A member of the company whose membership holds no role (a service
	// account right after its creation).
	noRoles := domain.TargetUser{ID: 23, HomeTenantID: company, TenantIDs: []int64{company}}
	platformAdmin := domain.TargetUser{ID: 24, HomeTenantID: company, TenantIDs: []int64{company}, PlatformAdmin: true,
		Roles: []domain.TargetRole{role(company, productA, domain.CategoryOperator)}}
	for _, c := range []struct {
		name   string
		v      *domain.Viewer
		target domain.TargetUser
		want   string
	}{
		{"site admin on a head-office admin homed at the site", viewer(1, grant(site, productA, domain.CategoryAdmin, true)), headOfficeAdmin, domain.EFORBIDDEN},
		{"site admin on a site user", viewer(1, grant(site, productA, domain.CategoryAdmin, true)), siteUser, ""},
		{"site admin of both products on a head-office admin", viewer(1, grant(site, productA, domain.CategoryAdmin, true), grant(site, productB, domain.CategoryAdmin, true)), headOfficeAdmin, domain.EFORBIDDEN},
		{"head-office admin also admin at the site", viewer(1, grant(company, productA, domain.CategoryAdmin, true), grant(site, productA, domain.CategoryAdmin, true)), headOfficeAdmin, ""},
		{"product A admin on a product B admin", viewer(1, grant(company, productA, domain.CategoryAdmin, true)), productBAdmin, domain.EFORBIDDEN},
		{"product B admin on a product B admin", viewer(1, grant(company, productB, domain.CategoryAdmin, true)), productBAdmin, ""},
		{"operator of product B on a product B admin", viewer(1, grant(company, productA, domain.CategoryAdmin, true), grant(company, productB, domain.CategoryOperator, true)), productBAdmin, domain.EFORBIDDEN},
		{"admin of a tenant on a member without roles", viewer(1, grant(company, productA, domain.CategoryAdmin, true)), noRoles, ""},
		{"tenant admin on platform staff", viewer(1, grant(company, productA, domain.CategoryAdmin, true)), platformAdmin, domain.EFORBIDDEN},
		{"platform staff on anyone", staff, headOfficeAdmin, ""},
		{"platform staff on platform staff", staff, platformAdmin, ""},
	} {
		for name, decide := range accountWideDecisions(a) {
			if name == "CanManageCredentials" || name == "CanManageServiceAccountTokens" {
				continue // their tenant rule differs from the home-tenant rule; below
			}
			wantCode(t, c.name+"/"+name, decide(ctx, c.v, c.target), c.want)
		}
	}

	// The holding's administrator of product A outranks the roles on A
	// below it; covering needs no grant in the child (but acting through
	// the credential screens still needs an ADMIN role in one of the
	// target's tenants, R6: parents read).
	holdingAdmin := viewer(2, grant(holding, productA, domain.CategoryAdmin, true))
	wantCode(t, "holding admin covers roles on its product below", a.CoversAccount(ctx, holdingAdmin, siteUser), "")
	wantCode(t, "holding admin covers no other product", a.CoversAccount(ctx, holdingAdmin, productBAdmin), domain.EFORBIDDEN)
	wantCode(t, "holding admin manages no credentials below", a.CanManageCredentials(ctx, holdingAdmin, siteUser), domain.EFORBIDDEN)
	// A sharing tenant's admin (credentials: any tenant of the target)
	// still needs every role covered.
	siteAdmin := viewer(1, grant(site, productA, domain.CategoryAdmin, true))
	wantCode(t, "site admin resets credentials of a site user", a.CanManageCredentials(ctx, siteAdmin, siteUser), "")
	wantCode(t, "site admin resets credentials of a head-office admin", a.CanManageCredentials(ctx, siteAdmin, headOfficeAdmin), domain.EFORBIDDEN)
	// Service accounts: the tenant's admin issues tokens only for accounts
	// whose every role it administers.
	serviceB := domain.TargetUser{ID: 30, HomeTenantID: company, TenantIDs: []int64{company},
		Roles: []domain.TargetRole{role(company, productB, domain.CategoryAdmin)}}
	adminA := viewer(1, grant(company, productA, domain.CategoryAdmin, true))
	wantCode(t, "token of a service account with a role on another product", a.CanManageServiceAccountTokens(ctx, adminA, company, serviceB), domain.EFORBIDDEN)
	wantCode(t, "token of a service account without roles", a.CanManageServiceAccountTokens(ctx, adminA, company, noRoles), "")
}
