package db

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/schema"

	"tenantadmin/domain"
)

// TenantService implements domain.TenantService and domain.Hierarchy.
type TenantService struct{ db *DB }

func NewTenantService(db *DB) *TenantService { return &TenantService{db: db} }

var _ domain.TenantService = (*TenantService)(nil)
var _ domain.Hierarchy = (*TenantService)(nil)

// FindTenantByID returns one tenant; the caller has checked that the viewer
// may see it.
func (s *TenantService) FindTenantByID(ctx context.Context, id int64) (*domain.Tenant, error) {
	var m tenantModel
	if err := s.db.NewSelect().Model(&m).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	return m.domain(), nil
}

// TenantsByIDs loads tenants for a dataloader, in no particular order,
// only those in scope (the viewer's readable tenants): a tenant outside it
// is never read.
func (s *TenantService) TenantsByIDs(ctx context.Context, scope domain.Scope, ids []int64) ([]*domain.Tenant, error) {
	q := s.db.NewSelect().Model((*tenantModel)(nil)).ColumnExpr(tenantColumns).Where("id IN (?)", bun.List(ids))
	inScope(q, "id", scope)
	return pgxModels[tenantModel, domain.Tenant](ctx, s.db, q)
}

// tenantOrderColumns are the orders of a tenants list (migration 0014 has
// their indexes); NAME ascending is the default.
var tenantOrderColumns = map[string]orderColumn{
	"NAME":       {"t.name", "text", false, false},
	"COUNTRY":    {"t.country", "text", false, false},
	"CREATED_AT": {"t.created_at", "timestamptz", false, false},
}

// FindTenants lists tenants in the filter's order (by name by default),
// the id breaking ties, with keyset paging.
func (s *TenantService) FindTenants(ctx context.Context, f domain.TenantFilter, p domain.Page) (*domain.Connection[*domain.Tenant], error) {
	k, err := newKeyset("tenants", tenantOrderColumns, domain.ListOrder{Field: "NAME"}, f.Order, "t.id")
	if err != nil {
		return nil, err
	}
	w, err := k.window(p)
	if err != nil {
		return nil, err
	}
	q := s.db.NewSelect().Model((*tenantModel)(nil))
	s.applyTenantFilter(q, f)
	countQ := q.Clone()

	var rows []tenantModel
	q = q.Model(&rows).ColumnExpr("t.*").ColumnExpr(k.sortKey()+" AS sort_key").
		Where(w.where, w.args...).OrderExpr(k.orderBy(w.up)).Limit(int64(w.limit))
	if err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error {
		rows = rows[:0]
		return q.Conn(idb).Scan(ctx)
	}); err != nil {
		return nil, mapError(err)
	}
	rows, hasNext, hasPrev := trimPage(rows, w.limit, w.backward, p)
	conn := &domain.Connection[*domain.Tenant]{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	for i := range rows {
		conn.Nodes = append(conn.Nodes, rows[i].domain())
		conn.Cursors = append(conn.Cursors, k.cursor(rows[i].SortKey, rows[i].ID))
	}
	conn.Count = func(ctx context.Context) (int, error) {
		var n int64
		err := s.db.readLagTolerant(ctx, func(idb bun.IDB) (err error) {
			n, err = countQ.Clone().Conn(idb).Count(ctx)
			return err
		})
		return int(n), mapError(err)
	}
	return conn, nil
}

func (s *TenantService) applyTenantFilter(q *bun.SelectQuery, f domain.TenantFilter) {
	if !f.Scope.All {
		q.Where("t.id ?", oneOf(f.Scope.TenantIDs))
	}
	if f.ParentID != nil {
		q.Where("t.parent_id = ?", *f.ParentID)
	}
	if f.RootsOnly {
		q.Where("t.parent_id IS NULL")
	}
	if f.DescendantsOf != nil {
		q.Where(`t.id IN (WITH RECURSIVE sub AS (
			SELECT id FROM tenants WHERE parent_id = ?
			UNION ALL SELECT c.id FROM tenants c JOIN sub ON c.parent_id = sub.id
		) SELECT id FROM sub)`, *f.DescendantsOf)
	}
	if f.Country != nil {
		q.Where("t.country = ?", strings.ToUpper(*f.Country))
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		q.Where("t.name ILIKE ?", "%"+escapeLike(strings.TrimSpace(*f.Search))+"%")
	}
}

// DescendantIDs returns every tenant below the given ones, at any depth.
func (s *TenantService) DescendantIDs(ctx context.Context, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// A request whose viewer read saw the tree's version: from memory.
	if t := s.db.treeFor(ctx); t != nil {
		return t.descendants(ids), nil
	}
	var out []int64
	scan := func(r pgx.Rows) error {
		var id int64
		err := r.Scan(&id)
		out = append(out, id)
		return err
	}
	// Every administrator's request reads it (its scopes): prepared, with
	// its generic plan (an index probe per tenant). A long list is sent as
	// text and planned for its own values, which reads the index whole
	// instead: for 2,000 roots 7.0–8.0 ms against 8.1–9.4 ms (pgbench).
	if len(ids) > preparedSubtreeRoots {
		err := s.db.pgxQuery(ctx, s.db.DB, subtreeQuery, []any{pgx.QueryExecModeSimpleProtocol, ids}, scan)
		return out, mapError(err)
	}
	err := s.db.pgxPrepared(ctx, s.db.DB, subtreeQuery, []any{ids}, scan)
	return out, mapError(err)
}

// subtreeQuery lists every tenant below the tenants of $1, at any depth.
const subtreeQuery = `WITH RECURSIVE sub AS (
			SELECT id FROM tenants WHERE parent_id = ANY($1::bigint[])
			UNION SELECT c.id FROM tenants c JOIN sub ON c.parent_id = sub.id
		) SELECT id FROM sub ORDER BY id`

// preparedSubtreeRoots is the longest list of tenants whose subtree is
// read with the prepared statement's generic plan.
const preparedSubtreeRoots = 32

// AncestorIDs returns every tenant above id, nearest first.
func (s *TenantService) AncestorIDs(ctx context.Context, id int64) ([]int64, error) {
	var out []int64
	err := s.db.NewRaw(`WITH RECURSIVE up AS (
			SELECT parent_id AS id, 1 AS depth FROM tenants WHERE id = ?
			UNION ALL SELECT t.parent_id, up.depth + 1 FROM tenants t JOIN up ON t.id = up.id
		) SELECT id FROM up WHERE id IS NOT NULL ORDER BY depth`, id).Scan(ctx, &out)
	return out, mapError(err)
}

// escapeLike makes user text literal inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// inScope keeps q to rows whose column is one of the scope's tenants (all
// rows for a scope of every tenant).
func inScope(q *bun.SelectQuery, column string, scope domain.Scope) *bun.SelectQuery {
	if !scope.All {
		q.Where(column+" ?", oneOf(scope.TenantIDs))
	}
	return q
}

// oneOf formats "is one of ids" after a column: IN (7) for one ID (which
// PostgreSQL plans as = 7), else = ANY('{…}'::bigint[]). PostgreSQL turns
// IN (…) of constants into that same = ANY, with the same plan, but parses
// and transforms every constant first: the 670 tenants of an organisation
// cost about 0.3 ms a statement, and a page has several (issue 17.1).
// No ID, an empty scope, matches nothing.
type oneOf []int64

func (ids oneOf) AppendQuery(_ schema.QueryGen, b []byte) ([]byte, error) {
	if len(ids) == 1 {
		b = strconv.AppendInt(append(b, "IN ("...), ids[0], 10)
		return append(b, ')'), nil
	}
	b = append(b, "= ANY('{"...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return append(b, "}'::bigint[])"...), nil
}

// nonEmpty gives an empty scope an ID no tenant has, so that its array
// matches nothing (a nil slice would be NULL).
func nonEmpty(ids []int64) []int64 {
	if len(ids) == 0 {
		return []int64{0}
	}
	return ids
}
