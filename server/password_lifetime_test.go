package main

import (
	"slices"
	"testing"

	"tenantadmin/auth"
)

// TestTenantSetsPasswordLifetime (issue 16.4, seed 003 "Bloccato"): a
// tenant's administrators set its password lifetime through updateTenant
// within the platform's bounds; an account whose password is older shows
// as blocked in the findings of every tenant it belongs to and must change
// it at sign-in. Sign-in and findings apply one rule: the shortest lifetime
// of the account's tenants.
func TestTenantSetsPasswordLifetime(t *testing.T) {
	w := newAdminWorld(t)
	w.m.App.LoginRates.PerAccount = auth.Rate{}
	admin := w.token(t, w.companyAdmin)
	setPassword(t, w.m, w.operator)
	w.f.Exec("UPDATE credentials SET password_changed_at = now() - interval '100 days', totp_enrolled_at = now() WHERE user_id = ?", w.operator)
	// The operator also belongs to the other tenant, which sets no lifetime;
	// a visitor is homed there and belongs to the company too.
	w.f.Assign(w.operator, w.other, "segmenti", "user")
	visitor := w.f.User("visitor.other", w.other)
	w.f.Assign(visitor, w.other, "segmenti", "user")
	w.f.Assign(visitor, w.company, "segmenti", "guest")
	w.f.Exec(`INSERT INTO credentials (user_id, password_hash, password_changed_at, totp_enrolled_at)
		VALUES (?, 'x', now() - interval '100 days', now())`, visitor)
	update := func(token string, tenantID int64, days int) *payload {
		return w.mutate(t, token, "updateTenant", "UpdateTenantInput", "tenant { passwordMaxAgeDays version }", map[string]any{
			"tenantId": globalIDFor("Tenant", tenantID), "expectedVersion": w.version(t, "tenants", tenantID), "passwordMaxAgeDays": days})
	}
	blocked := func(token string, tenantID int64) []string {
		var out struct {
			SecurityFindings struct{ Blocked findingList }
		}
		w.m.gql(t, token, findingsQuery, map[string]any{"t": globalIDFor("Tenant", tenantID), "first": 10}).decode(t, &out)
		var names []string
		for _, n := range out.SecurityFindings.Blocked.Nodes {
			names = append(names, n.User.Username)
		}
		return names
	}

	t.Run("BoundsAreShown", func(t *testing.T) {
		d := w.query(t, admin, `query($id: ID!) { node(id: $id) { ... on Tenant { passwordMaxAgeDays passwordLifetimeBounds { minDays maxDays } } } }`,
			map[string]any{"id": globalIDFor("Tenant", w.company)})
		if dig(d, "node", "passwordMaxAgeDays") != nil || dig(d, "node", "passwordLifetimeBounds", "minDays") != 30.0 ||
			dig(d, "node", "passwordLifetimeBounds", "maxDays") != 730.0 {
			t.Fatalf("tenant: %v", d)
		}
		if _, code := w.m.login(t, "operatore.uno", goodPassword, nil); code != "" {
			t.Fatalf("no lifetime yet: sign-in %q", code)
		}
	})
	for _, days := range []int{29, 731, -1} {
		t.Run("ErrOutOfBounds", func(t *testing.T) {
			before := w.snapshot(t)
			if c := update(admin, w.company, days).userError(t); c != "INVALID_PASSWORD_LIFETIME" {
				t.Fatalf("%d days: %q", days, c)
			}
			w.unchanged(t, before)
		})
	}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(w.token(t, w.other_admin), w.company, 90).code(); c != "FORBIDDEN" {
			t.Fatalf("code %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(w.token(t, w.operator), w.company, 90).code(); c != "FORBIDDEN" {
			t.Fatalf("code %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("AdminSetsIt", func(t *testing.T) {
		d := update(admin, w.company, 90).ok(t)
		if dig(d, "tenant", "passwordMaxAgeDays") != 90.0 {
			t.Fatalf("payload %v", d)
		}
		w.wantAudit(t, "tenant.update", w.company, w.companyAdmin, "TENANT_UPDATED", w.company)
		var after string
		w.scalar(t, &after, "SELECT after->>'passwordMaxAgeDays' FROM audit_events WHERE action = 'tenant.update' AND target_id = ? ORDER BY id DESC LIMIT 1", w.company)
		if after != "90" {
			t.Errorf("audit after.passwordMaxAgeDays = %q", after)
		}
		var fields string
		w.scalar(t, &fields, "SELECT payload->>'fields' FROM events WHERE type = 'TENANT_UPDATED' AND subject_id = ? ORDER BY id DESC LIMIT 1", w.company)
		if fields != `["passwordMaxAgeDays"]` {
			t.Errorf("event fields %v", fields)
		}
	})
	t.Run("ExpiredAccountIsBlockedEverywhereItBelongs", func(t *testing.T) {
		expired := []string{"operatore.uno", "visitor.other"}
		if got := blocked(admin, w.company); !slices.Equal(got, expired) {
			t.Errorf("company findings: %v", got)
		}
		// The other tenant set nothing, but its member cannot sign in
		// either: its findings tell its administrator why.
		if got := blocked(w.token(t, w.other_admin), w.other); !slices.Equal(got, expired) {
			t.Errorf("other tenant's findings: %v", got)
		}
		if _, code := w.m.login(t, "operatore.uno", goodPassword, nil); code != "PASSWORD_EXPIRED" {
			t.Fatalf("sign-in: %q", code)
		}
	})
	t.Run("ZeroRemovesIt", func(t *testing.T) {
		if d := update(admin, w.company, 0).ok(t); dig(d, "tenant", "passwordMaxAgeDays") != nil {
			t.Fatalf("payload %v", d)
		}
		if got := blocked(admin, w.company); len(got) != 0 {
			t.Errorf("findings after removing the lifetime: %v", got)
		}
		if _, code := w.m.login(t, "operatore.uno", goodPassword, nil); code != "" {
			t.Fatalf("sign-in: %q", code)
		}
	})
}
