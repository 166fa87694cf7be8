package main

import "testing"

// TestMutationErrorMatrix covers the userErrors and refusals of each
// mutation not already exercised by the requirement tests; each refused
// change leaves the database as it was.
func TestMutationErrorMatrix(t *testing.T) {
	w := newAdminWorld(t)
	w.f.Assign(w.companyAdmin, w.company, "cob", "master")
	w.f.Assign(w.companyAdmin, w.site, "segmenti", "admin")
	w.f.Assign(w.companyAdmin, w.site, "cob", "master")
	admin, other := w.token(t, w.companyAdmin), w.token(t, w.other_admin)
	var groupID int64
	w.f.Exec("INSERT INTO groups (tenant_id, product_id, name) SELECT ?, id, 'Team' FROM products WHERE code = 'segmenti'", w.company)
	w.scalar(t, &groupID, "SELECT id FROM groups WHERE name = 'Team'")
	existing := func(change map[string]any) map[string]any {
		in := map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": "other.admin", "taxCode": validCF(902),
			"productId": w.product(t, "segmenti"), "roleId": w.role(t, "segmenti", "guest")}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	toSite := func(change map[string]any) map[string]any {
		in := map[string]any{"userId": globalIDFor("User", w.operator), "tenantId": globalIDFor("Tenant", w.site),
			"productId": w.product(t, "segmenti"), "roleId": w.role(t, "segmenti", "guest")}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	tenant := func(change map[string]any) map[string]any {
		in := map[string]any{"tenantId": globalIDFor("Tenant", w.company), "expectedVersion": 1}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	w.f.Exec("UPDATE tenants SET country = 'FR', tax_code = '477280846' WHERE id = ?", w.other)
	for _, c := range []struct {
		name, token, field, inputType string
		input                         map[string]any
		userError, code               string
	}{
		{"AttachExistingUser/ErrUsernameInvalid", admin, "attachExistingUser", "AttachExistingUserInput", existing(map[string]any{"username": "other admin"}), "USERNAME_INVALID_CHARACTER", ""},
		{"AttachExistingUser/ErrInvalidTaxCode", admin, "attachExistingUser", "AttachExistingUserInput", existing(map[string]any{"taxCode": "RSSMRA85T10A562X"}), "INVALID_TAX_CODE", ""},
		{"AttachExistingUser/ErrUnknownRole", admin, "attachExistingUser", "AttachExistingUserInput", existing(map[string]any{"roleId": globalIDFor("Role", 777777)}), "UNKNOWN_ROLE", ""},
		{"AttachExistingUser/ErrNominationRequired", admin, "attachExistingUser", "AttachExistingUserInput",
			existing(map[string]any{"productId": w.product(t, "cob"), "roleId": w.role(t, "cob", "master")}), "NOMINATION_REQUIRED", ""},
		{"AttachUserToTenant/ErrRoleNotOfProduct", admin, "attachUserToTenant", "AttachUserToTenantInput", toSite(map[string]any{"roleId": w.role(t, "clienti", "guest")}), "ROLE_NOT_OF_PRODUCT", ""},
		{"AttachUserToTenant/ErrUnknownRole", admin, "attachUserToTenant", "AttachUserToTenantInput", toSite(map[string]any{"roleId": globalIDFor("Role", 777777)}), "UNKNOWN_ROLE", ""},
		{"AttachUserToTenant/ErrNominationRequired", admin, "attachUserToTenant", "AttachUserToTenantInput",
			toSite(map[string]any{"productId": w.product(t, "cob"), "roleId": w.role(t, "cob", "master")}), "NOMINATION_REQUIRED", ""},
		{"AttachUserToTenant/ErrInvalidID", admin, "attachUserToTenant", "AttachUserToTenantInput", toSite(map[string]any{"tenantId": globalIDFor("User", w.site)}), "INVALID_ID", ""},
		{"UpdateUserProfile/ErrInvalidTaxCodeCountry", admin, "updateUserProfile", "UpdateUserProfileInput", map[string]any{
			"userId": globalIDFor("User", w.operator), "expectedVersion": 1, "taxCountry": "FR"}, "TAX_CODE_IMMUTABLE", ""},
		{"ReactivateUser/ErrForbiddenOtherTenant", other, "reactivateUser", "UserStatusInput", map[string]any{"userId": globalIDFor("User", w.operator)}, "", "FORBIDDEN"},
		{"AddUserToGroup/ErrForbiddenOtherTenant", other, "addUserToGroup", "GroupMemberInput", map[string]any{
			"groupId": globalIDFor("Group", groupID), "userId": globalIDFor("User", w.operator)}, "", "FORBIDDEN"},
		{"AddUserToGroup/ErrNotFound", admin, "addUserToGroup", "GroupMemberInput", map[string]any{
			"groupId": globalIDFor("Group", 999999), "userId": globalIDFor("User", w.operator)}, "", "NOT_FOUND"},
		{"UpdateGroup/ErrInvalidName", admin, "updateGroup", "UpdateGroupInput", map[string]any{
			"groupId": globalIDFor("Group", groupID), "expectedVersion": 1, "name": ""}, "INVALID_NAME", ""},
		{"CreateGroup/ErrForbiddenUnknownProduct", admin, "createGroup", "CreateGroupInput", map[string]any{
			"tenantId": globalIDFor("Tenant", w.company), "productId": globalIDFor("Product", 999999), "name": "X"}, "", "FORBIDDEN"},
		{"UpdateTenant/ErrInvalidName", admin, "updateTenant", "UpdateTenantInput", tenant(map[string]any{"name": " "}), "INVALID_NAME", ""},
		{"UpdateTenant/ErrInvalidTaxCodeForCountry", w.token(t, w.staff), "updateTenant", "UpdateTenantInput", tenant(map[string]any{"taxCode": "477280846"}), "INVALID_TAX_CODE", ""},
		{"UpdateTenant/ErrInvalidEmail", w.token(t, w.staff), "updateTenant", "UpdateTenantInput", tenant(map[string]any{"certifiedEmail": "nope"}), "INVALID_EMAIL", ""},
		{"UpdateTenant/ErrNotFound", w.token(t, w.staff), "updateTenant", "UpdateTenantInput", map[string]any{
			"tenantId": globalIDFor("Tenant", 999999), "expectedVersion": 1, "name": "X"}, "", "NOT_FOUND"},
		{"DetachUserFromTenant/ErrNotFound", admin, "detachUserFromTenant", "DetachUserFromTenantInput", map[string]any{
			"membershipId": globalIDFor("Membership", 999999)}, "", "NOT_FOUND"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.snapshot(t)
			p := w.mutate(t, c.token, c.field, c.inputType, "__typename", c.input)
			if c.code != "" {
				if p.code() != c.code {
					t.Fatalf("code = %q, want %q (%s)", p.code(), c.code, p.res.Data)
				}
			} else if got := p.userError(t); got != c.userError {
				t.Fatalf("userError = %q, want %q", got, c.userError)
			}
			w.unchanged(t, before)
		})
	}
	t.Run("UpdateTenant/ErrTenantTaxCodeTakenSameCountry", func(t *testing.T) {
		// The company is Italian: a French SIREN is invalid there; give it
		// the other tenant's country to collide.
		w.f.Exec("UPDATE tenants SET country = 'FR' WHERE id = ?", w.company)
		before := w.snapshot(t)
		p := w.mutate(t, w.token(t, w.staff), "updateTenant", "UpdateTenantInput", "__typename", tenant(map[string]any{"taxCode": "477 280 846"}))
		if got := p.userError(t); got != "TENANT_TAX_CODE_TAKEN" {
			t.Fatalf("userError = %q", got)
		}
		w.unchanged(t, before)
	})
}
