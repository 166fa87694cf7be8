package graph_test

import (
	"encoding/json"
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
	type cost struct{ Requested, Limit int }
	post := func(vars map[string]any) (*servertest.Response, cost) {
		t.Helper()
		res := w.M.GQL(t, token, q, vars)
		var ext struct{ Cost cost }
		if len(res.Extensions) > 0 {
			if err := json.Unmarshal(res.Extensions, &ext); err != nil {
				t.Fatal(err)
			}
		}
		return res, ext.Cost
	}
	small := map[string]any{"tenants": 2, "users": 3}
	larger := map[string]any{"tenants": 5, "users": 10}
	tooLarge := map[string]any{"tenants": 100, "users": 100}
	costs := map[string][]int{}
	for range 2 {
		for name, vars := range map[string]map[string]any{"small": small, "larger": larger} {
			res, c := post(vars)
			if len(res.Errors) > 0 || c.Requested == 0 || c.Limit == 0 {
				t.Fatalf("%s page: %+v, cost %+v", name, res.Errors, c)
			}
			costs[name] = append(costs[name], c.Requested)
		}
		// Past the limit, after the same document was remembered under
		// other variables: refused every time.
		if res, c := post(tooLarge); res.Code() != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Fatalf("a page past the complexity limit: %+v, cost %+v", res.Errors, c)
		}
	}
	if costs["small"][0] != costs["small"][1] || costs["larger"][0] != costs["larger"][1] {
		t.Fatalf("a remembered operation answered another cost than computed: %v", costs)
	}
	if costs["small"][0] >= costs["larger"][0] {
		t.Fatalf("two page sizes, costs %v: the larger page should cost more", costs)
	}
}
