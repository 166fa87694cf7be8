package db

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"tenantadmin/domain"
)

// UserListHeader is the header row of StreamUserList.
var UserListHeader = []string{"username", "display_name", "email", "status", "memberships", "created_at", "last_login_at"}

// userListExportPage is how many users StreamUserList reads at a time.
var userListExportPage = 500

// StreamUserList writes the users FindUsers lists for f (the same query,
// so the same users), in username order, a page at a time: memory holds
// one page whatever the list's size. Columns are UserListHeader's; the
// personal-data ones (display name, email) are empty where rule denies
// them (R12). memberships sums up, per tenant of visible the user belongs
// to, the roles held there: "Tenant (PRODUCT Role, PRODUCT Role [SUSPENDED]); …".
// The row slice is not kept by StreamUserList after row returns.
func (s *UserService) StreamUserList(ctx context.Context, f domain.UserFilter, visible domain.Scope, rule PersonalDataRule, row func([]string) error) error {
	lq := newUserListQuery(f)
	if lq.empty {
		return nil
	}
	pd, pdArgs := rule.sql()
	tenantCond, tenantArgs := "true", []any(nil)
	if !visible.All {
		tenantCond, tenantArgs = "m.tenant_id ?", []any{oneOf(visible.TenantIDs)}
	}
	var after *string
	for {
		pageSQL, pageArgs := lq.page(after, nil, "ASC", userListExportPage)
		query := fmt.Sprintf(`SELECT x.username, CASE WHEN x.pd THEN trim(x.given_name || ' ' || x.family_name) ELSE '' END,
				CASE WHEN x.pd THEN coalesce(x.email, '') ELSE '' END, x.status, coalesce(x.summary, ''),
				to_char(x.created_at AT TIME ZONE 'UTC', %[1]s), coalesce(to_char(x.last_login_at AT TIME ZONE 'UTC', %[1]s), '')
			FROM (SELECT u.username, u.given_name, u.family_name, u.email, u.status, u.created_at, u.last_login_at, %[2]s AS pd,
				(SELECT string_agg(t.name || coalesce(' (' || (SELECT string_agg(pr.code || ' ' || r.name ||
						CASE WHEN ra.status <> 'ACTIVE' THEN ' [' || ra.status || ']' ELSE '' END, ', ' ORDER BY pr.code, r.name)
					FROM role_assignments ra JOIN roles r ON r.id = ra.role_id JOIN products pr ON pr.id = ra.product_id
					WHERE ra.tenant_id = m.tenant_id AND ra.user_id = m.user_id) || ')', ''), '; ' ORDER BY t.name)
				 FROM memberships m JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = u.id AND %[3]s) AS summary
				FROM (%[4]s) p JOIN users u ON u.id = p.user_id) x
			ORDER BY x.username`, utcText, pd, tenantCond, pageSQL)
		args := append(append(append([]any{}, pdArgs...), tenantArgs...), pageArgs...)
		var page [][]string
		// A list tolerates lag: a replica may serve it (replica.go). The
		// page is read whole before it is written, so a retry on the
		// primary repeats no row.
		if err := s.db.readLagTolerant(ctx, func(idb bun.IDB) error {
			page = page[:0]
			return streamRows(ctx, idb, len(UserListHeader), query, args, func(r []string) error {
				page = append(page, append([]string(nil), r...))
				return nil
			})
		}); err != nil {
			return mapError(err)
		}
		for _, r := range page {
			if err := row(r); err != nil {
				return err
			}
		}
		if len(page) < userListExportPage {
			return nil
		}
		last := page[len(page)-1][0]
		after = &last
	}
}
