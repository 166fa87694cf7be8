// Command explain prints EXPLAIN (ANALYZE, BUFFERS) of the SQL that
// db.UserService.FindUsers and its count run for the benchmark's viewers and
// filters, captured from bun as the server would send it.
//
//	go run ./bench/explain [-filter search] [-viewer tenant-admin] > plans.txt
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"tenantadmin/db"
	"tenantadmin/domain"
)

type capture struct {
	mu      sync.Mutex
	queries []string
}

func (c *capture) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context { return ctx }
func (c *capture) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	c.mu.Lock()
	c.queries = append(c.queries, e.Query)
	c.mu.Unlock()
}

func main() {
	url := flag.String("database-url", os.Getenv("BENCH_DATABASE_URL"), "benchmark database (BENCH_DATABASE_URL)")
	onlyViewer := flag.String("viewer", "", "only this viewer (tenant-admin, parent-admin, platform-admin)")
	onlyFilter := flag.String("filter", "", "only this filter")
	flag.Parse()
	if err := run(context.Background(), *url, *onlyViewer, *onlyFilter); err != nil {
		fmt.Fprintln(os.Stderr, "explain:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url, onlyViewer, onlyFilter string) error {
	d, err := db.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer d.Close()
	c := &capture{}
	d.DB = d.WithQueryHook(c)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	// The session settings db.Open gives the server's connections.
	if _, err := conn.Exec(ctx, "SET max_parallel_workers_per_gather = 0"); err != nil {
		return err
	}

	// The benchmark's viewers (bench/readpath_test.go findViewers).
	var leaf, root, role int64
	if err := conn.QueryRow(ctx, `SELECT tenant_id FROM memberships m
		WHERE NOT EXISTS (SELECT 1 FROM tenants c WHERE c.parent_id = m.tenant_id)
		GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 1`).Scan(&leaf); err != nil {
		return err
	}
	if err := conn.QueryRow(ctx, `WITH RECURSIVE d AS (SELECT id, id AS root FROM tenants WHERE parent_id IS NULL
		UNION ALL SELECT t.id, d.root FROM tenants t JOIN d ON t.parent_id = d.id)
		SELECT d.root FROM memberships m JOIN d ON d.id = m.tenant_id
		WHERE EXISTS (SELECT 1 FROM tenants c WHERE c.parent_id = d.root)
		GROUP BY d.root ORDER BY count(DISTINCT m.user_id) DESC, d.root LIMIT 1`).Scan(&root); err != nil {
		return err
	}
	subtree := func(id int64) ([]int64, error) {
		rows, err := conn.Query(ctx, `WITH RECURSIVE sub AS (SELECT $1::bigint AS id UNION SELECT c.id FROM tenants c JOIN sub ON c.parent_id = sub.id)
			SELECT id FROM sub ORDER BY id`, id)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	leafScope, err := subtree(leaf)
	if err != nil {
		return err
	}
	rootScope, err := subtree(root)
	if err != nil {
		return err
	}
	viewers := []struct {
		name  string
		scope domain.Scope
	}{
		{"tenant-admin", domain.Scope{TenantIDs: leafScope}},
		{"parent-admin", domain.Scope{TenantIDs: rootScope}},
		{"platform-admin", domain.Scope{All: true}},
	}
	str := func(s string) *string { return &s }
	cat := func(s string) *domain.RoleCategory { c := domain.RoleCategory(s); return &c }
	st := func(s string) *domain.UserStatus { u := domain.UserStatus(s); return &u }
	svc := db.NewUserService(d)
	for _, v := range viewers {
		if onlyViewer != "" && v.name != onlyViewer {
			continue
		}
		q := "SELECT role_id FROM role_assignments GROUP BY role_id ORDER BY count(*) DESC, role_id LIMIT 1"
		args := []any{}
		if !v.scope.All {
			q = "SELECT role_id FROM role_assignments WHERE tenant_id = ANY($1) GROUP BY role_id ORDER BY count(*) DESC, role_id LIMIT 1"
			args = append(args, v.scope.TenantIDs)
		}
		if err := conn.QueryRow(ctx, q, args...).Scan(&role); err != nil {
			return err
		}
		filters := []struct {
			name string
			f    domain.UserFilter
		}{
			{"all", domain.UserFilter{}},
			{"search", domain.UserFilter{Search: str("mart")}},
			{"category-admin", domain.UserFilter{Category: cat("ADMIN")}},
			{"role", domain.UserFilter{RoleID: &role}},
			{"status-suspended", domain.UserFilter{Status: st("SUSPENDED")}},
			{"operator-active-search", domain.UserFilter{Category: cat("OPERATOR"), Status: st("ACTIVE"), Search: str("mart")}},
		}
		for _, f := range filters {
			if onlyFilter != "" && f.name != onlyFilter {
				continue
			}
			f.f.Scope = v.scope
			c.queries = nil
			conn2, err := svc.FindUsers(ctx, f.f, domain.Page{First: 50})
			if err != nil {
				return err
			}
			if _, err := conn2.Count(ctx); err != nil {
				return err
			}
			for i, sql := range c.queries {
				label := [...]string{"page", "count"}[min(i, 1)]
				fmt.Printf("### %s / %s: %s\n\n```\n", v.name, f.name, label)
				rows, err := conn.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+sql)
				if err != nil {
					return err
				}
				lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					return err
				}
				for _, l := range lines {
					// Long tenant lists make unreadable lines.
					if len(l) > 220 {
						l = l[:200] + " …"
					}
					fmt.Println(strings.TrimRight(l, " "))
				}
				fmt.Print("```\n\n")
			}
		}
	}
	return nil
}
