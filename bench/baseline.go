package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/crypto/argon2"

	"tenantadmin/auth"
)

// ProfileQuery is the GraphQL operation of a user's profile with their
// memberships and roles.
const ProfileQuery = `query($id: ID!) { node(id: $id) { ... on User {
  id username givenName familyName email taxCode status
  homeTenant { id name }
  memberships { id tenant { id name parent { id } } roleAssignments { id status role { id name category } product { id code } } }
} } }`

// Baseline is the load tests' baseline server: for each operation of the
// API measured, the cheapest faithful equivalent without the server — the
// same SQL by hand through pgx for reads, the raw inserts of a new user
// for createUser/assignRole, one argon2id hash for login, and an idle echo
// handler for HTTP itself. It answers on the same loopback as the server,
// so that the ratio of the two is the cost of the server's own work.
type Baseline struct {
	pool    *pgxpool.Pool
	viewers []*viewer
	params  auth.Argon2Params
	salt    []byte
}

// ViewerInfo is one of the benchmark's viewers.
type ViewerInfo struct {
	Name   string `json:"name"`
	UserID int64  `json:"userId"`
	RoleID int64  `json:"roleId"`
}

// NewBaseline finds the benchmark's viewers in the dataset and captures the
// SQL of their users pages.
func NewBaseline(ctx context.Context, dbURL string, pool *pgxpool.Pool, params auth.Argon2Params) (*Baseline, error) {
	vs, err := findViewers(ctx, pool)
	if err != nil {
		return nil, err
	}
	if err := captureSQL(ctx, dbURL, vs); err != nil {
		return nil, err
	}
	return &Baseline{pool: pool, viewers: vs, params: params, salt: []byte("0123456789abcdef")}, nil
}

// Viewers lists the viewers.
func (b *Baseline) Viewers() []ViewerInfo {
	out := make([]ViewerInfo, len(b.viewers))
	for i, v := range b.viewers {
		out[i] = ViewerInfo{Name: v.name, UserID: v.userID, RoleID: v.roleID}
	}
	return out
}

// FilterNames lists the users page's filters.
func FilterNames() []string {
	out := make([]string, len(filters))
	for i, f := range filters {
		out[i] = f.name
	}
	return out
}

// UsersPageVariables returns the GraphQL variables of a viewer's users page
// with a filter.
func (b *Baseline) UsersPageVariables(viewerName, filterName string) (map[string]any, error) {
	v, f, err := b.lookup(viewerName, filterName)
	if err != nil {
		return nil, err
	}
	return f.variables(v), nil
}

// GlobalID is the server's global ID of an object.
func GlobalID(typ string, id int64) string { return globalID(typ, id) }

func (b *Baseline) lookup(viewerName, filterName string) (*viewer, filter, error) {
	i := slices.IndexFunc(b.viewers, func(v *viewer) bool { return v.name == viewerName })
	j := slices.IndexFunc(filters, func(f filter) bool { return f.name == filterName })
	if i < 0 || j < 0 {
		return nil, filter{}, fmt.Errorf("unknown viewer %q or filter %q", viewerName, filterName)
	}
	return b.viewers[i], filters[j], nil
}

// ServeHTTP answers the baseline operations:
//
//	POST /echo                              the request body
//	GET  /users-page?viewer=NAME&filter=F   the users page by hand
//	GET  /profile?viewer=NAME&user=ID       a user's profile by hand
//	POST /create-user?tenant=&product=&role=&role2=&n=  the rows of createUser and assignRole
//	POST /argon2                            one argon2id hash of the body
func (b *Baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	var out any
	var err error
	switch r.URL.Path {
	case "/echo":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, r.Body) // an echo: a client gone away is nothing to report
		return
	case "/users-page":
		var v *viewer
		var f filter
		if v, f, err = b.lookup(q.Get("viewer"), q.Get("filter")); err == nil {
			var res pageResult
			res, err = rawUsersPage(ctx, b.pool, v, f)
			out = map[string]any{"totalCount": res.total, "users": len(res.usernames), "memberships": res.memberships, "assignments": res.assignments}
		}
	case "/profile":
		var v *viewer
		if v, _, err = b.lookup(q.Get("viewer"), "all"); err == nil {
			var id int64
			if id, err = strconv.ParseInt(q.Get("user"), 10, 64); err == nil {
				out, err = rawProfile(ctx, b.pool, v, id)
			}
		}
	case "/create-user":
		out, err = b.createUser(ctx, q)
	case "/argon2":
		body, _ := io.ReadAll(r.Body)
		argon2.IDKey(body, b.salt, b.params.Time, b.params.Memory, b.params.Threads, b.params.KeyLen)
		out = map[string]any{"ok": true}
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out) // the status is sent: nothing left to tell the client
}

// rawProfile is a user's profile by hand: the viewer and its scope (as for
// the page), the user, their memberships in the scope with role
// assignments, roles, products and tenants.
func rawProfile(ctx context.Context, pool *pgxpool.Pool, v *viewer, userID int64) (map[string]any, error) {
	var status string
	var platform bool
	if err := pool.QueryRow(ctx, "SELECT status, platform_admin FROM users WHERE id = $1", prepared, v.userID).Scan(&status, &platform); err != nil {
		return nil, err
	}
	var scope []int64
	if !platform {
		var err error
		if scope, err = directoryScope(ctx, pool, v.userID); err != nil {
			return nil, err
		}
	}
	visible := func(t int64) bool { _, ok := slices.BinarySearch(scope, t); return platform || ok }
	var username, given, family, ustatus string
	var email, taxCode *string
	var home *int64
	if err := pool.QueryRow(ctx, `SELECT username, given_name, family_name, email, tax_code, status, home_tenant_id
		FROM users WHERE id = $1`, userID).Scan(&username, &given, &family, &email, &taxCode, &ustatus, &home); err != nil {
		return nil, err
	}
	rows, err := pool.Query(ctx, "SELECT id, tenant_id FROM memberships WHERE user_id = $1 ORDER BY tenant_id", userID)
	if err != nil {
		return nil, err
	}
	var membershipIDs, tenantIDs []int64
	for rows.Next() {
		var id, tenant int64
		if err := rows.Scan(&id, &tenant); err != nil {
			return nil, err
		}
		if visible(tenant) {
			membershipIDs = append(membershipIDs, id)
			tenantIDs = append(tenantIDs, tenant)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(membershipIDs) == 0 {
		return nil, fmt.Errorf("user %d is not visible to %s", userID, v.name)
	}
	rows, err = pool.Query(ctx, `SELECT ra.id, ra.status, r.id, r.name, r.category, p.id, p.code
		FROM role_assignments ra JOIN roles r ON r.id = ra.role_id JOIN products p ON p.id = ra.product_id
		WHERE ra.membership_id = ANY($1) ORDER BY ra.product_id, ra.id`, membershipIDs)
	if err != nil {
		return nil, err
	}
	assignments := 0
	for rows.Next() {
		var id, rid, pid int64
		var st, rname, cat, pcode string
		if err := rows.Scan(&id, &st, &rid, &rname, &cat, &pid, &pcode); err != nil {
			return nil, err
		}
		assignments++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if home != nil && visible(*home) {
		tenantIDs = append(tenantIDs, *home)
	}
	rows, err = pool.Query(ctx, "SELECT id, name, parent_id FROM tenants WHERE id = ANY($1)", tenantIDs)
	if err != nil {
		return nil, err
	}
	rows.Close()
	return map[string]any{"username": username, "memberships": len(membershipIDs), "assignments": assignments}, rows.Err()
}

// createUser writes by hand, in one transaction, the rows that createUser
// then assignRole leave: the user, the membership, the product and two
// role assignments, with an audit record and a change event each.
func (b *Baseline) createUser(ctx context.Context, q map[string][]string) (map[string]any, error) {
	get := func(k string) (int64, error) {
		if len(q[k]) == 0 {
			return 0, fmt.Errorf("missing %s", k)
		}
		return strconv.ParseInt(q[k][0], 10, 64)
	}
	var ids [5]int64
	for i, k := range []string{"tenant", "product", "role", "product2", "role2"} {
		var err error
		if ids[i], err = get(k); err != nil {
			return nil, err
		}
	}
	tenant, product, role, product2, role2 := ids[0], ids[1], ids[2], ids[3], ids[4]
	username, taxCode := q["username"][0], q["taxCode"][0]
	var userID, membershipID int64
	err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO users (username, tax_code, tax_country, given_name, family_name, email, home_tenant_id)
			VALUES ($1, $2, 'IT', 'Carico', 'Prova', $1 || '@example.com', $3) RETURNING id`, username, taxCode, tenant).Scan(&userID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "INSERT INTO memberships (tenant_id, user_id) VALUES ($1, $2) RETURNING id", tenant, userID).Scan(&membershipID); err != nil {
			return err
		}
		for _, p := range slices.Compact([]int64{product, product2}) {
			if _, err := tx.Exec(ctx, "INSERT INTO membership_products (membership_id, product_id, category) VALUES ($1, $2, 'OPERATOR')", membershipID, p); err != nil {
				return err
			}
		}
		for _, r := range [][2]int64{{product, role}, {product2, role2}} {
			if _, err := tx.Exec(ctx, `INSERT INTO role_assignments (membership_id, tenant_id, user_id, product_id, role_id, category)
				VALUES ($1, $2, $3, $4, $5, 'OPERATOR')`, membershipID, tenant, userID, r[0], r[1]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO audit_events (tenant_id, action, target_type, target_id, after)
				VALUES ($1, 'roleAssignment.create', 'User', $2, jsonb_build_object('roleId', $3::bigint))`, tenant, userID, r[1]); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO events (tenant_id, type, subject_type, subject_id, payload)
				VALUES ($1, 'ROLE_ASSIGNMENT_CREATED', 'User', $2, jsonb_build_object('roleId', $3::bigint))`, tenant, userID, r[1]); err != nil {
				return err
			}
		}
		return nil
	})
	return map[string]any{"userId": userID, "membershipId": membershipID}, err
}

// Session creates a bearer session for the user directly in the session
// store, as the server's tests do.
func (s *Server) Session(userID int64) (string, error) {
	token, _, err := s.Sessions.Create(context.Background(), userID, "bearer", "127.0.0.1", "loadtest")
	return token, err
}
