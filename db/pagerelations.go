package db

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"tenantadmin/domain"
)

// PageRelationsRequest says what a page of users shows beside the users:
// their memberships in the viewer's readable tenants always, and on demand
// every tenant each of them belongs to (the personal-data rule's input),
// the role assignments of those memberships and the memberships' tenants
// (with the given home tenants).
type PageRelationsRequest struct {
	Scope           domain.Scope // the viewer's readable tenants
	UserIDs         []int64
	MemberTenants   bool
	RoleAssignments bool
	Tenants         bool
	HomeTenantIDs   []int64 // read with the tenants, those in scope
	Parents         bool    // with the tenants, the parents in scope of the memberships' tenants
	// Person, when set, also reads the people themselves as
	// VisibleUsersByIDs does (a profile: one person, read before anything
	// is known of them) and, with the tenants, their home tenants in scope.
	Person *VisibleTo
}

// VisibleTo is whose user directory decides which people are read.
type VisibleTo struct {
	ViewerID  int64
	Directory domain.Scope
}

// PageRelations is what PageRelationsRequest asked for.
type PageRelations struct {
	Users           []*domain.User       // with Person, as VisibleUsersByIDs
	Memberships     []*domain.Membership // ordered by tenant, as MembershipsByUserIDs
	MemberTenants   map[int64][]int64    // as MemberTenantIDsByUserIDs
	RoleAssignments []*domain.RoleAssignment
	Tenants         []*domain.Tenant
}

// PageRelations reads a page's relations in one round trip (issue 17.1):
// the statements go to PostgreSQL as one batch (for a large scope, side by
// side on several connections: batchScopeLimit). Each answers what its
// separate read answers (MembershipsByUserIDs, MemberTenantIDsByUserIDs,
// RoleAssignmentsByMembershipIDs of those memberships, TenantsByIDs of
// their tenants and of the home tenants in scope), taking the people's IDs
// where the separate reads take the IDs the first one answered. Every
// statement keeps its scope condition; TestPageRelationsMatchSeparateReads
// compares them.
func (s *UserService) PageRelations(ctx context.Context, req PageRelationsRequest) (*PageRelations, error) {
	out := &PageRelations{}
	if len(req.UserIDs) == 0 {
		return out, nil
	}
	var parents []*domain.Tenant // read apart, added to out.Tenants
	batch := []batchRead{{membershipsQuery(s.db, req.Scope, req.UserIDs), scanInto[membershipModel, domain.Membership](&out.Memberships)}}
	if req.Person != nil {
		batch = append(batch, batchRead{visibleUsersQuery(s.db, req.Person.ViewerID, req.Person.Directory, req.UserIDs),
			scanInto[userModel, domain.User](&out.Users)})
	}
	if req.MemberTenants {
		out.MemberTenants = make(map[int64][]int64, len(req.UserIDs))
		batch = append(batch, batchRead{memberTenantsQuery(s.db, req.UserIDs), scanMemberTenants(out.MemberTenants)})
	}
	// The scope's list of tenants appears once per statement: with the
	// hundreds of tenants of an organisation, parsing and planning a second
	// copy cost more than the round trip saved.
	if req.RoleAssignments {
		// A role assignment carries its membership's user and tenant
		// (as the role filter and the counts read them): by those, the
		// statement is as simple to plan as by membership IDs (a join with
		// memberships took PostgreSQL twice as long).
		q := inScope(s.db.NewSelect().Model((*roleAssignmentModel)(nil)).ColumnExpr(roleAssignmentColumns).
			Where("ra.user_id IN (?)", bun.List(req.UserIDs)), "ra.tenant_id", req.Scope).Order("ra.product_id", "ra.id")
		batch = append(batch, batchRead{q, scanInto[roleAssignmentModel, domain.RoleAssignment](&out.RoleAssignments)})
	}
	if req.Tenants {
		memberTenants := func() *bun.SelectQuery {
			return inScope(s.db.NewSelect().TableExpr("memberships AS pm").Column("pm.tenant_id").
				Where("pm.user_id IN (?)", bun.List(req.UserIDs)), "pm.tenant_id", req.Scope)
		}
		ids := memberTenants()
		var home []int64 // once each: a page's people often share one
		for _, id := range req.HomeTenantIDs {
			if req.Scope.Contains(id) && !slices.Contains(home, id) {
				home = append(home, id)
			}
		}
		// UNION, not OR: with OR PostgreSQL reads every tenant.
		if len(home) > 0 {
			ids.UnionAll(s.db.NewSelect().ColumnExpr("unnest(?::bigint[])", pgdialect.Array(home)))
		}
		if req.Person != nil {
			ids.UnionAll(inScope(s.db.NewSelect().TableExpr("users AS hu").Column("hu.home_tenant_id").
				Where("hu.id IN (?)", bun.List(req.UserIDs)), "hu.home_tenant_id", req.Scope))
		}
		// = ANY(ARRAY(…)), not IN (…): the IDs are read first, then each
		// tenant by its key. With IN, PostgreSQL expected as many IDs as
		// people and joined them by hash to a scan of every tenant (a
		// tenant administrator's page: 1.06 → 0.42 ms, pgbench).
		q := s.db.NewSelect().Model((*tenantModel)(nil)).ColumnExpr(tenantColumns).Where("t.id = ANY(ARRAY(?))", ids)
		batch = append(batch, batchRead{q, scanInto[tenantModel, domain.Tenant](&out.Tenants)})
		// A parent in scope needs a scope of two tenants at least: a
		// tenant administrator of one tenant is spared the statement.
		if req.Parents && (req.Scope.All || len(req.Scope.TenantIDs) > 1) {
			// A statement of its own: side by side with the others when
			// they run on several connections, and each planned with fewer
			// copies of a large scope.
			// The scope condition is on the parents' IDs, inside: outside,
			// beside the IDs' array, it made PostgreSQL scan every tenant
			// (an organisation's page: 3.6 → 1.9 ms, pgbench).
			parentIDs := inScope(s.db.NewSelect().TableExpr("tenants AS tp").Column("tp.parent_id").
				Where("tp.id = ANY(ARRAY(?))", memberTenants()), "tp.parent_id", req.Scope)
			q := s.db.NewSelect().Model((*tenantModel)(nil)).ColumnExpr(tenantColumns).Where("t.id = ANY(ARRAY(?))", parentIDs)
			batch = append(batch, batchRead{q, scanInto[tenantModel, domain.Tenant](&parents)})
		}
	}
	read := s.db.pgxBatch
	if !req.Scope.All && len(req.Scope.TenantIDs) > batchScopeLimit {
		read = s.db.pgxConcurrently
	}
	if err := read(ctx, batch); err != nil {
		return nil, mapError(err)
	}
	for _, p := range parents {
		if !slices.ContainsFunc(out.Tenants, func(t *domain.Tenant) bool { return t.ID == p.ID }) {
			out.Tenants = append(out.Tenants, p)
		}
	}
	return out, nil
}

// batchScopeLimit is the largest scope whose reads share one round trip.
// One PostgreSQL backend runs a batch's statements one after the other;
// with the hundreds of tenants of an organisation each statement takes
// milliseconds to plan, and they finish sooner side by side on several
// connections (the user profile of an organisation administrator: p50
// 18 ms concurrently, 22 ms batched; a tenant administrator's page costs
// the server 5-18 % less CPU batched).
var batchScopeLimit = 64

// pgxConcurrently runs reads as pgxRead does, each on its own connection,
// all at once.
func (db *DB) pgxConcurrently(ctx context.Context, reads []batchRead) error {
	errs := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, r := range reads {
		wg.Go(func() { errs[i] = db.pgxRead(ctx, db.DB, r.q, r.scan) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// memberTenantsQuery is MemberTenantIDsByUserIDs's statement.
func memberTenantsQuery(d *DB, userIDs []int64) *bun.SelectQuery {
	return d.NewSelect().Comment(AuthorizationInputComment).Table("memberships").Column("user_id", "tenant_id").
		Where("user_id IN (?)", bun.List(userIDs)).Order("user_id", "tenant_id")
}

// scanMemberTenants reads memberTenantsQuery's rows into out.
func scanMemberTenants(out map[int64][]int64) func(pgx.Rows) error {
	return func(r pgx.Rows) error {
		var userID, tenantID int64
		if err := r.Scan(&userID, &tenantID); err != nil {
			return err
		}
		out[userID] = append(out[userID], tenantID)
		return nil
	}
}

// batchRead is one read of a batch: the statement and what scans its rows.
type batchRead struct {
	q    fmt.Stringer
	scan func(pgx.Rows) error
}

// pgxBatch runs reads as pgxRead does, all in one round trip: pgx sends a
// batch as one message of several statements under the simple protocol
// the pool uses (db.SessionConfig), and PostgreSQL answers each in turn.
func (db *DB) pgxBatch(ctx context.Context, reads []batchRead) error {
	var b pgx.Batch
	for _, r := range reads {
		query := r.q.String()
		db.noteStatement(ctx, query)
		b.Queue(query)
	}
	return withPgxConn(ctx, db.DB, func(conn *pgx.Conn) error {
		results := conn.SendBatch(ctx, &b)
		for _, r := range reads {
			rows, err := results.Query()
			if err := eachRow(rows, err, r.scan); err != nil {
				results.Close()
				return err
			}
		}
		return results.Close()
	})
}
