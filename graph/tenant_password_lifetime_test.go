package graph_test

import (
	"slices"
	"testing"

	"tenantadmin/auth"
	"tenantadmin/server/servertest"
)

// TestTenantSetsPasswordLifetime (issue 16.4, seed 003 "Bloccato"): a
// tenant's administrators set its password lifetime through updateTenant
// within the platform's bounds; an account whose password is older shows
// as blocked in the findings of every tenant it belongs to and must change
// it at sign-in. Sign-in and findings apply one rule: the shortest lifetime
// of the account's tenants.
func TestTenantSetsPasswordLifetime(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.M.App.LoginRates.PerAccount = auth.Rate{}
	admin := w.Token(t, w.CompanyAdmin)
	servertest.SetPassword(t, w.M, w.Operator)
	w.F.Exec("UPDATE credentials SET password_changed_at = now() - interval '100 days', totp_enrolled_at = now() WHERE user_id = ?", w.Operator)
	// The operator also belongs to the other tenant, which sets no lifetime;
	// a visitor is homed there and belongs to the company too.
	w.F.Assign(w.Operator, w.Other, "segmenti", "user")
	visitor := w.F.User("visitor.other", w.Other)
	w.F.Assign(visitor, w.Other, "segmenti", "user")
	w.F.Assign(visitor, w.Company, "segmenti", "guest")
	w.F.Exec(`INSERT INTO credentials (user_id, password_hash, password_changed_at, totp_enrolled_at)
		VALUES (?, 'x', now() - interval '100 days', now())`, visitor)
	update := func(token string, tenantID int64, days int) *servertest.Payload {
		return w.Mutate(t, token, "updateTenant", "UpdateTenantInput", "tenant { passwordMaxAgeDays version }", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", tenantID), "expectedVersion": w.Version(t, "tenants", tenantID), "passwordMaxAgeDays": days})
	}
	blocked := func(token string, tenantID int64) []string {
		var out struct {
			SecurityFindings struct{ Blocked findingList }
		}
		w.M.GQL(t, token, findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", tenantID), "first": 10}).Decode(t, &out)
		var names []string
		for _, n := range out.SecurityFindings.Blocked.Nodes {
			names = append(names, n.User.Username)
		}
		return names
	}

	t.Run("BoundsAreShown", func(t *testing.T) {
		d := w.Query(t, admin, `query($id: ID!) { node(id: $id) { ... on Tenant { passwordMaxAgeDays passwordLifetimeBounds { minDays maxDays } } } }`,
			map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
		if servertest.Dig(d, "node", "passwordMaxAgeDays") != nil || servertest.Dig(d, "node", "passwordLifetimeBounds", "minDays") != 30.0 ||
			servertest.Dig(d, "node", "passwordLifetimeBounds", "maxDays") != 730.0 {
			t.Fatalf("tenant: %v", d)
		}
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil); code != "" {
			t.Fatalf("no lifetime yet: sign-in %q", code)
		}
	})
	for _, days := range []int{29, 731, -1} {
		t.Run("ErrOutOfBounds", func(t *testing.T) {
			before := w.Snapshot(t)
			if c := update(admin, w.Company, days).UserError(t); c != "INVALID_PASSWORD_LIFETIME" {
				t.Fatalf("%d days: %q", days, c)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(w.Token(t, w.OtherAdmin), w.Company, 90).Code(); c != "FORBIDDEN" {
			t.Fatalf("code %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(w.Token(t, w.Operator), w.Company, 90).Code(); c != "FORBIDDEN" {
			t.Fatalf("code %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("AdminSetsIt", func(t *testing.T) {
		d := update(admin, w.Company, 90).OK(t)
		if servertest.Dig(d, "tenant", "passwordMaxAgeDays") != 90.0 {
			t.Fatalf("payload %v", d)
		}
		w.WantAudit(t, "tenant.update", w.Company, w.CompanyAdmin, "TENANT_UPDATED", w.Company)
		var after string
		w.Scalar(t, &after, "SELECT after->>'passwordMaxAgeDays' FROM audit_events WHERE action = 'tenant.update' AND target_id = ? ORDER BY id DESC LIMIT 1", w.Company)
		if after != "90" {
			t.Errorf("audit after.passwordMaxAgeDays = %q", after)
		}
		var fields string
		w.Scalar(t, &fields, "SELECT payload->>'fields' FROM events WHERE type = 'TENANT_UPDATED' AND subject_id = ? ORDER BY id DESC LIMIT 1", w.Company)
		if fields != `["passwordMaxAgeDays"]` {
			t.Errorf("event fields %v", fields)
		}
	})
	t.Run("ExpiredAccountIsBlockedEverywhereItBelongs", func(t *testing.T) {
		expired := []string{"operatore.uno", "visitor.other"}
		if got := blocked(admin, w.Company); !slices.Equal(got, expired) {
			t.Errorf("company findings: %v", got)
		}
		// The other tenant set nothing, but its member cannot sign in
		// either: its findings tell its administrator why.
		if got := blocked(w.Token(t, w.OtherAdmin), w.Other); !slices.Equal(got, expired) {
			t.Errorf("other tenant's findings: %v", got)
		}
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil); code != "PASSWORD_EXPIRED" {
			t.Fatalf("sign-in: %q", code)
		}
	})
	t.Run("ZeroRemovesIt", func(t *testing.T) {
		if d := update(admin, w.Company, 0).OK(t); servertest.Dig(d, "tenant", "passwordMaxAgeDays") != nil {
			t.Fatalf("payload %v", d)
		}
		if got := blocked(admin, w.Company); len(got) != 0 {
			t.Errorf("findings after removing the lifetime: %v", got)
		}
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil); code != "" {
			t.Fatalf("sign-in: %q", code)
		}
	})
}
