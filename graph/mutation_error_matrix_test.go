package graph_test

import (
	"testing"

	"tenantadmin/server/servertest"
)

// TestMutationErrorMatrix covers the userErrors and refusals of each
// mutation not already exercised by the requirement tests; each refused
// change leaves the database as it was.
func TestMutationErrorMatrix(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.F.Assign(w.CompanyAdmin, w.Company, "cob", "master")
	w.F.Assign(w.CompanyAdmin, w.Site, "segmenti", "admin")
	w.F.Assign(w.CompanyAdmin, w.Site, "cob", "master")
	admin, other := w.Token(t, w.CompanyAdmin), w.Token(t, w.OtherAdmin)
	var groupID int64
	w.F.Exec("INSERT INTO groups (tenant_id, product_id, name) SELECT ?, id, 'Team' FROM products WHERE code = 'segmenti'", w.Company)
	w.Scalar(t, &groupID, "SELECT id FROM groups WHERE name = 'Team'")
	existing := func(change map[string]any) map[string]any {
		in := map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "other.admin", "taxCode": servertest.ValidCF(902),
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "guest")}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	toSite := func(change map[string]any) map[string]any {
		in := map[string]any{"userId": servertest.GlobalID("User", w.Operator), "tenantId": servertest.GlobalID("Tenant", w.Site),
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "guest")}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	tenant := func(change map[string]any) map[string]any {
		in := map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "expectedVersion": 1}
		for k, v := range change {
			in[k] = v
		}
		return in
	}
	w.F.Exec("UPDATE tenants SET country = 'FR', tax_code = '477280846' WHERE id = ?", w.Other)
	for _, c := range []struct {
		name, token, field, inputType string
		input                         map[string]any
		userError, code               string
	}{
		{"AttachExistingUser/ErrUsernameInvalid", admin, "attachExistingUser", "AttachExistingUserInput", existing(map[string]any{"username": "other admin"}), "USERNAME_INVALID_CHARACTER", ""},
		{"AttachExistingUser/ErrInvalidTaxCode", admin, "attachExistingUser", "AttachExistingUserInput", existing(map[string]any{"taxCode": "RSSMRA85T10A562X"}), "INVALID_TAX_CODE", ""},
		{"AttachExistingUser/ErrUnknownRole", admin, "attachExistingUser", "AttachExistingUserInput", existing(map[string]any{"roleId": servertest.GlobalID("Role", 777777)}), "UNKNOWN_ROLE", ""},
		{"AttachExistingUser/ErrNominationRequired", admin, "attachExistingUser", "AttachExistingUserInput",
			existing(map[string]any{"productId": w.Product(t, "cob"), "roleId": w.Role(t, "cob", "master")}), "NOMINATION_REQUIRED", ""},
		{"AttachUserToTenant/ErrRoleNotOfProduct", admin, "attachUserToTenant", "AttachUserToTenantInput", toSite(map[string]any{"roleId": w.Role(t, "clienti", "guest")}), "ROLE_NOT_OF_PRODUCT", ""},
		{"AttachUserToTenant/ErrUnknownRole", admin, "attachUserToTenant", "AttachUserToTenantInput", toSite(map[string]any{"roleId": servertest.GlobalID("Role", 777777)}), "UNKNOWN_ROLE", ""},
		{"AttachUserToTenant/ErrNominationRequired", admin, "attachUserToTenant", "AttachUserToTenantInput",
			toSite(map[string]any{"productId": w.Product(t, "cob"), "roleId": w.Role(t, "cob", "master")}), "NOMINATION_REQUIRED", ""},
		{"AttachUserToTenant/ErrInvalidID", admin, "attachUserToTenant", "AttachUserToTenantInput", toSite(map[string]any{"tenantId": servertest.GlobalID("User", w.Site)}), "INVALID_ID", ""},
		{"UpdateUserProfile/ErrInvalidTaxCodeCountry", admin, "updateUserProfile", "UpdateUserProfileInput", map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "expectedVersion": 1, "taxCountry": "FR"}, "TAX_CODE_IMMUTABLE", ""},
		{"ReactivateUser/ErrForbiddenOtherTenant", other, "reactivateUser", "UserStatusInput", map[string]any{"userId": servertest.GlobalID("User", w.Operator)}, "", "FORBIDDEN"},
		{"AddUserToGroup/ErrForbiddenOtherTenant", other, "addUserToGroup", "GroupMemberInput", map[string]any{
			"groupId": servertest.GlobalID("Group", groupID), "userId": servertest.GlobalID("User", w.Operator)}, "", "FORBIDDEN"},
		{"AddUserToGroup/ErrNotFound", admin, "addUserToGroup", "GroupMemberInput", map[string]any{
			"groupId": servertest.GlobalID("Group", 999999), "userId": servertest.GlobalID("User", w.Operator)}, "", "NOT_FOUND"},
		{"UpdateGroup/ErrInvalidName", admin, "updateGroup", "UpdateGroupInput", map[string]any{
			"groupId": servertest.GlobalID("Group", groupID), "expectedVersion": 1, "name": ""}, "INVALID_NAME", ""},
		{"CreateGroup/ErrForbiddenUnknownProduct", admin, "createGroup", "CreateGroupInput", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "productId": servertest.GlobalID("Product", 999999), "name": "X"}, "", "FORBIDDEN"},
		{"UpdateTenant/ErrInvalidName", admin, "updateTenant", "UpdateTenantInput", tenant(map[string]any{"name": " "}), "INVALID_NAME", ""},
		{"UpdateTenant/ErrInvalidTaxCodeForCountry", w.Token(t, w.Staff), "updateTenant", "UpdateTenantInput", tenant(map[string]any{"taxCode": "477280846"}), "INVALID_TAX_CODE", ""},
		{"UpdateTenant/ErrInvalidEmail", w.Token(t, w.Staff), "updateTenant", "UpdateTenantInput", tenant(map[string]any{"certifiedEmail": "nope"}), "INVALID_EMAIL", ""},
		{"UpdateTenant/ErrNotFound", w.Token(t, w.Staff), "updateTenant", "UpdateTenantInput", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", 999999), "expectedVersion": 1, "name": "X"}, "", "NOT_FOUND"},
		{"DetachUserFromTenant/ErrNotFound", admin, "detachUserFromTenant", "DetachUserFromTenantInput", map[string]any{
			"membershipId": servertest.GlobalID("Membership", 999999)}, "", "NOT_FOUND"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.Snapshot(t)
			p := w.Mutate(t, c.token, c.field, c.inputType, "__typename", c.input)
			if c.code != "" {
				if p.Code() != c.code {
					t.Fatalf("code = %q, want %q (%s)", p.Code(), c.code, p.Res.Data)
				}
			} else if got := p.UserError(t); got != c.userError {
				t.Fatalf("userError = %q, want %q", got, c.userError)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("UpdateTenant/ErrTenantTaxCodeTakenSameCountry", func(t *testing.T) {
		// The company is Italian: a French SIREN is invalid there; give it
		// the other tenant's country to collide.
		w.F.Exec("UPDATE tenants SET country = 'FR' WHERE id = ?", w.Company)
		before := w.Snapshot(t)
		p := w.Mutate(t, w.Token(t, w.Staff), "updateTenant", "UpdateTenantInput", "__typename", tenant(map[string]any{"taxCode": "477 280 846"}))
		if got := p.UserError(t); got != "TENANT_TAX_CODE_TAKEN" {
			t.Fatalf("userError = %q", got)
		}
		w.Unchanged(t, before)
	})
}
