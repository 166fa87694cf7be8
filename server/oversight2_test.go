package main

import (
	"tenantadmin/db/dbtest"

	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"tenantadmin/domain"
	"tenantadmin/report"
)

const findingsQuery = `query($t: ID!, $first: Int, $after: String) {
  securityFindings(tenantId: $t) {
    tenant { name }
    notActivated(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { user { username email } reasons } }
    blocked(first: $first) { totalCount nodes { user { username } reasons } }
    locked(first: $first) { totalCount nodes { user { username } reasons } }
    suspended(first: $first) { totalCount nodes { user { username } reasons } }
  }
}`

type findingList struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage bool
		EndCursor   string
	}
	Nodes []struct {
		User struct {
			Username string
			Email    *string
		}
		Reasons []string
	}
}

func (l findingList) String() string {
	var s []string
	for _, n := range l.Nodes {
		s = append(s, n.User.Username+":"+strings.Join(n.Reasons, "+"))
	}
	return strings.Join(s, ",")
}

func TestSecurityFindings(t *testing.T) {
	w := newWorld(t)
	enrolled := func(id int64, passwordAge string) {
		w.f.Exec(`INSERT INTO credentials (user_id, password_hash, password_changed_at, totp_enrolled_at)
			VALUES (?, 'x', now() - ?::interval, now())`, id, passwordAge)
	}
	// The admins and the technician are fine.
	for _, id := range []int64{w.companyAdmin, w.technician} {
		enrolled(id, "1 day")
	}
	invited := w.f.User("invited.user", w.company)
	w.f.Assign(invited, w.company, "segmenti", "user")
	w.f.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", invited)
	noMFA := w.f.User("no.mfa", w.company)
	w.f.Assign(noMFA, w.company, "segmenti", "user")
	w.f.Exec("INSERT INTO credentials (user_id, password_hash, password_changed_at) VALUES (?, 'x', now())", noMFA)
	expired := w.f.User("expired.pw", w.company)
	w.f.Assign(expired, w.company, "segmenti", "user")
	enrolled(expired, "100 days")
	fresh := w.f.User("fresh.pw", w.company)
	w.f.Assign(fresh, w.company, "segmenti", "user")
	enrolled(fresh, "10 days")
	w.f.Exec("UPDATE tenants SET password_max_age_days = 90 WHERE id = ?", w.company)
	locked := w.f.User("locked.user", w.company)
	w.f.Assign(locked, w.company, "segmenti", "user")
	enrolled(locked, "1 day")
	w.f.Exec("UPDATE users SET status = 'LOCKED' WHERE id = ?", locked)
	suspended := w.f.User("suspended.user", w.company)
	w.f.Assign(suspended, w.company, "segmenti", "user")
	enrolled(suspended, "1 day")
	w.f.Exec("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", suspended)
	roleSuspended := w.f.User("role.suspended", w.company)
	ra := w.f.Assign(roleSuspended, w.company, "segmenti", "user")
	enrolled(roleSuspended, "1 day")
	w.f.Exec("UPDATE role_assignments SET status = 'SUSPENDED' WHERE id = ?", ra)
	// A member of another tenant never shows.
	outsider := w.f.User("outsider", w.other)
	w.f.Assign(outsider, w.other, "segmenti", "user")
	w.f.Exec("UPDATE users SET status = 'LOCKED' WHERE id = ?", outsider)

	var out struct {
		SecurityFindings struct {
			Tenant                                   struct{ Name string }
			NotActivated, Blocked, Locked, Suspended findingList
		}
	}
	t.Run("OK", func(t *testing.T) {
		w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company), "first": 10}).decode(t, &out)
		f := out.SecurityFindings
		if got := f.NotActivated.String(); got != "invited.user:INVITED+MFA_NOT_ENROLLED,no.mfa:MFA_NOT_ENROLLED" {
			t.Errorf("notActivated = %s", got)
		}
		if got := f.Blocked.String(); got != "expired.pw:PASSWORD_EXPIRED" {
			t.Errorf("blocked = %s", got)
		}
		if got := f.Locked.String(); got != "locked.user:ACCOUNT_LOCKED" {
			t.Errorf("locked = %s", got)
		}
		if got := f.Suspended.String(); got != "role.suspended:ROLE_ASSIGNMENT_SUSPENDED,suspended.user:ACCOUNT_SUSPENDED" {
			t.Errorf("suspended = %s", got)
		}
		if f.NotActivated.TotalCount != 2 || f.Blocked.TotalCount != 1 || f.Locked.TotalCount != 1 || f.Suspended.TotalCount != 2 {
			t.Errorf("counts = %d %d %d %d", f.NotActivated.TotalCount, f.Blocked.TotalCount, f.Locked.TotalCount, f.Suspended.TotalCount)
		}
		if e := f.NotActivated.Nodes[1].User.Email; e == nil || *e != "no.mfa@example.test" {
			t.Errorf("an admin sees personal data: %v", e)
		}
	})
	t.Run("Paging", func(t *testing.T) {
		token := w.m.MustLogin(t, w.companyAdmin)
		w.m.gql(t, token, findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company), "first": 1}).decode(t, &out)
		page1 := out.SecurityFindings.NotActivated
		if len(page1.Nodes) != 1 || !page1.PageInfo.HasNextPage || page1.TotalCount != 2 {
			t.Fatalf("page 1 = %+v", page1)
		}
		w.m.gql(t, token, findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company), "first": 1, "after": page1.PageInfo.EndCursor}).decode(t, &out)
		if got := out.SecurityFindings.NotActivated.String(); got != "no.mfa:MFA_NOT_ENROLLED" || out.SecurityFindings.NotActivated.PageInfo.HasNextPage {
			t.Fatalf("page 2 = %s", got)
		}
	})
	t.Run("PolicyOff", func(t *testing.T) {
		w.f.Exec("UPDATE tenants SET password_max_age_days = NULL WHERE id = ?", w.company)
		defer w.f.Exec("UPDATE tenants SET password_max_age_days = 90 WHERE id = ?", w.company)
		w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company)}).decode(t, &out)
		if out.SecurityFindings.Blocked.TotalCount != 0 {
			t.Fatalf("no policy, no expiry: %s", out.SecurityFindings.Blocked)
		}
	})
	t.Run("AncestorAdminReads", func(t *testing.T) {
		w.m.gql(t, w.m.MustLogin(t, w.holdingAdmin), findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company)}).decode(t, &out)
		if out.SecurityFindings.Locked.TotalCount != 1 || out.SecurityFindings.Tenant.Name != "Filiale Srl" {
			t.Fatalf("holding admin: %+v", out.SecurityFindings)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if c := w.m.gql(t, w.m.MustLogin(t, w.other_admin), findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company)}).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		if c := w.m.gql(t, w.m.MustLogin(t, w.technician), findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company)}).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if c := w.m.gql(t, "", findingsQuery, map[string]any{"t": globalIDFor("Tenant", w.company)}).code(); c != "UNAUTHENTICATED" {
			t.Fatalf("code = %q", c)
		}
	})
}

// getReport downloads a report with a bearer token (or a session cookie
// when cookie is true).
func getReport(t *testing.T, m *Main, token, path string, tenantID int64, cookie bool) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/reports/%s?tenant=%s", m.URL(), path, globalIDFor("Tenant", tenantID)), nil)
	if cookie {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: token})
	} else if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, report.BOM) {
		t.Fatalf("no UTF-8 BOM: %q", body[:min(len(body), 20)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, report.BOM))).ReadAll()
	if err != nil {
		t.Fatalf("%v: %q", err, body)
	}
	return rows
}

func TestReports(t *testing.T) {
	w := newWorld(t)
	evil := w.f.User("evil.name", w.company)
	w.f.Assign(evil, w.company, "segmenti", "user")
	w.f.Assign(evil, w.company, "clienti", "guest")
	w.f.Exec(`UPDATE users SET given_name = '=HYPERLINK("http://x","click")', family_name = '+Rossi', last_login_at = '2026-01-02T03:04:05Z' WHERE id = ?`, evil)
	invited := w.f.User("not.active", w.company)
	w.f.Assign(invited, w.company, "segmenti", "user")
	w.f.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", invited)
	siteUser := w.f.User("site.user", w.site)
	w.f.Assign(siteUser, w.site, "clienti", "user")

	t.Run("OKUsers", func(t *testing.T) {
		res, body := getReport(t, w.m, w.m.MustLogin(t, w.companyAdmin), "users.csv", w.company, false)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=users-filiale-srl-") || !strings.HasSuffix(cd, ".csv") {
			t.Fatalf("Content-Disposition = %q", cd)
		}
		rows := readCSV(t, body)
		if strings.Join(rows[0], ",") != "username,given_name,family_name,email,tax_code,status,kind,home_tenant,created_at,last_login_at" {
			t.Fatalf("header = %v", rows[0])
		}
		var names []string
		for _, r := range rows[1:] {
			names = append(names, r[0])
		}
		// Active members only, in username order; not the invited one.
		if got := strings.Join(names, ","); got != "company.admin,evil.name,tech.amisgest" {
			t.Fatalf("users = %s", got)
		}
		e := rows[2]
		if e[1] != `'=HYPERLINK("http://x","click")` || e[2] != "'+Rossi" || e[3] != "evil.name@example.test" ||
			e[5] != "ACTIVE" || e[7] != "Filiale Srl" || e[9] != "2026-01-02T03:04:05Z" {
			t.Fatalf("row = %q", e)
		}
	})
	t.Run("OKPermissions", func(t *testing.T) {
		_, body := getReport(t, w.m, w.m.MustLogin(t, w.companyAdmin), "permissions.csv", w.company, false)
		rows := readCSV(t, body)
		var got []string
		for _, r := range rows[1:] {
			got = append(got, r[0]+"/"+r[5]+"/"+r[7]+"/"+r[9]+"/"+r[10])
		}
		want := "company.admin/segmenti/admin/ADMIN/ACTIVE,evil.name/clienti/guest/OPERATOR/ACTIVE,evil.name/segmenti/user/OPERATOR/ACTIVE,tech.amisgest/amisgest/external-technician/OPERATOR/ACTIVE"
		if strings.Join(got, ",") != want {
			t.Fatalf("permissions =\n%s\nwant\n%s", strings.Join(got, ","), want)
		}
	})
	t.Run("OKFirstLevelChildWithCookie", func(t *testing.T) {
		res, body := getReport(t, w.m, w.m.MustLoginCookie(t, w.companyAdmin), "users.csv", w.site, true)
		if res.StatusCode != 200 || !strings.Contains(body, "site.user") {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
		res, _ = getReport(t, w.m, w.m.MustLogin(t, w.holdingAdmin), "users.csv", w.company, false)
		if res.StatusCode != 200 {
			t.Fatalf("holding admin on its first-level child: %d", res.StatusCode)
		}
	})
	t.Run("ErrSecondLevelChild", func(t *testing.T) {
		if res, _ := getReport(t, w.m, w.m.MustLogin(t, w.holdingAdmin), "users.csv", w.site, false); res.StatusCode != 403 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		res, body := getReport(t, w.m, w.m.MustLogin(t, w.other_admin), "permissions.csv", w.company, false)
		if res.StatusCode != 403 || !strings.Contains(body, `"FORBIDDEN"`) {
			t.Fatalf("%d %s", res.StatusCode, body)
		}
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		if res, _ := getReport(t, w.m, w.m.MustLogin(t, w.technician), "users.csv", w.company, false); res.StatusCode != 403 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if res, _ := getReport(t, w.m, "", "users.csv", w.company, false); res.StatusCode != 401 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("ErrBadTenantID", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, w.m.URL()+"/reports/users.csv?tenant=nope", nil)
		req.Header.Set("Authorization", "Bearer "+w.m.MustLogin(t, w.companyAdmin))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 400 {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
	t.Run("PersonalDataHiddenFromRestrictedAdmin", func(t *testing.T) {
		// An ADMIN role without personal-data access (R12): the report
		// shows usernames and roles, names and emails only for the viewer.
		w.f.Exec(`INSERT INTO roles (product_id, code, name, category, personal_data_access)
			SELECT id, 'auditor', 'Auditor', 'ADMIN', false FROM products WHERE code = 'send'`)
		auditor := w.f.User("auditor", w.company)
		w.f.Assign(auditor, w.company, "send", "auditor")
		_, body := getReport(t, w.m, w.m.MustLogin(t, auditor), "users.csv", w.company, false)
		for _, r := range readCSV(t, body)[1:] {
			hidden := r[1] == "" && r[2] == "" && r[3] == "" && r[4] == ""
			if (r[0] == "auditor") == hidden {
				t.Fatalf("row %q: personal data must show for the viewer only", r)
			}
		}
	})
}

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
