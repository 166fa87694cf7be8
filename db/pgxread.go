package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
)

// pgxRead runs a read that bun built on a pgx connection of h's pool and
// hands each row to scan, which reads it with pgx's own decoders. The reads
// of a users page use it (issue 17.1): going through database/sql's value
// conversions and bun's reflective scanner cost about a third of the
// page's server CPU. The statement text is exactly the one bun would send
// (q.String()), and the query hook's bookkeeping (the statement count,
// replica read-your-writes, ObserveQueries) sees it the same way.
func (db *DB) pgxRead(ctx context.Context, h bun.IDB, q fmt.Stringer, scan func(pgx.Rows) error) error {
	return db.pgxQuery(ctx, h, q.String(), nil, scan)
}

// pgxPrepared is pgxRead for a statement of fixed text whose arguments are
// parameters ($1…): pgx prepares it once per connection and PostgreSQL
// reuses its plan. For the reads every request makes, whose planning
// costs more than their execution: the viewer's read took 0.51–0.57 ms a
// call as text under the simple protocol, 0.20–0.23 ms prepared (pgbench
// on the 1M-user data set). Behind PgBouncer in transaction mode this
// needs max_prepared_statements (PgBouncer 1.21 and later).
//
// It runs as a batch of one (pgxBatchOn), so that a statement a page's
// batch also sends is prepared once per connection, not once per way of
// sending it.
func (db *DB) pgxPrepared(ctx context.Context, h bun.IDB, query string, args []any, scan func(pgx.Rows) error) error {
	handle, ok := h.(*bun.DB)
	if !ok {
		return fmt.Errorf("pgxPrepared needs a pool handle, got %T", h)
	}
	return db.pgxBatchOn(ctx, handle, []batchRead{{sql: query, args: args, scan: scan}})
}

func (db *DB) pgxQuery(ctx context.Context, h bun.IDB, query string, args []any, scan func(pgx.Rows) error) error {
	handle, ok := h.(*bun.DB)
	if !ok {
		return fmt.Errorf("pgxRead needs a pool handle, got %T", h)
	}
	db.noteStatement(ctx, query)
	return withPgxConn(ctx, handle, func(conn *pgx.Conn) error {
		rows, err := conn.Query(ctx, query, args...)
		return eachRow(rows, err, scan)
	})
}

// withPgxConn runs fn on the pgx connection under one of handle's pooled
// connections.
func withPgxConn(ctx context.Context, handle *bun.DB, fn func(*pgx.Conn) error) error {
	conn, err := handle.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error { return fn(driverConn.(*stdlib.Conn).Conn()) })
}

// eachRow hands every row of a query's answer to scan (or returns the
// query's error).
func eachRow(rows pgx.Rows, err error, scan func(pgx.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scannedModel is a model pgxRead reads by position: M with its scan
// targets and its domain value D.
type scannedModel[M, D any] interface {
	*M
	scanTargets() []any
	domain() *D
}

// pgxModels reads q's rows, in the order of M's scan targets, as domain
// values.
func pgxModels[M, D any, PM scannedModel[M, D]](ctx context.Context, db *DB, q fmt.Stringer) ([]*D, error) {
	var out []*D
	err := db.pgxRead(ctx, db.DB, q, scanInto[M, D, PM](&out))
	return out, mapError(err)
}

// scanInto reads each row, in the order of M's scan targets, as a domain
// value appended to out.
func scanInto[M, D any, PM scannedModel[M, D]](out *[]*D) func(pgx.Rows) error {
	return func(r pgx.Rows) error {
		m := PM(new(M))
		if err := r.Scan(m.scanTargets()...); err != nil {
			return err
		}
		*out = append(*out, m.domain())
		return nil
	}
}

// The column lists below are the models' columns in the order of their
// scanTargets, for the reads pgxRead runs.

const userColumns = "u.id, u.uid, u.kind, u.username, u.tax_code, u.tax_country, u.given_name, u.family_name, " +
	"u.name_verified, u.email, u.email_verified, u.phone, u.gender, u.birth_date, u.language, u.time_zone, " +
	"u.status, u.home_tenant_id, u.platform_admin, u.version, u.created_at, u.updated_at, u.last_login_at"

func (m *userModel) scanTargets() []any {
	return []any{&m.ID, &m.UID, &m.Kind, &m.Username, &m.TaxCode, &m.TaxCountry, &m.GivenName, &m.FamilyName,
		&m.NameVerified, &m.Email, &m.EmailVerified, &m.Phone, &m.Gender, &m.BirthDate, &m.Language, &m.TimeZone,
		&m.Status, &m.HomeTenantID, &m.PlatformAdmin, &m.Version, &m.CreatedAt, &m.UpdatedAt, &m.LastLoginAt}
}

const membershipColumns = "m.id, m.tenant_id, m.user_id, m.created_at, m.username"

func (m *membershipModel) scanTargets() []any {
	return []any{&m.ID, &m.TenantID, &m.UserID, &m.CreatedAt, &m.Username}
}

const roleAssignmentColumns = "ra.id, ra.membership_id, ra.tenant_id, ra.user_id, ra.product_id, ra.role_id, " +
	"ra.category, ra.status, ra.created_at, ra.updated_at"

func (m *roleAssignmentModel) scanTargets() []any {
	return []any{&m.ID, &m.MembershipID, &m.TenantID, &m.UserID, &m.ProductID, &m.RoleID,
		&m.Category, &m.Status, &m.CreatedAt, &m.UpdatedAt}
}

const tenantColumns = "t.id, t.parent_id, t.name, t.country, t.tax_code, t.certified_email, t.version, " +
	"t.created_at, t.updated_at, t.legal_rep_given_name, t.legal_rep_family_name, t.legal_rep_tax_code, " +
	"t.legal_rep_email, t.password_max_age_days"

func (m *tenantModel) scanTargets() []any {
	return []any{&m.ID, &m.ParentID, &m.Name, &m.Country, &m.TaxCode, &m.CertifiedEmail, &m.Version,
		&m.CreatedAt, &m.UpdatedAt, &m.LegalRepGivenName, &m.LegalRepFamilyName, &m.LegalRepTaxCode,
		&m.LegalRepEmail, &m.PasswordMaxAgeDays}
}
