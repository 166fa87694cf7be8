package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// TestListsOrderBy (issue 15.3): the orderBy and filter arguments of the
// tenants, audit trail, service accounts, nominations and findings lists
// through the API: the order, paging under it, a cursor of another order
// refused with INVALID_CURSOR, and filters that keep to the viewer's
// tenants while other tenants hold matching rows.
func TestListsOrderBy(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	holding := w.Token(t, w.HoldingAdmin)
	company := w.Token(t, w.CompanyAdmin)
	w.F.Exec("UPDATE tenants SET country = 'FR' WHERE id IN (?, ?)", w.Company, w.Other)
	// names lists the value of key in each node of the connection at path
	// (a User's username for key "user"), and the cursors.
	names := func(res *servertest.Response, path, key string) (string, []string) {
		t.Helper()
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %+v", path, res.Errors)
		}
		var raw json.RawMessage
		res.Decode(t, &raw)
		for _, part := range strings.Split(path, ".") {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatalf("%s: %v in %s", path, err, raw)
			}
			raw = m[part]
		}
		var c struct {
			Edges []struct {
				Cursor string
				Node   map[string]any
			}
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v in %s", path, err, raw)
		}
		var out, cursors []string
		for _, e := range c.Edges {
			v := e.Node[key]
			if m, ok := v.(map[string]any); ok {
				v = m["username"]
			}
			out = append(out, v.(string))
			cursors = append(cursors, e.Cursor)
		}
		return strings.Join(out, ","), cursors
	}
	tenantsQ := `query($o: TenantOrder, $country: String, $after: String, $first: Int) {
		tenants(orderBy: $o, country: $country, after: $after, first: $first) { edges { cursor node { name } } } }`
	t.Run("Tenants", func(t *testing.T) {
		for order, want := range map[string]string{
			"":          "Filiale Srl,Holding Spa,Sede operativa Torino",
			"NAME DESC": "Sede operativa Torino,Holding Spa,Filiale Srl",
		} {
			vars := map[string]any{}
			if order != "" {
				f, d, _ := strings.Cut(order, " ")
				vars["o"] = map[string]any{"field": f, "direction": d}
			}
			if got, _ := names(w.M.GQL(t, holding, tenantsQ, vars), "tenants", "name"); got != want {
				t.Fatalf("tenants %q: %s, want %s", order, got, want)
			}
		}
		// Altra Azienda is French too, but not the holding admin's.
		if got, _ := names(w.M.GQL(t, holding, tenantsQ, map[string]any{"country": "fr"}), "tenants", "name"); got != "Filiale Srl" {
			t.Fatalf("French tenants: %s", got)
		}
		desc := map[string]any{"field": "NAME", "direction": "DESC"}
		_, c := names(w.M.GQL(t, holding, tenantsQ, map[string]any{"o": desc, "first": 1}), "tenants", "name")
		if got, _ := names(w.M.GQL(t, holding, tenantsQ, map[string]any{"o": desc, "first": 5, "after": c[0]}), "tenants", "name"); got != "Holding Spa,Filiale Srl" {
			t.Fatalf("second page: %s", got)
		}
		res := w.M.GQL(t, holding, tenantsQ, map[string]any{"after": c[0]})
		if res.Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["reason"] != "INVALID_CURSOR" {
			t.Fatalf("NAME DESC cursor under the default order: %+v", res.Errors)
		}
	})
	t.Run("AuditEvents", func(t *testing.T) {
		for _, e := range []struct {
			tenant int64
			action string
		}{{w.Company, "user.suspend"}, {w.Company, "group.create"}, {w.Other, "user.create"}, {w.Company, "user.create"}, {w.Other, "group.create"}} {
			w.F.Exec("INSERT INTO audit_events (tenant_id, action, actor_label) VALUES (?, ?, 'test')", e.tenant, e.action)
		}
		q := `query($o: AuditEventOrder, $f: AuditEventFilter) { auditEvents(orderBy: $o, filter: $f, first: 50) { edges { cursor node { action } } } }`
		got, _ := names(w.M.GQL(t, company, q, map[string]any{"o": map[string]any{"field": "ACTION", "direction": "ASC"},
			"f": map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company)}}), "auditEvents", "action")
		if !strings.HasPrefix(got, "group.create,") || strings.Count(got, "group.create") != 1 || !strings.HasSuffix(got, "user.create,user.suspend") {
			t.Fatalf("company's trail by action: %s", got)
		}
		// The other tenant's user.create is not the company admin's.
		got, _ = names(w.M.GQL(t, company, q, map[string]any{"o": map[string]any{"field": "ACTION", "direction": "DESC"},
			"f": map[string]any{"action": "user.create"}}), "auditEvents", "action")
		if got != "user.create" {
			t.Fatalf("user.create in the company admin's trail: %s", got)
		}
	})
	t.Run("Oversight", func(t *testing.T) {
		q := `query($id: ID!, $o: SecurityFindingOrder, $r: SecurityFindingReason) { securityFindings(tenantId: $id) {
			notActivated(orderBy: $o, reason: $r) { edges { cursor node { user { username } } } } } }`
		id := servertest.GlobalID("Tenant", w.Company)
		asc, _ := names(w.M.GQL(t, company, q, map[string]any{"id": id}), "securityFindings.notActivated", "user")
		desc, _ := names(w.M.GQL(t, company, q, map[string]any{"id": id, "o": map[string]any{"field": "USERNAME", "direction": "DESC"}}), "securityFindings.notActivated", "user")
		a, d := strings.Split(asc, ","), strings.Split(desc, ",")
		if len(a) < 2 || len(a) != len(d) || a[0] != d[len(d)-1] {
			t.Fatalf("findings ascending %s, descending %s", asc, desc)
		}
		if got, _ := names(w.M.GQL(t, company, q, map[string]any{"id": id, "r": "INVITED"}), "securityFindings.notActivated", "user"); got != "" {
			t.Fatalf("invited members: %s", got)
		}
		res := w.M.GQL(t, company, `query($id: ID!) { nominations(tenantId: $id, orderBy: {field: EXPIRES_AT, direction: DESC}) { totalCount } }`, map[string]any{"id": id})
		if res.Code() != "" {
			t.Fatalf("nominations by expiry: %+v", res.Errors)
		}
		res = w.M.GQL(t, company, `query($id: ID!) { node(id: $id) { ... on Tenant { serviceAccounts(status: SUSPENDED, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount } } } }`, map[string]any{"id": id})
		if res.Code() != "" {
			t.Fatalf("service accounts by creation: %+v", res.Errors)
		}
	})
}
