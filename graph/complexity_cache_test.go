package graph_test

import (
	"testing"

	"tenantadmin/server/servertest"
)

// TestComplexityRemembered: an operation's complexity is remembered per
// document, name and variables (issue 17.1), so a request seen before reads
// the same figure gqlgen computed for it, and other variables get their
// own. With the variables left out of the key, the second page size would
// answer the first's cost, and the page too large for the limit would pass
// on the small page's figure: this fails.
func TestComplexityRemembered(t *testing.T) {
	w := servertest.NewWorld(t)
	token := w.M.MustLogin(t, w.HoldingAdmin)
	const q = `query Page($tenants: Int, $users: Int) { tenants(first: $tenants) { nodes { name
		users(first: $users) { nodes { username memberships { roleAssignments { role { name } } } } } } } }`
	type answer struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
		Extensions struct {
			Cost struct{ Requested, Limit int }
		}
	}
	post := func(vars map[string]any) answer {
		t.Helper()
		var a answer
		servertest.Post(t, w.M.URL(), token, map[string]any{"query": q, "operationName": "Page", "variables": vars}, &a)
		return a
	}
	small := map[string]any{"tenants": 2, "users": 3}
	larger := map[string]any{"tenants": 5, "users": 10}
	tooLarge := map[string]any{"tenants": 100, "users": 100}
	costs := map[string][]int{}
	for range 2 {
		for name, vars := range map[string]map[string]any{"small": small, "larger": larger} {
			a := post(vars)
			if len(a.Errors) > 0 || a.Extensions.Cost.Requested == 0 || a.Extensions.Cost.Limit == 0 {
				t.Fatalf("%s page: %+v", name, a)
			}
			costs[name] = append(costs[name], a.Extensions.Cost.Requested)
		}
		// Past the limit, after the same document was remembered under
		// other variables: refused every time.
		if a := post(tooLarge); len(a.Errors) == 0 || a.Errors[0].Extensions.Code != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("a page past the complexity limit: %+v", a)
		}
	}
	if costs["small"][0] != costs["small"][1] || costs["larger"][0] != costs["larger"][1] {
		t.Fatalf("a remembered operation answered another cost than computed: %v", costs)
	}
	if costs["small"][0] >= costs["larger"][0] {
		t.Fatalf("two page sizes, costs %v: the larger page should cost more", costs)
	}
}
