package db

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

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
//
// The statements are of fixed text, the people and the scope passed as
// arrays (relationStatements; the person's is VisibleUsersByIDs's), and
// prepared once per connection: planned
// afresh with their values written in, the five statements of a tenant
// administrator's page cost PostgreSQL about 2 ms of CPU more than their
// execution (BENCHMARKS.md, "A page's relations prepared").
func (s *UserService) PageRelations(ctx context.Context, req PageRelationsRequest) (*PageRelations, error) {
	out := &PageRelations{}
	if len(req.UserIDs) == 0 {
		return out, nil
	}
	sql := &relationStatements[0]
	args := []any{req.UserIDs}
	if !req.Scope.All {
		sql = &relationStatements[1]
		args = append(args, append([]int64{}, req.Scope.TenantIDs...)) // never nil: an empty scope matches nothing
	}
	var parents []*domain.Tenant // read apart, added to out.Tenants
	batch := []batchRead{{sql: sql.memberships, args: args, scan: scanInto[membershipModel, domain.Membership](&out.Memberships)}}
	if req.Person != nil {
		query, args := visibleUsersStatement(req.Person.ViewerID, req.Person.Directory, req.UserIDs)
		batch = append(batch, batchRead{sql: query, args: args, scan: scanInto[userModel, domain.User](&out.Users)})
	}
	if req.MemberTenants {
		out.MemberTenants = make(map[int64][]int64, len(req.UserIDs))
		batch = append(batch, batchRead{sql: memberTenantsSQL, args: args[:1], scan: scanMemberTenants(out.MemberTenants)})
	}
	if req.RoleAssignments {
		batch = append(batch, batchRead{sql: sql.roleAssignments, args: args, scan: scanInto[roleAssignmentModel, domain.RoleAssignment](&out.RoleAssignments)})
	}
	if req.Tenants {
		home := []int64{} // once each: a page's people often share one
		for _, id := range req.HomeTenantIDs {
			if req.Scope.Contains(id) && !slices.Contains(home, id) {
				home = append(home, id)
			}
		}
		tenants := sql.tenants
		if req.Person != nil {
			tenants = sql.personTenants
		}
		batch = append(batch, batchRead{sql: tenants, args: append(slices.Clip(args), home), scan: scanInto[tenantModel, domain.Tenant](&out.Tenants)})
		// A parent in scope needs a scope of two tenants at least: a
		// tenant administrator of one tenant is spared the statement.
		if req.Parents && (req.Scope.All || len(req.Scope.TenantIDs) > 1) {
			batch = append(batch, batchRead{sql: sql.parents, args: args, scan: scanInto[tenantModel, domain.Tenant](&parents)})
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

// relationSQL is PageRelations's statements for one kind of scope: $1 the
// people, $2 the scope's tenants (scoped statements only), then the home
// tenants in scope for the tenants' statements.
type relationSQL struct {
	memberships, roleAssignments, tenants, personTenants, parents string
}

// relationStatements are PageRelations's statements for the whole
// directory ([0]) and for a list of tenants ([1]).
var relationStatements = [2]relationSQL{newRelationSQL(false), newRelationSQL(true)}

// memberTenantsSQL is MemberTenantIDsByUserIDs's statement with the people
// as $1.
const memberTenantsSQL = "/* " + AuthorizationInputComment + " */ SELECT user_id, tenant_id FROM memberships " +
	"WHERE user_id = ANY($1::bigint[]) ORDER BY user_id, tenant_id"

func newRelationSQL(scoped bool) relationSQL {
	in := func(column string) string {
		if !scoped {
			return ""
		}
		return " AND " + column + " = ANY($2::bigint[])"
	}
	home := "$2"
	if scoped {
		home = "$3"
	}
	memberTenantIDs := "SELECT pm.tenant_id FROM memberships AS pm WHERE pm.user_id = ANY($1::bigint[])" + in("pm.tenant_id")
	// The home tenants with UNION, not OR: with OR PostgreSQL reads every
	// tenant.
	tenantIDs := memberTenantIDs + " UNION ALL SELECT unnest(" + home + "::bigint[])"
	// = ANY(ARRAY(…)), not IN (…): the IDs are read first, then each tenant
	// by its key. With IN, PostgreSQL expected as many IDs as people and
	// joined them by hash to a scan of every tenant (a tenant
	// administrator's page: 1.06 → 0.42 ms, pgbench).
	tenantsOf := func(ids string) string {
		return "SELECT " + tenantColumns + " FROM tenants AS t WHERE t.id = ANY(ARRAY(" + ids + "))"
	}
	return relationSQL{
		memberships: "SELECT " + membershipColumns + " FROM memberships AS m WHERE m.user_id = ANY($1::bigint[])" +
			in("m.tenant_id") + " ORDER BY m.tenant_id",
		// A role assignment carries its membership's user and tenant (as the
		// role filter and the counts read them): by those, the statement is
		// as simple as by membership IDs (a join with memberships took
		// PostgreSQL twice as long).
		roleAssignments: "SELECT " + roleAssignmentColumns + " FROM role_assignments AS ra WHERE ra.user_id = ANY($1::bigint[])" +
			in("ra.tenant_id") + " ORDER BY ra.product_id, ra.id",
		tenants: tenantsOf(tenantIDs),
		personTenants: tenantsOf(tenantIDs + " UNION ALL SELECT hu.home_tenant_id FROM users AS hu WHERE hu.id = ANY($1::bigint[])" +
			in("hu.home_tenant_id")),
		// The parents in a statement of their own (side by side with the
		// others when they run on several connections). The scope condition
		// is on the parents' IDs, inside: outside, beside the IDs' array, it
		// made PostgreSQL scan every tenant (an organisation's page: 3.6 →
		// 1.9 ms, pgbench).
		parents: tenantsOf("SELECT tp.parent_id FROM tenants AS tp WHERE tp.id = ANY(ARRAY(" + memberTenantIDs + "))" +
			in("tp.parent_id")),
	}
}

// batchScopeLimit is the largest scope whose reads share one round trip.
// One PostgreSQL backend runs a batch's statements one after the other;
// with the hundreds of tenants of an organisation each statement takes
// milliseconds to plan, and they finish sooner side by side on several
// connections (the user profile of an organisation administrator: p50
// 18 ms concurrently, 22 ms batched; a tenant administrator's page costs
// the server 5-18 % less CPU batched).
var batchScopeLimit = 64

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
