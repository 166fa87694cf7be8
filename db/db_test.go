package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

func TestMigrateAndCatalogAreIdempotent(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	count := func(table string) int {
		var n int
		if err := d.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	products, roles := count("products"), count("roles")
	if products < 10 || roles < 25 {
		t.Fatalf("sample catalog: %d products, %d roles", products, roles)
	}
	if err := d.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if err := d.LoadCatalog(ctx, db.DefaultCatalog); err != nil {
		t.Fatalf("second catalog load: %v", err)
	}
	if count("products") != products || count("roles") != roles {
		t.Fatal("reloading the catalog duplicated rows")
	}
	t.Run("RenameUpdatesInPlace", func(t *testing.T) {
		doc := []byte("products:\n  - code: factures\n    name: Factures et avoirs\n    roles:\n      - {code: comptable, name: Comptable, category: OPERATOR}\n")
		if err := d.LoadCatalog(ctx, doc); err != nil {
			t.Fatal(err)
		}
		var name string
		if err := d.QueryRowContext(ctx, "SELECT name FROM products WHERE code = 'factures'").Scan(&name); err != nil {
			t.Fatal(err)
		}
		if name != "Factures et avoirs" || count("products") != products {
			t.Fatalf("name %q, products %d", name, count("products"))
		}
	})
	t.Run("ErrBadCategory", func(t *testing.T) {
		doc := []byte("products:\n  - code: x\n    name: X\n    roles:\n      - {code: y, name: Y, category: SUPERUSER}\n")
		if err := d.LoadCatalog(ctx, doc); err == nil {
			t.Fatal("accepted an unknown category")
		}
		if count("products") != products {
			t.Fatal("a failed catalog load left a product behind")
		}
	})
}

func TestAdminAndOperatorExclusive(t *testing.T) {
	d := dbtest.MustOpen(t)
	f := dbtest.NewFixture(t, d)
	tenant := f.Tenant("Ente", 0)
	user := f.User("mario.rossi", tenant)
	f.Assign(user, tenant, "segmenti", "user")
	f.Assign(user, tenant, "segmenti", "guest") // another OPERATOR role is fine (R9)
	// The database itself refuses ADMIN beside OPERATOR on one product.
	_, err := d.ExecContext(context.Background(), `INSERT INTO role_assignments (membership_id, tenant_id, user_id, product_id, role_id, category)
		SELECT m.id, m.tenant_id, m.user_id, r.product_id, r.id, r.category
		FROM memberships m, roles r JOIN products p ON p.id = r.product_id
		WHERE m.user_id = ? AND p.code = 'segmenti' AND r.code = 'admin'`, user)
	if err == nil {
		t.Fatal("ADMIN and OPERATOR on one product in one tenant were accepted")
	}
	// Another tenant may hold the other category.
	other := f.Tenant("Sede", tenant)
	f.Assign(user, other, "segmenti", "admin")
}

func TestUniqueUsernameAndTaxCode(t *testing.T) {
	d := dbtest.MustOpen(t)
	f := dbtest.NewFixture(t, d)
	tenant := f.Tenant("Ente", 0)
	f.User("anna.bianchi", tenant)
	ctx := context.Background()
	if _, err := d.ExecContext(ctx, "INSERT INTO users (username) VALUES ('anna.bianchi')"); err == nil {
		t.Fatal("duplicate username accepted")
	}
	if _, err := d.ExecContext(ctx, "INSERT INTO users (username) VALUES ('Anna Bianchi')"); err == nil {
		t.Fatal("username breaking the rule accepted by the database")
	}
	if _, err := d.ExecContext(ctx, "INSERT INTO users (username, tax_code) VALUES ('other', 'TAX0000000000001')"); err == nil {
		t.Fatal("duplicate tax code accepted")
	}
}

func TestHierarchy(t *testing.T) {
	d := dbtest.MustOpen(t)
	f := dbtest.NewFixture(t, d)
	// A chain deeper than any fixed join would cover.
	ids := []int64{f.Tenant("level0", 0)}
	for i := 1; i < 12; i++ {
		ids = append(ids, f.Tenant("level", ids[i-1]))
	}
	sibling := f.Tenant("sibling", ids[0])
	unrelated := f.Tenant("unrelated", 0)
	s := db.NewTenantService(d)
	ctx := context.Background()
	below, err := s.DescendantIDs(ctx, []int64{ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	if len(below) != 12 { // 11 levels + the sibling
		t.Fatalf("descendants = %v", below)
	}
	for _, id := range below {
		if id == unrelated || id == ids[0] {
			t.Fatalf("descendants include %d", id)
		}
	}
	above, err := s.AncestorIDs(ctx, ids[11])
	if err != nil {
		t.Fatal(err)
	}
	if len(above) != 11 || above[0] != ids[10] || above[10] != ids[0] {
		t.Fatalf("ancestors = %v", above)
	}
	conn, err := s.FindTenants(ctx, domain.TenantFilter{Scope: domain.Scope{All: true}, DescendantsOf: &ids[0]}, domain.Page{First: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(conn.Nodes) != 12 {
		t.Fatalf("FindTenants(DescendantsOf) = %d", len(conn.Nodes))
	}
	_ = sibling
	t.Run("ErrEmptyScopeMatchesNothing", func(t *testing.T) {
		conn, err := s.FindTenants(ctx, domain.TenantFilter{}, domain.Page{First: 50})
		if err != nil || len(conn.Nodes) != 0 {
			t.Fatalf("zero scope returned %d tenants (%v)", len(conn.Nodes), err)
		}
	})
	t.Run("ErrCycleRefused", func(t *testing.T) {
		if _, err := d.ExecContext(ctx, "UPDATE tenants SET parent_id = id WHERE id = ?", ids[0]); err == nil {
			t.Fatal("a tenant became its own parent")
		}
	})
}

func TestRecordChangeAndOutbox(t *testing.T) {
	d := dbtest.MustOpen(t)
	f := dbtest.NewFixture(t, d)
	tenant := f.Tenant("Ente", 0)
	user := f.User("luca.verdi", tenant)
	ctx := context.Background()
	err := d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := db.EnqueueEmail(ctx, tx, db.Email{To: "luca@example.test", Template: "invitation", Data: map[string]any{"link": "x"}}); err != nil {
			return err
		}
		if err := db.CreateInvitation(ctx, tx, user, &tenant, nil, []byte("hash-1")); err != nil {
			return err
		}
		return db.RecordChange(ctx, tx, domain.AuditContext{ActorLabel: "test", IP: "127.0.0.1"},
			domain.AuditEvent{TenantID: &tenant, Action: "user.create", TargetType: "User", TargetID: &user, After: map[string]any{"username": "luca.verdi"}},
			&db.Event{TenantID: &tenant, Type: "USER_CREATED", SubjectType: "User", SubjectID: &user, Payload: map[string]any{"username": "luca.verdi"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	var link, username, after string
	if err := d.QueryRowContext(ctx, "SELECT data->>'link' FROM email_outbox").Scan(&link); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, "SELECT payload->>'username' FROM events").Scan(&username); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, "SELECT after->>'username' FROM audit_events").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if link != "x" || username != "luca.verdi" || after != "luca.verdi" {
		t.Fatalf("outbox %q, event %q, audit %q", link, username, after)
	}
	t.Run("RollbackKeepsNothing", func(t *testing.T) {
		_ = d.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			if err := db.RecordChange(ctx, tx, domain.AuditContext{}, domain.AuditEvent{Action: "user.update"}, &db.Event{Type: "USER_UPDATED", SubjectType: "User"}); err != nil {
				t.Fatal(err)
			}
			return errors.New("abort")
		})
		var n int
		if err := d.QueryRowContext(ctx, "SELECT count(*) FROM events").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("events after rollback = %d", n)
		}
	})
}

// A session advisory lock whose unlock fails must not go back to the pool
// with its connection (Migrate and Prune would wait on it, or skip): the
// connection is discarded and PostgreSQL drops the lock with the session.
func TestFailedAdvisoryUnlockDiscardsTheConnection(t *testing.T) {
	d := dbtest.MustOpen(t)
	ctx := context.Background()
	const id = 0x7e4a_00ff
	conn, err := d.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// An unlock that fails on a healthy connection: a function of the same
	// name found first on this session's search_path.
	for _, stmt := range []string{
		"CREATE FUNCTION public.pg_advisory_unlock(bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'unlock refused'; END $$",
		"SET search_path = public, pg_catalog",
		fmt.Sprintf("SELECT pg_catalog.pg_advisory_lock(%d)", id),
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	db.UnlockAdvisory(ctx, conn, id)
	conn.Close()
	held := func() (n int) {
		if err := d.QueryRowContext(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for deadline := time.Now().Add(10 * time.Second); held() > 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the lock is still held: its connection went back to the pool")
		}
	}
}
