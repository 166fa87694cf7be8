package db_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"tenantadmin/db"
)

// TestSubtreesFromTheTreeInMemory: a request whose viewer read saw the
// tenant tree's version answers its subtrees from the tree in memory
// (db/tenant_tree.go), without a statement, and the same as the walk in
// PostgreSQL; after a tenant is added, moved under another parent or
// removed, the next request's subtrees show it at once. Without the
// trigger that versions the tree (migration 0015), the tree in memory would
// stay as it was and this fails.
func TestSubtreesFromTheTreeInMemory(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 150)
	users, tenants := db.NewUserService(d), db.NewTenantService(d)
	var viewerID int64
	var all, roots []int64
	if err := conn.QueryRow(ctx, "SELECT min(user_id) FROM memberships").Scan(&viewerID); err != nil {
		t.Fatal(err)
	}
	rows, _ := conn.Query(ctx, "SELECT id, parent_id IS NULL FROM tenants ORDER BY id")
	for rows.Next() {
		var id int64
		var root bool
		if err := rows.Scan(&id, &root); err != nil {
			t.Fatal(err)
		}
		all = append(all, id)
		if root {
			roots = append(roots, id)
		}
	}
	if rows.Err() != nil || len(roots) < 3 {
		t.Fatalf("%d tenants, %d roots: %v", len(all), len(roots), rows.Err())
	}
	rng := rand.New(rand.NewPCG(7, 17))
	// compare asks for the subtrees of random tenants in a new request and
	// compares them with the walk in PostgreSQL.
	compare := func(step string) {
		t.Helper()
		request := db.WithSession(db.WithTreeSnapshot(ctx), "user:1")
		if _, err := users.LoadViewer(request, viewerID); err != nil {
			t.Fatal(err)
		}
		for i := range 40 {
			from := roots
			if i%2 == 1 {
				from = all
			}
			ask := []int64{from[rng.IntN(len(from))], from[rng.IntN(len(from))]}[:1+rng.IntN(2)]
			var statements []string
			stop := d.ObserveQueries(func(q string) { statements = append(statements, q) })
			got, err := tenants.DescendantIDs(request, ask)
			stop()
			if err != nil {
				t.Fatal(err)
			}
			if i > 0 && len(statements) > 0 { // the first may read the tree
				t.Fatalf("%s: the subtree of %v was read from PostgreSQL: %q", step, ask, statements)
			}
			want, err := tenants.DescendantIDs(ctx, ask) // no snapshot: the walk in PostgreSQL
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: below %v the tree in memory has\n%v\nPostgreSQL\n%v", step, ask, got, want)
			}
		}
	}
	compare("as generated")
	var added int64
	if err := conn.QueryRow(ctx, "INSERT INTO tenants (name, country, parent_id) SELECT 'Nuova sede', 'IT', id FROM tenants WHERE parent_id = $1 LIMIT 1 RETURNING id", roots[0]).Scan(&added); err != nil {
		t.Fatal(err)
	}
	all = append(all, added)
	compare("a site added")
	if _, err := conn.Exec(ctx, "UPDATE tenants SET parent_id = $1 WHERE id = $2", roots[1], added); err != nil {
		t.Fatal(err)
	}
	compare("the site moved to another organisation")
	if _, err := conn.Exec(ctx, "UPDATE tenants SET parent_id = $1 WHERE parent_id = $2", roots[2], roots[0]); err != nil {
		t.Fatal(err)
	}
	compare("an organisation's sites moved")
	if _, err := conn.Exec(ctx, "DELETE FROM tenants WHERE id = $1", added); err != nil {
		t.Fatal(err)
	}
	all = slices.DeleteFunc(all, func(id int64) bool { return id == added })
	compare("the site removed")
	// A request that creates a site sees it in its parent's subtree
	// afterwards, although its viewer read saw the tree before.
	request := db.WithSession(db.WithTreeSnapshot(ctx), "user:1")
	if _, err := users.LoadViewer(request, viewerID); err != nil {
		t.Fatal(err)
	}
	if _, err := tenants.DescendantIDs(request, roots[:1]); err != nil {
		t.Fatal(err)
	}
	var created int64
	if err := d.NewRaw("INSERT INTO tenants (name, country, parent_id) VALUES ('Sede del giorno', 'IT', ?) RETURNING id", roots[0]).Scan(request, &created); err != nil {
		t.Fatal(err)
	}
	if below, err := tenants.DescendantIDs(request, roots[:1]); err != nil || !slices.Contains(below, created) {
		t.Fatalf("the request that created site %d does not see it below %d: %v, %v", created, roots[0], below, err)
	}
	// A request without a snapshot (a WebSocket connection's context), or
	// without a session to tell its writes, walks in PostgreSQL.
	anonymous := db.WithTreeSnapshot(ctx)
	if _, err := users.LoadViewer(anonymous, viewerID); err != nil {
		t.Fatal(err)
	}
	var statements []string
	stop := d.ObserveQueries(func(q string) { statements = append(statements, q) })
	for _, c := range []context.Context{ctx, anonymous} {
		if _, err := tenants.DescendantIDs(c, roots[:1]); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	if len(statements) != 2 || !strings.Contains(statements[0], "WITH RECURSIVE") || !strings.Contains(statements[1], "WITH RECURSIVE") {
		t.Fatalf("without a snapshot: %q", statements)
	}
	// Without its version (the row deleted by hand), the tree is walked in
	// PostgreSQL, and the viewer still reads.
	if _, err := conn.Exec(ctx, "DELETE FROM tenant_tree_version"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "UPDATE tenants SET parent_id = $1 WHERE parent_id = $2", roots[0], roots[2]); err != nil {
		t.Fatal(err)
	}
	request = db.WithSession(db.WithTreeSnapshot(ctx), "user:1")
	if _, err := users.LoadViewer(request, viewerID); err != nil {
		t.Fatalf("viewer without a tree version: %v", err)
	}
	got, err := tenants.DescendantIDs(request, roots[:1])
	want, _ := tenants.DescendantIDs(ctx, roots[:1])
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("without a tree version: %v, %v, want %v", got, err, want)
	}
}
