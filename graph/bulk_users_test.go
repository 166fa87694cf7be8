package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// TestBulkSuspendAndReactivateUsers (issue 19.2): several accounts in one
// call, each under suspendUser's and reactivateUser's rules, with partial
// success and one audit record and event per user.
func TestBulkSuspendAndReactivateUsers(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	one := w.F.User("bulk.one", w.Company)
	w.F.Assign(one, w.Company, "segmenti", "user")
	two := w.F.User("bulk.two", w.Company)
	w.F.Assign(two, w.Company, "segmenti", "guest")
	three := w.F.User("bulk.three", w.Company)
	w.F.Assign(three, w.Company, "segmenti", "guest")
	oneToken := w.Token(t, one)
	// Homed in the company, also a member of the other tenant.
	shared := w.F.User("bulk.shared", w.Company)
	w.F.Assign(shared, w.Company, "segmenti", "user")
	w.F.Assign(shared, w.Other, "segmenti", "user")
	otherAdmin, holdingAdmin := w.Token(t, w.OtherAdmin), w.Token(t, w.HoldingAdmin)

	t.Run("PartialSuccess", func(t *testing.T) {
		// The technician holds an amisgest role the admin has no authority
		// over; the site's admin is no member of the company; the admin
		// never suspends themselves.
		r, res := w.Bulk(t, admin, "suspendUsers", w.Company, servertest.UID(one), servertest.UID(w.Technician), servertest.UID(two), servertest.UID(w.SiteAdmin), servertest.UID(w.CompanyAdmin))
		if r == nil {
			t.Fatalf("errors %+v", res.Errors)
		}
		if got := r.SucceededNames(); got != "bulk.one:SUSPENDED,bulk.two:SUSPENDED" {
			t.Fatalf("succeeded %s", got)
		}
		want := fmt.Sprintf("1/%s/FORBIDDEN,3/%s/NOT_A_MEMBER,4/%s/FORBIDDEN", servertest.UID(w.Technician), servertest.UID(w.SiteAdmin), servertest.UID(w.CompanyAdmin))
		if got := r.Failures(); got != want {
			t.Fatalf("userErrors %s, want %s", got, want)
		}
		for _, u := range []int64{one, two} {
			if w.Audits(t, "user.suspend", u) != 1 || w.Events(t, "USER_SUSPENDED", w.Company, u) != 1 {
				t.Errorf("user %d: %d audits, %d events", u, w.Audits(t, "user.suspend", u), w.Events(t, "USER_SUSPENDED", w.Company, u))
			}
			w.WantAudit(t, "user.suspend", u, w.CompanyAdmin, "USER_SUSPENDED", w.Company)
		}
		for _, u := range []int64{w.Technician, w.SiteAdmin, w.CompanyAdmin} {
			if w.Audits(t, "user.suspend", u) != 0 || w.Count(t, "SELECT count(*) FROM users WHERE id = ? AND status = 'SUSPENDED'", u) != 0 {
				t.Errorf("user %d was suspended", u)
			}
		}
		// As suspendUser: the sessions end at once (R18).
		if res := w.M.GQL(t, oneToken, `{ viewer { platformAdmin } }`, nil); string(res.Data) != `{"viewer":null}` {
			t.Fatalf("suspended session still works: %s", res.Data)
		}
	})
	t.Run("ErrAlreadySuspended", func(t *testing.T) {
		r, _ := w.Bulk(t, admin, "suspendUsers", w.Company, servertest.UID(one), servertest.UID(w.Operator))
		want := fmt.Sprintf("0/%s/ALREADY_SUSPENDED", servertest.UID(one))
		if r == nil || r.SucceededNames() != "operatore.uno:SUSPENDED" || r.Failures() != want {
			t.Fatalf("got %+v", r)
		}
		if w.Audits(t, "user.suspend", one) != 1 {
			t.Error("a refused suspension was audited")
		}
	})
	t.Run("Reactivate", func(t *testing.T) {
		w.F.Exec("INSERT INTO credentials (user_id, password_hash) VALUES (?, 'x')", two)
		r, _ := w.Bulk(t, admin, "reactivateUsers", w.Company, servertest.UID(one), servertest.UID(three), servertest.UID(two), "not-an-id")
		if r == nil || r.SucceededNames() != "bulk.one:INVITED,bulk.two:ACTIVE" {
			t.Fatalf("got %+v", r)
		}
		if got, want := r.Failures(), fmt.Sprintf("1/%s/NOT_SUSPENDED,3/not-an-id/INVALID_ID", servertest.UID(three)); got != want {
			t.Fatalf("userErrors %s, want %s", got, want)
		}
		for _, u := range []int64{one, two} {
			w.WantAudit(t, "user.reactivate", u, w.CompanyAdmin, "USER_REACTIVATED", w.Company)
		}
		if w.Audits(t, "user.reactivate", three) != 0 {
			t.Error("a refused reactivation was audited")
		}
	})
	t.Run("ErrForbiddenTenant", func(t *testing.T) {
		// Acting in a tenant one does not administer: nothing is done.
		before := w.Snapshot(t)
		if _, res := w.Bulk(t, otherAdmin, "suspendUsers", w.Company, servertest.UID(one), servertest.UID(w.Operator)); res.Code() != "FORBIDDEN" {
			t.Fatalf("errors %+v", res.Errors)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenAcrossTenantsPerUser", func(t *testing.T) {
		before := w.Snapshot(t)
		// The other tenant's admin acts in their tenant: the shared user
		// is a member there but homed in the company (R7); the operator
		// is no member there.
		r, _ := w.Bulk(t, otherAdmin, "suspendUsers", w.Other, servertest.UID(shared), servertest.UID(w.Operator))
		want := fmt.Sprintf("0/%s/FORBIDDEN,1/%s/NOT_A_MEMBER", servertest.UID(shared), servertest.UID(w.Operator))
		if r == nil || len(r.Succeeded) != 0 || r.Failures() != want {
			t.Fatalf("got %+v, want %s", r, want)
		}
		// The holding's admin may suspend the company's users, but not
		// while acting in the holding, where they are no members.
		r, _ = w.Bulk(t, holdingAdmin, "suspendUsers", w.Holding, servertest.UID(shared))
		if want := fmt.Sprintf("0/%s/NOT_A_MEMBER", servertest.UID(shared)); r == nil || len(r.Succeeded) != 0 || r.Failures() != want {
			t.Fatalf("got %+v, want %s", r, want)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrInput", func(t *testing.T) {
		tooMany := make([]string, 101)
		for i := range tooMany {
			tooMany[i] = servertest.UID(int64(1000000 + i))
		}
		before := w.Snapshot(t)
		for name, c := range map[string]struct {
			users []string
			code  string
		}{
			"Empty":      {nil, "TOO_FEW_USERS"},
			"TooMany":    {tooMany, "TOO_MANY_USERS"},
			"Duplicates": {[]string{servertest.UID(shared), servertest.UID(w.Operator), servertest.UID(shared)}, "DUPLICATE_USER"},
		} {
			for _, field := range []string{"suspendUsers", "reactivateUsers", "removeUsersFromTenant"} {
				r, res := w.Bulk(t, admin, field, w.Company, c.users...)
				if r == nil || len(r.UserErrors) != 1 || r.UserErrors[0].Code != c.code || r.UserErrors[0].UserID != nil ||
					r.UserErrors[0].Index != nil || !slices.Equal(r.UserErrors[0].Field, []string{"input", "userIds"}) || len(r.Succeeded)+len(r.RemovedUserIds) != 0 {
					if r == nil {
						t.Errorf("%s %s: errors %+v", field, name, res.Errors)
					} else {
						t.Errorf("%s %s: succeeded %d, removed %d, userErrors %s", field, name, len(r.Succeeded), len(r.RemovedUserIds), r.Failures())
					}
				}
			}
		}
		res := w.M.GQL(t, admin, `mutation($input: BulkUsersInput!) { suspendUsers(input: $input) { userErrors { userId field code } } }`,
			map[string]any{"input": map[string]any{"tenantId": "nope", "userIds": []string{servertest.UID(w.Operator)}}})
		if !strings.Contains(string(res.Data), `{"userId":null,"field":["input","tenantId"],"code":"INVALID_ID"}`) {
			t.Errorf("bad tenant ID: %s %+v", res.Data, res.Errors)
		}
		w.Unchanged(t, before)
		// 100 is allowed.
		r, _ := w.Bulk(t, admin, "suspendUsers", w.Company, tooMany[:100]...)
		if r == nil || len(r.UserErrors) != 100 || r.UserErrors[99].Code != "NOT_A_MEMBER" {
			t.Fatalf("100 users: %v", r != nil && len(r.UserErrors) == 100)
		}
	})
}

// TestBulkRemoveUsersFromTenant (issue 19.2, seed 001's clean-up): several
// users removed from a tenant in one call, each under
// removeUserFromTenant's rules.
func TestBulkRemoveUsersFromTenant(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	only := w.F.User("only.company", w.Company)
	w.F.Assign(only, w.Company, "segmenti", "guest")
	twoTenants := w.F.User("two.tenants", w.Company)
	w.F.Assign(twoTenants, w.Company, "segmenti", "guest")
	w.F.Assign(twoTenants, w.Site, "segmenti", "guest")
	onlyMembership, twoMembership := w.MembershipID(t, only, w.Company), w.MembershipID(t, twoTenants, w.Company)
	otherAdmin := w.Token(t, w.OtherAdmin)

	t.Run("ErrForbiddenTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if _, res := w.Bulk(t, otherAdmin, "removeUsersFromTenant", w.Company, servertest.UID(only)); res.Code() != "FORBIDDEN" {
			t.Fatalf("errors %+v", res.Errors)
		}
		w.Unchanged(t, before)
	})
	t.Run("PartialSuccess", func(t *testing.T) {
		r, res := w.Bulk(t, admin, "removeUsersFromTenant", w.Company,
			servertest.UID(only), servertest.UID(w.Technician), servertest.UID(twoTenants), servertest.UID(w.SiteAdmin), servertest.UID(w.CompanyAdmin))
		if r == nil {
			t.Fatalf("errors %+v", res.Errors)
		}
		if got := strings.Join(r.RemovedUserIds, ","); got != servertest.UID(only)+","+servertest.UID(twoTenants) {
			t.Fatalf("removed %s", got)
		}
		// The account with no membership left is deleted (R10).
		if got := strings.Join(r.DeletedUserIds, ","); got != servertest.UID(only) {
			t.Fatalf("deleted %s", got)
		}
		// The technician holds a role on a product the admin does not
		// administer; the site's admin is no member; never oneself.
		want := fmt.Sprintf("1/%s/FORBIDDEN,3/%s/NOT_A_MEMBER,4/%s/FORBIDDEN", servertest.UID(w.Technician), servertest.UID(w.SiteAdmin), servertest.UID(w.CompanyAdmin))
		if got := r.Failures(); got != want {
			t.Fatalf("userErrors %s, want %s", got, want)
		}
		if w.Count(t, "SELECT count(*) FROM users WHERE id = ?", only) != 0 ||
			w.Count(t, "SELECT count(*) FROM memberships WHERE user_id = ?", twoTenants) != 1 {
			t.Fatal("memberships not removed as they should")
		}
		for _, m := range []int64{onlyMembership, twoMembership} {
			if w.Audits(t, "membership.delete", m) != 1 || w.Events(t, "MEMBERSHIP_DELETED", w.Company, m) != 1 {
				t.Errorf("membership %d: %d audits, %d events", m, w.Audits(t, "membership.delete", m), w.Events(t, "MEMBERSHIP_DELETED", w.Company, m))
			}
			w.WantAudit(t, "membership.delete", m, w.CompanyAdmin, "MEMBERSHIP_DELETED", w.Company)
		}
		if w.Count(t, "SELECT count(*) FROM events WHERE type = 'USER_DELETED' AND subject_id = ?", only) != 1 {
			t.Error("no USER_DELETED event")
		}
		for _, u := range []int64{w.Technician, w.SiteAdmin, w.CompanyAdmin} {
			if w.Count(t, "SELECT count(*) FROM audit_events WHERE action = 'membership.delete' AND target_id IN (SELECT id FROM memberships WHERE user_id = ?)", u) != 0 {
				t.Errorf("user %d: a refused removal was audited", u)
			}
		}
		if w.Count(t, "SELECT count(*) FROM memberships WHERE user_id = ? AND tenant_id = ?", w.Technician, w.Company) != 1 {
			t.Error("the technician was removed")
		}
	})
	t.Run("ErrForbiddenAcrossTenantsPerUser", func(t *testing.T) {
		before := w.Snapshot(t)
		r, _ := w.Bulk(t, otherAdmin, "removeUsersFromTenant", w.Other, servertest.UID(w.Operator))
		if want := fmt.Sprintf("0/%s/NOT_A_MEMBER", servertest.UID(w.Operator)); r == nil || len(r.RemovedUserIds) != 0 || r.Failures() != want {
			t.Fatalf("got %+v, want %s", r, want)
		}
		w.Unchanged(t, before)
	})
}
