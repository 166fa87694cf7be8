package graph_test

import (
	"testing"

	"tenantadmin/server/servertest"
)

// TestServiceAccountSuspendReactivate (issue 13, item 8): a service account
// has no password, yet reactivating it returns it to ACTIVE with its tokens
// usable again, never to INVITED (which no invitation could ever end).
func TestServiceAccountSuspendReactivate(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	sa, errs := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "erp-sync"})
	if len(errs) > 0 {
		t.Fatalf("userErrors %v", errs)
	}
	var saID int64
	w.Scalar(t, &saID, "SELECT id FROM users WHERE username = 'erp-sync'")
	w.F.Assign(saID, w.Company, "segmenti", "user")
	_, secret, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "production"})
	if len(errs) > 0 {
		t.Fatalf("userErrors %v", errs)
	}
	if who := w.M.WhoAmI(t, secret); who != "erp-sync/SERVICE" {
		t.Fatalf("token authenticates as %q", who)
	}
	status := func(field string) map[string]any {
		return w.Mutate(t, admin, field, "UserStatusInput", "user { status kind }",
			map[string]any{"userId": servertest.GlobalID("User", saID)}).OK(t)
	}

	t.Run("SuspendRefusesTheToken", func(t *testing.T) {
		if d := status("suspendUser"); servertest.Dig(d, "user", "status") != "SUSPENDED" {
			t.Fatalf("got %v", d)
		}
		if who := w.M.WhoAmI(t, secret); who != "" {
			t.Fatalf("a suspended service account's token still authenticates as %q", who)
		}
	})
	t.Run("ReactivateRestoresActiveAndTheToken", func(t *testing.T) {
		d := status("reactivateUser")
		if servertest.Dig(d, "user", "status") != "ACTIVE" || servertest.Dig(d, "user", "kind") != "SERVICE" {
			t.Fatalf("reactivated service account: %v", d)
		}
		if s := servertest.UserStatus(t, w.M, saID); s != "ACTIVE" {
			t.Fatalf("stored status %s", s)
		}
		if who := w.M.WhoAmI(t, secret); who != "erp-sync/SERVICE" {
			t.Fatalf("token after reactivation authenticates as %q", who)
		}
		w.WantAudit(t, "user.reactivate", saID, w.CompanyAdmin, "USER_REACTIVATED", w.Company)
	})
	t.Run("PersonWithoutPasswordStaysInvited", func(t *testing.T) {
		// The rule is about service accounts: a person who never chose a
		// password still returns to INVITED.
		status := func(field string) map[string]any {
			return w.Mutate(t, admin, field, "UserStatusInput", "user { status }",
				map[string]any{"userId": servertest.GlobalID("User", w.Operator)}).OK(t)
		}
		status("suspendUser")
		if d := status("reactivateUser"); servertest.Dig(d, "user", "status") != "INVITED" {
			t.Fatalf("person without password: %v", d)
		}
	})
}
