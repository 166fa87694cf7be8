package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// TestFindUsersOrders checks every sort order of FindUsers, both
// directions, against a plain ORDER BY on a generated dataset with many
// ties and missing values: forward across pages, backward from the end,
// backward from the middle of the list, and that a cursor made under
// another order is refused.
func TestFindUsersOrders(t *testing.T) {
	ctx := context.Background()
	d, conn := generatedUsers(t, 1500)
	// Ties on every key, missing emails and sign-ins, mixed-case emails,
	// sign-ins with microseconds (the cursor must keep them).
	if _, err := conn.Exec(ctx, `UPDATE users SET
		created_at = '2026-01-01T00:00:00Z'::timestamptz + (id % 5) * interval '1 day',
		last_login_at = CASE WHEN id % 3 = 0 THEN NULL
			ELSE '2026-02-01T00:00:00.123456Z'::timestamptz + (id % 4) * interval '1 hour' END,
		email = CASE WHEN id % 7 = 0 THEN NULL WHEN id % 7 = 1 THEN 'Same@Example.org'
			WHEN id % 7 = 2 THEN 'same@example.org' ELSE email END,
		given_name = CASE WHEN id % 6 = 0 THEN 'Anna' ELSE given_name END,
		family_name = CASE WHEN id % 6 = 0 THEN 'Rossi' ELSE family_name END`); err != nil {
		t.Fatal(err)
	}
	var largest int64
	if err := conn.QueryRow(ctx, "SELECT tenant_id FROM memberships GROUP BY tenant_id ORDER BY count(*) DESC, tenant_id LIMIT 1").Scan(&largest); err != nil {
		t.Fatal(err)
	}
	rows, _ := conn.Query(ctx, "SELECT id FROM tenants ORDER BY id")
	all, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	exprs := map[domain.UserOrderField]string{
		domain.UserOrderUsername:     "u.username",
		domain.UserOrderDisplayName:  "u.given_name || ' ' || u.family_name",
		domain.UserOrderEmail:        "lower(u.email)",
		domain.UserOrderCreatedAt:    "u.created_at",
		domain.UserOrderLastSignInAt: "u.last_login_at",
	}
	search := "a"
	scopes := map[string]domain.UserFilter{
		"OneTenant":  {Scope: domain.Scope{TenantIDs: []int64{largest}}},
		"LargeScope": {Scope: domain.Scope{TenantIDs: all}, Search: &search},
		"Platform":   {Scope: domain.Scope{All: true}},
	}
	svc := db.NewUserService(d)
	for field, expr := range exprs {
		for _, desc := range []bool{false, true} {
			order := expr + " ASC NULLS FIRST, u.id ASC"
			name := string(field) + "_ASC"
			if desc {
				order = expr + " DESC NULLS LAST, u.id DESC"
				name = string(field) + "_DESC"
			}
			if field == domain.UserOrderUsername {
				order = expr + map[bool]string{false: " ASC", true: " DESC"}[desc]
			}
			for sn, f := range scopes {
				t.Run(name+"/"+sn, func(t *testing.T) {
					f.Order = domain.UserOrder{Field: field, Desc: desc}
					want := referenceOrdered(t, conn, f, order)
					if len(want) < 100 {
						t.Fatalf("dataset: %d users", len(want))
					}
					// Forwards, 37 a page, six pages.
					var got []string
					var cursors []string
					after := ""
					for range 6 {
						c, err := svc.FindUsers(ctx, f, domain.Page{First: 37, After: after})
						if err != nil {
							t.Fatal(err)
						}
						got = append(got, usernames(c.Nodes)...)
						cursors = append(cursors, c.Cursors...)
						if !c.HasNextPage {
							break
						}
						after = c.Cursors[len(c.Cursors)-1]
					}
					if !slices.Equal(got, want[:min(len(want), 6*37)]) {
						t.Fatalf("forward pages differ:\n got  %d %v\n want %d %v", len(got), head(got), len(want), head(want))
					}
					// Backwards from the end, three pages of 29.
					var back []string
					before := ""
					for range 3 {
						c, err := svc.FindUsers(ctx, f, domain.Page{Last: 29, Before: before})
						if err != nil {
							t.Fatal(err)
						}
						back = append(usernames(c.Nodes), back...)
						if !c.HasPreviousPage {
							break
						}
						before = c.Cursors[0]
					}
					if w := want[max(0, len(want)-3*29):]; !slices.Equal(back, w) {
						t.Fatalf("backward pages differ:\n got  %d %v\n want %d %v", len(back), head(back), len(w), head(w))
					}
					// Backwards from the middle: the page before the 100th row,
					// and forward from it again.
					c, err := svc.FindUsers(ctx, f, domain.Page{Last: 40, Before: cursors[99]})
					if err != nil {
						t.Fatal(err)
					}
					if names := usernames(c.Nodes); !slices.Equal(names, want[59:99]) || !c.HasPreviousPage {
						t.Fatalf("page before row 100 differs:\n got  %v\n want %v", head(names), head(want[59:99]))
					}
					c, err = svc.FindUsers(ctx, f, domain.Page{First: 10, After: cursors[99]})
					if err != nil {
						t.Fatal(err)
					}
					if names := usernames(c.Nodes); !slices.Equal(names, want[100:110]) {
						t.Fatalf("page after row 100 differs:\n got  %v\n want %v", names, want[100:110])
					}
					// The cursor is refused under any other order.
					for other := range exprs {
						for _, od := range []bool{false, true} {
							if other == field && od == desc {
								continue
							}
							g := f
							g.Order = domain.UserOrder{Field: other, Desc: od}
							for _, p := range []domain.Page{{First: 5, After: cursors[3]}, {Last: 5, Before: cursors[3]}} {
								_, err := svc.FindUsers(ctx, g, p)
								var e *domain.Error
								if !errors.As(err, &e) || e.Reason != "INVALID_CURSOR" {
									t.Fatalf("cursor of %s under %s%v: err %v, want INVALID_CURSOR", name, other, od, err)
								}
							}
						}
					}
				})
			}
		}
	}
}
