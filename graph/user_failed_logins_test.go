package graph_test

import (
	"testing"

	"tenantadmin/server/servertest"
)

const failedLoginsQuery = `query($id: ID!, $after: String) { node(id: $id) { ... on User {
  failedLogins(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { at ip operatingSystem browser reason } } } } }`

func TestFailedLoginsQuery(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, w.M, op)
	agents := []string{servertest.ChromeWindows,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"}
	for _, ua := range agents {
		w.M.GQLUA(t, "", ua, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "operatore.uno", "password": "wrong password here", "tokenKind": "BEARER"}})
	}
	type page struct {
		Node *struct {
			FailedLogins struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []struct{ At, IP, OperatingSystem, Browser, Reason string }
			}
		}
	}
	vars := map[string]any{"id": servertest.GlobalID("User", op)}
	t.Run("OK", func(t *testing.T) {
		var p page
		token := w.M.MustLogin(t, w.CompanyAdmin)
		w.M.GQL(t, token, failedLoginsQuery, vars).Decode(t, &p)
		fl := p.Node.FailedLogins
		if fl.TotalCount != 3 || len(fl.Nodes) != 2 || !fl.PageInfo.HasNextPage {
			t.Fatalf("page %+v", fl)
		}
		if n := fl.Nodes[0]; n.OperatingSystem != "Linux" || n.Browser != "Firefox" || n.IP != "127.0.0.1" || n.Reason != "INVALID_CREDENTIALS" {
			t.Fatalf("newest first: %+v", n)
		}
		var next page
		w.M.GQL(t, token, failedLoginsQuery, map[string]any{"id": vars["id"], "after": fl.PageInfo.EndCursor}).Decode(t, &next)
		if n := next.Node.FailedLogins.Nodes; len(n) != 1 || n[0].OperatingSystem != "Windows" || n[0].Browser != "Chrome" {
			t.Fatalf("second page %+v", n)
		}
	})
	t.Run("ParentAdminReads", func(t *testing.T) {
		var p page
		w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), failedLoginsQuery, vars).Decode(t, &p)
		if p.Node.FailedLogins.TotalCount != 3 {
			t.Fatal("the holding's admin cannot read")
		}
	})
	t.Run("TheUserReads", func(t *testing.T) {
		var p page
		w.M.GQL(t, w.M.MustLogin(t, op), failedLoginsQuery, vars).Decode(t, &p)
		if p.Node.FailedLogins.TotalCount != 3 {
			t.Fatal("the user cannot read their own")
		}
	})
	t.Run("ErrOtherTenantAdmin", func(t *testing.T) {
		// The user is outside this admin's directory: the node is hidden,
		// and the Authorizer would refuse the list (domain tests).
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), failedLoginsQuery, vars)
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("another tenant's admin: %s", res.Data)
		}
	})
	t.Run("ErrInvalidCursor", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), failedLoginsQuery, map[string]any{"id": vars["id"], "after": "!!"})
		if res.Code() != "BAD_USER_INPUT" {
			t.Fatalf("code %q", res.Code())
		}
	})
}
