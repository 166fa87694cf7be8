package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// bulkResult is a bulk mutation's payload (issue 19).
type bulkResult struct {
	Succeeded      []struct{ ID, Username, Status string }
	RemovedUserIds []string
	DeletedUserIds []string
	UserErrors     []struct {
		UserID        *string
		Index         *int
		Field         []string
		Code, Message string
	}
}

// bulk runs suspendUsers, reactivateUsers or removeUsersFromTenant as
// token in tenantID on users (global IDs as given).
func (w *adminWorld) bulk(t *testing.T, token, field string, tenantID int64, users ...string) (*bulkResult, *gqlResponse) {
	t.Helper()
	selection := "succeeded { id username status }"
	if field == "removeUsersFromTenant" {
		selection = "removedUserIds deletedUserIds"
	}
	q := fmt.Sprintf(`mutation($input: BulkUsersInput!) { %s(input: $input) { %s userErrors { userId index field code message } } }`, field, selection)
	if users == nil {
		users = []string{}
	}
	res := w.m.gql(t, token, q, map[string]any{"input": map[string]any{"tenantId": globalIDFor("Tenant", tenantID), "userIds": users}})
	if len(res.Errors) > 0 {
		return nil, res
	}
	var d map[string]*bulkResult
	if err := json.Unmarshal(res.Data, &d); err != nil {
		t.Fatalf("decode %s: %v", res.Data, err)
	}
	return d[field], res
}

// succeeded lists the usernames changed, in order.
func (r *bulkResult) succeeded() string {
	var names []string
	for _, u := range r.Succeeded {
		names = append(names, u.Username+":"+u.Status)
	}
	return strings.Join(names, ",")
}

// failures lists the userErrors as index/userId/code.
func (r *bulkResult) failures() string {
	var out []string
	for _, e := range r.UserErrors {
		s := "-"
		if e.Index != nil {
			s = fmt.Sprint(*e.Index)
			if want := []string{"input", "userIds", s}; !slices.Equal(e.Field, want) {
				return fmt.Sprintf("field %v, want %v", e.Field, want)
			}
		}
		if e.UserID != nil {
			s += "/" + *e.UserID
		} else {
			s += "/-"
		}
		out = append(out, s+"/"+e.Code)
	}
	return strings.Join(out, ",")
}

func uid(id int64) string { return globalIDFor("User", id) }

// TestBulkSuspendAndReactivateUsers (issue 19.2): several accounts in one
// call, each under suspendUser's and reactivateUser's rules, with partial
// success and one audit record and event per user.
func TestBulkSuspendAndReactivateUsers(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	one := w.f.User("bulk.one", w.company)
	w.f.Assign(one, w.company, "segmenti", "user")
	two := w.f.User("bulk.two", w.company)
	w.f.Assign(two, w.company, "segmenti", "guest")
	three := w.f.User("bulk.three", w.company)
	w.f.Assign(three, w.company, "segmenti", "guest")
	oneToken := w.token(t, one)
	// Homed in the company, also a member of the other tenant.
	shared := w.f.User("bulk.shared", w.company)
	w.f.Assign(shared, w.company, "segmenti", "user")
	w.f.Assign(shared, w.other, "segmenti", "user")
	otherAdmin, holdingAdmin := w.token(t, w.other_admin), w.token(t, w.holdingAdmin)

	t.Run("PartialSuccess", func(t *testing.T) {
		// The technician holds an amisgest role the admin has no authority
		// over; the site's admin is no member of the company; the admin
		// never suspends themselves.
		r, res := w.bulk(t, admin, "suspendUsers", w.company, uid(one), uid(w.technician), uid(two), uid(w.siteAdmin), uid(w.companyAdmin))
		if r == nil {
			t.Fatalf("errors %+v", res.Errors)
		}
		if got := r.succeeded(); got != "bulk.one:SUSPENDED,bulk.two:SUSPENDED" {
			t.Fatalf("succeeded %s", got)
		}
		want := fmt.Sprintf("1/%s/FORBIDDEN,3/%s/NOT_A_MEMBER,4/%s/FORBIDDEN", uid(w.technician), uid(w.siteAdmin), uid(w.companyAdmin))
		if got := r.failures(); got != want {
			t.Fatalf("userErrors %s, want %s", got, want)
		}
		for _, u := range []int64{one, two} {
			if w.audits(t, "user.suspend", u) != 1 || w.events(t, "USER_SUSPENDED", w.company, u) != 1 {
				t.Errorf("user %d: %d audits, %d events", u, w.audits(t, "user.suspend", u), w.events(t, "USER_SUSPENDED", w.company, u))
			}
			w.wantAudit(t, "user.suspend", u, w.companyAdmin, "USER_SUSPENDED", w.company)
		}
		for _, u := range []int64{w.technician, w.siteAdmin, w.companyAdmin} {
			if w.audits(t, "user.suspend", u) != 0 || w.count(t, "SELECT count(*) FROM users WHERE id = ? AND status = 'SUSPENDED'", u) != 0 {
				t.Errorf("user %d was suspended", u)
			}
		}
		// As suspendUser: the sessions end at once (R18).
		if res := w.m.gql(t, oneToken, `{ viewer { platformAdmin } }`, nil); string(res.Data) != `{"viewer":null}` {
			t.Fatalf("suspended session still works: %s", res.Data)
		}
	})
	t.Run("ErrAlreadySuspended", func(t *testing.T) {
		r, _ := w.bulk(t, admin, "suspendUsers", w.company, uid(one), uid(w.operator))
		want := fmt.Sprintf("0/%s/ALREADY_SUSPENDED", uid(one))
		if r == nil || r.succeeded() != "operatore.uno:SUSPENDED" || r.failures() != want {
			t.Fatalf("got %+v", r)
		}
		if w.audits(t, "user.suspend", one) != 1 {
			t.Error("a refused suspension was audited")
		}
	})
	t.Run("Reactivate", func(t *testing.T) {
		w.f.Exec("INSERT INTO credentials (user_id, password_hash) VALUES (?, 'x')", two)
		r, _ := w.bulk(t, admin, "reactivateUsers", w.company, uid(one), uid(three), uid(two), "not-an-id")
		if r == nil || r.succeeded() != "bulk.one:INVITED,bulk.two:ACTIVE" {
			t.Fatalf("got %+v", r)
		}
		if got, want := r.failures(), fmt.Sprintf("1/%s/NOT_SUSPENDED,3/not-an-id/INVALID_ID", uid(three)); got != want {
			t.Fatalf("userErrors %s, want %s", got, want)
		}
		for _, u := range []int64{one, two} {
			w.wantAudit(t, "user.reactivate", u, w.companyAdmin, "USER_REACTIVATED", w.company)
		}
		if w.audits(t, "user.reactivate", three) != 0 {
			t.Error("a refused reactivation was audited")
		}
	})
	t.Run("ErrForbiddenTenant", func(t *testing.T) {
		// Acting in a tenant one does not administer: nothing is done.
		before := w.snapshot(t)
		if _, res := w.bulk(t, otherAdmin, "suspendUsers", w.company, uid(one), uid(w.operator)); res.code() != "FORBIDDEN" {
			t.Fatalf("errors %+v", res.Errors)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenAcrossTenantsPerUser", func(t *testing.T) {
		before := w.snapshot(t)
		// The other tenant's admin acts in their tenant: the shared user
		// is a member there but homed in the company (R7); the operator
		// is no member there.
		r, _ := w.bulk(t, otherAdmin, "suspendUsers", w.other, uid(shared), uid(w.operator))
		want := fmt.Sprintf("0/%s/FORBIDDEN,1/%s/NOT_A_MEMBER", uid(shared), uid(w.operator))
		if r == nil || len(r.Succeeded) != 0 || r.failures() != want {
			t.Fatalf("got %+v, want %s", r, want)
		}
		// The holding's admin may suspend the company's users, but not
		// while acting in the holding, where they are no members.
		r, _ = w.bulk(t, holdingAdmin, "suspendUsers", w.holding, uid(shared))
		if want := fmt.Sprintf("0/%s/NOT_A_MEMBER", uid(shared)); r == nil || len(r.Succeeded) != 0 || r.failures() != want {
			t.Fatalf("got %+v, want %s", r, want)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrInput", func(t *testing.T) {
		tooMany := make([]string, 101)
		for i := range tooMany {
			tooMany[i] = uid(int64(1000000 + i))
		}
		before := w.snapshot(t)
		for name, c := range map[string]struct {
			users []string
			code  string
		}{
			"Empty":      {nil, "TOO_FEW_USERS"},
			"TooMany":    {tooMany, "TOO_MANY_USERS"},
			"Duplicates": {[]string{uid(shared), uid(w.operator), uid(shared)}, "DUPLICATE_USER"},
		} {
			for _, field := range []string{"suspendUsers", "reactivateUsers", "removeUsersFromTenant"} {
				r, res := w.bulk(t, admin, field, w.company, c.users...)
				if r == nil || len(r.UserErrors) != 1 || r.UserErrors[0].Code != c.code || r.UserErrors[0].UserID != nil ||
					r.UserErrors[0].Index != nil || !slices.Equal(r.UserErrors[0].Field, []string{"input", "userIds"}) || len(r.Succeeded)+len(r.RemovedUserIds) != 0 {
					if r == nil {
						t.Errorf("%s %s: errors %+v", field, name, res.Errors)
					} else {
						t.Errorf("%s %s: succeeded %d, removed %d, userErrors %s", field, name, len(r.Succeeded), len(r.RemovedUserIds), r.failures())
					}
				}
			}
		}
		res := w.m.gql(t, admin, `mutation($input: BulkUsersInput!) { suspendUsers(input: $input) { userErrors { userId field code } } }`,
			map[string]any{"input": map[string]any{"tenantId": "nope", "userIds": []string{uid(w.operator)}}})
		if !strings.Contains(string(res.Data), `{"userId":null,"field":["input","tenantId"],"code":"INVALID_ID"}`) {
			t.Errorf("bad tenant ID: %s %+v", res.Data, res.Errors)
		}
		w.unchanged(t, before)
		// 100 is allowed.
		r, _ := w.bulk(t, admin, "suspendUsers", w.company, tooMany[:100]...)
		if r == nil || len(r.UserErrors) != 100 || r.UserErrors[99].Code != "NOT_A_MEMBER" {
			t.Fatalf("100 users: %v", r != nil && len(r.UserErrors) == 100)
		}
	})
}

// TestBulkRemoveUsersFromTenant (issue 19.2, seed 001's clean-up): several
// users removed from a tenant in one call, each under
// removeUserFromTenant's rules.
func TestBulkRemoveUsersFromTenant(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	only := w.f.User("only.company", w.company)
	w.f.Assign(only, w.company, "segmenti", "guest")
	twoTenants := w.f.User("two.tenants", w.company)
	w.f.Assign(twoTenants, w.company, "segmenti", "guest")
	w.f.Assign(twoTenants, w.site, "segmenti", "guest")
	onlyMembership, twoMembership := w.membershipID(t, only, w.company), w.membershipID(t, twoTenants, w.company)
	otherAdmin := w.token(t, w.other_admin)

	t.Run("ErrForbiddenTenant", func(t *testing.T) {
		before := w.snapshot(t)
		if _, res := w.bulk(t, otherAdmin, "removeUsersFromTenant", w.company, uid(only)); res.code() != "FORBIDDEN" {
			t.Fatalf("errors %+v", res.Errors)
		}
		w.unchanged(t, before)
	})
	t.Run("PartialSuccess", func(t *testing.T) {
		r, res := w.bulk(t, admin, "removeUsersFromTenant", w.company,
			uid(only), uid(w.technician), uid(twoTenants), uid(w.siteAdmin), uid(w.companyAdmin))
		if r == nil {
			t.Fatalf("errors %+v", res.Errors)
		}
		if got := strings.Join(r.RemovedUserIds, ","); got != uid(only)+","+uid(twoTenants) {
			t.Fatalf("removed %s", got)
		}
		// The account with no membership left is deleted (R10).
		if got := strings.Join(r.DeletedUserIds, ","); got != uid(only) {
			t.Fatalf("deleted %s", got)
		}
		// The technician holds a role on a product the admin does not
		// administer; the site's admin is no member; never oneself.
		want := fmt.Sprintf("1/%s/FORBIDDEN,3/%s/NOT_A_MEMBER,4/%s/FORBIDDEN", uid(w.technician), uid(w.siteAdmin), uid(w.companyAdmin))
		if got := r.failures(); got != want {
			t.Fatalf("userErrors %s, want %s", got, want)
		}
		if w.count(t, "SELECT count(*) FROM users WHERE id = ?", only) != 0 ||
			w.count(t, "SELECT count(*) FROM memberships WHERE user_id = ?", twoTenants) != 1 {
			t.Fatal("memberships not removed as they should")
		}
		for _, m := range []int64{onlyMembership, twoMembership} {
			if w.audits(t, "membership.delete", m) != 1 || w.events(t, "MEMBERSHIP_DELETED", w.company, m) != 1 {
				t.Errorf("membership %d: %d audits, %d events", m, w.audits(t, "membership.delete", m), w.events(t, "MEMBERSHIP_DELETED", w.company, m))
			}
			w.wantAudit(t, "membership.delete", m, w.companyAdmin, "MEMBERSHIP_DELETED", w.company)
		}
		if w.count(t, "SELECT count(*) FROM events WHERE type = 'USER_DELETED' AND subject_id = ?", only) != 1 {
			t.Error("no USER_DELETED event")
		}
		for _, u := range []int64{w.technician, w.siteAdmin, w.companyAdmin} {
			if w.count(t, "SELECT count(*) FROM audit_events WHERE action = 'membership.delete' AND target_id IN (SELECT id FROM memberships WHERE user_id = ?)", u) != 0 {
				t.Errorf("user %d: a refused removal was audited", u)
			}
		}
		if w.count(t, "SELECT count(*) FROM memberships WHERE user_id = ? AND tenant_id = ?", w.technician, w.company) != 1 {
			t.Error("the technician was removed")
		}
	})
	t.Run("ErrForbiddenAcrossTenantsPerUser", func(t *testing.T) {
		before := w.snapshot(t)
		r, _ := w.bulk(t, otherAdmin, "removeUsersFromTenant", w.other, uid(w.operator))
		if want := fmt.Sprintf("0/%s/NOT_A_MEMBER", uid(w.operator)); r == nil || len(r.RemovedUserIds) != 0 || r.failures() != want {
			t.Fatalf("got %+v, want %s", r, want)
		}
		w.unchanged(t, before)
	})
}
