package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// TestUsersOrderBy (issue 19): Query.users and Tenant.users sort by the
// orderBy key, page forwards and backwards under it, refuse a cursor made
// under another order, and refuse to sort by names or emails for a viewer
// who may not read them (R12).
func TestUsersOrderBy(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	// Emails in another order than usernames, one missing; sign-ins
	// likewise, one never.
	w.F.Exec("UPDATE users SET email = 'zz@example.test', last_login_at = '2026-06-01T00:00:00Z' WHERE id = ?", w.CompanyAdmin)
	w.F.Exec("UPDATE users SET email = 'AA@example.test', last_login_at = '2026-01-01T00:00:00Z' WHERE id = ?", w.Operator)
	w.F.Exec("UPDATE users SET email = 'mm@example.test', last_login_at = NULL WHERE id = ?", w.Technician)
	w.F.Exec("UPDATE users SET email = NULL, last_login_at = '2026-03-01T00:00:00Z' WHERE id = ?", w.SiteAdmin)

	type page struct {
		Users struct {
			Edges []struct {
				Cursor string
				Node   struct {
					Username     string
					LastSignInAt *string
				}
			}
			PageInfo struct{ HasNextPage, HasPreviousPage bool }
		}
	}
	list := func(token, order string, vars map[string]any) (string, []string, *servertest.Response) {
		t.Helper()
		if vars == nil {
			vars = map[string]any{}
		}
		if order != "" {
			f, d, _ := strings.Cut(order, " ")
			vars["orderBy"] = map[string]any{"field": f, "direction": d}
		}
		res := w.M.GQL(t, token, `query($orderBy: UserOrder, $first: Int, $after: String, $last: Int, $before: String) {
			users(orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
				edges { cursor node { username lastSignInAt } } pageInfo { hasNextPage hasPreviousPage } } }`, vars)
		if len(res.Errors) > 0 {
			return "", nil, res
		}
		var p page
		res.Decode(t, &p)
		var names, cursors []string
		for _, e := range p.Users.Edges {
			names = append(names, e.Node.Username)
			cursors = append(cursors, e.Cursor)
		}
		return strings.Join(names, ","), cursors, res
	}
	for order, want := range map[string]string{
		"":                     "company.admin,operatore.uno,site.admin,tech.amisgest",
		"USERNAME ASC":         "company.admin,operatore.uno,site.admin,tech.amisgest",
		"USERNAME DESC":        "tech.amisgest,site.admin,operatore.uno,company.admin",
		"EMAIL ASC":            "site.admin,operatore.uno,tech.amisgest,company.admin",
		"EMAIL DESC":           "company.admin,tech.amisgest,operatore.uno,site.admin",
		"LAST_SIGN_IN_AT DESC": "company.admin,site.admin,operatore.uno,tech.amisgest",
		"LAST_SIGN_IN_AT ASC":  "tech.amisgest,operatore.uno,site.admin,company.admin",
	} {
		t.Run(strings.ReplaceAll(order, " ", "_"), func(t *testing.T) {
			got, _, res := list(admin, order, map[string]any{"first": 10})
			if res.Code() != "" || got != want {
				t.Fatalf("order %q: %s, want %s (%+v)", order, got, want, res.Errors)
			}
			// Two pages of two, then back from the second page's first row.
			first, c1, _ := list(admin, order, map[string]any{"first": 2})
			second, c2, _ := list(admin, order, map[string]any{"first": 2, "after": c1[1]})
			if first+","+second != want {
				t.Fatalf("pages %s | %s, want %s", first, second, want)
			}
			back, _, _ := list(admin, order, map[string]any{"last": 2, "before": c2[0]})
			if back != first {
				t.Fatalf("page before %s, want %s", back, first)
			}
		})
	}
	t.Run("LastSignInAt", func(t *testing.T) {
		var p page
		res := w.M.GQL(t, admin, `{ users(first: 10) { edges { node { username lastSignInAt } } } }`, nil)
		res.Decode(t, &p)
		for _, e := range p.Users.Edges {
			if (e.Node.LastSignInAt == nil) != (e.Node.Username == "tech.amisgest") {
				t.Fatalf("%s: lastSignInAt %v", e.Node.Username, e.Node.LastSignInAt)
			}
		}
	})
	t.Run("ForeignCursor", func(t *testing.T) {
		_, c, _ := list(admin, "EMAIL ASC", map[string]any{"first": 2})
		for _, order := range []string{"", "EMAIL DESC", "CREATED_AT ASC"} {
			for _, vars := range []map[string]any{{"first": 2, "after": c[1]}, {"last": 2, "before": c[1]}} {
				_, _, res := list(admin, order, vars)
				if res.Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["reason"] != "INVALID_CURSOR" {
					t.Fatalf("EMAIL ASC cursor under %q: %+v", order, res.Errors)
				}
			}
		}
	})
	t.Run("PersonalDataOrderRefused", func(t *testing.T) {
		// A restricted administrator (no personal-data access, R12) lists
		// the site's users, but may not sort them by name or email: the
		// order would rank the hidden values.
		w.F.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'administration'
			AND product_id = (SELECT id FROM products WHERE code = 'amisgest')`)
		restricted := w.F.User("restricted.admin", w.Site)
		w.F.Assign(restricted, w.Site, "amisgest", "administration")
		token := w.Token(t, restricted)
		for _, order := range []string{"DISPLAY_NAME ASC", "EMAIL ASC", "EMAIL DESC", "DISPLAY_NAME DESC"} {
			_, _, res := list(token, order, map[string]any{"first": 5})
			if res.Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["reason"] != "PERSONAL_DATA_ORDER" {
				t.Fatalf("restricted viewer sorts by %s: %+v", order, res.Errors)
			}
			f, d, _ := strings.Cut(order, " ")
			res = w.M.GQL(t, token, `query($id: ID!, $o: UserOrder) { node(id: $id) { ... on Tenant { users(orderBy: $o) { nodes { username } } } } }`,
				map[string]any{"id": servertest.GlobalID("Tenant", w.Site), "o": map[string]any{"field": f, "direction": d}})
			if res.Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["reason"] != "PERSONAL_DATA_ORDER" {
				t.Fatalf("restricted viewer sorts the tenant's users by %s: %+v", order, res.Errors)
			}
		}
		for _, order := range []string{"USERNAME DESC", "CREATED_AT ASC", "LAST_SIGN_IN_AT DESC"} {
			if got, _, res := list(token, order, map[string]any{"first": 5}); res.Code() != "" || !strings.Contains(got, "site.admin") {
				t.Fatalf("restricted viewer sorts by %s: %s %+v", order, got, res.Errors)
			}
		}
		// The company admin reads every listed user's personal data: it
		// may sort the site's users by name.
		res := w.M.GQL(t, admin, `query($id: ID!) { node(id: $id) { ... on Tenant { users(orderBy: {field: DISPLAY_NAME, direction: ASC}) { nodes { username } } } } }`,
			map[string]any{"id": servertest.GlobalID("Tenant", w.Site)})
		if res.Code() != "" {
			t.Fatalf("company admin sorts the site's users by name: %+v", res.Errors)
		}
	})
}
