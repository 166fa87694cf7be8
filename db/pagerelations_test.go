package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// TestPageRelationsMatchSeparateReads: the one-round-trip read of a page's
// relations (issue 17.1) answers what the separate reads answer, for the
// whole directory, for tenant scopes of several sizes, for an empty scope,
// and with home tenants inside and outside the scope: the same memberships
// in the same order, the same tenants of each person, the same role
// assignments in the same order, the same tenants. A scope condition left
// out of one of its statements, or a subquery that does not match the
// memberships read, fails here.
func TestPageRelationsMatchSeparateReads(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 400)
	// Home tenants on a third of the people, some outside their memberships.
	if _, err := conn.Exec(ctx, `UPDATE users SET home_tenant_id = (SELECT min(id) FROM tenants) + (id % 7) WHERE id % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	users, tenants := db.NewUserService(d), db.NewTenantService(d)
	var allUsers, allTenants []int64
	for _, q := range []struct {
		sql string
		ids *[]int64
	}{{"SELECT id FROM users ORDER BY id", &allUsers}, {"SELECT id FROM tenants ORDER BY id", &allTenants}} {
		rows, err := conn.Query(ctx, q.sql)
		if err == nil {
			*q.ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(17, 1))
	pick := func(from []int64, n int) []int64 {
		p := slices.Clone(from)
		rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		return p[:min(n, len(p))]
	}
	same := func(what string, got, want any) {
		t.Helper()
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Fatalf("%s: the batch answers\n %s\nthe separate read\n %s", what, g, w)
		}
	}
	byID := func(ts []*domain.Tenant) []*domain.Tenant {
		return slices.SortedFunc(slices.Values(ts), func(a, b *domain.Tenant) int { return int(a.ID - b.ID) })
	}
	scopes := map[string]domain.Scope{
		"all":   {All: true},
		"none":  {},
		"one":   {TenantIDs: pick(allTenants, 1)},
		"five":  {TenantIDs: pick(allTenants, 5)},
		"half":  {TenantIDs: pick(allTenants, len(allTenants)/2)},
		"every": {TenantIDs: allTenants},
	}
	nonEmpty, homes, parents := 0, 0, 0
	var homeOfPerson int64
	for _, limit := range []int{64, 0} { // batched, then on several connections
		defer db.SetBatchScopeLimit(limit)()
		for name, scope := range scopes {
			name := fmt.Sprintf("%s (batch limit %d)", name, limit)
			for round := range 6 {
				userIDs := pick(allUsers, 50)
				home := pick(allTenants, 6) // some in scope, some not: the statement keeps the scope
				// Rounds 3-5: a profile, the person read too (the directory
				// the readable scope, one person visible or not).
				var person *db.VisibleTo
				if round >= 3 {
					userIDs = userIDs[:1]
					person = &db.VisibleTo{ViewerID: allUsers[round], Directory: scope}
				}
				var (
					mu         sync.Mutex
					statements []string
				)
				stop := d.ObserveQueries(func(q string) { mu.Lock(); statements = append(statements, q); mu.Unlock() })
				got, err := users.PageRelations(ctx, db.PageRelationsRequest{Scope: scope, UserIDs: userIDs,
					MemberTenants: true, RoleAssignments: true, Tenants: true, HomeTenantIDs: home, Person: person,
					Parents: round%2 == 0})
				stop()
				if err != nil {
					t.Fatalf("%s/%d: %v", name, round, err)
				}
				if wantStatements := 4 + btoi(person != nil) + btoi(round%2 == 0 && (scope.All || len(scope.TenantIDs) > 1)); len(statements) != wantStatements || !slices.ContainsFunc(statements, func(q string) bool { return strings.Contains(q, db.AuthorizationInputComment) }) {
					t.Fatalf("%s/%d: ObserveQueries saw %d statements: %q", name, round, len(statements), statements)
				}
				memberships, err := users.MembershipsByUserIDs(ctx, scope, userIDs)
				if err != nil {
					t.Fatal(err)
				}
				same(name+" memberships", got.Memberships, memberships)
				memberTenants, err := users.MemberTenantIDsByUserIDs(ctx, userIDs)
				if err != nil {
					t.Fatal(err)
				}
				same(name+" member tenants", got.MemberTenants, memberTenants)
				var membershipIDs, tenantIDs []int64
				for _, m := range memberships {
					membershipIDs = append(membershipIDs, m.ID)
					tenantIDs = append(tenantIDs, m.TenantID)
				}
				var assignments []*domain.RoleAssignment
				if len(membershipIDs) > 0 {
					if assignments, err = users.RoleAssignmentsByMembershipIDs(ctx, scope, membershipIDs); err != nil {
						t.Fatal(err)
					}
				}
				same(name+" role assignments", got.RoleAssignments, assignments)
				for _, ra := range got.RoleAssignments {
					if !scope.Contains(ra.TenantID) {
						t.Fatalf("%s: role assignment %d of tenant %d, outside the scope", name, ra.ID, ra.TenantID)
					}
				}
				if person != nil {
					people, err := users.VisibleUsersByIDs(ctx, person.ViewerID, person.Directory, userIDs)
					if err != nil {
						t.Fatal(err)
					}
					same(name+" people", got.Users, people)
					// Their home tenants, visible or not: only tenants in scope are read.
					if err := conn.QueryRow(ctx, "SELECT coalesce(home_tenant_id, 0) FROM users WHERE id = $1", userIDs[0]).Scan(&homeOfPerson); err != nil {
						t.Fatal(err)
					}
					home = append(home, homeOfPerson)
				} else if got.Users != nil {
					t.Fatalf("%s: people read unasked", name)
				}
				for _, id := range home {
					if scope.Contains(id) {
						tenantIDs = append(tenantIDs, id)
					}
				}
				if round%2 == 0 {
					// The parents in scope of the memberships' tenants.
					var memberTenants []*domain.Tenant
					if len(memberships) > 0 {
						var ids []int64
						for _, m := range memberships {
							ids = append(ids, m.TenantID)
						}
						if memberTenants, err = tenants.TenantsByIDs(ctx, domain.Scope{All: true}, ids); err != nil {
							t.Fatal(err)
						}
					}
					for _, mt := range memberTenants {
						if mt.ParentID != nil && scope.Contains(*mt.ParentID) {
							tenantIDs = append(tenantIDs, *mt.ParentID)
							parents++
						}
					}
				}
				var wantTenants []*domain.Tenant
				if len(tenantIDs) > 0 {
					if wantTenants, err = tenants.TenantsByIDs(ctx, scope, tenantIDs); err != nil {
						t.Fatal(err)
					}
				}
				same(name+" tenants", byID(got.Tenants), byID(wantTenants))
				if person != nil && homeOfPerson != 0 && scope.Contains(homeOfPerson) {
					homes++
				}
				if len(assignments) > 0 && len(wantTenants) > 0 {
					nonEmpty++
				}
			}
		}
	}
	if parents < 10 {
		t.Fatalf("only %d parents in scope to read", parents)
	}
	if homes < 4 {
		t.Fatalf("only %d profiles had a home tenant in scope", homes)
	}
	if nonEmpty < 16 {
		t.Fatalf("only %d of the comparisons had role assignments and tenants to compare", nonEmpty)
	}
	// Only what is asked for is read.
	var statements []string
	stop := d.ObserveQueries(func(q string) { statements = append(statements, q) })
	got, err := users.PageRelations(ctx, db.PageRelationsRequest{Scope: domain.Scope{All: true}, UserIDs: allUsers[:10]})
	stop()
	if err != nil || len(statements) != 1 || got.MemberTenants != nil || got.RoleAssignments != nil || got.Tenants != nil || len(got.Memberships) == 0 {
		t.Fatalf("memberships alone: %d statements, %+v, %v", len(statements), got, err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestPageRelationsPreparedAnew: a connection whose prepared statements
// PostgreSQL has dropped (DISCARD ALL, DEALLOCATE ALL: what a pooler or an
// operator may run) still answers a page's relations, the same as before:
// the statements are prepared again.
func TestPageRelationsPreparedAnew(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 150)
	d.SetMaxOpenConns(1) // the reads and the DEALLOCATE on one connection
	var ids []int64
	rows, err := conn.Query(ctx, "SELECT user_id FROM memberships ORDER BY user_id LIMIT 20")
	if err == nil {
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	if err != nil || len(ids) == 0 {
		t.Fatalf("%d people: %v", len(ids), err)
	}
	users := db.NewUserService(d)
	req := db.PageRelationsRequest{Scope: domain.Scope{All: true}, UserIDs: ids, MemberTenants: true, RoleAssignments: true, Tenants: true, Parents: true}
	before, err := users.PageRelations(ctx, req)
	if err != nil || len(before.Memberships) == 0 {
		t.Fatalf("relations: %+v, %v", before, err)
	}
	for _, drop := range []string{"DEALLOCATE ALL", "DISCARD ALL"} {
		if _, err := d.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
		after, err := users.PageRelations(ctx, req)
		if err != nil {
			t.Fatalf("after %s: %v", drop, err)
		}
		a, _ := json.Marshal(after)
		b, _ := json.Marshal(before)
		if string(a) != string(b) {
			t.Fatalf("after %s the relations differ:\n%s\nwant\n%s", drop, a, b)
		}
	}
}
