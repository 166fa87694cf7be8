package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// TestR12PersonalDataFieldLevel: a restricted role never sees other
// people's personal data, whatever path reaches them in the API.
func TestR12PersonalDataFieldLevel(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	// A restricted administrator role: manages people on amisgest, without
	// personal-data access (the technician's restriction, on an admin role
	// so that the API lets it reach other users at all).
	w.F.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'administration'
		AND product_id = (SELECT id FROM products WHERE code = 'amisgest')`)
	restricted := w.F.User("restricted.admin", w.Site)
	w.F.Assign(restricted, w.Site, "amisgest", "administration")
	w.F.Assign(w.Operator, w.Site, "amisgest", "educatrice")
	w.F.Exec("UPDATE users SET phone = '+390111234567' WHERE id = ?", w.Operator)
	token := w.Token(t, restricted)
	personal := []string{"Givenoperatore.uno", "Familyoperatore.uno", "operatore.uno@example.test", servertest.ValidCF(904), "+390111234567"}
	check := func(name string, res *servertest.Response) {
		t.Helper()
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %+v", name, res.Errors)
		}
		if !strings.Contains(string(res.Data), "operatore.uno") {
			t.Fatalf("%s: the user is not listed at all: %s", name, res.Data)
		}
		for _, p := range personal {
			if strings.Contains(string(res.Data), p) {
				t.Fatalf("R12 %s: a restricted role sees %q: %s", name, p, res.Data)
			}
		}
	}
	fields := `username givenName familyName email phone taxCode pendingEmail`
	check("users", w.M.GQL(t, token, `{ users(first: 50) { nodes { `+fields+` } } }`, nil))
	check("node", w.M.GQL(t, token, `query($id: ID!) { node(id: $id) { ... on User { `+fields+` } } }`,
		map[string]any{"id": servertest.GlobalID("User", w.Operator)}))
	check("usersByProduct", w.M.GQL(t, token, `query($id: ID!) { node(id: $id) { ... on Tenant { usersByProduct { users { nodes { `+fields+` } } } } } }`,
		map[string]any{"id": servertest.GlobalID("Tenant", w.Site)}))
	check("search by personal data finds nothing the viewer cannot see", w.M.GQL(t, token, `{ users(first: 5, filter: {search: "operatore.uno"}) { nodes { `+fields+` } } }`, nil))
	// Lookup of a member returns the member without personal data.
	p := w.Mutate(t, token, "lookupUserCandidate", "LookupUserCandidateInput", "outcome user { "+fields+" }",
		map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Site), "username": "operatore.uno", "taxCode": servertest.ValidCF(904)})
	check("lookupUserCandidate", p.Res)
	// The technician (restricted operator) sees no other user at all, and
	// its own data in full.
	tech := w.Token(t, w.Technician)
	if res := w.M.GQL(t, tech, `{ users(first: 5) { totalCount } }`, nil); !strings.Contains(string(res.Data), `"totalCount":0`) {
		t.Fatalf("technician lists users: %s", res.Data)
	}
	if res := w.M.GQL(t, tech, `{ viewer { user { email } } }`, nil); !strings.Contains(string(res.Data), "tech.amisgest@example.test") {
		t.Fatalf("technician's own data hidden: %s", res.Data)
	}
}

func TestPersonalDataHiddenFromRestrictedRole(t *testing.T) {
	w := servertest.NewWorld(t)
	token := w.M.MustLogin(t, w.Technician)
	res := w.M.GQL(t, token, `query($id: ID!) { node(id: $id) { ... on User { username givenName email taxCode } } }`,
		map[string]any{"id": servertest.GlobalID("User", w.CompanyAdmin)})
	// An operator has no user directory: the node is not visible at all.
	if string(res.Data) != `{"node":null}` {
		t.Fatalf("technician sees a colleague: %s", res.Data)
	}
	// Own data stays visible.
	res = w.M.GQL(t, token, `{ viewer { user { username givenName } } }`, nil)
	if !strings.Contains(string(res.Data), `"givenName":"Giventech.amisgest"`) {
		t.Fatalf("own data hidden: %s", res.Data)
	}
}
