package main

import (
	"tenantadmin/db/dbtest"

	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"tenantadmin/domain"
)

func TestMonthlyDigest(t *testing.T) {
	w := newWorld(t)
	staff := w.f.PlatformAdmin("platform.staff")
	period := domain.PeriodOf(time.Now()).Previous()
	mid := period.Start().Add(10 * 24 * time.Hour)
	// Tenants and people existed before the period.
	w.f.Exec("UPDATE tenants SET created_at = ?", period.Start().AddDate(0, -3, 0))
	w.f.Exec("UPDATE users SET created_at = ?, last_login_at = ?", period.Start().AddDate(0, -3, 0), period.End().Add(-24*time.Hour))
	w.f.Exec("UPDATE role_assignments SET created_at = ?", period.Start().AddDate(0, -3, 0))
	w.f.Exec("UPDATE tenants SET certified_email = 'filiale@pec.example.test' WHERE id = ?", w.company)
	w.f.Exec("UPDATE tenants SET legal_rep_tax_code = 'X', legal_rep_email = 'rep@holding.example.test' WHERE id = ?", w.holding)
	// In the company, on segmenti: two added during the month, one
	// suspended, one inactive for 30 days (and one who never signed in).
	for i, name := range []string{"new.one", "new.two"} {
		u := w.f.User(name, w.company)
		ra := w.f.Assign(u, w.company, "segmenti", "user")
		w.f.Exec("UPDATE role_assignments SET created_at = ? WHERE id = ?", mid.Add(time.Duration(i)*time.Hour), ra)
		w.f.Exec("UPDATE users SET last_login_at = ? WHERE id = ?", mid, u)
	}
	gone := w.f.User("gone.user", w.company)
	ra := w.f.Assign(gone, w.company, "segmenti", "user")
	w.f.Exec("UPDATE role_assignments SET status = 'SUSPENDED', created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), ra)
	idle := w.f.User("idle.user", w.company)
	ra = w.f.Assign(idle, w.company, "segmenti", "user")
	w.f.Exec("UPDATE role_assignments SET created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), ra)
	w.f.Exec("UPDATE users SET last_login_at = ?, created_at = ? WHERE id = ?", period.End().AddDate(0, 0, -45), period.Start().AddDate(0, -2, 0), idle)
	never := w.f.User("never.seen", w.company)
	ra = w.f.Assign(never, w.company, "segmenti", "user")
	w.f.Exec("UPDATE role_assignments SET created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), ra)
	w.f.Exec("UPDATE users SET last_login_at = NULL, created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), never)
	// Joined after the period: not counted.
	late := w.f.User("late.user", w.company)
	w.f.Assign(late, w.company, "segmenti", "user")

	const mutation = `mutation($p: String!) { runMonthlyDigest(input: {period: $p}) { period sent alreadySent noAddress userErrors { field code } } }`
	type result struct {
		RunMonthlyDigest struct {
			payloadErrors
			Period                       *string
			Sent, AlreadySent, NoAddress int
		}
	}
	run := func(t *testing.T, m *Main, viewer int64, p string) result {
		t.Helper()
		var out result
		m.gql(t, m.MustLogin(t, viewer), mutation, map[string]any{"p": p}).decode(t, &out)
		return out
	}

	t.Run("ErrForbidden", func(t *testing.T) {
		if c := w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), mutation, map[string]any{"p": period.String()}).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidPeriod", func(t *testing.T) {
		if c := run(t, w.m, staff, "2026-13").RunMonthlyDigest.code(); c != "INVALID_PERIOD" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrPeriodNotEnded", func(t *testing.T) {
		if c := run(t, w.m, staff, domain.PeriodOf(time.Now()).String()).RunMonthlyDigest.code(); c != "PERIOD_NOT_ENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	if n := w.scalar(t, "SELECT count(*) FROM digest_runs"); n != 0 {
		t.Fatalf("refused runs recorded %d digests", n)
	}

	t.Run("OKConcurrentReplicas", func(t *testing.T) {
		// Two replicas on the same database run the same period at once.
		other := otherReplica(t, w.m.Config.DatabaseURL, "-digest-interval", "0")
		var wg sync.WaitGroup
		results := make([]result, 2)
		for i, m := range []*Main{w.m, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = run(t, m, staff, period.String())
			}()
		}
		wg.Wait()
		a, b := results[0].RunMonthlyDigest, results[1].RunMonthlyDigest
		// Four tenants: company (certified address), holding (legal
		// representative's address), site and other (no address).
		if a.Sent+b.Sent != 2 || a.NoAddress+b.NoAddress != 2 || a.Sent+a.NoAddress+a.AlreadySent != 4 || b.Sent+b.NoAddress+b.AlreadySent != 4 {
			t.Fatalf("results = %+v / %+v", a, b)
		}
		if n := w.scalar(t, "SELECT count(*) FROM email_outbox WHERE template = 'monthly_digest'"); n != 2 {
			t.Fatalf("digest emails = %d", n)
		}
		if n := w.scalar(t, "SELECT count(*) FROM digest_runs WHERE period = ?", period.String()); n != 4 {
			t.Fatalf("digest runs = %d", n)
		}
	})
	t.Run("OKCounts", func(t *testing.T) {
		raw := w.text(t, "SELECT to_address || '|' || language || '|' || data::text FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ?", w.company)
		parts := strings.SplitN(raw, "|", 3)
		var data struct {
			Period, UsersLink string
			Products          []domain.DigestProduct
		}
		if err := json.Unmarshal([]byte(parts[2]), &data); err != nil {
			t.Fatal(err)
		}
		if parts[0] != "filiale@pec.example.test" || parts[1] != "it" || data.Period != period.String() ||
			!strings.HasSuffix(data.UsersLink, "/users?tenant="+globalIDFor("Tenant", w.company)) {
			t.Fatalf("email = %s", raw)
		}
		byCode := map[string]domain.DigestProduct{}
		for _, p := range data.Products {
			byCode[p.Code] = p
		}
		s := byCode["segmenti"]
		if s.Added != 2 || s.NoLongerActive != 1 || s.Inactive != 2 || strings.Join(s.InactiveUsernames, ",") != "idle.user,never.seen" {
			t.Fatalf("segmenti = %+v", s)
		}
		if a := byCode["amisgest"]; a.Added != 0 || a.Inactive != 0 {
			t.Fatalf("amisgest = %+v", a)
		}
		if got := w.text(t, "SELECT to_address FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ?", w.holding); got != "rep@holding.example.test" {
			t.Fatalf("holding digest to %s", got)
		}
	})
	t.Run("OKIdempotent", func(t *testing.T) {
		out := run(t, w.m, staff, period.String()).RunMonthlyDigest
		if out.Sent != 0 || out.AlreadySent != 4 || out.code() != "" {
			t.Fatalf("second run = %+v", out)
		}
		if n := w.scalar(t, "SELECT count(*) FROM email_outbox WHERE template = 'monthly_digest'"); n != 2 {
			t.Fatalf("digest emails = %d", n)
		}
	})
	t.Run("Scheduled", func(t *testing.T) {
		// A replica with the scheduler on sends the previous month's
		// digest by itself; here the period was sent: reset it first.
		w.f.Exec("DELETE FROM digest_runs WHERE tenant_id = ?", w.company)
		otherReplica(t, w.m.Config.DatabaseURL, "-digest-interval", "50ms")
		deadline := time.Now().Add(20 * time.Second)
		for w.scalar(t, "SELECT count(*) FROM digest_runs WHERE tenant_id = ? AND period = ?", w.company, period.String()) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the scheduler did not send the digest")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n := w.scalar(t, "SELECT count(*) FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ?", w.company); n != 2 {
			t.Fatalf("company digests = %d", n)
		}
	})
}

// otherReplica starts another server on the same database (its own Redis
// prefix: the digest's once-per-period guarantee must hold through
// PostgreSQL alone).
func otherReplica(tb testing.TB, databaseURL string, args ...string) *Main {
	tb.Helper()
	_, prefix := dbtest.MustRedis(tb)
	return MustRunMainOn(tb, databaseURL, prefix, args...)
}
