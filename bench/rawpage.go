package bench

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// This file is the users page's raw SQL baseline, shared by the read-path
// benchmarks (readpath_test.go) and the load tests' baseline server
// (loadtest/harness): the viewers and filters, and the statements the
// server runs, sent by hand through pgx.
// UsersPageQuery is the users page of the admin SPA: 50 users with their
// memberships, tenants and role assignments, and the total count. The
// server's tests bound the SQL statements of this same document.
const UsersPageQuery = `query($first: Int, $after: String, $filter: UserFilter) {
  users(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
    edges { cursor node {
      id username givenName familyName email taxCode status
      homeTenant { id name }
      memberships { id tenant { id name parent { id } } roleAssignments { id status role { id name category } product { id code } } }
    } }
  }
}`

// NewPool opens the raw SQL baseline's pool with the server's connection
// settings (db.SessionConfig: simple protocol, no parallel workers), so
// that both sides run the same statements the same way (issue 17.5); the
// reads the server prepares are prepared here too (prepared).
func NewPool(ctx context.Context, dbURL string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	if cfg.ConnConfig, err = db.SessionConfig(dbURL); err != nil {
		return nil, err
	}
	cfg.MaxConns = maxConns
	return pgxpool.NewWithConfig(ctx, cfg)
}

// prepared runs a statement prepared once per connection: the server
// prepares the reads every request makes (the viewer and its scope,
// db.pgxPrepared) and a page's relations (db.PageRelations), so the
// baseline prepares its own reads of them; the page and its count run
// under the server's simple protocol on both sides.
const prepared = pgx.QueryExecModeCacheStatement

// viewer is who looks at the page, with the tenants it may read.
type viewer struct {
	name    string
	userID  int64
	token   string
	all     bool    // platform administrator
	scope   []int64 // user directory: administered tenants and below
	members int64   // users in the scope
	roleID  int64   // the most common role in the scope, for the role filter
	sql     map[string]listSQL
}

// filter is one of the page's filters (R21).
type filter struct {
	name     string
	search   string
	category string
	status   string
	role     bool // filter by the viewer's most common role
}

var filters = []filter{
	{name: "all"},
	{name: "search", search: "mart"},
	{name: "category-admin", category: "ADMIN"},
	{name: "role", role: true},
	{name: "status-suspended", status: "SUSPENDED"},
	{name: "operator-active-search", category: "OPERATOR", status: "ACTIVE", search: "mart"},
}

// findViewers picks the three viewers from the dataset: the administrator
// of the largest leaf tenant, the administrator of the root whose subtree
// has the most members, and the platform administrator.
func findViewers(ctx context.Context, pool *pgxpool.Pool) ([]*viewer, error) {
	var leaf, root int64
	if err := pool.QueryRow(ctx, `SELECT tenant_id FROM memberships m
		WHERE NOT EXISTS (SELECT 1 FROM tenants c WHERE c.parent_id = m.tenant_id)
		GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 1`).Scan(&leaf); err != nil {
		return nil, fmt.Errorf("largest leaf tenant: %w", err)
	}
	if err := pool.QueryRow(ctx, `WITH RECURSIVE d AS (SELECT id, id AS root FROM tenants WHERE parent_id IS NULL
		UNION ALL SELECT t.id, d.root FROM tenants t JOIN d ON t.parent_id = d.id)
		SELECT d.root FROM memberships m JOIN d ON d.id = m.tenant_id
		WHERE EXISTS (SELECT 1 FROM tenants c WHERE c.parent_id = d.root)
		GROUP BY d.root ORDER BY count(DISTINCT m.user_id) DESC, d.root LIMIT 1`).Scan(&root); err != nil {
		return nil, fmt.Errorf("largest organisation: %w", err)
	}
	admin := func(tenant int64) (int64, error) {
		var id int64
		err := pool.QueryRow(ctx, `SELECT ra.user_id FROM role_assignments ra JOIN users u ON u.id = ra.user_id
			WHERE ra.tenant_id = $1 AND ra.category = 'ADMIN' AND ra.status = 'ACTIVE' AND u.status = 'ACTIVE'
			AND u.kind = 'HUMAN' AND NOT u.platform_admin ORDER BY ra.user_id LIMIT 1`, tenant).Scan(&id)
		return id, err
	}
	var out []*viewer
	for _, c := range []struct {
		name   string
		tenant int64
	}{{"tenant-admin", leaf}, {"parent-admin", root}} {
		id, err := admin(c.tenant)
		if err != nil {
			return nil, fmt.Errorf("administrator of %d: %w", c.tenant, err)
		}
		v := &viewer{name: c.name, userID: id}
		if v.scope, err = directoryScope(ctx, pool, id); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	pa := &viewer{name: "platform-admin", all: true}
	if err := pool.QueryRow(ctx, "SELECT id FROM users WHERE platform_admin ORDER BY id LIMIT 1").Scan(&pa.userID); err != nil {
		return nil, fmt.Errorf("platform administrator: %w", err)
	}
	out = append(out, pa)
	for _, v := range out {
		var err error
		if v.all {
			err = pool.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&v.members)
			if err == nil {
				err = pool.QueryRow(ctx, "SELECT role_id FROM role_assignments GROUP BY role_id ORDER BY count(*) DESC, role_id LIMIT 1").Scan(&v.roleID)
			}
		} else {
			err = pool.QueryRow(ctx, "SELECT count(DISTINCT user_id) FROM memberships WHERE tenant_id = ANY($1)", v.scope).Scan(&v.members)
			if err == nil {
				err = pool.QueryRow(ctx, "SELECT role_id FROM role_assignments WHERE tenant_id = ANY($1) GROUP BY role_id ORDER BY count(*) DESC, role_id LIMIT 1", v.scope).Scan(&v.roleID)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// directoryScope is domain.Authorizer.UserDirectoryScope in SQL: the
// tenants where the user holds an active ADMIN role, and their descendants.
func directoryScope(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, userID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `WITH RECURSIVE admin AS (
			SELECT DISTINCT tenant_id AS id FROM role_assignments WHERE user_id = $1 AND status = 'ACTIVE' AND category = 'ADMIN'),
		sub AS (SELECT id FROM admin UNION SELECT c.id FROM tenants c JOIN sub ON c.parent_id = sub.id)
		SELECT id FROM sub ORDER BY id`, prepared, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

func globalID(typ string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s:%d", typ, id)))
}

func (f filter) variables(v *viewer) map[string]any {
	m := map[string]any{}
	if f.search != "" {
		m["search"] = f.search
	}
	if f.category != "" {
		m["category"] = f.category
	}
	if f.status != "" {
		m["status"] = f.status
	}
	if f.role {
		m["roleId"] = globalID("Role", v.roleID)
	}
	return map[string]any{"first": 50, "filter": m}
}

// pageResult is what both implementations return, to check that they read
// the same rows.
type pageResult struct {
	total       int
	usernames   []string
	memberships int
	assignments int
}

// rawUsersPage is the baseline: the statements the server runs for the
// page, by hand with pgx — the viewer and its grants with the tenant walk,
// the page and the count (the text db.FindUsers sends), the memberships,
// the role assignments with their roles and products, and the tenants. As
// the server does, the count runs alongside the page and its relations.
func rawUsersPage(ctx context.Context, pool *pgxpool.Pool, v *viewer, f filter) (pageResult, error) {
	var res pageResult
	var status string
	var platform bool
	if err := pool.QueryRow(ctx, "SELECT status, platform_admin FROM users WHERE id = $1", prepared, v.userID).Scan(&status, &platform); err != nil {
		return res, err
	}
	var scope []int64
	if !platform {
		var err error
		if scope, err = directoryScope(ctx, pool, v.userID); err != nil {
			return res, err
		}
	}
	q := v.sql[f.name]
	var total int
	var countErr error
	var counting sync.WaitGroup
	counting.Go(func() { countErr = pool.QueryRow(ctx, q.count).Scan(&total) })
	defer counting.Wait()
	counted := func() error {
		counting.Wait()
		res.total = total
		return countErr
	}
	rows, err := pool.Query(ctx, `SELECT u.id, u.username, u.given_name, u.family_name, u.email, u.tax_code, u.status, u.home_tenant_id
		FROM users u JOIN (`+q.page+`) p ON p.user_id = u.id ORDER BY p.username`)
	if err != nil {
		return res, err
	}
	type userRow struct {
		id                   int64
		username, given, fam string
		email, taxCode       *string
		status               string
		home                 *int64
	}
	var users []userRow
	for rows.Next() {
		var u userRow
		if err := rows.Scan(&u.id, &u.username, &u.given, &u.fam, &u.email, &u.taxCode, &u.status, &u.home); err != nil {
			return res, err
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	users = users[:min(len(users), 50)]
	if len(users) == 0 {
		err := counted()
		return res, err
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.id
		res.usernames = append(res.usernames, u.username)
	}
	visible := func(t int64) bool { _, ok := slices.BinarySearch(scope, t); return platform || ok }
	rows, err = pool.Query(ctx, "SELECT id, tenant_id, user_id FROM memberships WHERE user_id = ANY($1) ORDER BY tenant_id", prepared, ids)
	if err != nil {
		return res, err
	}
	var membershipIDs, tenantIDs []int64
	for rows.Next() {
		var id, tenant, user int64
		if err := rows.Scan(&id, &tenant, &user); err != nil {
			return res, err
		}
		if visible(tenant) {
			membershipIDs = append(membershipIDs, id)
			tenantIDs = append(tenantIDs, tenant)
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.memberships = len(membershipIDs)
	rows, err = pool.Query(ctx, `SELECT ra.id, ra.membership_id, ra.status, r.id, r.name, r.category, p.id, p.code
		FROM role_assignments ra JOIN roles r ON r.id = ra.role_id JOIN products p ON p.id = ra.product_id
		WHERE ra.membership_id = ANY($1) ORDER BY ra.product_id, ra.id`, prepared, membershipIDs)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id, mid, rid, pid int64
		var st, rname, cat, pcode string
		if err := rows.Scan(&id, &mid, &st, &rid, &rname, &cat, &pid, &pcode); err != nil {
			return res, err
		}
		res.assignments++
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	for _, u := range users {
		if u.home != nil && visible(*u.home) {
			tenantIDs = append(tenantIDs, *u.home)
		}
	}
	slices.Sort(tenantIDs)
	rows, err = pool.Query(ctx, "SELECT id, name, parent_id FROM tenants WHERE id = ANY($1)", prepared, slices.Compact(tenantIDs))
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var id int64
		var name string
		var parent *int64
		if err := rows.Scan(&id, &name, &parent); err != nil {
			return res, err
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	err = counted()
	return res, err
}

// listSQL is the SQL db.FindUsers sends for one viewer and filter: the
// page of (user_id, username) and the count, captured once (db.ObserveQueries), with
// the values the server formats into them. The baseline runs the same text.
type listSQL struct{ page, count string }

func captureSQL(ctx context.Context, dbURL string, viewers []*viewer) error {
	d, err := db.Open(ctx, dbURL, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer d.Close()
	var captured []string
	defer d.ObserveQueries(func(q string) { captured = append(captured, q) })()
	svc := db.NewUserService(d)
	for _, v := range viewers {
		v.sql = map[string]listSQL{}
		for _, f := range filters {
			uf := domain.UserFilter{Scope: domain.Scope{All: v.all, TenantIDs: v.scope}}
			if f.search != "" {
				uf.Search = &f.search
			}
			if f.category != "" {
				c := domain.RoleCategory(f.category)
				uf.Category = &c
			}
			if f.status != "" {
				s := domain.UserStatus(f.status)
				uf.Status = &s
			}
			if f.role {
				uf.RoleID = &v.roleID
			}
			captured = nil
			conn, err := svc.FindUsers(ctx, uf, domain.Page{First: 50})
			if err == nil {
				_, err = conn.Count(ctx)
			}
			if err != nil {
				return err
			}
			if len(captured) != 2 {
				return fmt.Errorf("captured %d statements for %s/%s", len(captured), v.name, f.name)
			}
			page := captured[0]
			i, j := strings.Index(page, "JOIN ("), strings.LastIndex(page, ") AS p ON p.user_id")
			if i < 0 || j < i {
				return fmt.Errorf("unexpected page query: %s", page)
			}
			v.sql[f.name] = listSQL{page: page[i+len("JOIN (") : j], count: captured[1]}
		}
	}
	return nil
}
