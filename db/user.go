package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// UserService implements domain.UserService: reads of users, memberships and
// role assignments, each scoped by the tenants the caller passes.
type UserService struct{ db *DB }

func NewUserService(db *DB) *UserService { return &UserService{db: db} }

var _ domain.UserService = (*UserService)(nil)

// userSearchExpr must stay identical to the expression of the trigram index
// users_search_trgm_idx, or the index is not used.
const userSearchExpr = `(u.username || ' ' || coalesce(u.tax_code, '') || ' ' || u.given_name || ' ' || u.family_name || ' ' || coalesce(u.email, ''))`

// userCursor is the sort key of a row. Under the default order (username
// ascending) it is the username alone, as it always was; under any other
// order it also names the order (O), so that a cursor is refused under an
// order it was not made for, and carries the key as text (K, absent for a
// missing value) with the id as tie-breaker (I).
type userCursor struct {
	Username string  `json:"u,omitempty"`
	Order    string  `json:"o,omitempty"`
	Key      *string `json:"k,omitempty"`
	ID       int64   `json:"i,omitempty"`
}

// The expressions must stay identical to those of the indexes of migration
// 0012, or the indexes are not used.
var userOrderColumns = map[domain.UserOrderField]orderColumn{
	domain.UserOrderDisplayName:  {"(u.given_name || ' ' || u.family_name)", "text", false, true},
	domain.UserOrderEmail:        {"lower(u.email)", "text", true, true},
	domain.UserOrderCreatedAt:    {"u.created_at", "timestamptz", false, true},
	domain.UserOrderLastSignInAt: {"u.last_login_at", "timestamptz", true, true},
}

// orderTag names an order in cursors; "" is the default order.
func orderTag(o domain.UserOrder) string {
	field := o.Field
	if field == "" {
		field = domain.UserOrderUsername
	}
	if field == domain.UserOrderUsername && !o.Desc {
		return ""
	}
	if o.Desc {
		return string(field) + "_DESC"
	}
	return string(field) + "_ASC"
}

// decodeUserCursor reads a cursor and checks it was made under the order.
func decodeUserCursor(cursor, field string, o domain.UserOrder) (*userCursor, error) {
	var c userCursor
	if err := decodeCursor(cursor, &c); err != nil {
		return nil, &domain.Error{Code: domain.EINVALID, Field: field, Reason: "INVALID_CURSOR", Message: "The cursor is not valid."}
	}
	tag := orderTag(o)
	_, generic := userOrderColumns[o.Field]
	if c.Order != tag || (generic && c.ID == 0) || (!generic && c.Username == "") {
		return nil, &domain.Error{Code: domain.EINVALID, Field: field, Reason: "INVALID_CURSOR",
			Message: "The cursor was made for another order of the list: start again from the first page."}
	}
	return &c, nil
}

// FindUsers lists the users with a membership in the filter's scope, in the
// filter's order: by username by default (unique, so the order is stable
// and the cursor is one key), else by another key with the id as
// tie-breaker (pageByKey).
//
// The username page is read in username order from an index and stops after the
// page: from memberships (tenant_id, username) tenant by tenant for a few
// tenants, from users (username) with a membership probe for a large scope
// or the whole platform. The count reads the narrowest index that answers
// it. BENCHMARKS.md has the plans on the 1M-user dataset.
func (s *UserService) FindUsers(ctx context.Context, f domain.UserFilter, p domain.Page) (*domain.Connection[*domain.User], error) {
	limit, backward, err := pageWindow(p)
	if err != nil {
		return nil, err
	}
	var after, before *userCursor
	if p.After != "" {
		if after, err = decodeUserCursor(p.After, "after", f.Order); err != nil {
			return nil, err
		}
	}
	if p.Before != "" {
		if before, err = decodeUserCursor(p.Before, "before", f.Order); err != nil {
			return nil, err
		}
	}
	col, generic := userOrderColumns[f.Order.Field]
	// The page is read upwards (ascending) or downwards: forwards in the
	// order's direction, backwards against it.
	up := f.Order.Desc == backward
	dir := "DESC"
	if up {
		dir = "ASC"
	}
	lq := newUserListQuery(f)
	var rows []userModel
	if !lq.empty {
		var sql, order string
		var args []any
		if generic {
			sql, args = lq.pageByKey(col, f.Order.Desc, after, before, up, limit)
			order = keyset{col: col, id: "u.id"}.orderBy(up)
		} else {
			var a, b *string
			if after != nil {
				a = &after.Username
			}
			if before != nil {
				b = &before.Username
			}
			if f.Order.Desc {
				a, b = b, a // after a cursor is below it
			}
			sql, args = lq.page(a, b, dir, limit)
			order = "p.username " + dir
		}
		// A list tolerates lag: a replica may serve it (replica.go).
		if err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error {
			rows = rows[:0]
			// Only the columns of the fields the page shows.
			projection := userProjectionOf(f.Fields)
			cols := projection.columns
			if generic {
				cols += ", p.sort_key"
			}
			q := idb.NewSelect().Model((*userModel)(nil)).ColumnExpr(cols).
				Join("JOIN ("+sql+") AS p ON p.user_id = u.id", args...).OrderExpr(order)
			var dst []any
			return s.db.pgxRead(ctx, idb, q, func(r pgx.Rows) error {
				// Scanned in place: a row of its own escaped to the heap.
				rows = append(rows, userModel{})
				m := &rows[len(rows)-1]
				dst = projection.targets(m, dst)
				if generic {
					dst = append(dst, &m.SortKey)
				}
				return r.Scan(dst...)
			})
		}); err != nil {
			return nil, mapError(err)
		}
	}
	rows, hasNext, hasPrev := trimPage(rows, limit, backward, p)
	conn := &domain.Connection[*domain.User]{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	tag := orderTag(f.Order)
	for i := range rows {
		conn.Nodes = append(conn.Nodes, rows[i].domain())
		c := userCursor{Username: rows[i].Username, Order: tag}
		if generic {
			c = userCursor{Order: tag, Key: rows[i].SortKey, ID: rows[i].ID}
		}
		conn.Cursors = append(conn.Cursors, encodeCursor(c))
	}
	conn.Count = func(ctx context.Context) (int, error) { return s.CountUsers(ctx, f) }
	return conn, nil
}

// pageByKey returns the query of one page of (user_id, sort_key) rows
// sorted by col: users of the scope (a membership probe) matching the
// filters, after and before the cursors, read upwards or downwards. In the
// order of the list a missing value sorts before every value.
func (q *userListQuery) pageByKey(col orderColumn, desc bool, after, before *userCursor, up bool, limit int) (string, []any) {
	b := &sqlBuf{}
	b.add("SELECT u.id AS user_id, (" + col.expr + ")::text AS sort_key FROM users u WHERE true")
	if !q.all {
		b.add(" AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id ?", oneOf(q.tenants))
		if q.roleCond != "" {
			b.add(" AND (SELECT true FROM role_assignments ra WHERE ra.tenant_id = m.tenant_id AND ra.user_id = m.user_id AND "+q.roleCond+" LIMIT 1)", q.roleArgs...)
		}
		b.add(")")
	} else if q.roleCond != "" {
		b.add(" AND (SELECT true FROM role_assignments ra WHERE ra.user_id = u.id AND "+q.roleCond+" LIMIT 1)", q.roleArgs...)
	}
	if q.userCond != "" {
		b.add(" AND "+q.userCond, q.userArgs...)
	}
	k := keyset{col: col, id: "u.id", desc: desc}
	var a, z *keyCursor
	if after != nil {
		a = &keyCursor{Key: after.Key, ID: after.ID}
	}
	if before != nil {
		z = &keyCursor{Key: before.Key, ID: before.ID}
	}
	where, args := k.bounds(a, z)
	b.add(" AND "+where, args...)
	b.add(" ORDER BY "+k.orderBy(up)+" LIMIT ?", limit)
	return b.query()
}

// CountUsers counts the users FindUsers lists for the filter, over all
// pages; callers may run it alongside the page.
func (s *UserService) CountUsers(ctx context.Context, f domain.UserFilter) (int, error) {
	lq := newUserListQuery(f)
	if lq.empty {
		return 0, nil
	}
	var n int
	sql, args := lq.count()
	err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error { return s.db.pgxRow(ctx, idb, idb.NewRaw(sql, args...), &n) })
	return n, mapError(err)
}

// DefaultExactCountLimit is how many users a list's count reads at most:
// beyond it the count is the planner's estimate (issue 17.2). Counting a
// platform of a million users exactly cost 132 ms per page and grew with
// the data; a bounded count costs the same at any size.
const DefaultExactCountLimit = 10_000

// distinctInputRows is how many rows per counted user a DISTINCT count
// reads at most before it falls back to counting the DISTINCT list itself
// (EstimateUsers): a person holds few roles in a scope.
var distinctInputRows = 4

// EstimateUsers counts the users FindUsers lists for the filter exactly up
// to limit (0: DefaultExactCountLimit); past it, it returns PostgreSQL's
// estimate (never below limit+1) and Exact false. A negative limit means
// no bound: the count is always exact, by CountUsers' own statement,
// which is cheaper than counting a bounded list of rows when nothing is
// to be cut short (count(DISTINCT) sorts once; the bounded form hashes
// every row through a LIMIT: 4 ms against 14 ms for 17,624 holders of a
// role in one tenant).
func (s *UserService) EstimateUsers(ctx context.Context, f domain.UserFilter, limit int) (domain.Count, error) {
	lq := newUserListQuery(f)
	if lq.empty {
		return domain.Count{Exact: true}, nil
	}
	if limit < 0 {
		n, err := s.CountUsers(ctx, f)
		return domain.Count{N: n, Exact: true}, err
	}
	if limit == 0 {
		limit = DefaultExactCountLimit
	}
	rows, args := lq.rows()
	input, inputArgs, distinct := lq.distinctInput()
	var n int
	err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error {
		past := false // more than limit users match
		if distinct {
			// Counting a DISTINCT list through a LIMIT hashes or walks
			// every row one by one (14 ms for the 17,624 holders of a role
			// in one tenant); count(DISTINCT) sorts once (4 ms). Count a
			// bounded input that way first: all of it read and at most limit users,
			// the count is exact; more than limit users, even in part of
			// it, the list is past the limit.
			inputLimit := distinctInputRows * limit
			var read int
			if err := s.db.pgxRow(ctx, idb, idb.NewRaw("SELECT count(DISTINCT user_id), count(*) FROM ("+input+" LIMIT ?) AS input",
				append(inputArgs, inputLimit+1)...), &n, &read); err != nil {
				return err
			}
			if read <= inputLimit && n <= limit {
				return nil
			}
			past = n > limit
		}
		if !past {
			if err := s.db.pgxRow(ctx, idb, idb.NewRaw("SELECT count(*) FROM ("+rows+" LIMIT ?) AS bounded", append(args, limit+1)...), &n); err != nil {
				return err
			}
			if n <= limit {
				return nil
			}
		}
		estimate, err := estimateRows(ctx, idb, lq, rows, args)
		n = max(estimate, limit+1)
		return err
	})
	if err != nil {
		return domain.Count{}, mapError(err)
	}
	return domain.Count{N: n, Exact: n <= limit}, nil
}

// estimateRows is the planner's estimate of a rows query: the table's
// statistics for all users, else EXPLAIN's row count of the plan's top.
func estimateRows(ctx context.Context, idb bun.IDB, lq *userListQuery, rows string, args []any) (int, error) {
	if lq.all && lq.userCond == "" && lq.roleCond == "" {
		var n float64
		err := idb.NewRaw("SELECT reltuples FROM pg_class WHERE oid = 'users'::regclass").Scan(ctx, &n)
		return int(n), err
	}
	var plan string
	if err := idb.NewRaw("EXPLAIN (FORMAT JSON) "+rows, args...).Scan(ctx, &plan); err != nil {
		return 0, err
	}
	var out []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal([]byte(plan), &out); err != nil || len(out) == 0 {
		return 0, fmt.Errorf("estimate users: plan %q: %w", plan, err)
	}
	return int(out[0].Plan.Rows), nil
}

// lateralMaxTenants is the largest scope read tenant by tenant (a page per
// tenant, then merged); larger scopes walk all users in username order.
const lateralMaxTenants = 64

// userListQuery builds the SQL of a users list from a filter: the tenants
// of the scope, the condition on role assignments, the conditions on users.
type userListQuery struct {
	all     bool    // platform-wide, no tenant condition
	tenants []int64 // otherwise
	empty   bool    // the scope holds no tenant: nothing matches

	roleCond string // on ra, "" without assignment filters
	roleArgs []any
	userCond string // on u, "" without user filters
	userArgs []any
}

func newUserListQuery(f domain.UserFilter) *userListQuery {
	q := &userListQuery{}
	switch {
	case f.TenantID != nil && !f.Scope.Contains(*f.TenantID):
		q.empty = true
	case f.TenantID != nil:
		q.tenants = []int64{*f.TenantID}
	case f.Scope.All:
		q.all = true
	default:
		q.tenants = compactIDs(f.Scope.TenantIDs)
		q.empty = len(q.tenants) == 0
	}
	// A role determines its product and category: the assignment filters
	// become a set of roles, matched with the indexes on role_id.
	var roles []string
	if f.RoleID != nil {
		roles, q.roleArgs = append(roles, "id = ?"), append(q.roleArgs, *f.RoleID)
	}
	if f.ProductID != nil {
		roles, q.roleArgs = append(roles, "product_id = ?"), append(q.roleArgs, *f.ProductID)
	}
	if f.Category != nil {
		roles, q.roleArgs = append(roles, "category = ?"), append(q.roleArgs, string(*f.Category))
	}
	if len(roles) > 0 || f.AssignmentStatus != nil {
		q.roleCond = "true"
		if len(roles) > 0 {
			q.roleCond = "ra.role_id = ANY (ARRAY(SELECT id FROM roles WHERE " + strings.Join(roles, " AND ") + "))"
		}
		if f.AssignmentStatus != nil {
			q.roleCond += " AND ra.status = ?"
			q.roleArgs = append(q.roleArgs, string(*f.AssignmentStatus))
		}
	}
	var users []string
	if f.Status != nil {
		users, q.userArgs = append(users, "u.status = ?"), append(q.userArgs, string(*f.Status))
	}
	if f.GroupID != nil {
		users, q.userArgs = append(users, "u.id IN (SELECT user_id FROM group_members WHERE group_id = ?)"), append(q.userArgs, *f.GroupID)
	}
	if f.Search != nil && strings.TrimSpace(*f.Search) != "" {
		users = append(users, userSearchExpr+" ILIKE ?")
		q.userArgs = append(q.userArgs, "%"+escapeLike(strings.TrimSpace(*f.Search))+"%")
	}
	if f.InactiveSinceDays != nil {
		users = append(users, "coalesce(u.last_login_at, u.created_at) < now() - make_interval(days => ?)")
		q.userArgs = append(q.userArgs, *f.InactiveSinceDays)
	}
	q.userCond = strings.Join(users, " AND ")
	return q
}

// sqlBuf accumulates SQL with ? placeholders and their arguments in order.
type sqlBuf struct {
	sql  strings.Builder
	args []any
}

func (b *sqlBuf) add(sql string, args ...any) {
	b.sql.WriteString(sql)
	b.args = append(b.args, args...)
}

func (b *sqlBuf) query() (string, []any) { return b.sql.String(), b.args }

// fewHolders is where a role filter stops being selective: below it the
// page starts from the holders of the roles (role_assignments_tenant_role_idx)
// and sorts them; from it on, the page walks the members in username order
// and probes each (role_assignments_tenant_user_idx), which needs about
// page size × members ÷ holders probes. PostgreSQL cannot tell the two
// apart (the roles are a run-time set), so the query measures it.
var fewHolders = 1500

// page returns the query of one page of (user_id, username) rows in page
// order, limit rows at most.
func (q *userListQuery) page(after, before *string, dir string, limit int) (string, []any) {
	b := &sqlBuf{}
	keyset := func(column string) {
		if after != nil {
			b.add(" AND "+column+" > ?", *after)
		}
		if before != nil {
			b.add(" AND "+column+" < ?", *before)
		}
	}
	userConds := func() {
		if q.userCond != "" {
			b.add(" AND "+q.userCond, q.userArgs...)
		}
	}
	// probe is the role filter checked for one membership m.
	probe := " AND (SELECT true FROM role_assignments ra WHERE ra.tenant_id = m.tenant_id AND ra.user_id = m.user_id AND " + q.roleCond + " LIMIT 1)"
	walk := func() {
		switch {
		case q.all || len(q.tenants) > lateralMaxTenants:
			// Users in username order (users_username_key), each checked
			// against the scope and the role filter until the page is full.
			b.add("SELECT u.id AS user_id, u.username FROM users u WHERE true")
			if !q.all {
				b.add(" AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.tenant_id ?", oneOf(q.tenants))
				if q.roleCond != "" {
					b.add(probe, q.roleArgs...)
				}
				b.add(")")
			} else if q.roleCond != "" {
				b.add(" AND (SELECT true FROM role_assignments ra WHERE ra.user_id = u.id AND "+q.roleCond+" LIMIT 1)", q.roleArgs...)
			}
			userConds()
			keyset("u.username")
			b.add(" ORDER BY u.username "+dir+" LIMIT ?", limit)
			return
		}
		// Tenant by tenant in username order (memberships_tenant_username_idx),
		// a page from each, merged; a user of several tenants counts once.
		member := func(tenant string, targs ...any) {
			b.add("SELECT m.user_id, m.username FROM memberships m")
			if q.userCond != "" {
				b.add(" JOIN users u ON u.id = m.user_id")
			}
			b.add(" WHERE m.tenant_id = "+tenant, targs...)
			if q.roleCond != "" {
				b.add(probe, q.roleArgs...)
			}
			userConds()
			keyset("m.username")
			b.add(" ORDER BY m.username "+dir+" LIMIT ?", limit)
		}
		if len(q.tenants) == 1 {
			member("?", q.tenants[0])
			return
		}
		b.add("SELECT DISTINCT ON (c.username) c.user_id, c.username FROM unnest(ARRAY[?]::bigint[]) AS s(tenant_id) CROSS JOIN LATERAL (", bun.List(q.tenants))
		member("s.tenant_id")
		b.add(") c ORDER BY c.username "+dir+" LIMIT ?", limit)
	}
	if q.roleCond == "" || q.all {
		walk()
		return b.query()
	}
	// A role filter in a tenant scope: from the holders when they are few,
	// else the walk. The holders are read once, at most few of them, and
	// their number picks the branch (init plans: one branch runs).
	few := fewHolders
	if len(q.tenants) > lateralMaxTenants {
		// The walk then goes over all users, not the scope's members: it
		// needs about page size × all users ÷ holders steps.
		few *= 8
	}
	b.add("WITH h AS MATERIALIZED (SELECT ra.tenant_id, ra.user_id FROM role_assignments ra WHERE ra.tenant_id ? AND "+q.roleCond,
		append([]any{oneOf(q.tenants)}, q.roleArgs...)...)
	b.add(" LIMIT ?)", few)
	// Each holder's membership (for the username) is probed one by one:
	// OFFSET 0 keeps the planner, which overestimates the holders, from
	// turning this back into a walk.
	b.add(" SELECT * FROM ((SELECT DISTINCT ON (m.username) m.user_id, m.username FROM h CROSS JOIN LATERAL" +
		" (SELECT m.user_id, m.username FROM memberships m WHERE m.tenant_id = h.tenant_id AND m.user_id = h.user_id OFFSET 0) m")
	if q.userCond != "" {
		b.add(" JOIN users u ON u.id = m.user_id")
	}
	b.add(" WHERE (SELECT count(*) FROM h) < ?", few)
	userConds()
	keyset("m.username")
	b.add(" ORDER BY m.username "+dir+" LIMIT ?) UNION ALL (SELECT * FROM (", limit)
	walk()
	b.add(") w WHERE (SELECT count(*) FROM h) >= ?)) p ORDER BY username "+dir+" LIMIT ?", few, limit)
	return b.query()
}

// count returns the query counting every user of the list.
func (q *userListQuery) count() (string, []any) {
	sql, args, _ := q.countOrRows(countMode)
	return sql, args
}

// rows returns a query of one row per user of the list, to count up to a
// bound (LIMIT) or to have the planner estimate.
func (q *userListQuery) rows() (string, []any) {
	sql, args, _ := q.countOrRows(rowsMode)
	return sql, args
}

// distinctInput returns, for a list whose users are counted DISTINCT (a
// role filter, several tenants), the query of the user_id of every row
// before DISTINCT (one per membership or role assignment); ok is false
// for the other lists.
func (q *userListQuery) distinctInput() (sql string, args []any, ok bool) {
	return q.countOrRows(inputMode)
}

type listMode int

const (
	countMode listMode = iota
	rowsMode
	inputMode
)

func (q *userListQuery) countOrRows(mode listMode) (string, []any, bool) {
	b := &sqlBuf{}
	distinct := false
	head := func(col string) {
		distinct = col != ""
		switch {
		case mode == inputMode && distinct:
			b.add("SELECT " + col + " AS user_id")
		case mode != countMode && distinct:
			b.add("SELECT DISTINCT " + col)
		case mode != countMode:
			b.add("SELECT 1")
		case distinct:
			b.add("SELECT count(DISTINCT " + col + ")")
		default:
			b.add("SELECT count(*)")
		}
	}
	from := func(table, alias string) {
		if q.userCond != "" {
			b.add(" FROM "+table+" "+alias+" JOIN users u ON u.id = "+alias+".user_id WHERE "+q.userCond, q.userArgs...)
		} else {
			b.add(" FROM " + table + " " + alias + " WHERE true")
		}
	}
	switch {
	case q.roleCond != "":
		// role_assignments_tenant_role_idx, or role_assignments_user_id_idx
		// platform-wide.
		head("ra.user_id")
		from("role_assignments", "ra")
		if !q.all {
			b.add(" AND ra.tenant_id ?", oneOf(q.tenants))
		}
		b.add(" AND "+q.roleCond, q.roleArgs...)
	case q.all:
		head("")
		b.add(" FROM users u")
		if q.userCond != "" {
			b.add(" WHERE "+q.userCond, q.userArgs...)
		}
	default:
		// A user is a member of a tenant once: one tenant needs no DISTINCT.
		if len(q.tenants) == 1 {
			head("")
		} else {
			head("m.user_id")
		}
		from("memberships", "m")
		b.add(" AND m.tenant_id ?", oneOf(q.tenants))
	}
	sql, args := b.query()
	return sql, args, distinct
}

func compactIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// UsersByIDs loads users for a dataloader. Callers check visibility.
func (s *UserService) UsersByIDs(ctx context.Context, ids []int64) ([]*domain.User, error) {
	var rows []userModel
	if err := s.db.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, mapError(err)
	}
	out := make([]*domain.User, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// VisibleUsersByIDs loads users for a dataloader, only those the viewer's
// user directory holds: the viewer themself, or a member of a tenant in
// scope. A user outside it is never read.
//
// Prepared (visibleUsersStatement, which a profile's batch sends too):
// every sign-in's answer reads its user this way, 0.33–0.48 ms of
// PostgreSQL CPU as text against 0.08–0.10 ms prepared (pgbench, issue
// 17.5).
func (s *UserService) VisibleUsersByIDs(ctx context.Context, viewerID int64, scope domain.Scope, ids []int64) ([]*domain.User, error) {
	query, args := visibleUsersStatement(viewerID, scope, ids)
	var out []*domain.User
	err := s.db.pgxPrepared(ctx, s.db.DB, query, args, scanInto[userModel, domain.User](&out))
	return out, mapError(err)
}

// visibleUsersStatement is VisibleUsersByIDs's statement and its
// arguments.
func visibleUsersStatement(viewerID int64, scope domain.Scope, ids []int64) (string, []any) {
	if scope.All {
		return visibleUsersAll, []any{ids}
	}
	// No tenants (nil, sent as NULL) match no membership, as an empty list.
	return visibleUsersScoped, []any{ids, viewerID, scope.TenantIDs}
}

const (
	visibleUsersAll    = "SELECT " + userColumns + " FROM users AS u WHERE u.id = ANY($1)"
	visibleUsersScoped = visibleUsersAll + " AND (u.id = $2 OR EXISTS (SELECT 1 FROM memberships vm" +
		" WHERE vm.user_id = u.id AND vm.tenant_id = ANY($3)))"
)

// MembershipsByUserIDs returns the memberships of the given users inside the
// scope, ordered by tenant.
func (s *UserService) MembershipsByUserIDs(ctx context.Context, scope domain.Scope, userIDs []int64) ([]*domain.Membership, error) {
	return pgxModels[membershipModel, domain.Membership](ctx, s.db, membershipsQuery(s.db, scope, userIDs))
}

// membershipsQuery is MembershipsByUserIDs's statement.
func membershipsQuery(d *DB, scope domain.Scope, userIDs []int64) *bun.SelectQuery {
	return inScope(d.NewSelect().Model((*membershipModel)(nil)).ColumnExpr(membershipColumns).
		Where("user_id IN (?)", bun.List(userIDs)).Order("tenant_id"), "tenant_id", scope)
}

// RoleAssignmentsByMembershipIDs returns the role assignments of the given
// memberships in the tenants of scope.
func (s *UserService) RoleAssignmentsByMembershipIDs(ctx context.Context, scope domain.Scope, membershipIDs []int64) ([]*domain.RoleAssignment, error) {
	q := s.db.NewSelect().Model((*roleAssignmentModel)(nil)).ColumnExpr(roleAssignmentColumns).
		Where("membership_id IN (?)", bun.List(membershipIDs))
	inScope(q, "tenant_id", scope)
	return pgxModels[roleAssignmentModel, domain.RoleAssignment](ctx, s.db, q.Order("product_id", "id"))
}

// AuthorizationInputComment marks the only reads of memberships and role
// assignments that are not scoped by the viewer's tenants: the facts an
// authorization decision about a person needs (every tenant they belong to,
// every role they hold), never shown as such. Tests look for it.
const AuthorizationInputComment = "authorization input"

// MemberTenantIDsByUserIDs returns, for each user, every tenant they are a
// member of: the input of the personal-data rule and of visibility checks.
func (s *UserService) MemberTenantIDsByUserIDs(ctx context.Context, userIDs []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(userIDs))
	err := s.db.pgxRead(ctx, s.db.DB, memberTenantsQuery(s.db, userIDs), scanMemberTenants(out))
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// TargetRolesByUserIDs returns, for each user, every role they hold,
// whatever its tenant, category or status: the input of account-wide
// authorization (domain.CoversAccount), as targetRoles reads it under lock.
func (s *UserService) TargetRolesByUserIDs(ctx context.Context, userIDs []int64) (map[int64][]domain.TargetRole, error) {
	var rows []struct {
		UserID    int64  `bun:"user_id"`
		TenantID  int64  `bun:"tenant_id"`
		ProductID int64  `bun:"product_id"`
		Category  string `bun:"category"`
	}
	err := s.db.NewSelect().Comment(AuthorizationInputComment).Table("role_assignments").Distinct().
		Column("user_id", "tenant_id", "product_id", "category").Where("user_id IN (?)", bun.List(userIDs)).
		Order("user_id", "tenant_id", "product_id", "category").Scan(ctx, &rows)
	if err != nil {
		return nil, mapError(err)
	}
	out := make(map[int64][]domain.TargetRole, len(userIDs))
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], domain.TargetRole{TenantID: r.TenantID, ProductID: r.ProductID, Category: domain.RoleCategory(r.Category)})
	}
	return out, nil
}

// viewerQuery reads an account with its active grants ($1: the user),
// and the tenant tree's version (tenant_tree.go).
const viewerQuery = "/* " + AuthorizationInputComment + " */ " + `SELECT u.id, u.username, u.kind, u.status, u.platform_admin,
		ra.tenant_id, ra.product_id, ra.role_id, ra.category, r.personal_data_access,
		coalesce((SELECT version FROM tenant_tree_version), 0)
		FROM users u LEFT JOIN (role_assignments ra JOIN roles r ON r.id = ra.role_id) ON ra.user_id = u.id AND ra.status = 'ACTIVE'
		WHERE u.id = $1 ORDER BY ra.id`

// LoadViewer loads a user with their active grants: the input of every
// authorization decision for one request.
func (s *UserService) LoadViewer(ctx context.Context, userID int64) (*domain.Viewer, error) {
	// Every request loads its viewer: one prepared statement, scanned
	// with pgx, the account's row once per grant (or once, grants NULL).
	var v *domain.Viewer
	err := s.db.pgxPrepared(ctx, s.db.DB, viewerQuery, []any{userID}, func(r pgx.Rows) error {
		var u domain.Viewer
		var tenantID, productID, roleID *int64
		var category *string
		var personal *bool
		var treeVersion int64
		if err := r.Scan(&u.UserID, &u.Username, &u.Kind, &u.Status, &u.PlatformAdmin, &tenantID, &productID, &roleID, &category, &personal, &treeVersion); err != nil {
			return err
		}
		if v == nil {
			v = &u
			noteTreeVersion(ctx, treeVersion)
		}
		if tenantID != nil {
			v.Grants = append(v.Grants, domain.Grant{TenantID: *tenantID, ProductID: *productID, RoleID: *roleID,
				Category: domain.RoleCategory(*category), PersonalDataAccess: *personal})
		}
		return nil
	})
	if err == nil && v == nil {
		err = sql.ErrNoRows
	}
	if err != nil {
		return nil, mapError(err)
	}
	return v, nil
}
