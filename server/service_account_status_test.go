package main

import "testing"

// TestServiceAccountSuspendReactivate (issue 13, item 8): a service account
// has no password, yet reactivating it returns it to ACTIVE with its tokens
// usable again, never to INVITED (which no invitation could ever end).
func TestServiceAccountSuspendReactivate(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	sa, errs := w.createSA(t, admin, map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": "erp-sync"})
	if len(errs) > 0 {
		t.Fatalf("userErrors %v", errs)
	}
	var saID int64
	w.scalar(t, &saID, "SELECT id FROM users WHERE username = 'erp-sync'")
	w.f.Assign(saID, w.company, "segmenti", "user")
	_, secret, errs := w.createToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "production"})
	if len(errs) > 0 {
		t.Fatalf("userErrors %v", errs)
	}
	if who := w.m.whoAmI(t, secret); who != "erp-sync/SERVICE" {
		t.Fatalf("token authenticates as %q", who)
	}
	status := func(field string) map[string]any {
		return w.mutate(t, admin, field, "UserStatusInput", "user { status kind }",
			map[string]any{"userId": globalIDFor("User", saID)}).ok(t)
	}

	t.Run("SuspendRefusesTheToken", func(t *testing.T) {
		if d := status("suspendUser"); dig(d, "user", "status") != "SUSPENDED" {
			t.Fatalf("got %v", d)
		}
		if who := w.m.whoAmI(t, secret); who != "" {
			t.Fatalf("a suspended service account's token still authenticates as %q", who)
		}
	})
	t.Run("ReactivateRestoresActiveAndTheToken", func(t *testing.T) {
		d := status("reactivateUser")
		if dig(d, "user", "status") != "ACTIVE" || dig(d, "user", "kind") != "SERVICE" {
			t.Fatalf("reactivated service account: %v", d)
		}
		if s := userStatus(t, w.m, saID); s != "ACTIVE" {
			t.Fatalf("stored status %s", s)
		}
		if who := w.m.whoAmI(t, secret); who != "erp-sync/SERVICE" {
			t.Fatalf("token after reactivation authenticates as %q", who)
		}
		w.wantAudit(t, "user.reactivate", saID, w.companyAdmin, "USER_REACTIVATED", w.company)
	})
	t.Run("PersonWithoutPasswordStaysInvited", func(t *testing.T) {
		// The rule is about service accounts: a person who never chose a
		// password still returns to INVITED.
		status := func(field string) map[string]any {
			return w.mutate(t, admin, field, "UserStatusInput", "user { status }",
				map[string]any{"userId": globalIDFor("User", w.operator)}).ok(t)
		}
		status("suspendUser")
		if d := status("reactivateUser"); dig(d, "user", "status") != "INVITED" {
			t.Fatalf("person without password: %v", d)
		}
	})
}
