package db_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"tenantadmin/bench/datagen"
	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// TestFindUsersMatchesReference checks every plan of FindUsers (one tenant,
// a few tenants merged, a large scope walked in username order, the whole
// platform) against a plain reference query, with each filter, paging
// forwards and backwards, and the count, on a small generated dataset.
func TestFindUsersMatchesReference(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 2500)
	ids := func(sql string, args ...any) []int64 {
		t.Helper()
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	largest := ids("SELECT tenant_id FROM memberships GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 1")[0]
	org := ids(`WITH RECURSIVE sub AS (SELECT id FROM tenants WHERE id = (SELECT id FROM tenants WHERE parent_id IS NULL
		ORDER BY (SELECT count(*) FROM tenants c WHERE c.parent_id = tenants.id) DESC, id LIMIT 1)
		UNION SELECT c.id FROM tenants c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub`)
	all := ids("SELECT id FROM tenants ORDER BY id")
	commonRole := ids("SELECT role_id FROM role_assignments GROUP BY role_id ORDER BY count(*) DESC, role_id LIMIT 1")[0]
	product := ids("SELECT product_id FROM role_assignments GROUP BY product_id ORDER BY count(*) DESC, product_id LIMIT 1")[0]
	if len(org) < 2 || len(org) > 64 || len(all) <= 64 {
		t.Fatalf("dataset shape: organisation of %d tenants, %d tenants", len(org), len(all))
	}

	ptr := func(s string) *string { return &s }
	status := func(s domain.UserStatus) *domain.UserStatus { return &s }
	category := func(c domain.RoleCategory) *domain.RoleCategory { return &c }
	assignment := domain.AssignmentStatus("SUSPENDED")
	inactiveDays := 30
	// Some users signed in lately, some long ago, some never.
	if _, err := conn.Exec(ctx, `UPDATE users SET last_login_at = CASE WHEN id % 3 = 0 THEN now() - interval '2 days'
		WHEN id % 3 = 1 THEN now() - interval '45 days' END, created_at = now() - (id % 90) * interval '1 day'`); err != nil {
		t.Fatal(err)
	}
	scopes := map[string]domain.Scope{
		"OneTenant":    {TenantIDs: []int64{largest}},
		"Organisation": {TenantIDs: org},
		"LargeScope":   {TenantIDs: all},
		"Platform":     {All: true},
		"Empty":        {},
	}
	filters := map[string]domain.UserFilter{
		"All":                  {},
		"Status":               {Status: status("SUSPENDED")},
		"Search":               {Search: ptr("mar")},
		"CategoryAdmin":        {Category: category("ADMIN")},
		"Role":                 {RoleID: &commonRole},
		"ProductSuspended":     {ProductID: &product, AssignmentStatus: &assignment},
		"OperatorActiveSearch": {Category: category("OPERATOR"), Status: status("ACTIVE"), Search: ptr("an")},
		"Tenant":               {TenantID: &largest},
		"Inactive":             {InactiveSinceDays: &inactiveDays},
		"InactiveOperators":    {InactiveSinceDays: &inactiveDays, Category: category("OPERATOR")},
	}
	svc := db.NewUserService(d)
	for _, plan := range []struct {
		name string
		few  int
	}{{"FromHolders", 1 << 30}, {"Walk", 0}} {
		undo := db.SetFewHolders(plan.few)
		t.Run(plan.name, func(t *testing.T) { checkFindUsers(t, conn, svc, scopes, filters) })
		undo()
	}
}

// generatedUsers loads a small generated dataset (100 tenants in 10
// organisations, users as given, no audit events) into a fresh database and
// returns the service layer's and a plain connection to it, both closed when
// the test ends.
func generatedUsers(t *testing.T, users int) (*db.DB, *pgx.Conn) {
	t.Helper()
	cfg := datagen.Scaled(0.001)
	cfg.Tenants, cfg.Orgs, cfg.Users, cfg.AuditEvents = 100, 10, users, 0
	return generatedDataset(t, cfg)
}

// generatedDataset loads the dataset cfg describes into a fresh database
// and returns the service layer's and a plain connection to it, both closed
// when the test ends.
func generatedDataset(t *testing.T, cfg datagen.Config) (*db.DB, *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	url := dbtest.NewDatabaseURL(t)
	if _, err := datagen.Generate(ctx, cfg, url, io.Discard); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return d, conn
}

func checkFindUsers(t *testing.T, conn *pgx.Conn, svc *db.UserService, scopes map[string]domain.Scope, filters map[string]domain.UserFilter) {
	ctx := context.Background()
	for sn, scope := range scopes {
		for fn, f := range filters {
			t.Run(sn+"/"+fn, func(t *testing.T) {
				f.Scope = scope
				want := reference(t, conn, f)
				// The bounded count (issue 17.2): exact up to its limit,
				// an estimate past it, flagged.
				// A negative limit: no bound, always exact.
				for _, limit := range []int{len(want), len(want) + 50, len(want) - 1, -1} {
					if limit == 0 {
						continue
					}
					// A DISTINCT count reads a bounded input first: with one
					// row per user allowed it is cut short and falls back.
					for _, perUser := range []int{4, 1} {
						undo := db.SetDistinctInputRows(perUser)
						c, err := svc.EstimateUsers(ctx, f, limit)
						undo()
						if err != nil {
							t.Fatal(err)
						}
						exact := len(want) <= limit || limit < 0
						if c.Exact != exact || (exact && c.N != len(want)) || (!exact && c.N <= limit) {
							t.Fatalf("EstimateUsers(limit %d, %d input rows per user) = %+v with %d matching", limit, perUser, c, len(want))
						}
					}
				}
				// Forwards, 40 per page, at most five pages.
				var got []string
				after := ""
				for range 5 {
					conn, err := svc.FindUsers(ctx, f, domain.Page{First: 40, After: after})
					if err != nil {
						t.Fatal(err)
					}
					n, err := conn.Count(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if n != len(want) {
						t.Fatalf("count %d, want %d", n, len(want))
					}
					for _, u := range conn.Nodes {
						got = append(got, u.Username)
					}
					if !conn.HasNextPage {
						break
					}
					after = conn.Cursors[len(conn.Cursors)-1]
				}
				if !slices.Equal(got, want[:min(len(want), 200)]) {
					t.Fatalf("forward pages differ:\n got  %d %v\n want %d %v", len(got), head(got), len(want), head(want))
				}
				// The CSV export streams the same users, all of them,
				// a page at a time.
				got = got[:0]
				undo := db.SetUserListExportPage(97)
				err := svc.StreamUserList(ctx, f, domain.Scope{All: true}, db.PersonalDataRule{All: true}, func(r []string) error {
					got = append(got, r[0])
					return nil
				})
				undo()
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("export differs:\n got  %d %v\n want %d %v", len(got), head(got), len(want), head(want))
				}
				// Backwards from the end, and the page before that.
				last, err := svc.FindUsers(ctx, f, domain.Page{Last: 30})
				if err != nil {
					t.Fatal(err)
				}
				tail := want[max(0, len(want)-30):]
				if names := usernames(last.Nodes); !slices.Equal(names, tail) {
					t.Fatalf("last page differs:\n got  %v\n want %v", head(names), head(tail))
				}
				if len(want) > 30 {
					prev, err := svc.FindUsers(ctx, f, domain.Page{Last: 30, Before: last.Cursors[0]})
					if err != nil {
						t.Fatal(err)
					}
					if names, w := usernames(prev.Nodes), want[max(0, len(want)-60):len(want)-30]; !slices.Equal(names, w) {
						t.Fatalf("page before the last differs:\n got  %v\n want %v", head(names), head(w))
					}
				}
			})
		}
	}
}

func usernames(users []*domain.User) []string {
	out := []string{}
	for _, u := range users {
		out = append(out, u.Username)
	}
	return out
}

func head(s []string) string {
	if len(s) > 6 {
		return fmt.Sprint(s[:3], " … ", s[len(s)-3:])
	}
	return fmt.Sprint(s)
}

// reference lists the usernames a filter must return, in order, with the
// plainest SQL: users with a membership in scope holding, in that tenant,
// an assignment that matches the role filters (platform-wide without role
// filters: every user, members of no tenant included).
func reference(t *testing.T, conn *pgx.Conn, f domain.UserFilter) []string {
	t.Helper()
	return referenceOrdered(t, conn, f, "u.username")
}

// referenceOrdered is reference sorted by an ORDER BY clause.
func referenceOrdered(t *testing.T, conn *pgx.Conn, f domain.UserFilter, order string) []string {
	t.Helper()
	tenants := f.Scope.TenantIDs
	if f.TenantID != nil {
		if !f.Scope.Contains(*f.TenantID) {
			return nil
		}
		tenants = []int64{*f.TenantID}
	}
	all := f.Scope.All && f.TenantID == nil
	byRole := f.RoleID != nil || f.ProductID != nil || f.Category != nil || f.AssignmentStatus != nil
	var category, st, assignment *string
	if f.Category != nil {
		category = (*string)(f.Category)
	}
	if f.Status != nil {
		st = (*string)(f.Status)
	}
	if f.AssignmentStatus != nil {
		assignment = (*string)(f.AssignmentStatus)
	}
	rows, err := conn.Query(context.Background(), `SELECT u.username FROM users u
		WHERE (($1 AND NOT $3) OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND ($1 OR m.tenant_id = ANY($2))
			AND (NOT $3 OR EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.membership_id = m.id
				AND ($4::bigint IS NULL OR ra.role_id = $4) AND ($5::bigint IS NULL OR ra.product_id = $5)
				AND ($6::text IS NULL OR ra.category = $6) AND ($7::text IS NULL OR ra.status = $7)))))
		AND ($8::text IS NULL OR u.status = $8)
		AND ($10::int IS NULL OR coalesce(u.last_login_at, u.created_at) < now() - $10 * interval '1 day')
		AND ($9::text IS NULL OR (u.username || ' ' || coalesce(u.tax_code, '') || ' ' || u.given_name || ' ' || u.family_name || ' ' || coalesce(u.email, '')) ILIKE '%' || $9 || '%')
		ORDER BY `+order, all, tenants, byRole, f.RoleID, f.ProductID, category, assignment, st, f.Search, f.InactiveSinceDays)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFindUsersReadsOnlyTheSelectedFields: a users list asked for some
// fields (domain.UserFilter.Fields) selects only their columns and those
// every read fills, and fills those fields as the full read does; the
// others stay zero. In both orders a page can take (by username, by key).
func TestFindUsersReadsOnlyTheSelectedFields(t *testing.T) {
	ctx := context.Background()
	d, _ := generatedUsers(t, 150)
	users := db.NewUserService(d)
	only := domain.UserEmail | domain.UserLastSignInAt
	for _, order := range []domain.UserOrder{{}, {Field: domain.UserOrderCreatedAt, Desc: true}} {
		full, err := users.FindUsers(ctx, domain.UserFilter{Scope: domain.Scope{All: true}, Order: order}, domain.Page{First: 50})
		if err != nil {
			t.Fatal(err)
		}
		var statements []string
		stop := d.ObserveQueries(func(q string) { statements = append(statements, q) })
		some, err := users.FindUsers(ctx, domain.UserFilter{Scope: domain.Scope{All: true}, Order: order, Fields: domain.OnlyUserFields(only)}, domain.Page{First: 50})
		stop()
		if err != nil {
			t.Fatal(err)
		}
		if len(statements) != 1 || !strings.Contains(statements[0], "u.email") || !strings.Contains(statements[0], "u.last_login_at") ||
			strings.Contains(statements[0], "u.created_at,") || strings.Contains(statements[0], "u.given_name") {
			t.Fatalf("the page selects other columns than its fields': %q", statements)
		}
		if len(full.Nodes) != 50 || len(some.Nodes) != 50 || !slices.Equal(full.Cursors, some.Cursors) {
			t.Fatalf("%d and %d users, cursors %v and %v", len(full.Nodes), len(some.Nodes), full.Cursors, some.Cursors)
		}
		for i, u := range full.Nodes {
			want := domain.User{ID: u.ID, Kind: u.Kind, Username: u.Username, Status: u.Status, HomeTenantID: u.HomeTenantID,
				PlatformAdmin: u.PlatformAdmin, NameVerified: u.NameVerified, Email: u.Email, LastSignInAt: u.LastSignInAt}
			if !reflect.DeepEqual(*some.Nodes[i], want) {
				t.Fatalf("order %v, user %d:\n%+v\nwant\n%+v", order, u.ID, *some.Nodes[i], want)
			}
		}
	}
}
