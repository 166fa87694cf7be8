package main

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"tenantadmin/graph"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

const tenantsPageQuery = `query($first: Int, $after: String) {
  tenants(first: $first, after: $after) { edges { cursor node { id name } } pageInfo { hasNextPage endCursor } }
}`

type tenantsPage struct {
	Tenants struct {
		Edges []struct {
			Cursor string
			Node   struct{ ID, Name string }
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   string
		}
	}
}

// TestCursorsAreOpaqueAcrossReplicas (issue 15.5): cursors are sealed with
// CURSOR_SECRET. Two replicas with the same secret page through one list
// together and give the same cursor for the same row; a replica with
// another secret, a changed cursor and a readable one (the format before
// sealing) are INVALID_CURSOR; no cursor shows the list's name, the row's
// id or its sort key.
func TestCursorsAreOpaqueAcrossReplicas(t *testing.T) {
	a := servertest.MustRunMainWith(t, "-cursor-secret", servertest.CursorSecret)
	w := servertest.NewWorldOn(t, a)
	b := servertest.MustRunReplica(t, a, nil, "-cursor-secret", servertest.CursorSecret)
	other := servertest.MustRunReplica(t, a, nil, "-cursor-secret", "the secret of another deployment, 0123456789")
	token := a.MustLogin(t, w.HoldingAdmin)

	var whole tenantsPage
	a.GQL(t, token, tenantsPageQuery, map[string]any{"first": 10}).Decode(t, &whole)
	if len(whole.Tenants.Edges) < 3 {
		t.Fatalf("the holding administrator sees %d tenants, want 3", len(whole.Tenants.Edges))
	}

	// One row a page, every other page from the other replica.
	var after any
	for i, want := range whole.Tenants.Edges {
		m := []*servertest.Main{a, b}[i%2]
		var page tenantsPage
		m.GQL(t, token, tenantsPageQuery, map[string]any{"first": 1, "after": after}).Decode(t, &page)
		if len(page.Tenants.Edges) != 1 || page.Tenants.Edges[0].Node != want.Node || page.Tenants.Edges[0].Cursor != want.Cursor {
			t.Fatalf("page %d from replica %d: %+v, want %+v", i, i%2, page.Tenants.Edges, want)
		}
		if page.Tenants.PageInfo.EndCursor != want.Cursor {
			t.Fatalf("page %d: endCursor %q, edge cursor %q", i, page.Tenants.PageInfo.EndCursor, want.Cursor)
		}
		after = page.Tenants.PageInfo.EndCursor
	}

	sealer, err := graph.NewCursors(servertest.CursorSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range whole.Tenants.Edges {
		raw, err := base64.RawURLEncoding.DecodeString(e.Cursor)
		if err != nil {
			t.Fatalf("cursor %q is not base64url: %v", e.Cursor, err)
		}
		_, localID, _ := strings.Cut(string(mustDecodeGlobalID(t, e.Node.ID)), ":")
		for _, visible := range []string{"tenantCursor", e.Node.Name, `"i":` + localID, localID + "}"} {
			if strings.Contains(string(raw), visible) || strings.Contains(e.Cursor, visible) {
				t.Errorf("cursor %q shows %q", e.Cursor, visible)
			}
		}
		// Sealing costs a fixed overhead over the storage's own cursor
		// (what the list's keyset writes: its name, order and key).
		plain, ok := sealer.Open(e.Cursor)
		if !ok {
			t.Fatalf("cursor %q does not open with the replicas' secret", e.Cursor)
		}
		if len(e.Cursor) > len(plain)+40 {
			t.Errorf("cursor %q is %d characters, %d more than the storage's cursor: not compact", e.Cursor, len(e.Cursor), len(e.Cursor)-len(plain))
		}
	}

	cursor := whole.Tenants.Edges[0].Cursor
	localID := func() string {
		_, id, _ := strings.Cut(string(mustDecodeGlobalID(t, whole.Tenants.Edges[0].Node.ID)), ":")
		return id
	}()
	readable := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`tenantCursor:{"n":%q,"i":%s}`, whole.Tenants.Edges[0].Node.Name, localID)))
	for name, c := range map[string]struct {
		m      *servertest.Main
		cursor string
	}{
		"another deployment's secret": {other, cursor},
		"one character changed":       {a, flipChar(cursor, len(cursor)/2)},
		"last character changed":      {a, flipChar(cursor, len(cursor)-1)},
		"cut short":                   {a, cursor[:len(cursor)-4]},
		"readable, as before sealing": {a, readable},
		"empty":                       {a, ""},
	} {
		res := c.m.GQL(t, token, tenantsPageQuery, map[string]any{"first": 1, "after": c.cursor})
		if res.Code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["reason"] != "INVALID_CURSOR" {
			t.Errorf("%s: %s %+v, want INVALID_CURSOR", name, res.Data, res.Errors)
		}
	}
	// The same cursor is still good on both replicas of its deployment.
	for _, m := range []*servertest.Main{a, b} {
		var page tenantsPage
		m.GQL(t, token, tenantsPageQuery, map[string]any{"first": 1, "after": cursor}).Decode(t, &page)
		if len(page.Tenants.Edges) != 1 || page.Tenants.Edges[0].Node != whole.Tenants.Edges[1].Node {
			t.Fatalf("after the first cursor: %+v", page.Tenants.Edges)
		}
	}
}

// flipChar changes the i-th character of a base64url string to another
// base64url character.
func flipChar(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func mustDecodeGlobalID(t *testing.T, gid string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		t.Fatalf("global id %q: %v", gid, err)
	}
	return b
}

// TestCursorSecretConfig: production needs CURSOR_SECRET (replicas must
// share it; a per-process key would break paging behind a balancer), and a
// short one is refused everywhere.
func TestCursorSecretConfig(t *testing.T) {
	t.Setenv("CURSOR_SECRET", "")
	if err := wiring.NewMain().ParseFlags([]string{"-production", "-redis-url", "redis://127.0.0.1:6379/0"}); err == nil || !strings.Contains(err.Error(), "CURSOR_SECRET") {
		t.Fatalf("production without CURSOR_SECRET: %v", err)
	}
	if err := wiring.NewMain().ParseFlags([]string{"-cursor-secret", "too short"}); err == nil || !strings.Contains(err.Error(), "CURSOR_SECRET") {
		t.Fatalf("a short CURSOR_SECRET: %v", err)
	}
	if err := wiring.NewMain().ParseFlags(nil); err != nil {
		t.Fatalf("development without CURSOR_SECRET: %v", err)
	}
}
