package db_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// orderedList is one sortable list for TestListOrders: its order fields
// with the plain SQL expression each sorts by, and its variants (filters,
// scopes), each with the service's page and a reference query.
type orderedList struct {
	name     string
	fields   map[string]string
	variants []listVariant
}

type listVariant struct {
	name string
	// page reads one page of ids in the order.
	page func(o domain.ListOrder, p domain.Page) (ids []int64, cursors []string, hasNext, hasPrev bool, err error)
	// ref lists the ids with a plain ORDER BY clause.
	ref func(orderBy string) []int64
}

// TestListOrders (issue 15.3) checks every order of every sortable list
// other than users (tenants, audit trail, service accounts, nominations,
// security findings), both directions, against a plain ORDER BY on a
// generated dataset with ties and missing values: forwards across every
// page, backwards from the end, both ways from the middle, and that a
// cursor made under another order is refused. Each list is also checked
// with its filters against the reference, and with data of another tenant
// matching the same filters (isolation: the reference keeps to the scope).
func TestListOrders(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 600)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	ids := func(sql string, args ...any) []int64 {
		t.Helper()
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Two tenants with members; ties on every key; times with microseconds.
	big := ids("SELECT tenant_id FROM memberships GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 2")
	t1, t2 := big[0], big[1]
	exec(`UPDATE tenants SET tax_code = NULL,
		created_at = '2026-01-01T00:00:00.123456Z'::timestamptz + (id % 4) * interval '1 day',
		country = (ARRAY['IT', 'FR', 'DE'])[1 + id % 3],
		name = CASE WHEN id % 5 = 0 THEN 'Same Name' ELSE name END`)
	exec(`UPDATE users SET created_at = '2026-01-01T00:00:00Z'::timestamptz + (id % 5) * interval '1 day',
		last_login_at = CASE WHEN id % 3 = 0 THEN NULL
			ELSE '2026-02-01T00:00:00.123456Z'::timestamptz + (id % 4) * interval '1 hour' END,
		status = CASE WHEN id % 5 = 0 THEN 'INVITED' WHEN id % 3 = 0 THEN 'SUSPENDED' ELSE status END`)
	exec(`UPDATE credentials SET totp_enrolled_at = CASE WHEN user_id % 4 = 0 THEN NULL ELSE now() END`)
	firstUser := ids("SELECT min(id) FROM users")[0]
	exec(`INSERT INTO audit_events (tenant_id, actor_id, action, target_type, target_id, created_at)
		SELECT CASE WHEN g % 2 = 0 THEN $1::bigint ELSE $2::bigint END, $3::bigint + g % 4,
			(ARRAY['user.create', 'user.suspend', 'group.create'])[1 + (g / 2) % 3], 'User', $3::bigint + g,
			'2026-03-01T00:00:00Z'::timestamptz + (g % 7) * interval '1 hour'
		FROM generate_series(1, 300) g`, t1, t2, firstUser)
	exec(`INSERT INTO service_accounts (user_id, tenant_id, created_at)
		SELECT id, CASE WHEN id % 4 = 0 THEN $2::bigint ELSE $1::bigint END,
			'2026-01-01T00:00:00.5Z'::timestamptz + (id % 3) * interval '1 day'
		FROM users ORDER BY id LIMIT 90`, t1, t2)
	exec(`INSERT INTO nominations (tenant_id, user_id, product_id, role_id, status, legal_rep_given_name,
			legal_rep_family_name, legal_rep_tax_code, sent_to, token_hash, expires_at)
		SELECT CASE WHEN g % 3 = 0 THEN $2::bigint ELSE $1::bigint END, $3::bigint + g, r.product_id, r.id,
			(ARRAY['PENDING', 'APPROVED', 'PENDING', 'REJECTED'])[1 + (g / 3) % 4], 'A', 'B', 'C', 'x@example.org',
			decode(md5(g::text), 'hex'), now() + ((g % 5) - 1) * interval '1 day'
		FROM generate_series(1, 200) g, (SELECT id, product_id FROM roles ORDER BY id LIMIT 1) r`, t1, t2, firstUser)
	exec("ANALYZE")

	ref := func(sql string, args ...any) func(string) []int64 {
		return func(orderBy string) []int64 { return ids(sql+" ORDER BY "+orderBy, args...) }
	}

	tenants := db.NewTenantService(d)
	tenantVariant := func(name string, f domain.TenantFilter, sql string, args ...any) listVariant {
		return listVariant{name: name, ref: ref("SELECT t.id FROM tenants t WHERE "+sql, args...),
			page: func(o domain.ListOrder, p domain.Page) ([]int64, []string, bool, bool, error) {
				f.Order = o
				c, err := tenants.FindTenants(ctx, f, p)
				if err != nil {
					return nil, nil, false, false, err
				}
				out := []int64{}
				for _, n := range c.Nodes {
					out = append(out, n.ID)
				}
				return out, c.Cursors, c.HasNextPage, c.HasPreviousPage, nil
			}}
	}
	allTenants := ids("SELECT id FROM tenants ORDER BY id")
	half := allTenants[:len(allTenants)/2]
	parent := ids("SELECT parent_id FROM tenants WHERE parent_id IS NOT NULL GROUP BY parent_id ORDER BY count(*) DESC, parent_id LIMIT 1")[0]
	it, search := "IT", "a"
	auditSvc := db.NewAuditService(d)
	auditVariant := func(name string, f domain.AuditFilter, sql string, args ...any) listVariant {
		return listVariant{name: name, ref: ref("SELECT ae.id FROM audit_events ae WHERE "+sql, args...),
			page: func(o domain.ListOrder, p domain.Page) ([]int64, []string, bool, bool, error) {
				f.Order = o
				c, err := auditSvc.FindAuditEvents(ctx, f, p)
				if err != nil {
					return nil, nil, false, false, err
				}
				out := []int64{}
				for _, n := range c.Nodes {
					out = append(out, n.ID)
				}
				return out, c.Cursors, c.HasNextPage, c.HasPreviousPage, nil
			}}
	}
	action, actor := "user.suspend", firstUser+2 // actor g % 4 == 2: in t1
	from, to := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 5, 0, 0, 0, time.UTC)
	saSvc := db.NewServiceAccountService(d)
	saVariant := func(name string, tenant int64, status *domain.UserStatus, sql string, args ...any) listVariant {
		return listVariant{name: name, ref: ref("SELECT u.id FROM service_accounts sa JOIN users u ON u.id = sa.user_id WHERE "+sql, args...),
			page: func(o domain.ListOrder, p domain.Page) ([]int64, []string, bool, bool, error) {
				c, err := saSvc.FindServiceAccounts(ctx, tenant, status, o, p)
				if err != nil {
					return nil, nil, false, false, err
				}
				out := []int64{}
				for _, n := range c.Nodes {
					out = append(out, n.ID)
				}
				return out, c.Cursors, c.HasNextPage, c.HasPreviousPage, nil
			}}
	}
	suspended := domain.UserStatus("SUSPENDED")
	nomSvc := db.NewNominationService(d)
	nomVariant := func(name string, tenant int64, status *domain.NominationStatus, sql string, args ...any) listVariant {
		return listVariant{name: name, ref: ref("SELECT n.id FROM nominations n WHERE "+sql, args...),
			page: func(o domain.ListOrder, p domain.Page) ([]int64, []string, bool, bool, error) {
				c, err := nomSvc.FindNominations(ctx, tenant, status, o, p)
				if err != nil {
					return nil, nil, false, false, err
				}
				out := []int64{}
				for _, n := range c.Nodes {
					out = append(out, n.ID)
				}
				return out, c.Cursors, c.HasNextPage, c.HasPreviousPage, nil
			}}
	}
	pending, expired := domain.NominationPending, domain.NominationExpired
	oversight := db.NewOversightService(d)
	findingVariant := func(name string, tenant int64, reason *string, sql string, args ...any) listVariant {
		return listVariant{name: name, ref: ref(`SELECT u.id FROM memberships m JOIN users u ON u.id = m.user_id
				LEFT JOIN credentials c ON c.user_id = u.id WHERE `+sql, args...),
			page: func(o domain.ListOrder, p domain.Page) ([]int64, []string, bool, bool, error) {
				c, err := oversight.FindSecurityFindings(ctx, tenant, domain.FindingNotActivated, reason, o, p)
				if err != nil {
					return nil, nil, false, false, err
				}
				out := []int64{}
				for _, n := range c.Nodes {
					out = append(out, n.User.ID)
				}
				return out, c.Cursors, c.HasNextPage, c.HasPreviousPage, nil
			}}
	}
	invited, noMFA := "INVITED", "MFA_NOT_ENROLLED"
	notActivated := "(u.status = 'INVITED' OR (u.kind = 'HUMAN' AND c.totp_enrolled_at IS NULL))"

	lists := []orderedList{
		{name: "tenants", fields: map[string]string{"NAME": "t.name", "COUNTRY": "t.country", "CREATED_AT": "t.created_at"},
			variants: []listVariant{
				tenantVariant("all", domain.TenantFilter{Scope: domain.Scope{All: true}}, "true"),
				tenantVariant("scope", domain.TenantFilter{Scope: domain.Scope{TenantIDs: half}}, "t.id = ANY($1)", half),
				tenantVariant("scope+search", domain.TenantFilter{Scope: domain.Scope{TenantIDs: half}, Search: &search},
					"t.id = ANY($1) AND t.name ILIKE '%a%'", half),
				tenantVariant("country", domain.TenantFilter{Scope: domain.Scope{All: true}, Country: &it}, "t.country = 'IT'"),
				tenantVariant("scope+country", domain.TenantFilter{Scope: domain.Scope{TenantIDs: half}, Country: &it},
					"t.id = ANY($1) AND t.country = 'IT'", half),
				tenantVariant("parent", domain.TenantFilter{Scope: domain.Scope{All: true}, ParentID: &parent}, "t.parent_id = $1", parent),
				tenantVariant("roots", domain.TenantFilter{Scope: domain.Scope{All: true}, RootsOnly: true}, "t.parent_id IS NULL"),
			}},
		{name: "auditEvents", fields: map[string]string{"CREATED_AT": "ae.id", "ACTION": "ae.action"},
			variants: []listVariant{
				auditVariant("tenant", domain.AuditFilter{Scope: domain.Scope{TenantIDs: []int64{t1}}}, "ae.tenant_id = $1", t1),
				auditVariant("two tenants", domain.AuditFilter{Scope: domain.Scope{TenantIDs: []int64{t1, t2}}}, "ae.tenant_id IN ($1, $2)", t1, t2),
				auditVariant("action", domain.AuditFilter{Scope: domain.Scope{TenantIDs: []int64{t1}}, Action: &action},
					"ae.tenant_id = $1 AND ae.action = $2", t1, action),
				auditVariant("actor", domain.AuditFilter{Scope: domain.Scope{TenantIDs: []int64{t1}}, ActorID: &actor},
					"ae.tenant_id = $1 AND ae.actor_id = $2", t1, actor),
				auditVariant("time range", domain.AuditFilter{Scope: domain.Scope{All: true}, TenantID: &t2, From: &from, To: &to},
					"ae.tenant_id = $1 AND ae.created_at >= $2 AND ae.created_at < $3", t2, from, to),
			}},
		{name: "serviceAccounts", fields: map[string]string{"USERNAME": "u.username", "CREATED_AT": "sa.created_at"},
			variants: []listVariant{
				saVariant("tenant", t1, nil, "sa.tenant_id = $1", t1),
				saVariant("status", t1, &suspended, "sa.tenant_id = $1 AND u.status = 'SUSPENDED'", t1),
				saVariant("other tenant", t2, nil, "sa.tenant_id = $1", t2),
			}},
		{name: "nominations", fields: map[string]string{"CREATED_AT": "n.id", "EXPIRES_AT": "n.expires_at"},
			variants: []listVariant{
				nomVariant("tenant", t1, nil, "n.tenant_id = $1", t1),
				nomVariant("pending", t1, &pending, "n.tenant_id = $1 AND n.status = 'PENDING' AND n.expires_at > now()", t1),
				nomVariant("expired", t1, &expired, "n.tenant_id = $1 AND n.status = 'PENDING' AND n.expires_at <= now()", t1),
				nomVariant("other tenant", t2, nil, "n.tenant_id = $1", t2),
			}},
		{name: "securityFindings", fields: map[string]string{"USERNAME": "u.username", "CREATED_AT": "u.created_at", "LAST_SIGN_IN_AT": "u.last_login_at"},
			variants: []listVariant{
				findingVariant("tenant", t1, nil, "m.tenant_id = $1 AND "+notActivated, t1),
				findingVariant("invited", t1, &invited, "m.tenant_id = $1 AND u.status = 'INVITED'", t1),
				findingVariant("no MFA", t1, &noMFA, "m.tenant_id = $1 AND u.kind = 'HUMAN' AND c.totp_enrolled_at IS NULL", t1),
				findingVariant("other tenant", t2, nil, "m.tenant_id = $1 AND "+notActivated, t2),
			}},
	}
	for _, l := range lists {
		for field, expr := range l.fields {
			for _, desc := range []bool{false, true} {
				o := domain.ListOrder{Field: field, Desc: desc}
				// The id breaks ties: column 1 of the reference, in the
				// order's direction.
				order := expr + " ASC NULLS FIRST, 1 ASC"
				name := field + "_ASC"
				if desc {
					order = expr + " DESC NULLS LAST, 1 DESC"
					name = field + "_DESC"
				}
				for _, v := range l.variants {
					t.Run(l.name+"/"+name+"/"+v.name, func(t *testing.T) {
						want := v.ref(order)
						if len(want) < 8 {
							t.Fatalf("dataset: %d rows", len(want))
						}
						checkListOrder(t, l, o, v, want)
					})
				}
			}
		}
	}
	// The default order of each list (no orderBy) is its documented one.
	defaults := map[string]domain.ListOrder{"tenants": {Field: "NAME"}, "auditEvents": {Field: "CREATED_AT", Desc: true},
		"serviceAccounts": {Field: "USERNAME"}, "nominations": {Field: "CREATED_AT", Desc: true}, "securityFindings": {Field: "USERNAME"}}
	for _, l := range lists {
		v := l.variants[0]
		got, _, _, _, err := v.page(domain.ListOrder{}, domain.Page{First: 100})
		if err != nil {
			t.Fatal(err)
		}
		want, _, _, _, err := v.page(defaults[l.name], domain.Page{First: 100})
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s: default order differs from %+v: %v", l.name, defaults[l.name], err)
		}
	}
}

// checkListOrder pages one list in one order and compares with want.
func checkListOrder(t *testing.T, l orderedList, o domain.ListOrder, v listVariant, want []int64) {
	t.Helper()
	// Forwards, 7 a page, to the end.
	var got []int64
	var cursors []string
	after := ""
	for range 200 {
		ids, cs, hasNext, _, err := v.page(o, domain.Page{First: 7, After: after})
		if err != nil {
			t.Fatal(err)
		}
		got, cursors = append(got, ids...), append(cursors, cs...)
		if !hasNext {
			break
		}
		after = cs[len(cs)-1]
	}
	if !slices.Equal(got, want) {
		t.Fatalf("forward pages differ:\n got  %d %v\n want %d %v", len(got), headIDs(got), len(want), headIDs(want))
	}
	// Backwards from the end, 6 a page, to the start.
	var back []int64
	before := ""
	for range 200 {
		ids, cs, _, hasPrev, err := v.page(o, domain.Page{Last: 6, Before: before})
		if err != nil {
			t.Fatal(err)
		}
		back = append(slices.Clone(ids), back...)
		if !hasPrev {
			break
		}
		before = cs[0]
	}
	if !slices.Equal(back, want) {
		t.Fatalf("backward pages differ:\n got  %d %v\n want %d %v", len(back), headIDs(back), len(want), headIDs(want))
	}
	// Both ways from the middle.
	m := max(5, len(want)/2)
	ids, _, _, hasPrev, err := v.page(o, domain.Page{Last: 5, Before: cursors[m]})
	if err != nil || !slices.Equal(ids, want[m-5:m]) || hasPrev != (m > 5) {
		t.Fatalf("page before row %d: %v %v, want %v (%v)", m, ids, hasPrev, want[m-5:m], err)
	}
	ids, _, _, _, err = v.page(o, domain.Page{First: 4, After: cursors[m]})
	if err != nil || !slices.Equal(ids, want[m+1:min(len(want), m+5)]) {
		t.Fatalf("page after row %d: %v, want %v (%v)", m, ids, want[m+1:min(len(want), m+5)], err)
	}
	// A cursor is refused under any other order of the list.
	for other := range l.fields {
		for _, od := range []bool{false, true} {
			if other == o.Field && od == o.Desc {
				continue
			}
			for _, p := range []domain.Page{{First: 5, After: cursors[3]}, {Last: 5, Before: cursors[3]}} {
				_, _, _, _, err := v.page(domain.ListOrder{Field: other, Desc: od}, p)
				var e *domain.Error
				if !errors.As(err, &e) || e.Reason != "INVALID_CURSOR" {
					t.Fatalf("cursor of %+v under %s %v: err %v, want INVALID_CURSOR", o, other, od, err)
				}
			}
		}
	}
}

func headIDs(s []int64) string {
	if len(s) > 6 {
		return fmt.Sprint(s[:3], " … ", s[len(s)-3:])
	}
	return fmt.Sprint(s)
}

// TestFindGroupsOrderAndSearch (issue 15.3): the groups list (not paged)
// in each order, both directions, and by name search, against a plain
// query, keeping to the asked tenant while others hold matching groups.
func TestFindGroupsOrderAndSearch(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 400)
	var tenant, other int64
	if err := conn.QueryRow(ctx, "SELECT min(id), max(id) FROM tenants").Scan(&tenant, &other); err != nil {
		t.Fatal(err)
	}
	// 24 groups in the tenant, 8 in another: names tied across products,
	// creation times tied.
	if _, err := conn.Exec(ctx, `INSERT INTO groups (tenant_id, product_id, name, created_at)
		SELECT CASE WHEN g <= 24 THEN $1::bigint ELSE $2::bigint END, p.id, 'Turno ' || chr(65 + g % 5),
			'2026-01-01T00:00:00.25Z'::timestamptz + (g % 3) * interval '1 day'
		FROM generate_series(1, 32) g, LATERAL (SELECT id FROM products ORDER BY id OFFSET g % 8 LIMIT 1) p
		ON CONFLICT DO NOTHING`, tenant, other); err != nil {
		t.Fatal(err)
	}
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
	if n := ids("SELECT count(*) FROM groups WHERE tenant_id <> $1 AND name ILIKE '%a%'", tenant)[0]; n < 3 {
		t.Fatal("dataset: no matching group in other tenants")
	}
	svc := db.NewGroupService(d)
	search := "a"
	for field, expr := range map[string]string{"NAME": "g.name", "CREATED_AT": "g.created_at"} {
		for _, desc := range []bool{false, true} {
			dir := map[bool]string{false: "ASC", true: "DESC"}[desc]
			for _, s := range []*string{nil, &search} {
				got, err := svc.FindGroups(ctx, db.GroupFilter{Scope: domain.Scope{TenantIDs: []int64{tenant}}, TenantID: &tenant,
					IncludeInactive: true, Search: s, Order: domain.ListOrder{Field: field, Desc: desc}})
				if err != nil {
					t.Fatal(err)
				}
				var gotIDs []int64
				for _, g := range got {
					gotIDs = append(gotIDs, g.ID)
				}
				want := ids(`SELECT g.id FROM groups g WHERE g.tenant_id = $1 AND ($2::text IS NULL OR g.name ILIKE '%' || $2 || '%')
					ORDER BY `+expr+" "+dir+", g.id "+dir, tenant, s)
				if len(want) < 3 || !slices.Equal(gotIDs, want) {
					t.Fatalf("%s %s search %v: got %v, want %v", field, dir, s != nil, gotIDs, want)
				}
			}
		}
	}
}
