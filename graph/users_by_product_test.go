package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// TestR21UsersByProduct: "all" grouped by product, one product, filters by
// category, role, status, and text search over name, email, username, tax
// code.
func TestR21UsersByProduct(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.F.Assign(w.Operator, w.Company, "clienti", "guest")
	w.F.Assign(w.Technician, w.Company, "segmenti", "guest")
	w.F.Exec("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", w.Technician)
	admin := w.Token(t, w.CompanyAdmin)
	q := `query($id: ID!, $category: RoleCategory, $roleId: ID, $status: UserStatus, $search: String) { node(id: $id) { ... on Tenant {
		products { code }
		usersByProduct(category: $category, roleId: $roleId, status: $status, search: $search) {
			product { code } users(first: 20) { totalCount nodes { username } } } } } }`
	sections := func(vars map[string]any) map[string]string {
		vars["id"] = servertest.GlobalID("Tenant", w.Company)
		d := w.Query(t, admin, q, vars)
		out := map[string]string{}
		for _, s := range servertest.Dig(d, "node", "usersByProduct").([]any) {
			var names []string
			for _, n := range servertest.Dig(s, "users", "nodes").([]any) {
				names = append(names, servertest.Dig(n, "username").(string))
			}
			out[servertest.Dig(s, "product", "code").(string)] = strings.Join(names, ",")
		}
		return out
	}
	t.Run("AllGroupedByProduct", func(t *testing.T) {
		d := w.Query(t, admin, `query($id: ID!) { node(id: $id) { ... on Tenant { products { code } } } }`, map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
		var codes []string
		for _, p := range servertest.Dig(d, "node", "products").([]any) {
			codes = append(codes, servertest.Dig(p, "code").(string))
		}
		if got := strings.Join(codes, ","); got != "amisgest,clienti,segmenti" {
			t.Fatalf("products = %s", got)
		}
		got := sections(map[string]any{})
		if got["segmenti"] != "company.admin,operatore.uno,tech.amisgest" || got["clienti"] != "operatore.uno" || got["amisgest"] != "tech.amisgest" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("FilterByCategory", func(t *testing.T) {
		got := sections(map[string]any{"category": "ADMIN"})
		if got["segmenti"] != "company.admin" || got["clienti"] != "" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("FilterByRole", func(t *testing.T) {
		got := sections(map[string]any{"roleId": w.Role(t, "segmenti", "guest")})
		if got["segmenti"] != "tech.amisgest" || got["clienti"] != "" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("FilterByStatus", func(t *testing.T) {
		got := sections(map[string]any{"status": "SUSPENDED"})
		if got["segmenti"] != "tech.amisgest" || got["amisgest"] != "tech.amisgest" || got["clienti"] != "" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("SearchNameEmailUsernameTaxCode", func(t *testing.T) {
		for _, s := range []string{"familyoperatore", "OPERATORE.UNO@example", "operatore.u", strings.ToLower(servertest.ValidCF(904))} {
			if got := sections(map[string]any{"search": s}); got["segmenti"] != "operatore.uno" || got["clienti"] != "operatore.uno" {
				t.Fatalf("search %q: %v", s, got)
			}
		}
	})
	t.Run("OneProduct", func(t *testing.T) {
		var out servertest.UsersPage
		w.M.GQL(t, admin, servertest.UsersPageQuery, map[string]any{"first": 10, "filter": map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "productId": w.Product(t, "clienti")}}).Decode(t, &out)
		if out.Users.TotalCount != 1 || out.Users.Edges[0].Node.Username != "operatore.uno" {
			t.Fatalf("clienti tab: %+v", out.Users)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		for _, tok := range []string{w.Token(t, w.OtherAdmin), w.Token(t, w.Operator)} {
			res := w.M.GQL(t, tok, `query($id: ID!) { node(id: $id) { ... on Tenant { usersByProduct { product { code } } } } }`,
				map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
			if res.Code() != "FORBIDDEN" && string(res.Data) != `{"node":null}` {
				t.Fatalf("got %s %+v", res.Data, res.Errors)
			}
		}
	})
}
