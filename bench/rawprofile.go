package bench

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// This file is the user profile's raw SQL baseline (BenchmarkUserProfile,
// profile_test.go): ProfileQuery — node(id:) on a user with memberships,
// tenants and role assignments — as the statements the server runs for it,
// sent by hand through pgx. The statements were observed in PostgreSQL's
// log (log_statement=all on the server's connections), once the server's
// caches were warm:
//
//  1. the viewer and its active grants with their roles (authorization input);
//  2. the walk below the tenants the viewer administers (its scope);
//  3. the target's memberships (user_id, tenant_id), to authorize the read;
//  4. the user row, restricted to the viewer's scope;
//  5. the home tenant, in scope;
//  6. the user's memberships in scope;
//  7. their role assignments in scope;
//  8. the memberships' tenants other than the home tenant, if any.
//
// Roles and products come from the server's in-process catalogue cache, not
// from a statement per request: the baseline loads them once as well
// (loadCatalogue) and looks them up in maps.

// catalogue is the roles and products, loaded once, as the server caches
// them.
type catalogue struct {
	roles    map[int64]catalogueRole
	products map[int64]string // code
}

type catalogueRole struct{ name, category string }

func loadCatalogue(ctx context.Context, pool *pgxpool.Pool) (*catalogue, error) {
	c := &catalogue{roles: map[int64]catalogueRole{}, products: map[int64]string{}}
	rows, err := pool.Query(ctx, "SELECT id, name, category FROM roles")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var r catalogueRole
		if err := rows.Scan(&id, &r.name, &r.category); err != nil {
			return nil, err
		}
		c.roles[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = pool.Query(ctx, "SELECT id, code FROM products")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		c.products[id] = code
	}
	return c, rows.Err()
}

// profileResult is what both implementations return, to check that they
// read the same rows.
type profileResult struct {
	username    string
	memberships int
	assignments int
	tenants     int // distinct tenants named (home and memberships)
}

// rawUserProfile is the baseline: the statements above, by hand with pgx,
// for viewer v reading the profile of userID.
func rawUserProfile(ctx context.Context, pool *pgxpool.Pool, cat *catalogue, v *viewer, userID int64) (profileResult, error) {
	var res profileResult
	// 1. The viewer and its active grants.
	rows, err := pool.Query(ctx, `SELECT u.id, u.username, u.kind, u.status, u.platform_admin,
		ra.tenant_id, ra.product_id, ra.role_id, ra.category, r.personal_data_access
		FROM users u LEFT JOIN (role_assignments ra JOIN roles r ON r.id = ra.role_id) ON ra.user_id = u.id AND ra.status = 'ACTIVE'
		WHERE u.id = $1 ORDER BY ra.id`, prepared, v.userID)
	if err != nil {
		return res, err
	}
	var platform bool
	var adminTenants []int64
	for rows.Next() {
		var id int64
		var username, kind, status string
		var tenant, product, role *int64
		var category *string
		var personal *bool
		if err := rows.Scan(&id, &username, &kind, &status, &platform, &tenant, &product, &role, &category, &personal); err != nil {
			return res, err
		}
		if tenant != nil && category != nil && *category == "ADMIN" {
			adminTenants = append(adminTenants, *tenant)
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	// 2. The scope: the administered tenants and everything below them.
	var scope []int64
	if !platform {
		slices.Sort(adminTenants)
		adminTenants = slices.Compact(adminTenants)
		rows, err = pool.Query(ctx, `WITH RECURSIVE sub AS (
				SELECT id FROM tenants WHERE parent_id = ANY($1)
				UNION SELECT c.id FROM tenants c JOIN sub ON c.parent_id = sub.id
			) SELECT id FROM sub ORDER BY id`, prepared, adminTenants)
		if err != nil {
			return res, err
		}
		below, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return res, err
		}
		scope = append(adminTenants, below...)
		slices.Sort(scope)
		scope = slices.Compact(scope)
	}
	visible := func(t int64) bool { _, ok := slices.BinarySearch(scope, t); return platform || ok }
	// 3. The target's memberships, to authorize the read.
	rows, err = pool.Query(ctx, "SELECT user_id, tenant_id FROM memberships WHERE user_id = $1 ORDER BY user_id, tenant_id", prepared, userID)
	if err != nil {
		return res, err
	}
	inScope := platform || userID == v.userID
	for rows.Next() {
		var uid, tenant int64
		if err := rows.Scan(&uid, &tenant); err != nil {
			return res, err
		}
		inScope = inScope || visible(tenant)
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if !inScope {
		return res, fmt.Errorf("user %d is not visible to %s", userID, v.name)
	}
	// 4. The user, in scope.
	userSQL := `SELECT u.id, u.uid, u.kind, u.username, u.tax_code, u.tax_country, u.given_name, u.family_name, u.name_verified,
		u.email, u.email_verified, u.phone, u.gender, u.birth_date, u.language, u.time_zone, u.status, u.home_tenant_id,
		u.platform_admin, u.version, u.created_at, u.updated_at, u.last_login_at FROM users u WHERE u.id = $1`
	args := []any{userID}
	if !platform {
		userSQL += " AND (u.id = $2 OR EXISTS (SELECT 1 FROM memberships vm WHERE vm.user_id = u.id AND vm.tenant_id = ANY($3)))"
		args = append(args, v.userID, scope)
	}
	rows, err = pool.Query(ctx, userSQL, append([]any{prepared}, args...)...)
	if err != nil {
		return res, err
	}
	var home *int64
	found := false
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return res, err
		}
		res.username, _ = vals[3].(string)
		if h, ok := vals[17].(int64); ok {
			home = &h
		}
		found = true
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if !found {
		return res, fmt.Errorf("user %d not found for %s", userID, v.name)
	}
	// 5. The home tenant, in scope.
	tenantsSQL := `SELECT t.id, t.parent_id, t.name, t.country, t.tax_code, t.certified_email, t.version, t.created_at, t.updated_at,
		t.legal_rep_given_name, t.legal_rep_family_name, t.legal_rep_tax_code, t.legal_rep_email, t.password_max_age_days
		FROM tenants t WHERE id = ANY($1)`
	loaded := map[int64]bool{}
	loadTenants := func(ids []int64) error {
		if len(ids) == 0 {
			return nil
		}
		q, args := tenantsSQL, []any{ids}
		if !platform {
			q, args = q+" AND id = ANY($2)", append(args, scope)
		}
		rows, err := pool.Query(ctx, q, append([]any{prepared}, args...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			id, _ := vals[0].(int64)
			loaded[id] = true
		}
		return rows.Err()
	}
	if home != nil {
		if err := loadTenants([]int64{*home}); err != nil {
			return res, err
		}
	}
	// 6. The memberships in scope.
	membershipsSQL, args := "SELECT m.id, m.tenant_id, m.user_id, m.created_at, m.username FROM memberships m WHERE user_id = $1", []any{userID}
	if !platform {
		membershipsSQL, args = membershipsSQL+" AND tenant_id = ANY($2)", append(args, scope)
	}
	rows, err = pool.Query(ctx, membershipsSQL+" ORDER BY tenant_id", append([]any{prepared}, args...)...)
	if err != nil {
		return res, err
	}
	var membershipIDs, tenantIDs []int64
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return res, err
		}
		id, _ := vals[0].(int64)
		tenant, _ := vals[1].(int64)
		membershipIDs = append(membershipIDs, id)
		if !loaded[tenant] {
			tenantIDs = append(tenantIDs, tenant)
		}
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	res.memberships = len(membershipIDs)
	if len(membershipIDs) == 0 {
		res.tenants = len(loaded)
		return res, nil
	}
	// 7. Their role assignments, with roles and products from the catalogue.
	raSQL, args := `SELECT ra.id, ra.membership_id, ra.tenant_id, ra.user_id, ra.product_id, ra.role_id, ra.category, ra.status, ra.created_at, ra.updated_at
		FROM role_assignments ra WHERE membership_id = ANY($1)`, []any{membershipIDs}
	if !platform {
		raSQL, args = raSQL+" AND tenant_id = ANY($2)", append(args, scope)
	}
	rows, err = pool.Query(ctx, raSQL+" ORDER BY product_id, id", append([]any{prepared}, args...)...)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return res, err
		}
		product, _ := vals[4].(int64)
		role, _ := vals[5].(int64)
		if _, ok := cat.roles[role]; !ok {
			return res, fmt.Errorf("role %d not in the catalogue", role)
		}
		if _, ok := cat.products[product]; !ok {
			return res, fmt.Errorf("product %d not in the catalogue", product)
		}
		res.assignments++
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	// 8. The memberships' tenants not loaded yet.
	slices.Sort(tenantIDs)
	err = loadTenants(slices.Compact(tenantIDs))
	res.tenants = len(loaded)
	return res, err
}
