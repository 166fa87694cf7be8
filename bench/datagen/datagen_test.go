package datagen_test

import (
	"context"
	"io"
	"testing"

	"github.com/jackc/pgx/v5"

	"tenantadmin/bench/datagen"
	"tenantadmin/db/dbtest"
)

// TestGenerate loads a tiny dataset (scale 0.001: 10 tenants, 1,000 users)
// into a fresh database and checks the counts, the schema rules and that
// every key, index and foreign key dropped for the load came back.
func TestGenerate(t *testing.T) {
	ctx := context.Background()
	url := dbtest.NewDatabaseURL(t)
	cfg := datagen.Scaled(0.001)
	cfg.AdminPassword = "correct horse battery staple"
	stats, err := datagen.Generate(ctx, cfg, url, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	count := func(sql string) int64 {
		t.Helper()
		var n int64
		if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}

	t.Run("Counts", func(t *testing.T) {
		for table, want := range map[string]int64{
			"tenants": 10, "users": 1000, "audit_events": 2000, "credentials": 11,
		} {
			if got := count("SELECT count(*) FROM " + table); got != want {
				t.Errorf("%s: %d rows, want %d", table, got, want)
			}
		}
		if n := count("SELECT count(*) FROM tenants WHERE parent_id IS NULL"); n != 2 {
			t.Errorf("organisations: %d, want 2", n)
		}
		for table, n := range stats.Rows {
			if got := count("SELECT count(*) FROM " + table); got != n {
				t.Errorf("%s: %d rows, Generate reported %d", table, got, n)
			}
		}
		memberships := count("SELECT count(*) FROM memberships")
		if memberships < 999 || memberships > 1500 {
			t.Errorf("memberships: %d", memberships)
		}
		// About 2.4 role assignments per membership (3M for 1.26M at scale 1).
		if ra := count("SELECT count(*) FROM role_assignments"); ra < 2*memberships || ra > 3*memberships {
			t.Errorf("role assignments: %d for %d memberships", ra, memberships)
		}
		if n := count("SELECT count(*) FROM users WHERE platform_admin AND status = 'ACTIVE'"); n != 1 {
			t.Errorf("platform administrators: %d", n)
		}
	})

	t.Run("SchemaRestored", func(t *testing.T) {
		// Same keys, indexes and foreign keys as a freshly migrated database.
		fresh, err := pgx.Connect(ctx, dbtest.NewDatabaseURL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close(ctx)
		const q = `SELECT string_agg(x, E'\n' ORDER BY x) FROM (
			SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated AS x
			FROM pg_constraint WHERE connamespace = 'public'::regnamespace
			UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index
			WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)) s`
		var got, want string
		if err := conn.QueryRow(ctx, q).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if err := fresh.QueryRow(ctx, q).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("schema after the load differs:\n%s\n--- want ---\n%s", got, want)
		}
	})

	t.Run("Rules", func(t *testing.T) {
		for name, sql := range map[string]string{
			"tenant without an active administrator": `SELECT count(*) FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM role_assignments ra
				JOIN users u ON u.id = ra.user_id WHERE ra.tenant_id = t.id AND ra.category = 'ADMIN' AND ra.status = 'ACTIVE' AND u.status = 'ACTIVE')`,
			"tenant deeper than 4": `WITH RECURSIVE d AS (SELECT id, 1 AS depth FROM tenants WHERE parent_id IS NULL
				UNION ALL SELECT t.id, d.depth + 1 FROM tenants t JOIN d ON t.parent_id = d.id) SELECT count(*) FROM d WHERE depth > 4`,
			"site role outside a site": `SELECT count(*) FROM role_assignments ra JOIN roles r ON r.id = ra.role_id
				JOIN tenants t ON t.id = ra.tenant_id WHERE r.requires_site AND t.parent_id IS NULL`,
			"assignment not matching its membership": `SELECT count(*) FROM role_assignments ra JOIN memberships m ON m.id = ra.membership_id
				WHERE m.tenant_id <> ra.tenant_id OR m.user_id <> ra.user_id`,
			"membership in another organisation's tenant than home, beyond 2%": `WITH RECURSIVE d AS (SELECT id, id AS root FROM tenants WHERE parent_id IS NULL
				UNION ALL SELECT t.id, d.root FROM tenants t JOIN d ON t.parent_id = d.id)
				SELECT greatest(0, count(*) - (SELECT count(*) FROM users) / 50) FROM memberships m JOIN users u ON u.id = m.user_id
				JOIN d dm ON dm.id = m.tenant_id JOIN d dh ON dh.id = u.home_tenant_id WHERE dm.root <> dh.root`,
			"membership username differs from its user's": `SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
				WHERE m.username <> u.username`,
			"group member outside the group's tenant": `SELECT count(*) FROM group_members gm JOIN groups g ON g.id = gm.group_id
				WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = g.tenant_id AND m.user_id = gm.user_id)`,
		} {
			if n := count(sql); n != 0 {
				t.Errorf("%s: %d", name, n)
			}
		}
		// Identity sequences continue after the loaded ids.
		if _, err := conn.Exec(ctx, "INSERT INTO tenants (name) VALUES ('After the load')"); err != nil {
			t.Errorf("insert after the load: %v", err)
		}
	})

	t.Run("ErrNotEmpty", func(t *testing.T) {
		if _, err := datagen.Generate(ctx, cfg, url, io.Discard); err == nil {
			t.Fatal("a second load without Reset must be refused")
		}
	})

	t.Run("Deterministic", func(t *testing.T) {
		const digest = `SELECT md5(string_agg(username || coalesce(tax_code, '') || coalesce(email, '') || home_tenant_id || status, ',' ORDER BY id))
			|| (SELECT md5(string_agg(concat_ws(':', membership_id, tenant_id, user_id, role_id, status), ',' ORDER BY id)) FROM role_assignments)
			FROM users`
		var before, after string
		if err := conn.QueryRow(ctx, digest).Scan(&before); err != nil {
			t.Fatal(err)
		}
		again := cfg
		again.Reset = true
		if _, err := datagen.Generate(ctx, again, url, io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, digest).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if before != after {
			t.Fatal("the same seed gave different rows")
		}
	})
}
