package dbtest

import (
	"context"
	"fmt"
	"testing"

	"tenantadmin/db"
)

// Fixture inserts test data directly, for tests of reads and of
// authorization that must not depend on the mutations under test.
type Fixture struct {
	tb testing.TB
	DB *db.DB
	n  int
}

// NewFixture wraps a test database.
func NewFixture(tb testing.TB, d *db.DB) *Fixture { return &Fixture{tb: tb, DB: d} }

func (f *Fixture) scalar(query string, args ...any) int64 {
	f.tb.Helper()
	var id int64
	if err := f.DB.QueryRowContext(context.Background(), query, args...).Scan(&id); err != nil {
		f.tb.Fatalf("fixture: %s: %v", query, err)
	}
	return id
}

// Tenant creates a tenant under parent (0 for a root) and returns its id.
func (f *Fixture) Tenant(name string, parent int64) int64 {
	f.tb.Helper()
	var p any
	if parent != 0 {
		p = parent
	}
	return f.scalar("INSERT INTO tenants (name, parent_id) VALUES (?, ?) RETURNING id", name, p)
}

// User creates an ACTIVE user homed in tenant and returns its id.
func (f *Fixture) User(username string, homeTenant int64) int64 {
	f.tb.Helper()
	f.n++
	var home any
	if homeTenant != 0 {
		home = homeTenant
	}
	return f.scalar(`INSERT INTO users (username, given_name, family_name, email, status, home_tenant_id, tax_code)
		VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?) RETURNING id`,
		username, "Given"+username, "Family"+username, username+"@example.test", home, fmt.Sprintf("TAX%013d", f.n))
}

// PlatformAdmin creates an ACTIVE platform administrator.
func (f *Fixture) PlatformAdmin(username string) int64 {
	f.tb.Helper()
	return f.scalar(`INSERT INTO users (username, status, platform_admin) VALUES (?, 'ACTIVE', true) RETURNING id`, username)
}

// Assign gives the user the role (by product and role code) in the tenant,
// creating the membership as needed, and returns the assignment id.
func (f *Fixture) Assign(userID, tenantID int64, productCode, roleCode string) int64 {
	f.tb.Helper()
	membership := f.scalar(`INSERT INTO memberships (tenant_id, user_id) VALUES (?, ?)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id RETURNING id`, tenantID, userID)
	role := f.scalar(`SELECT r.id FROM roles r JOIN products p ON p.id = r.product_id WHERE p.code = ? AND r.code = ?`, productCode, roleCode)
	f.scalar(`INSERT INTO membership_products (membership_id, product_id, category)
		SELECT ?, product_id, category FROM roles WHERE id = ?
		ON CONFLICT (membership_id, product_id) DO UPDATE SET category = membership_products.category RETURNING membership_id`, membership, role)
	return f.scalar(`INSERT INTO role_assignments (membership_id, tenant_id, user_id, product_id, role_id, category)
		SELECT ?, ?, ?, product_id, id, category FROM roles WHERE id = ? RETURNING id`, membership, tenantID, userID, role)
}

// Exec runs a statement.
func (f *Fixture) Exec(query string, args ...any) {
	f.tb.Helper()
	if _, err := f.DB.ExecContext(context.Background(), query, args...); err != nil {
		f.tb.Fatalf("fixture: %s: %v", query, err)
	}
}
