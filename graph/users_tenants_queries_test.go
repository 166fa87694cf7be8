package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

func TestUsersList(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	w.F.Assign(op, w.Site, "clienti", "guest")

	t.Run("OK", func(t *testing.T) {
		var page servertest.UsersPage
		w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), servertest.UsersPageQuery, map[string]any{"first": 10}).Decode(t, &page)
		var names []string
		for _, e := range page.Users.Edges {
			names = append(names, e.Node.Username)
		}
		// company admin sees the company and its site, not the holding.
		if got := strings.Join(names, ","); got != "company.admin,operatore.uno,tech.amisgest" {
			t.Fatalf("users = %s", got)
		}
		if page.Users.TotalCount != 3 {
			t.Fatalf("totalCount = %d", page.Users.TotalCount)
		}
		opNode := page.Users.Edges[1].Node
		if len(opNode.Memberships) != 2 || opNode.GivenName == nil || *opNode.GivenName != "Givenoperatore.uno" {
			t.Fatalf("operator node = %+v", opNode)
		}
	})
	t.Run("ParentAdminSeesDescendants", func(t *testing.T) {
		var page servertest.UsersPage
		w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), servertest.UsersPageQuery, map[string]any{"first": 10}).Decode(t, &page)
		if page.Users.TotalCount != 4 {
			t.Fatalf("holding admin sees %d users, want 4 (itself, company admin, operator, technician)", page.Users.TotalCount)
		}
	})
	t.Run("FilterByCategoryRoleStatusSearch", func(t *testing.T) {
		token := w.M.MustLogin(t, w.HoldingAdmin)
		count := func(filter map[string]any) int {
			var page servertest.UsersPage
			w.M.GQL(t, token, servertest.UsersPageQuery, map[string]any{"first": 10, "filter": filter}).Decode(t, &page)
			return page.Users.TotalCount
		}
		if n := count(map[string]any{"category": "ADMIN"}); n != 2 {
			t.Errorf("ADMIN: %d", n)
		}
		if n := count(map[string]any{"category": "OPERATOR"}); n != 2 {
			t.Errorf("OPERATOR: %d", n)
		}
		if n := count(map[string]any{"search": "OPERATORE"}); n != 1 {
			t.Errorf("search: %d", n)
		}
		if n := count(map[string]any{"search": "tax0000000000001"}); n != 1 {
			t.Errorf("search tax code: %d", n)
		}
		if n := count(map[string]any{"status": "SUSPENDED"}); n != 0 {
			t.Errorf("SUSPENDED: %d", n)
		}
		if n := count(map[string]any{"search": "100%_"}); n != 0 {
			t.Errorf("LIKE metacharacters must be literal: %d", n)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), servertest.UsersPageQuery,
			map[string]any{"first": 10, "filter": map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company)}})
		if res.Code() != "FORBIDDEN" {
			t.Fatalf("code = %q (%s)", res.Code(), res.Data)
		}
	})
	t.Run("ErrInvalidCursor", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), servertest.UsersPageQuery, map[string]any{"first": 10, "after": "!!"})
		if res.Code() != "BAD_USER_INPUT" {
			t.Fatalf("code = %q", res.Code())
		}
	})
	t.Run("ErrPageTooLarge", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), servertest.UsersPageQuery, map[string]any{"first": 1000})
		if res.Code() != "BAD_USER_INPUT" {
			t.Fatalf("code = %q", res.Code())
		}
	})
}

func TestTenantsVisibility(t *testing.T) {
	w := servertest.NewWorld(t)
	names := func(userID int64) string {
		var out struct {
			Tenants struct {
				TotalCount int
				Nodes      []struct{ Name string }
			}
		}
		w.M.GQL(t, w.M.MustLogin(t, userID), `{ tenants(first: 50) { totalCount nodes { name } } }`, nil).Decode(t, &out)
		var s []string
		for _, n := range out.Tenants.Nodes {
			s = append(s, n.Name)
		}
		return strings.Join(s, ",")
	}
	if got := names(w.HoldingAdmin); got != "Filiale Srl,Holding Spa,Sede operativa Torino" {
		t.Errorf("holding admin: %s", got)
	}
	if got := names(w.CompanyAdmin); got != "Filiale Srl,Sede operativa Torino" {
		t.Errorf("company admin: %s", got)
	}
	if got := names(w.OtherAdmin); got != "Altra Azienda" {
		t.Errorf("other admin: %s", got)
	}
	t.Run("ParentHiddenAboveViewer", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), `query($id: ID!) { node(id: $id) { ... on Tenant { name parent { name } } } }`,
			map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
		if string(res.Data) != `{"node":{"name":"Filiale Srl","parent":null}}` {
			t.Fatalf("got %s", res.Data)
		}
	})
	t.Run("ErrNodeOfOtherTenant", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), `query($id: ID!) { node(id: $id) { id } }`,
			map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("got %s", res.Data)
		}
	})
	t.Run("ErrInvalidID", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), `{ node(id: "bm9wZQ") { id } }`, nil)
		if res.Code() != "BAD_USER_INPUT" {
			t.Fatalf("code = %q", res.Code())
		}
	})
}

func TestPagination(t *testing.T) {
	w := servertest.NewWorld(t)
	for i := range 25 {
		u := w.F.User(fmt.Sprintf("user%02d", i), w.Company)
		w.F.Assign(u, w.Company, "segmenti", "guest")
	}
	token := w.M.MustLogin(t, w.CompanyAdmin)
	var seen []string
	after := any(nil)
	for range 10 {
		var page servertest.UsersPage
		w.M.GQL(t, token, servertest.UsersPageQuery, map[string]any{"first": 7, "after": after}).Decode(t, &page)
		for _, e := range page.Users.Edges {
			seen = append(seen, e.Node.Username)
		}
		if !page.Users.PageInfo.HasNextPage {
			break
		}
		after = page.Users.PageInfo.EndCursor
	}
	if len(seen) != 27 || seen[0] != "company.admin" || seen[26] != "user24" {
		t.Fatalf("forward paging saw %d users: %v", len(seen), seen)
	}
	// Backwards from the end returns the same order.
	var page struct {
		Users struct {
			PageInfo struct{ HasPreviousPage bool }
			Nodes    []struct{ Username string }
		}
	}
	w.M.GQL(t, token, `{ users(last: 3) { pageInfo { hasPreviousPage } nodes { username } } }`, nil).Decode(t, &page)
	if len(page.Users.Nodes) != 3 || page.Users.Nodes[0].Username != "user22" || page.Users.Nodes[2].Username != "user24" {
		t.Fatalf("last 3 = %+v", page.Users.Nodes)
	}
}

// TestUsersPageQueryCount proves the dataloaders: a page of 50 users with
// memberships, tenants, roles and products costs the same small number of
// SQL statements as a page of 5.
func TestUsersPageQueryCount(t *testing.T) {
	// Only this test's requests on the database: no mail polling, no event
	// relay (they counted in under load).
	w := servertest.NewWorldOn(t, servertest.MustRunMainWith(t, "-mail-poll-interval", "1h", "-event-relay=false"))
	for i := range 60 {
		u := w.F.User(fmt.Sprintf("bulk%02d", i), w.Company)
		w.F.Assign(u, w.Company, "segmenti", "user")
		w.F.Assign(u, w.Company, "clienti", "guest")
		w.F.Assign(u, w.Site, "send", "solo-statistiche")
	}
	token := w.M.MustLogin(t, w.HoldingAdmin)
	statements := func(first int) int64 {
		before := w.M.DB.QueryCount()
		var page servertest.UsersPage
		w.M.GQL(t, token, servertest.UsersPageQuery, map[string]any{"first": first}).Decode(t, &page)
		if len(page.Users.Edges) != first {
			t.Fatalf("got %d users", len(page.Users.Edges))
		}
		return w.M.DB.QueryCount() - before
	}
	// The bound does not depend on the page size: one statement per
	// nesting level (users, memberships, tenants, role assignments, tenant
	// parents), plus the viewer, its grants, one tree walk, the catalog
	// and the count.
	const bound = 12
	for _, first := range []int{5, 50} {
		n := fewestStatements(statements, first)
		t.Logf("SQL statements for a page of %d users with memberships and roles: %d", first, n)
		if n > bound {
			t.Errorf("a page of %d users costs %d statements, bound %d", first, n, bound)
		}
	}
}

func TestQueryLimits(t *testing.T) {
	w := servertest.NewWorld(t)
	token := w.M.MustLogin(t, w.HoldingAdmin)
	t.Run("ErrTooDeep", func(t *testing.T) {
		q := `{ tenants(first: 1) { nodes { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } }`
		res := w.M.GQL(t, token, q, nil)
		if res.Code() != "QUERY_TOO_DEEP" {
			t.Fatalf("code = %q %+v", res.Code(), res.Errors)
		}
	})
	t.Run("ErrTooComplex", func(t *testing.T) {
		q := `{ tenants(first: 100) { nodes { users(first: 100) { nodes { memberships { roleAssignments { role { name } } } } } } } }`
		res := w.M.GQL(t, token, q, nil)
		if res.Code() != "COMPLEXITY_LIMIT_EXCEEDED" && res.Code() != "BAD_USER_INPUT" {
			t.Fatalf("code = %q %+v", res.Code(), res.Errors)
		}
	})
	t.Run("ErrBatchingRefused", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, w.M.URL()+"/graphql", strings.NewReader(`[{"query":"{ viewer { platformAdmin } }"},{"query":"{ viewer { platformAdmin } }"}]`))
		req.Header.Set("Content-Type", "application/json")
		if res := servertest.Do(t, req); len(res.Errors) == 0 {
			t.Fatal("batched request accepted")
		}
	})
}

func TestPersistedQueries(t *testing.T) {
	w := servertest.NewWorld(t)
	token := w.M.MustLogin(t, w.HoldingAdmin)
	query := `{ viewer { platformAdmin } }`
	sum := sha256.Sum256([]byte(query))
	ext := fmt.Sprintf(`{"persistedQuery":{"version":1,"sha256Hash":"%s"}}`, hex.EncodeToString(sum[:]))
	getReq := func() *http.Request {
		req, _ := http.NewRequest(http.MethodGet, w.M.URL()+"/graphql?extensions="+url.QueryEscape(ext), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}
	if res := servertest.Do(t, getReq()); res.Code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("unknown hash: code %q", res.Code())
	}
	body, _ := json.Marshal(map[string]any{"query": query, "extensions": json.RawMessage(ext)})
	req, _ := http.NewRequest(http.MethodPost, w.M.URL()+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if res := servertest.Do(t, req); len(res.Errors) > 0 {
		t.Fatalf("register: %+v", res.Errors)
	}
	if res := servertest.Do(t, getReq()); string(res.Data) != `{"viewer":{"platformAdmin":false}}` {
		t.Fatalf("persisted query: %s %+v", res.Data, res.Errors)
	}
}

// TestNodesNullsOnlyTheBadPosition (issue 15.5): in nodes(ids:), a
// malformed ID nulls its own position with an error on that position's
// path; the objects before and after it are answered, and an object the
// viewer may not see is null without an error.
func TestNodesNullsOnlyTheBadPosition(t *testing.T) {
	w := servertest.NewWorld(t)
	ids := []string{servertest.GlobalID("Tenant", w.Company), "not-an-id", servertest.GlobalID("User", w.CompanyAdmin), servertest.GlobalID("Tenant", w.Other)}
	res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), `query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }`, map[string]any{"ids": ids})
	var data struct {
		Nodes []*struct{ ID, Typename string }
	}
	if err := json.Unmarshal(res.Data, &data); err != nil || len(data.Nodes) != 4 {
		t.Fatalf("data %s: %v", res.Data, err)
	}
	if data.Nodes[0] == nil || data.Nodes[0].ID != ids[0] || data.Nodes[1] != nil || data.Nodes[2] == nil || data.Nodes[2].ID != ids[2] || data.Nodes[3] != nil {
		t.Fatalf("nodes %s, want [company, null, admin, null]", res.Data)
	}
	if len(res.Errors) != 1 || res.Code() != "BAD_USER_INPUT" || fmt.Sprint(res.Errors[0].Path) != "[nodes 1]" {
		t.Fatalf("errors %+v, want one BAD_USER_INPUT at [nodes 1]", res.Errors)
	}
}

// TestForeignCursorIsRefused (issue 15.5): a cursor of one connection
// passed to another is BAD_USER_INPUT INVALID_CURSOR, not the first page.
func TestForeignCursorIsRefused(t *testing.T) {
	w := servertest.NewWorld(t)
	token := w.M.MustLogin(t, w.CompanyAdmin)
	var page servertest.UsersPage
	w.M.GQL(t, token, servertest.UsersPageQuery, map[string]any{"first": 1}).Decode(t, &page)
	if len(page.Users.Edges) == 0 {
		t.Fatal("no users")
	}
	res := w.M.GQL(t, token, `query($after: String) { tenants(first: 5, after: $after) { nodes { name } } }`,
		map[string]any{"after": page.Users.Edges[0].Cursor})
	if res.Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["reason"] != "INVALID_CURSOR" {
		t.Fatalf("a users cursor given to tenants: %s %+v", res.Data, res.Errors)
	}
}

// TestUsersCountIsBounded (issue 17.2): a users list counts exactly up to
// EXACT_COUNT_LIMIT and says so; past it totalCount is an estimate above
// the limit and totalCountIsExact is false.
func TestUsersCountIsBounded(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-exact-count-limit", "4")
	w := servertest.NewWorldOn(t, m)
	for i := range 6 {
		w.F.Assign(w.F.User(fmt.Sprintf("counted.user%d", i), w.Other), w.Other, "segmenti", "user")
	}
	token := m.MustLogin(t, w.OtherAdmin)
	count := func(filter map[string]any) (n int, exact bool) {
		var out struct {
			Users struct {
				TotalCount        int
				TotalCountIsExact bool
			}
		}
		m.GQL(t, token, `query($f: UserFilter) { users(first: 1, filter: $f) { totalCount totalCountIsExact } }`,
			map[string]any{"f": filter}).Decode(t, &out)
		return out.Users.TotalCount, out.Users.TotalCountIsExact
	}
	if n, exact := count(nil); exact || n <= 4 {
		t.Fatalf("7 members, limit 4: totalCount %d exact %v, want an estimate above 4", n, exact)
	}
	if n, exact := count(map[string]any{"search": "counted.user1"}); !exact || n != 1 {
		t.Fatalf("one match: totalCount %d exact %v", n, exact)
	}
}
