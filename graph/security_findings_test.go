package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
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
	w := servertest.NewWorld(t)
	enrolled := func(id int64, passwordAge string) {
		w.F.Exec(`INSERT INTO credentials (user_id, password_hash, password_changed_at, totp_enrolled_at)
			VALUES (?, 'x', now() - ?::interval, now())`, id, passwordAge)
	}
	// The admins and the technician are fine.
	for _, id := range []int64{w.CompanyAdmin, w.Technician} {
		enrolled(id, "1 day")
	}
	invited := w.F.User("invited.user", w.Company)
	w.F.Assign(invited, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", invited)
	noMFA := w.F.User("no.mfa", w.Company)
	w.F.Assign(noMFA, w.Company, "segmenti", "user")
	w.F.Exec("INSERT INTO credentials (user_id, password_hash, password_changed_at) VALUES (?, 'x', now())", noMFA)
	expired := w.F.User("expired.pw", w.Company)
	w.F.Assign(expired, w.Company, "segmenti", "user")
	enrolled(expired, "100 days")
	fresh := w.F.User("fresh.pw", w.Company)
	w.F.Assign(fresh, w.Company, "segmenti", "user")
	enrolled(fresh, "10 days")
	w.F.Exec("UPDATE tenants SET password_max_age_days = 90 WHERE id = ?", w.Company)
	locked := w.F.User("locked.user", w.Company)
	w.F.Assign(locked, w.Company, "segmenti", "user")
	enrolled(locked, "1 day")
	w.F.Exec("UPDATE users SET status = 'LOCKED' WHERE id = ?", locked)
	suspended := w.F.User("suspended.user", w.Company)
	w.F.Assign(suspended, w.Company, "segmenti", "user")
	enrolled(suspended, "1 day")
	w.F.Exec("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", suspended)
	roleSuspended := w.F.User("role.suspended", w.Company)
	ra := w.F.Assign(roleSuspended, w.Company, "segmenti", "user")
	enrolled(roleSuspended, "1 day")
	w.F.Exec("UPDATE role_assignments SET status = 'SUSPENDED' WHERE id = ?", ra)
	// A member of another tenant never shows.
	outsider := w.F.User("outsider", w.Other)
	w.F.Assign(outsider, w.Other, "segmenti", "user")
	w.F.Exec("UPDATE users SET status = 'LOCKED' WHERE id = ?", outsider)

	var out struct {
		SecurityFindings struct {
			Tenant                                   struct{ Name string }
			NotActivated, Blocked, Locked, Suspended findingList
		}
	}
	t.Run("OK", func(t *testing.T) {
		w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company), "first": 10}).Decode(t, &out)
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
		token := w.M.MustLogin(t, w.CompanyAdmin)
		w.M.GQL(t, token, findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company), "first": 1}).Decode(t, &out)
		page1 := out.SecurityFindings.NotActivated
		if len(page1.Nodes) != 1 || !page1.PageInfo.HasNextPage || page1.TotalCount != 2 {
			t.Fatalf("page 1 = %+v", page1)
		}
		w.M.GQL(t, token, findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company), "first": 1, "after": page1.PageInfo.EndCursor}).Decode(t, &out)
		if got := out.SecurityFindings.NotActivated.String(); got != "no.mfa:MFA_NOT_ENROLLED" || out.SecurityFindings.NotActivated.PageInfo.HasNextPage {
			t.Fatalf("page 2 = %s", got)
		}
	})
	t.Run("PolicyOff", func(t *testing.T) {
		w.F.Exec("UPDATE tenants SET password_max_age_days = NULL WHERE id = ?", w.Company)
		defer w.F.Exec("UPDATE tenants SET password_max_age_days = 90 WHERE id = ?", w.Company)
		w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company)}).Decode(t, &out)
		if out.SecurityFindings.Blocked.TotalCount != 0 {
			t.Fatalf("no policy, no expiry: %s", out.SecurityFindings.Blocked)
		}
	})
	t.Run("AncestorAdminReads", func(t *testing.T) {
		w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company)}).Decode(t, &out)
		if out.SecurityFindings.Locked.TotalCount != 1 || out.SecurityFindings.Tenant.Name != "Filiale Srl" {
			t.Fatalf("holding admin: %+v", out.SecurityFindings)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if c := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company)}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOperator", func(t *testing.T) {
		if c := w.M.GQL(t, w.M.MustLogin(t, w.Technician), findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company)}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if c := w.M.GQL(t, "", findingsQuery, map[string]any{"t": servertest.GlobalID("Tenant", w.Company)}).Code(); c != "UNAUTHENTICATED" {
			t.Fatalf("code = %q", c)
		}
	})
}
