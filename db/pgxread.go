package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"tenantadmin/domain"
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

// pgxRow is pgxRead for a statement of one row (a count), scanned into
// dest; sql.ErrNoRows when there is none. A users page's count went
// through bun's scanner and database/sql: 5.9 % of the tenant
// administrator's page's server CPU, for one number.
func (db *DB) pgxRow(ctx context.Context, h bun.IDB, q fmt.Stringer, dest ...any) error {
	found := false
	err := db.pgxRead(ctx, h, q, func(r pgx.Rows) error {
		found = true
		return r.Scan(dest...)
	})
	if err == nil && !found {
		return sql.ErrNoRows
	}
	return err
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

// batchRead is one read of a batch: a statement of fixed text with its
// parameters, and what scans its rows.
type batchRead struct {
	sql  string
	args []any
	scan func(pgx.Rows) error
}

// pgxBatch runs reads as pgxPrepared does, all in one round trip.
func (db *DB) pgxBatch(ctx context.Context, reads []batchRead) error {
	return db.pgxBatchOn(ctx, db.DB, reads)
}

// pgxBatchOn runs reads on a connection of handle's pool in one round trip
// (one pipeline under the extended protocol): each statement is prepared on
// the connection the first time it sees it (pgx keeps them by text, one
// per connection whoever sends it), then runs with its generic plan.
// PostgreSQL answers each in turn, in one implicit transaction.
//
// When the connection had lost its prepared statements (DISCARD ALL, a
// pooler, a plan a migration outdated) and no row was scanned yet, the
// batch runs once more, preparing them anew: the failure came before
// anything ran, so nothing is read or written twice.
func (db *DB) pgxBatchOn(ctx context.Context, handle *bun.DB, reads []batchRead) error {
	var scanned bool
	err := db.pgxBatchOnce(ctx, handle, reads, &scanned)
	if errors.Is(err, errStatementsForgotten) && !scanned {
		err = db.pgxBatchOnce(ctx, handle, reads, &scanned)
	}
	return err
}

// pgxBatchOnce is one try of pgxBatchOn; scanned is set once a row has
// been handed to a read's scan.
func (db *DB) pgxBatchOnce(ctx context.Context, handle *bun.DB, reads []batchRead, scanned *bool) error {
	return withPgxConn(ctx, handle, func(conn *pgx.Conn) error {
		var batch pgconn.Batch
		types := conn.TypeMap()
		for _, r := range reads {
			db.noteStatement(ctx, r.sql)
			sd, err := conn.Prepare(ctx, r.sql, r.sql)
			if err != nil {
				return err
			}
			if len(r.args) != len(sd.ParamOIDs) {
				return fmt.Errorf("statement takes %d parameters, given %d: %s", len(sd.ParamOIDs), len(r.args), r.sql)
			}
			values := make([][]byte, len(r.args))
			formats := make([]int16, len(r.args))
			for i, arg := range r.args {
				oid := sd.ParamOIDs[i]
				formats[i] = types.FormatCodeForOID(oid)
				if values[i], err = types.Encode(oid, formats[i], arg, nil); err != nil {
					return fmt.Errorf("parameter $%d: %w", i+1, err)
				}
			}
			results := make([]int16, len(sd.Fields))
			for i, f := range sd.Fields {
				results[i] = types.FormatCodeForOID(f.DataTypeOID)
			}
			batch.ExecStatement(sd, values, formats, results)
		}
		answers := conn.PgConn().ExecBatch(ctx, &batch)
		for _, r := range reads {
			if !answers.NextResult() {
				if err := answers.Close(); err != nil {
					return forgetStatements(ctx, conn, reads, err)
				}
				return fmt.Errorf("a batch of %d statements answered fewer", len(reads))
			}
			if err := eachRow(pgx.RowsFromResultReader(types, answers.ResultReader()), nil, noteScanned(scanned, r.scan)); err != nil {
				_ = answers.Close()
				return forgetStatements(ctx, conn, reads, err)
			}
		}
		return forgetStatements(ctx, conn, reads, answers.Close())
	})
}

// noteScanned is scan that first sets *scanned.
func noteScanned(scanned *bool, scan func(pgx.Rows) error) func(pgx.Rows) error {
	return func(r pgx.Rows) error {
		*scanned = true
		return scan(r)
	}
}

// errStatementsForgotten marks a batch that failed because the connection
// had lost its prepared statements: run again, it prepares them anew
// (pgxBatchOn does, once).
var errStatementsForgotten = errors.New("prepared statements forgotten")

// forgetStatements drops the batch's prepared statements from the
// connection when PostgreSQL no longer knows them (DISCARD ALL, a pooler
// that does not keep them) or their plan no longer fits (a migration
// changed a column's type), so that the next batch prepares them again;
// then err is marked errStatementsForgotten.
func forgetStatements(ctx context.Context, conn *pgx.Conn, reads []batchRead, err error) error {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || (pgErr.Code != "26000" && pgErr.Code != "0A000") {
		return err
	}
	for _, r := range reads {
		_ = conn.Deallocate(ctx, r.sql)
	}
	return fmt.Errorf("%w: %w", errStatementsForgotten, err)
}

// pgxConcurrently runs reads as pgxBatch does, each on its own
// connection, all at once.
func (db *DB) pgxConcurrently(ctx context.Context, reads []batchRead) error {
	errs := make([]error, len(reads))
	var wg sync.WaitGroup
	for i := range reads {
		wg.Go(func() { errs[i] = db.pgxBatch(ctx, reads[i:i+1]) })
	}
	wg.Wait()
	return errors.Join(errs...)
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

// userColumnFields is, for each column of userColumns (each target of
// userModel.scanTargets), the field that asks for it; 0: always read.
var userColumnFields = [...]domain.UserFields{0, domain.UserUID, 0, 0, domain.UserTaxCode, domain.UserTaxCode,
	domain.UserGivenName, domain.UserFamilyName, 0, domain.UserEmail, domain.UserEmailVerified, domain.UserPhone,
	domain.UserGender, domain.UserBirthDate, domain.UserLanguage, domain.UserTimeZone, 0, 0, 0, domain.UserVersion,
	domain.UserCreatedAt, domain.UserUpdatedAt, domain.UserLastSignInAt}

// userProjection is the columns of users a read of some fields selects,
// and which of userModel's scan targets they fill.
type userProjection struct {
	columns string
	keep    []int // indexes into scanTargets, in the columns' order
}

// userProjections caches userProjectionOf by set of fields.
var userProjections sync.Map

// userProjectionOf is the projection that reads fields.
func userProjectionOf(fields domain.UserFields) *userProjection {
	if p, ok := userProjections.Load(fields); ok {
		return p.(*userProjection)
	}
	p := &userProjection{}
	var columns []string
	for i, column := range strings.Split(userColumns, ", ") {
		if f := userColumnFields[i]; f == 0 || fields.Has(f) {
			columns = append(columns, column)
			p.keep = append(p.keep, i)
		}
	}
	p.columns = strings.Join(columns, ", ")
	userProjections.Store(fields, p)
	return p
}

// targets is m's scan targets for p's columns, written into dst: one by
// one, not picked from scanTargets' 23, which cost an allocation per row.
func (p *userProjection) targets(m *userModel, dst []any) []any {
	dst = dst[:0]
	for _, i := range p.keep {
		dst = append(dst, m.scanTarget(i))
	}
	return dst
}

// scanTarget is scanTargets()[i].
func (m *userModel) scanTarget(i int) any {
	switch i {
	case 0:
		return &m.ID
	case 1:
		return &m.UID
	case 2:
		return &m.Kind
	case 3:
		return &m.Username
	case 4:
		return &m.TaxCode
	case 5:
		return &m.TaxCountry
	case 6:
		return &m.GivenName
	case 7:
		return &m.FamilyName
	case 8:
		return &m.NameVerified
	case 9:
		return &m.Email
	case 10:
		return &m.EmailVerified
	case 11:
		return &m.Phone
	case 12:
		return &m.Gender
	case 13:
		return &m.BirthDate
	case 14:
		return &m.Language
	case 15:
		return &m.TimeZone
	case 16:
		return &m.Status
	case 17:
		return &m.HomeTenantID
	case 18:
		return &m.PlatformAdmin
	case 19:
		return &m.Version
	case 20:
		return &m.CreatedAt
	case 21:
		return &m.UpdatedAt
	case 22:
		return &m.LastLoginAt
	}
	panic(fmt.Sprintf("userModel has no scan target %d", i))
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
