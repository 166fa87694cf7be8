package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"tenantadmin/bench/datagen"
	"tenantadmin/db"
	"tenantadmin/domain"
)

// TestListOrderPlansUseIndexes (issue 15.3) runs a page in the middle of
// each sorted list on a dataset of realistic size (10,000 tenants, 300,000
// audit events, a tenant with 3,000 service accounts and 5,000
// nominations) and checks with EXPLAIN ANALYZE that the keyset reads the
// order's index, without sorting the rows. The plans are logged (-v).
func TestListOrderPlansUseIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a large dataset")
	}
	ctx := context.Background()
	cfg := datagen.Scaled(0.001)
	cfg.Tenants, cfg.Orgs, cfg.Users, cfg.AuditEvents = 10_000, 2_000, 14_000, 300_000
	d, conn := generatedDataset(t, cfg)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	var big, busy int64
	if err := conn.QueryRow(ctx, "SELECT min(id) FROM tenants").Scan(&big); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT tenant_id FROM audit_events GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").Scan(&busy); err != nil {
		t.Fatal(err)
	}
	// Service accounts: 3,000 in one tenant, the rest spread; nominations:
	// 5,000 in one tenant, 45,000 spread.
	exec(`INSERT INTO service_accounts (user_id, tenant_id, created_at)
		SELECT id, CASE WHEN row_number() OVER (ORDER BY id) <= 3000 THEN $1::bigint ELSE 1 + id % 9000 END,
			now() - (id % 1000) * interval '1 hour'
		FROM users u WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = 1 + u.id % 9000) ORDER BY id LIMIT 10000`, big)
	exec(`INSERT INTO nominations (tenant_id, user_id, product_id, role_id, status, legal_rep_given_name,
			legal_rep_family_name, legal_rep_tax_code, sent_to, token_hash, expires_at)
		SELECT CASE WHEN g <= 5000 THEN $1::bigint ELSE (SELECT min(id) FROM tenants) + g % 9000 END,
			(SELECT min(id) FROM users) + g % 10000, r.product_id, r.id, 'APPROVED', 'A', 'B', 'C', 'x@example.org',
			decode(md5(g::text), 'hex'), now() + (g % 97) * interval '1 hour'
		FROM generate_series(1, 50000) g, (SELECT id, product_id FROM roles ORDER BY id LIMIT 1) r`, big)
	exec("VACUUM ANALYZE")

	var queries []string
	stop := d.ObserveQueries(func(q string) { queries = append(queries, q) })
	defer stop()
	// explain runs a page after the first page's last row and returns the
	// plan of its page query.
	explain := func(t *testing.T, list func(p domain.Page) ([]string, error)) string {
		t.Helper()
		cursors, err := list(domain.Page{First: 50})
		if err != nil || len(cursors) < 50 {
			t.Fatalf("first page: %d rows, %v", len(cursors), err)
		}
		queries = queries[:0]
		if _, err := list(domain.Page{First: 50, After: cursors[49]}); err != nil {
			t.Fatal(err)
		}
		var page string
		for _, q := range queries {
			if strings.Contains(q, "ORDER BY") && strings.Contains(q, "LIMIT") {
				page = q
			}
		}
		if page == "" {
			t.Fatalf("no page query among %q", queries)
		}
		rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF) "+page)
		if err != nil {
			t.Fatalf("%v\n%s", err, page)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	tenants, audit := db.NewTenantService(d), db.NewAuditService(d)
	sas, noms := db.NewServiceAccountService(d), db.NewNominationService(d)
	for _, tc := range []struct {
		name, index string
		list        func(o domain.ListOrder, p domain.Page) ([]string, error)
		orders      []string
	}{
		{"tenants", "tenants_order_", func(o domain.ListOrder, p domain.Page) ([]string, error) {
			c, err := tenants.FindTenants(ctx, domain.TenantFilter{Scope: domain.Scope{All: true}, Order: o}, p)
			if err != nil {
				return nil, err
			}
			return c.Cursors, nil
		}, []string{"NAME", "COUNTRY", "CREATED_AT"}},
		{"auditEvents platform", "audit_events_", func(o domain.ListOrder, p domain.Page) ([]string, error) {
			c, err := audit.FindAuditEvents(ctx, domain.AuditFilter{Scope: domain.Scope{All: true}, Order: o}, p)
			if err != nil {
				return nil, err
			}
			return c.Cursors, nil
		}, []string{"CREATED_AT", "ACTION"}},
		{"auditEvents tenant", "audit_events_tenant_", func(o domain.ListOrder, p domain.Page) ([]string, error) {
			c, err := audit.FindAuditEvents(ctx, domain.AuditFilter{Scope: domain.Scope{TenantIDs: []int64{busy}}, Order: o}, p)
			if err != nil {
				return nil, err
			}
			return c.Cursors, nil
		}, []string{"CREATED_AT", "ACTION"}},
		{"serviceAccounts", "service_accounts_tenant_created_idx", func(o domain.ListOrder, p domain.Page) ([]string, error) {
			c, err := sas.FindServiceAccounts(ctx, big, nil, o, p)
			if err != nil {
				return nil, err
			}
			return c.Cursors, nil
		}, []string{"CREATED_AT"}},
		{"nominations", "nominations_tenant_", func(o domain.ListOrder, p domain.Page) ([]string, error) {
			c, err := noms.FindNominations(ctx, big, nil, o, p)
			if err != nil {
				return nil, err
			}
			return c.Cursors, nil
		}, []string{"CREATED_AT", "EXPIRES_AT"}},
	} {
		for _, field := range tc.orders {
			for _, desc := range []bool{false, true} {
				o := domain.ListOrder{Field: field, Desc: desc}
				t.Run(tc.name+"/"+field+map[bool]string{false: "_ASC", true: "_DESC"}[desc], func(t *testing.T) {
					plan := explain(t, func(p domain.Page) ([]string, error) { return tc.list(o, p) })
					t.Logf("\n%s", plan)
					// CREATED_AT of the trail and of nominations is the id: its
					// primary key serves it.
					byPkey := field == "CREATED_AT" && strings.Contains(plan, "_pkey")
					if !strings.Contains(plan, tc.index) && !byPkey {
						t.Fatalf("the page does not read an index %s*:\n%s", tc.index, plan)
					}
					if strings.Contains(plan, "Sort Key") {
						t.Fatalf("the page sorts rows:\n%s", plan)
					}
				})
			}
		}
	}
}
