package main

import (
	"testing"
)

// TestR20CannotBeBypassed (issue 16.1): nomination-only roles are granted
// by an approved nomination. Platform staff's assignRole no longer grants
// them; the one exception, onboarding a tenant's first administrator, is
// its own mutation, refused to tenant administrators, once per tenant and
// product, audited with its reason. Creating a site gives its creator the
// parent's ADMIN roles that need no nomination, never the others.
func TestR20CannotBeBypassed(t *testing.T) {
	w := newAdminWorld(t)
	staff := w.token(t, w.staff)
	onboard := func(token string, userID, tenantID int64, product, role, reason string) *payload {
		return w.mutate(t, token, "onboardTenantAdministrator", "OnboardTenantAdministratorInput", assignSel, map[string]any{
			"userId": globalIDFor("User", userID), "tenantId": globalIDFor("Tenant", tenantID),
			"roleId": w.role(t, product, role), "reason": reason})
	}

	t.Run("ErrStaffAssignRole", func(t *testing.T) {
		before := w.snapshot(t)
		p := w.mutate(t, staff, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": globalIDFor("User", w.operator), "tenantId": globalIDFor("Tenant", w.company), "roleId": w.role(t, "io-platform", "amministratore")})
		if c := p.userError(t); c != "NOMINATION_REQUIRED" {
			t.Fatalf("platform staff's assignRole of Amministratore: %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrTenantAdminOnboards", func(t *testing.T) {
		before := w.snapshot(t)
		if c := onboard(w.token(t, w.companyAdmin), w.operator, w.company, "io-platform", "amministratore", "contract 42").code(); c != "FORBIDDEN" {
			t.Fatalf("a tenant administrator's onboarding: %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrNoNominationNeeded", func(t *testing.T) {
		before := w.snapshot(t)
		if c := onboard(staff, w.operator, w.company, "segmenti", "admin", "contract 42").userError(t); c != "NO_NOMINATION_NEEDED" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrInvalidReason", func(t *testing.T) {
		before := w.snapshot(t)
		if c := onboard(staff, w.operator, w.company, "io-platform", "amministratore", "  x ").userError(t); c != "INVALID_REASON" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrNotAMember", func(t *testing.T) {
		before := w.snapshot(t)
		if c := onboard(staff, w.operator, w.other, "io-platform", "amministratore", "contract 42").userError(t); c != "NOT_A_MEMBER" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("StaffOnboardsTheFirstAdministrator", func(t *testing.T) {
		p := onboard(staff, w.operator, w.company, "io-platform", "amministratore", "Contract 2026/117, legal representative not yet registered")
		out := p.ok(t)
		if out["roleAssignment"].(map[string]any)["role"].(map[string]any)["code"] != "amministratore" {
			t.Fatalf("payload %v", out)
		}
		ra := w.assignmentID(t, w.operator, w.company, "io-platform", "amministratore")
		w.wantAudit(t, "roleAssignment.onboardAdministrator", ra, w.staff, "ROLE_ASSIGNMENT_CREATED", w.company)
		var reason string
		w.scalar(t, &reason, `SELECT after->>'reason' FROM audit_events WHERE action = 'roleAssignment.onboardAdministrator' AND target_id = ?`, ra)
		if reason != "Contract 2026/117, legal representative not yet registered" {
			t.Errorf("audited reason %q", reason)
		}
	})
	t.Run("ErrAlreadyOnboarded", func(t *testing.T) {
		before := w.snapshot(t)
		if c := onboard(staff, w.technician, w.company, "io-platform", "amministratore", "a second one").userError(t); c != "ALREADY_ONBOARDED" {
			t.Fatalf("a second onboarding in the tenant: %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("SiteCreatorGetsNoNominationOnlyRole", func(t *testing.T) {
		// The company administrator holds Amministratore (nomination-only)
		// and Segmenti ADMIN there; the new site gets only the latter.
		w.f.Assign(w.companyAdmin, w.company, "io-platform", "amministratore")
		p := w.mutate(t, w.token(t, w.companyAdmin), "createTenant", "CreateTenantInput", "tenant { id }",
			map[string]any{"parentId": globalIDFor("Tenant", w.company), "name": "Sede di Novara"})
		p.ok(t)
		var site int64
		w.scalar(t, &site, "SELECT id FROM tenants WHERE name = 'Sede di Novara'")
		var roles []string
		if err := w.m.DB.NewRaw(`SELECT p.code || '/' || r.code FROM role_assignments ra JOIN roles r ON r.id = ra.role_id
			JOIN products p ON p.id = ra.product_id WHERE ra.tenant_id = ? AND ra.user_id = ? ORDER BY 1`, site, w.companyAdmin).
			Scan(t.Context(), &roles); err != nil {
			t.Fatal(err)
		}
		if len(roles) != 1 || roles[0] != "segmenti/admin" {
			t.Fatalf("the site's creator holds %v there, want [segmenti/admin]", roles)
		}
	})
}
