package db_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// TestFailedLoginsTenantBackfill: migration 0008 gives the failed sign-ins
// recorded before it the tenants whose membership existed at the time, so
// that a tenant attached later does not read them (issue 13, item 7).
func TestFailedLoginsTenantBackfill(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	f := dbtest.NewFixture(t, d)
	home, later := f.Tenant("Casa", 0), f.Tenant("Altrove", 0)
	u := f.User("persona", home)
	f.Assign(u, home, "segmenti", "user")
	f.Assign(u, later, "segmenti", "user")
	f.Exec("UPDATE memberships SET created_at = now() - interval '10 days' WHERE user_id = ? AND tenant_id = ?", u, home)
	f.Exec("UPDATE memberships SET created_at = now() - interval '1 day' WHERE user_id = ? AND tenant_id = ?", u, later)
	// Records as they were before the migration: no tenants.
	f.Exec(`INSERT INTO failed_logins (user_id, reason, created_at) VALUES
		(?, 'INVALID_CREDENTIALS', now() - interval '5 days'), (?, 'INVALID_CREDENTIALS', now() - interval '1 hour'),
		(?, 'INVALID_CREDENTIALS', now() - interval '20 days')`, u, u, u)

	src, err := fs.ReadFile(db.MigrationFiles(), "migrations/0008_security_records_tenants.up.sql")
	if err != nil {
		t.Fatal(err)
	}
	update := string(src[strings.Index(string(src), "UPDATE failed_logins"):])
	if _, err := d.ExecContext(ctx, update); err != nil {
		t.Fatal(err)
	}
	count := func(scope domain.Scope) int {
		conn, err := db.NewCredentialService(d).FailedLogins(ctx, u, scope, domain.Page{First: 10})
		if err != nil {
			t.Fatal(err)
		}
		n, err := conn.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(domain.Scope{TenantIDs: []int64{later}}); n != 1 {
		t.Fatalf("the tenant attached a day ago reads %d earlier records, want 1 (the last hour's)", n)
	}
	if n := count(domain.Scope{TenantIDs: []int64{home}}); n != 2 {
		t.Fatalf("the home tenant reads %d, want 2 (not the one before the membership)", n)
	}
	if n := count(domain.Scope{All: true}); n != 3 {
		t.Fatalf("unscoped: %d", n)
	}
	if n := count(domain.Scope{}); n != 0 {
		t.Fatalf("empty scope reads %d", n)
	}
}
