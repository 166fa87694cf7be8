package db_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// TestPgxReadsMatchBun checks the reads that scan with pgx directly
// (pgxRead, issue 17.1) against bun's model scanner over the same rows:
// every column of users, memberships, role assignments and tenants, with
// every nullable column both set and NULL, the sort key of a keyed order,
// the viewer and its grants, a tenant's descendants; and that
// ObserveQueries still sees those statements. A column read into the wrong
// field, or left out, fails here.
func TestPgxReadsMatchBun(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 300)
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	// Every nullable column set on a third of the users and tenants, NULL on another third.
	exec(`UPDATE users SET tax_code = 'RSSMRA80A01H501U' || id, tax_country = 'IT', email = 'u' || id || '@example.it',
		phone = '+39 06 ' || id, gender = 'FEMALE', birth_date = DATE '1980-02-29' + (id % 1000)::int,
		last_login_at = now() - (id || ' minutes')::interval, name_verified = true, email_verified = true,
		home_tenant_id = (SELECT min(tenant_id) FROM memberships m WHERE m.user_id = users.id) WHERE id % 3 = 0`)
	exec(`UPDATE users SET tax_code = NULL, tax_country = NULL, email = NULL, phone = NULL, gender = NULL,
		birth_date = NULL, last_login_at = NULL, home_tenant_id = NULL WHERE id % 3 = 1 AND kind = 'HUMAN'`)
	exec(`UPDATE tenants SET tax_code = 'IT' || id, certified_email = 't' || id || '@pec.it', legal_rep_given_name = 'Anna',
		legal_rep_family_name = 'Bianchi', legal_rep_tax_code = 'BNCNNA70A41H501X', legal_rep_email = 'anna@example.it',
		password_max_age_days = 90 WHERE id % 2 = 0`)
	var statements []string
	defer d.ObserveQueries(func(q string) { statements = append(statements, q) })()
	users, ref := db.NewUserService(d), db.BunReference{DB: d}
	same := func(what string, got, want any) {
		t.Helper()
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Fatalf("%s read with pgx differ from bun's:\n pgx %s\n bun %s", what, g, w)
		}
	}
	byID := func(us []*domain.User) []*domain.User {
		return slices.SortedFunc(slices.Values(us), func(a, b *domain.User) int { return int(a.ID - b.ID) })
	}
	all := domain.UserFilter{Scope: domain.Scope{All: true}}
	for _, order := range []domain.UserOrder{{}, {Field: domain.UserOrderLastSignInAt, Desc: true}, {Field: domain.UserOrderEmail}} {
		f := all
		f.Order = order
		statements = nil
		page, err := users.FindUsers(ctx, f, domain.Page{First: 100})
		if err != nil || len(page.Nodes) != 100 {
			t.Fatalf("order %v: %d users, %v", order, len(page.Nodes), err)
		}
		if len(statements) != 1 || !strings.Contains(statements[0], "JOIN (") {
			t.Fatalf("ObserveQueries saw %q for one page", statements)
		}
		var ids []int64
		for _, u := range page.Nodes {
			ids = append(ids, u.ID)
		}
		want, err := ref.Users(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		same("users", byID(page.Nodes), want)
		// The next page starts after the last one: the sort key was read.
		next, err := users.FindUsers(ctx, f, domain.Page{First: 100, After: page.Cursors[len(page.Cursors)-1]})
		if err != nil || len(next.Nodes) == 0 || slices.ContainsFunc(next.Nodes, func(u *domain.User) bool { return slices.Contains(ids, u.ID) }) {
			t.Fatalf("order %v: the next page (%d users, %v) repeats the first", order, len(next.Nodes), err)
		}
	}
	rows, _ := conn.Query(ctx, "SELECT id FROM users ORDER BY id")
	userIDs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	ms, err := users.MembershipsByUserIDs(ctx, domain.Scope{All: true}, userIDs)
	if err != nil || len(ms) == 0 {
		t.Fatalf("%d memberships, %v", len(ms), err)
	}
	wantMs, err := ref.Memberships(ctx, userIDs)
	if err != nil {
		t.Fatal(err)
	}
	key := func(m *domain.Membership) int64 { return m.ID }
	sortBy := func(ms []*domain.Membership) []*domain.Membership {
		return slices.SortedFunc(slices.Values(ms), func(a, b *domain.Membership) int { return int(key(a) - key(b)) })
	}
	same("memberships", sortBy(ms), sortBy(wantMs))
	var membershipIDs []int64
	tenantsOf := map[int64][]int64{}
	for _, m := range ms {
		membershipIDs = append(membershipIDs, m.ID)
		tenantsOf[m.UserID] = append(tenantsOf[m.UserID], m.TenantID)
	}
	ras, err := users.RoleAssignmentsByMembershipIDs(ctx, domain.Scope{All: true}, membershipIDs)
	if err != nil || len(ras) == 0 {
		t.Fatalf("%d role assignments, %v", len(ras), err)
	}
	wantRAs, err := ref.RoleAssignments(ctx, membershipIDs)
	if err != nil {
		t.Fatal(err)
	}
	same("role assignments", ras, wantRAs)
	memberTenants, err := users.MemberTenantIDsByUserIDs(ctx, userIDs)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range tenantsOf {
		slices.Sort(want)
		if !slices.Equal(memberTenants[id], want) {
			t.Fatalf("user %d: member tenants %v, memberships say %v", id, memberTenants[id], want)
		}
	}
	rows, _ = conn.Query(ctx, "SELECT id FROM tenants ORDER BY id")
	allTenants, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	ts, err := db.NewTenantService(d).TenantsByIDs(ctx, domain.Scope{All: true}, allTenants)
	if err != nil {
		t.Fatal(err)
	}
	wantTs, err := ref.Tenants(ctx, allTenants)
	if err != nil {
		t.Fatal(err)
	}
	same("tenants", slices.SortedFunc(slices.Values(ts), func(a, b *domain.Tenant) int { return int(a.ID - b.ID) }), wantTs)
	var root int64
	if err := conn.QueryRow(ctx, "SELECT parent_id FROM tenants WHERE parent_id IS NOT NULL GROUP BY parent_id ORDER BY count(*) DESC LIMIT 1").Scan(&root); err != nil {
		t.Fatal(err)
	}
	desc, err := db.NewTenantService(d).DescendantIDs(ctx, []int64{root})
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = conn.Query(ctx, `WITH RECURSIVE sub AS (SELECT id FROM tenants WHERE parent_id = $1
		UNION SELECT c.id FROM tenants c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub ORDER BY id`, root)
	wantDesc, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(wantDesc) == 0 || !slices.Equal(desc, wantDesc) {
		t.Fatalf("descendants of %d: %v, want %v (%v)", root, desc, wantDesc, err)
	}
	// The viewer: an administrator with grants in several tenants.
	var adminID int64
	if err := conn.QueryRow(ctx, "SELECT user_id FROM role_assignments WHERE status = 'ACTIVE' GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1").Scan(&adminID); err != nil {
		t.Fatal(err)
	}
	v, err := users.LoadViewer(ctx, adminID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := ref.Users(ctx, []int64{adminID})
	if err != nil {
		t.Fatal(err)
	}
	if v.UserID != u[0].ID || v.Username != u[0].Username || v.Kind != u[0].Kind || v.Status != u[0].Status || v.PlatformAdmin != u[0].PlatformAdmin {
		t.Fatalf("viewer %+v, user %+v", v, u[0])
	}
	rows, _ = conn.Query(ctx, `SELECT ra.tenant_id, ra.product_id, ra.role_id, ra.category, r.personal_data_access
		FROM role_assignments ra JOIN roles r ON r.id = ra.role_id WHERE ra.user_id = $1 AND ra.status = 'ACTIVE' ORDER BY ra.id`, adminID)
	grants, err := pgx.CollectRows(rows, pgx.RowToStructByPos[domain.Grant])
	if err != nil || len(grants) < 2 {
		t.Fatalf("%d grants, %v", len(grants), err)
	}
	same("grants", v.Grants, grants)
	// A person without an active role: the account, no grants.
	var plainID int64
	if err := conn.QueryRow(ctx, "SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = u.id AND ra.status = 'ACTIVE') ORDER BY id LIMIT 1").Scan(&plainID); err != nil {
		t.Fatal(err)
	}
	if v, err := users.LoadViewer(ctx, plainID); err != nil || v.UserID != plainID || v.Username == "" || len(v.Grants) != 0 {
		t.Fatalf("viewer without roles: %+v, %v", v, err)
	}
	if _, err := users.LoadViewer(ctx, -1); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("unknown viewer: %v", err)
	}
}

// TestRequestReadsArePrepared: the reads every request makes (the viewer,
// an administrator's subtrees) are prepared once per connection and their
// plan reused, not planned anew from text on each request (issue 17.1:
// planning cost more than running them). Sent as text, they leave no
// prepared statement on the connection and this fails.
func TestRequestReadsArePrepared(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 150)
	d.SetMaxOpenConns(1) // the reads and the check on one connection
	var userID, root int64
	if err := conn.QueryRow(ctx, `SELECT ra.user_id, t.parent_id FROM role_assignments ra JOIN tenants t ON t.parent_id = ra.tenant_id
		ORDER BY ra.id LIMIT 1`).Scan(&userID, &root); err != nil {
		t.Fatal(err)
	}
	users, tenants := db.NewUserService(d), db.NewTenantService(d)
	// A sign-in's account read and its success update (issue 17.5), by
	// username and by email: the same account as the text read by id.
	creds := db.NewCredentialService(d)
	var username, email string
	if err := conn.QueryRow(ctx, "SELECT username, email FROM users WHERE id = $1 AND email IS NOT NULL", userID).Scan(&username, &email); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO credentials (user_id, password_hash, password_changed_at, failed_attempts, totp_last_step)
		VALUES ($1, 'h', now(), 2, 5)`, userID); err != nil {
		t.Fatal(err)
	}
	byID, err := creds.LoginAccountByID(ctx, userID)
	if err != nil || byID.FailedAttempts != 2 || byID.PasswordHash != "h" {
		t.Fatalf("account %+v, %v", byID, err)
	}
	for range 3 {
		if byID, err = creds.LoginAccountByID(ctx, userID); err != nil {
			t.Fatal(err)
		}
		for _, identifier := range []string{strings.ToUpper(username), email} {
			if found, err := creds.FindLoginAccounts(ctx, identifier, 5); err != nil || len(found) != 1 || !sameAccount(found[0], byID) {
				if len(found) == 1 {
					t.Fatalf("account for %q: %+v; want %+v", identifier, *found[0], *byID)
				}
				t.Fatalf("accounts for %q: %d, %v", identifier, len(found), err)
			}
		}
		// A replayed second-factor step is refused and changes nothing;
		// step 0 (none) always passes, and answers the user as the read
		// by id now sees them, just signed in.
		before, err := users.VisibleUsersByIDs(ctx, userID, domain.Scope{}, []int64{userID})
		if err != nil || len(before) != 1 {
			t.Fatalf("user %d: %v", userID, err)
		}
		if u, err := creds.RecordSignIn(ctx, userID, 5); err != nil || u != nil {
			t.Fatalf("step 5 again: %+v, %v", u, err)
		}
		if again, err := users.VisibleUsersByIDs(ctx, userID, domain.Scope{}, []int64{userID}); err != nil || !reflect.DeepEqual(again, before) {
			t.Fatalf("a replayed step changed the user: %+v, want %+v (%v)", again, before, err)
		}
		signedIn, err := creds.RecordSignIn(ctx, userID, 0)
		if err != nil || signedIn == nil || signedIn.LastSignInAt == nil ||
			(before[0].LastSignInAt != nil && !signedIn.LastSignInAt.After(*before[0].LastSignInAt)) {
			t.Fatalf("no step: %+v, %v (signed in before: %v)", signedIn, err, before[0].LastSignInAt)
		}
		if now, err := users.VisibleUsersByIDs(ctx, userID, domain.Scope{}, []int64{userID}); err != nil || len(now) != 1 || !reflect.DeepEqual(now[0], signedIn) {
			t.Fatalf("signed in: %+v; the read by id: %+v (%v)", signedIn, now, err)
		}
	}
	if after, err := creds.LoginAccountByID(ctx, userID); err != nil || after.FailedAttempts != 0 {
		t.Fatalf("after a sign-in: %+v, %v (the failure count restarts)", after, err)
	}
	// Users by id (the loaders'; every sign-in's answer): an empty
	// directory shows the viewer only, the platform's everyone asked for.
	var other int64
	if err := conn.QueryRow(ctx, "SELECT id FROM users WHERE id <> $1 ORDER BY id LIMIT 1", userID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got, err := users.VisibleUsersByIDs(ctx, userID, domain.Scope{}, []int64{userID, other}); err != nil || len(got) != 1 || got[0].ID != userID {
			t.Fatalf("users %d and %d in an empty directory of %d: %+v, %v", userID, other, userID, got, err)
		}
		if got, err := users.VisibleUsersByIDs(ctx, userID, domain.Scope{All: true}, []int64{userID, other}); err != nil || len(got) != 2 {
			t.Fatalf("users %d and %d for the platform: %d, %v", userID, other, len(got), err)
		}
	}
	for range 3 {
		if v, err := users.LoadViewer(ctx, userID); err != nil || len(v.Grants) == 0 {
			t.Fatalf("viewer %+v, %v", v, err)
		}
		if below, err := tenants.DescendantIDs(ctx, []int64{root}); err != nil || len(below) == 0 {
			t.Fatalf("below %d: %v, %v", root, below, err)
		}
	}
	// A page's relations (issue 17.1), scoped and for the whole
	// directory, and a profile's (the person as text beside them).
	for range 3 {
		for _, scope := range []domain.Scope{{TenantIDs: []int64{root, root + 1}}, {All: true}} {
			req := db.PageRelationsRequest{Scope: scope, UserIDs: []int64{userID, other}, MemberTenants: true,
				RoleAssignments: true, Tenants: true, Parents: true, HomeTenantIDs: []int64{root}}
			if rel, err := users.PageRelations(ctx, req); err != nil || len(rel.MemberTenants[userID]) == 0 {
				t.Fatalf("relations in %+v: %+v, %v", scope, rel, err)
			}
			req.Person = &db.VisibleTo{ViewerID: userID, Directory: scope}
			if rel, err := users.PageRelations(ctx, req); err != nil || len(rel.Users) == 0 {
				t.Fatalf("a profile's relations in %+v: %+v, %v", scope, rel, err)
			}
		}
	}
	// A list of tenants longer than the prepared statement takes: sent as
	// text, the same answer as the tenants' subtrees one by one.
	var all []int64
	rows, err := conn.Query(ctx, "SELECT id FROM tenants ORDER BY id")
	if err == nil {
		all, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	}
	if err != nil || len(all) <= 32 {
		t.Fatalf("%d tenants, want more than 32: %v", len(all), err)
	}
	var want []int64
	for _, id := range all {
		below, err := tenants.DescendantIDs(ctx, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, below...)
	}
	slices.Sort(want)
	if got, err := tenants.DescendantIDs(ctx, all); err != nil || !slices.Equal(got, slices.Compact(want)) {
		t.Fatalf("subtrees of %d tenants: %d tenants, want %d (%v)", len(all), len(got), len(slices.Compact(want)), err)
	}

	// Each read prepared once and run with its generic plan: planned on
	// every call under PostgreSQL's default plan_cache_mode, custom_plans
	// counts them and this fails.
	prep, err := d.QueryContext(ctx, "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
	if err != nil {
		t.Fatal(err)
	}
	defer prep.Close()
	type statement struct {
		text            string
		generic, custom int64
	}
	var prepared []statement
	for prep.Next() {
		var s statement
		if err := prep.Scan(&s.text, &s.generic, &s.custom); err != nil {
			t.Fatal(err)
		}
		prepared = append(prepared, s)
	}
	relations := []string{"FROM memberships AS m WHERE m.user_id = ANY($1::bigint[]) ORDER",
		"FROM memberships AS m WHERE m.user_id = ANY($1::bigint[]) AND m.tenant_id = ANY($2::bigint[])",
		"SELECT user_id, tenant_id FROM memberships WHERE user_id = ANY($1::bigint[])",
		"FROM role_assignments AS ra WHERE ra.user_id = ANY($1::bigint[]) ORDER",
		"FROM role_assignments AS ra WHERE ra.user_id = ANY($1::bigint[]) AND ra.tenant_id = ANY($2::bigint[])",
		"SELECT unnest($2::bigint[])))", "SELECT unnest($3::bigint[])))",
		"hu.id = ANY($1::bigint[])))", "hu.home_tenant_id = ANY($2::bigint[])))",
		"FROM tenants AS tp WHERE tp.id = ANY(ARRAY(SELECT pm.tenant_id FROM memberships AS pm WHERE pm.user_id = ANY($1::bigint[])))))",
		"AND tp.parent_id = ANY($2::bigint[])))"}
	for _, want := range append([]string{"/* " + db.AuthorizationInputComment + " */ SELECT u.id", "WITH RECURSIVE sub AS",
		"WHERE u.username = lower($1)", "WHERE lower(u.email) = lower($1)", "totp_last_step = greatest(",
		"vm.tenant_id = ANY($3)"}, relations...) {
		var found []statement
		for _, s := range prepared {
			if strings.Contains(s.text, want) {
				found = append(found, s)
			}
		}
		if len(found) != 1 {
			t.Errorf("%d prepared statements with %q on the connection, want 1 (prepared once, reused): %+v", len(found), want, prepared)
			continue
		}
		if found[0].custom != 0 || found[0].generic < 3 {
			t.Errorf("%q ran %d times with its generic plan and was planned anew %d times, want every run generic", want, found[0].generic, found[0].custom)
		}
	}
}

// sameAccount compares two accounts, their times as instants (the two
// drivers' readings of timestamptz differ only in location).
func sameAccount(a, b *db.LoginAccount) bool {
	x, y := *a, *b
	if x.PasswordChangedAt != nil && y.PasswordChangedAt != nil && x.PasswordChangedAt.Equal(*y.PasswordChangedAt) {
		x.PasswordChangedAt = y.PasswordChangedAt
	}
	return reflect.DeepEqual(x, y)
}

// TestPreparedReadsPreparedAnew: after its connection lost its prepared
// statements (DEALLOCATE ALL, DISCARD ALL: a pooler or an operator), every
// prepared read answers at once, the same as before, instead of failing
// once on that connection: the viewer's read, the people by ID (with a
// batch of its own) and a tenant's subtree.
func TestPreparedReadsPreparedAnew(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 150)
	d.SetMaxOpenConns(1) // the reads and the DEALLOCATE on one connection
	var userID, tenantID int64
	if err := conn.QueryRow(ctx, "SELECT user_id, tenant_id FROM memberships ORDER BY id LIMIT 1").Scan(&userID, &tenantID); err != nil {
		t.Fatal(err)
	}
	users, tenants := db.NewUserService(d), db.NewTenantService(d)
	read := func() string {
		t.Helper()
		viewer, err := users.LoadViewer(ctx, userID)
		if err != nil {
			t.Fatalf("viewer: %v", err)
		}
		people, err := users.VisibleUsersByIDs(ctx, userID, domain.Scope{All: true}, []int64{userID})
		if err != nil || len(people) != 1 {
			t.Fatalf("people: %d, %v", len(people), err)
		}
		subtree, err := tenants.DescendantIDs(ctx, []int64{tenantID})
		if err != nil {
			t.Fatalf("subtree: %v", err)
		}
		out, _ := json.Marshal([]any{viewer, people, subtree})
		return string(out)
	}
	before := read()
	for _, drop := range []string{"DEALLOCATE ALL", "DISCARD ALL"} {
		if _, err := d.ExecContext(ctx, drop); err != nil {
			t.Fatal(err)
		}
		if after := read(); after != before {
			t.Fatalf("after %s:\n%s\nwant\n%s", drop, after, before)
		}
	}
}
