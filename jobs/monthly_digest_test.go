package jobs_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
	mailpkg "tenantadmin/mail"
	"tenantadmin/server/servertest"
)

func TestMonthlyDigest(t *testing.T) {
	w := servertest.NewWorld(t)
	staff := w.F.PlatformAdmin("platform.staff")
	period := domain.PeriodOf(time.Now()).Previous()
	mid := period.Start().Add(10 * 24 * time.Hour)
	// Tenants and people existed before the period.
	w.F.Exec("UPDATE tenants SET created_at = ?", period.Start().AddDate(0, -3, 0))
	w.F.Exec("UPDATE users SET created_at = ?, last_login_at = ?", period.Start().AddDate(0, -3, 0), period.End().Add(-24*time.Hour))
	w.F.Exec("UPDATE role_assignments SET created_at = ?", period.Start().AddDate(0, -3, 0))
	w.F.Exec("UPDATE tenants SET certified_email = 'filiale@pec.example.test' WHERE id = ?", w.Company)
	w.F.Exec("UPDATE tenants SET legal_rep_tax_code = 'X', legal_rep_email = 'rep@holding.example.test' WHERE id = ?", w.Holding)
	// In the company, on segmenti: two added during the month, one
	// suspended, one inactive for 30 days (and one who never signed in).
	for i, name := range []string{"new.one", "new.two"} {
		u := w.F.User(name, w.Company)
		ra := w.F.Assign(u, w.Company, "segmenti", "user")
		w.F.Exec("UPDATE role_assignments SET created_at = ? WHERE id = ?", mid.Add(time.Duration(i)*time.Hour), ra)
		w.F.Exec("UPDATE users SET last_login_at = ? WHERE id = ?", mid, u)
	}
	gone := w.F.User("gone.user", w.Company)
	ra := w.F.Assign(gone, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE role_assignments SET status = 'SUSPENDED', created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), ra)
	idle := w.F.User("idle.user", w.Company)
	ra = w.F.Assign(idle, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE role_assignments SET created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), ra)
	w.F.Exec("UPDATE users SET last_login_at = ?, created_at = ? WHERE id = ?", period.End().AddDate(0, 0, -45), period.Start().AddDate(0, -2, 0), idle)
	never := w.F.User("never.seen", w.Company)
	ra = w.F.Assign(never, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE role_assignments SET created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), ra)
	w.F.Exec("UPDATE users SET last_login_at = NULL, created_at = ? WHERE id = ?", period.Start().AddDate(0, -2, 0), never)
	// Joined after the period: not counted.
	late := w.F.User("late.user", w.Company)
	w.F.Assign(late, w.Company, "segmenti", "user")

	const mutation = `mutation($p: String!) { runMonthlyDigest(input: {period: $p}) { period sent alreadySent noAddress userErrors { field code } } }`
	type result struct {
		RunMonthlyDigest struct {
			servertest.PayloadErrors
			Period                       *string
			Sent, AlreadySent, NoAddress int
		}
	}
	run := func(t *testing.T, m *servertest.Main, viewer int64, p string) result {
		t.Helper()
		var out result
		m.GQL(t, m.MustLogin(t, viewer), mutation, map[string]any{"p": p}).Decode(t, &out)
		return out
	}

	t.Run("ErrForbidden", func(t *testing.T) {
		if c := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), mutation, map[string]any{"p": period.String()}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidPeriod", func(t *testing.T) {
		if c := run(t, w.M, staff, "2026-13").RunMonthlyDigest.Code(); c != "INVALID_PERIOD" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrPeriodNotEnded", func(t *testing.T) {
		if c := run(t, w.M, staff, domain.PeriodOf(time.Now()).String()).RunMonthlyDigest.Code(); c != "PERIOD_NOT_ENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	if n := w.Int64(t, "SELECT count(*) FROM digest_runs"); n != 0 {
		t.Fatalf("refused runs recorded %d digests", n)
	}

	t.Run("OKConcurrentReplicas", func(t *testing.T) {
		// Two replicas on the same database run the same period at once.
		other := otherReplica(t, w.M.Config.DatabaseURL, "-digest-interval", "0")
		var wg sync.WaitGroup
		results := make([]result, 2)
		for i, m := range []*servertest.Main{w.M, other} {
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
		if n := w.Int64(t, "SELECT count(*) FROM email_outbox WHERE template = 'monthly_digest'"); n != 2 {
			t.Fatalf("digest emails = %d", n)
		}
		if n := w.Int64(t, "SELECT count(*) FROM digest_runs WHERE period = ?", period.String()); n != 4 {
			t.Fatalf("digest runs = %d", n)
		}
	})
	t.Run("OKCounts", func(t *testing.T) {
		raw := w.Text(t, "SELECT to_address || '|' || language || '|' || data::text FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ?", w.Company)
		parts := strings.SplitN(raw, "|", 3)
		var data struct {
			Period, UsersLink string
			Products          []domain.DigestProduct
		}
		if err := json.Unmarshal([]byte(parts[2]), &data); err != nil {
			t.Fatal(err)
		}
		if parts[0] != "filiale@pec.example.test" || parts[1] != "it" || data.Period != period.String() ||
			!strings.HasSuffix(data.UsersLink, "/users?tenant="+servertest.GlobalID("Tenant", w.Company)) {
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
		if got := w.Text(t, "SELECT to_address FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ?", w.Holding); got != "rep@holding.example.test" {
			t.Fatalf("holding digest to %s", got)
		}
	})
	t.Run("OKIdempotent", func(t *testing.T) {
		out := run(t, w.M, staff, period.String()).RunMonthlyDigest
		if out.Sent != 0 || out.AlreadySent != 4 || out.Code() != "" {
			t.Fatalf("second run = %+v", out)
		}
		if n := w.Int64(t, "SELECT count(*) FROM email_outbox WHERE template = 'monthly_digest'"); n != 2 {
			t.Fatalf("digest emails = %d", n)
		}
	})
	t.Run("Scheduled", func(t *testing.T) {
		// A replica with the scheduler on sends the previous month's
		// digest by itself; here the period was sent: reset it first.
		w.F.Exec("DELETE FROM digest_runs WHERE tenant_id = ?", w.Company)
		otherReplica(t, w.M.Config.DatabaseURL, "-digest-interval", "50ms")
		deadline := time.Now().Add(20 * time.Second)
		for w.Int64(t, "SELECT count(*) FROM digest_runs WHERE tenant_id = ? AND period = ?", w.Company, period.String()) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the scheduler did not send the digest")
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n := w.Int64(t, "SELECT count(*) FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ?", w.Company); n != 2 {
			t.Fatalf("company digests = %d", n)
		}
	})
}

// otherReplica starts another server on the same database (its own Redis
// prefix: the digest's once-per-period guarantee must hold through
// PostgreSQL alone).
func otherReplica(tb testing.TB, databaseURL string, args ...string) *servertest.Main {
	tb.Helper()
	_, prefix := dbtest.MustRedis(tb)
	return servertest.MustRunMainOn(tb, databaseURL, prefix, args...)
}

const digestPreviewQuery = `query($t: ID!, $p: String!) { node(id: $t) { ... on Tenant { monthlyDigest(period: $p) {
  period complete until subject text sentTo sentAt products { product { code } added noLongerActive inactive inactiveUsernames } } } } }`

type digestPreview struct {
	Node struct {
		MonthlyDigest struct {
			Period, Subject, Text string
			Complete              bool
			Until                 time.Time
			SentTo                *string
			SentAt                *time.Time
			Products              []struct {
				Product                         struct{ Code string }
				Added, NoLongerActive, Inactive int
				InactiveUsernames               []string
			}
		}
	}
}

// TestMonthlyDigestPreview (issue 16.5, seed 001): platform staff and
// whoever oversees a tenant preview its digest of an ended month, with the
// very text of the email, or of the current month so far; previews send and
// record nothing; a tenant created during a month gets that month's digest.
func TestMonthlyDigestPreview(t *testing.T) {
	w := servertest.NewWorld(t)
	staff := w.F.PlatformAdmin("platform.staff")
	period := domain.PeriodOf(time.Now()).Previous()
	w.F.Exec("UPDATE tenants SET created_at = ?", period.Start().AddDate(0, -3, 0))
	w.F.Exec("UPDATE users SET created_at = ?, last_login_at = now()", period.Start().AddDate(0, -3, 0))
	w.F.Exec("UPDATE role_assignments SET created_at = ?", period.Start().AddDate(0, -3, 0))
	w.F.Exec("UPDATE tenants SET certified_email = 'filiale@pec.example.test' WHERE id = ?", w.Company)
	added := w.F.User("added.last.month", w.Company)
	ra := w.F.Assign(added, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE role_assignments SET created_at = ? WHERE id = ?", period.Start().Add(48*time.Hour), ra)
	w.F.Exec("UPDATE users SET last_login_at = now() WHERE id = ?", added)
	idle := w.F.User("idle.user", w.Company)
	w.F.Assign(idle, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE role_assignments SET created_at = ? WHERE user_id = ?", period.Start().AddDate(0, -2, 0), idle)
	w.F.Exec("UPDATE users SET last_login_at = ?, created_at = ? WHERE id = ?", period.Start().AddDate(0, -1, 0), period.Start().AddDate(0, -2, 0), idle)
	thisMonth := w.F.User("added.this.month", w.Company)
	w.F.Assign(thisMonth, w.Company, "segmenti", "user")
	// A tenant created during the month, with a member added then.
	newcomer := w.F.Tenant("Nuova Srl", 0)
	w.F.Exec("UPDATE tenants SET created_at = ?, certified_email = 'nuova@pec.example.test' WHERE id = ?", period.Start().Add(72*time.Hour), newcomer)
	first := w.F.User("first.member", newcomer)
	w.F.Assign(first, newcomer, "segmenti", "admin")
	w.F.Exec("UPDATE role_assignments SET created_at = ? WHERE user_id = ?", period.Start().Add(96*time.Hour), first)

	preview := func(t *testing.T, viewer, tenantID int64, p string) (digestPreview, *servertest.Response) {
		t.Helper()
		res := w.M.GQL(t, w.M.MustLogin(t, viewer), digestPreviewQuery, map[string]any{"t": servertest.GlobalID("Tenant", tenantID), "p": p})
		var out digestPreview
		if len(res.Errors) == 0 {
			res.Decode(t, &out)
		}
		return out, res
	}
	segmenti := func(d digestPreview) string {
		for _, p := range d.Node.MonthlyDigest.Products {
			if p.Product.Code == "segmenti" {
				return fmt.Sprintf("added %d, no longer active %d, inactive %d %v", p.Added, p.NoLongerActive, p.Inactive, p.InactiveUsernames)
			}
		}
		return "none"
	}
	records := func() string {
		return fmt.Sprint(w.Int64(t, "SELECT count(*) FROM digest_runs"), w.Int64(t, "SELECT count(*) FROM email_outbox"),
			w.Int64(t, "SELECT count(*) FROM audit_events"))
	}

	var ended digestPreview
	t.Run("EndedMonth", func(t *testing.T) {
		before := records()
		d, res := preview(t, w.CompanyAdmin, w.Company, period.String())
		if len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		md := d.Node.MonthlyDigest
		if md.Period != period.String() || !md.Complete || !md.Until.Equal(period.End()) || md.SentTo != nil || md.SentAt != nil {
			t.Fatalf("digest %+v", md)
		}
		if got := segmenti(d); got != "added 1, no longer active 0, inactive 1 [idle.user]" {
			t.Fatalf("segmenti: %s", got)
		}
		if !strings.Contains(md.Text, "Filiale Srl") || !strings.Contains(md.Text, "1 inattivi da 30 giorni") || md.Subject == "" {
			t.Fatalf("text:\n%s", md.Text)
		}
		if records() != before {
			t.Fatal("a preview recorded or sent something")
		}
		ended = d
	})
	t.Run("CurrentMonthSoFar", func(t *testing.T) {
		d, res := preview(t, staff, w.Company, domain.PeriodOf(time.Now()).String())
		if len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		md := d.Node.MonthlyDigest
		// Added this month: one; idle.user has still not signed in.
		if md.Complete || time.Since(md.Until) > time.Minute || segmenti(d) != "added 1, no longer active 0, inactive 1 [idle.user]" {
			t.Fatalf("digest %+v, segmenti %s", md, segmenti(d))
		}
	})
	t.Run("ParentAdminOversees", func(t *testing.T) {
		if _, res := preview(t, w.HoldingAdmin, w.Company, period.String()); len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
	})
	for name, p := range map[string]string{"ErrMalformedPeriod": "2026-13", "ErrFutureMonth": domain.PeriodOf(time.Now()).Start().AddDate(0, 2, 0).Format("2006-01")} {
		t.Run(name, func(t *testing.T) {
			_, res := preview(t, w.CompanyAdmin, w.Company, p)
			if len(res.Errors) == 0 {
				t.Fatal("accepted")
			}
			if reason, _ := res.Errors[0].Extensions["reason"].(string); reason != "INVALID_PERIOD" && res.Code() != "INVALID_PERIOD" {
				t.Fatalf("errors %+v", res.Errors)
			}
		})
	}
	t.Run("ErrForbidden", func(t *testing.T) {
		op := w.F.User("operatore.uno", w.Company)
		w.F.Assign(op, w.Company, "segmenti", "user")
		if _, res := preview(t, op, w.Company, period.String()); res.Code() != "FORBIDDEN" {
			t.Fatalf("an operator: %+v", res.Errors)
		}
		if d, res := preview(t, w.OtherAdmin, w.Company, period.String()); d.Node.MonthlyDigest.Period != "" || len(res.Errors) > 0 && res.Code() != "FORBIDDEN" {
			t.Fatalf("another tenant's admin: %+v %+v", d, res.Errors)
		}
	})
	t.Run("SameTextAsTheEmail", func(t *testing.T) {
		var out struct {
			RunMonthlyDigest struct{ Sent int }
		}
		w.M.GQL(t, w.M.MustLogin(t, staff), `mutation($p: String!) { runMonthlyDigest(input: {period: $p}) { sent } }`,
			map[string]any{"p": period.String()}).Decode(t, &out)
		raw := w.Text(t, "SELECT language || '|' || data::text FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ?", w.Company)
		lang, data, _ := strings.Cut(raw, "|")
		var m map[string]any
		if err := json.Unmarshal([]byte(data), &m); err != nil {
			t.Fatal(err)
		}
		msg, err := mailpkg.Render("monthly_digest", lang, m)
		if err != nil {
			t.Fatal(err)
		}
		if msg.Text != ended.Node.MonthlyDigest.Text || msg.Subject != ended.Node.MonthlyDigest.Subject {
			t.Fatalf("email:\n%s\npreview:\n%s", msg.Text, ended.Node.MonthlyDigest.Text)
		}
		d, _ := preview(t, w.CompanyAdmin, w.Company, period.String())
		if s := d.Node.MonthlyDigest.SentTo; s == nil || *s != "filiale@pec.example.test" || d.Node.MonthlyDigest.SentAt == nil {
			t.Fatalf("sent to %v at %v", s, d.Node.MonthlyDigest.SentAt)
		}
	})
	t.Run("TenantCreatedDuringTheMonth", func(t *testing.T) {
		if n := w.Int64(t, "SELECT count(*) FROM email_outbox WHERE template = 'monthly_digest' AND tenant_id = ? AND to_address = 'nuova@pec.example.test'", newcomer); n != 1 {
			t.Fatalf("the new tenant's digests: %d", n)
		}
		d, _ := preview(t, staff, newcomer, period.String())
		if got := segmenti(d); got != "added 1, no longer active 0, inactive 0 []" {
			t.Fatalf("new tenant's segmenti: %s", got)
		}
	})
}
