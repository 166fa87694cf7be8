package graph_test

import (
	"testing"

	"tenantadmin/server/servertest"
)

// TestR20CannotBeBypassed (issue 16.1): nomination-only roles are granted
// by an approved nomination. Platform staff's assignRole no longer grants
// them; the one exception, onboarding a tenant's first administrator, is
// its own mutation, refused to tenant administrators, once per tenant and
// product, audited with its reason. Creating a site gives its creator the
// parent's ADMIN roles that need no nomination, never the others.
func TestR20CannotBeBypassed(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	staff := w.Token(t, w.Staff)
	onboard := func(token string, userID, tenantID int64, product, role, reason string) *servertest.Payload {
		return w.Mutate(t, token, "onboardTenantAdministrator", "OnboardTenantAdministratorInput", assignSel, map[string]any{
			"userId": servertest.GlobalID("User", userID), "tenantId": servertest.GlobalID("Tenant", tenantID),
			"roleId": w.Role(t, product, role), "reason": reason})
	}

	t.Run("ErrStaffAssignRole", func(t *testing.T) {
		before := w.Snapshot(t)
		p := w.Mutate(t, staff, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "tenantId": servertest.GlobalID("Tenant", w.Company), "roleId": w.Role(t, "io-platform", "amministratore")})
		if c := p.UserError(t); c != "NOMINATION_REQUIRED" {
			t.Fatalf("platform staff's assignRole of Amministratore: %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrTenantAdminOnboards", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := onboard(w.Token(t, w.CompanyAdmin), w.Operator, w.Company, "io-platform", "amministratore", "contract 42").Code(); c != "FORBIDDEN" {
			t.Fatalf("a tenant administrator's onboarding: %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNoNominationNeeded", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := onboard(staff, w.Operator, w.Company, "segmenti", "admin", "contract 42").UserError(t); c != "NO_NOMINATION_NEEDED" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrInvalidReason", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := onboard(staff, w.Operator, w.Company, "io-platform", "amministratore", "  x ").UserError(t); c != "INVALID_REASON" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNotAMember", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := onboard(staff, w.Operator, w.Other, "io-platform", "amministratore", "contract 42").UserError(t); c != "NOT_A_MEMBER" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("StaffOnboardsTheFirstAdministrator", func(t *testing.T) {
		p := onboard(staff, w.Operator, w.Company, "io-platform", "amministratore", "Contract 2026/117, legal representative not yet registered")
		out := p.OK(t)
		if out["roleAssignment"].(map[string]any)["role"].(map[string]any)["code"] != "amministratore" {
			t.Fatalf("payload %v", out)
		}
		ra := w.AssignmentID(t, w.Operator, w.Company, "io-platform", "amministratore")
		w.WantAudit(t, "roleAssignment.onboardAdministrator", ra, w.Staff, "ROLE_ASSIGNMENT_CREATED", w.Company)
		var reason string
		w.Scalar(t, &reason, `SELECT after->>'reason' FROM audit_events WHERE action = 'roleAssignment.onboardAdministrator' AND target_id = ?`, ra)
		if reason != "Contract 2026/117, legal representative not yet registered" {
			t.Errorf("audited reason %q", reason)
		}
	})
	t.Run("ErrAlreadyOnboarded", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := onboard(staff, w.Technician, w.Company, "io-platform", "amministratore", "a second one").UserError(t); c != "ALREADY_ONBOARDED" {
			t.Fatalf("a second onboarding in the tenant: %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("SiteCreatorGetsNoNominationOnlyRole", func(t *testing.T) {
		// The company administrator holds Amministratore (nomination-only)
		// and Segmenti ADMIN there; the new site gets only the latter.
		w.F.Assign(w.CompanyAdmin, w.Company, "io-platform", "amministratore")
		p := w.Mutate(t, w.Token(t, w.CompanyAdmin), "createTenant", "CreateTenantInput", "tenant { id }",
			map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Sede di Novara"})
		p.OK(t)
		var site int64
		w.Scalar(t, &site, "SELECT id FROM tenants WHERE name = 'Sede di Novara'")
		var roles []string
		if err := w.M.DB.NewRaw(`SELECT p.code || '/' || r.code FROM role_assignments ra JOIN roles r ON r.id = ra.role_id
			JOIN products p ON p.id = ra.product_id WHERE ra.tenant_id = ? AND ra.user_id = ? ORDER BY 1`, site, w.CompanyAdmin).
			Scan(t.Context(), &roles); err != nil {
			t.Fatal(err)
		}
		if len(roles) != 1 || roles[0] != "segmenti/admin" {
			t.Fatalf("the site's creator holds %v there, want [segmenti/admin]", roles)
		}
	})
}
