// Package db is the PostgreSQL storage of the domain: migrations, models and
// the queries behind the domain's service interfaces. Every query that reads
// tenant data takes its tenant scope as an explicit argument.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/migrate"

	"tenantadmin/domain"
)

//go:embed migrations/*.up.sql
var migrationFiles embed.FS

// migrationLockID is the advisory lock key that serialises migrations when
// several replicas start at once.
const migrationLockID = 0x7e4a_0001

// DB wraps the bun handle with the project's conventions.
type DB struct {
	*bun.DB
	logger  *slog.Logger
	queries atomic.Int64
	// observe, when set, sees every statement's text (ObserveQueries).
	observe atomic.Pointer[func(query string)]
	// catalogVersion counts LoadCatalog calls: CatalogService's copy is
	// dropped when it changes.
	catalogVersion atomic.Int64
	// connConfig opens dedicated connections outside the pool (LISTEN).
	connConfig *pgx.ConnConfig
	// replicas serve lag-tolerant reads (OpenReplicas); nil without any.
	replicas *replicaSet
	// tree is the newest tenant tree read (tenant_tree.go); treeLoading
	// is set while one request reads a newer one.
	tree        atomic.Pointer[tenantTree]
	treeLoading atomic.Bool
}

// Open connects to dsn (a postgres:// URL) through pgx and checks the
// connection.
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	cfg, err := pgconnConfig(dsn)
	if err != nil {
		return nil, err
	}
	sqldb := stdlib.OpenDB(*cfg)
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(20)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{DB: bun.NewDB(sqldb, pgdialect.New()), logger: logger, connConfig: cfg}
	db.DB = db.WithQueryHook(queryCounter{db})
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return db, nil
}

// Connect opens a connection outside the pool, for sessions that LISTEN or
// hold session-level advisory locks; the caller closes it.
func (db *DB) Connect(ctx context.Context) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, db.connConfig.Copy())
}

// QueryCount returns how many SQL statements this handle has run; tests use
// it to prove that a page costs a bounded number of queries.
func (db *DB) QueryCount() int64 { return db.queries.Load() }

type queryCounter struct{ db *DB }

// ObserveQueries calls f with the text of every statement this handle runs
// until stop is called; tests use it to check what SQL a request issues.
func (db *DB) ObserveQueries(f func(query string)) (stop func()) {
	db.observe.Store(&f)
	return func() { db.observe.Store(nil) }
}

func (q queryCounter) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	q.db.noteStatement(ctx, e.Query)
	return ctx
}

// noteStatement is the bookkeeping of every statement, whether bun or
// pgxRead sends it: the count, read-your-writes, and ObserveQueries.
func (db *DB) noteStatement(ctx context.Context, query string) {
	db.queries.Add(1)
	noteQuery(ctx, query)
	if f := db.observe.Load(); f != nil {
		(*f)(query)
	}
}
func (queryCounter) AfterQuery(context.Context, *bun.QueryEvent) {}

// Migrate applies the embedded migrations that have not run yet. An advisory
// lock makes concurrent starts of several replicas wait for each other.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLockID); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer unlockAdvisory(ctx, conn, migrationLockID)

	migrations := migrate.NewMigrations()
	if err := migrations.Discover(migrationFiles); err != nil {
		return err
	}
	migrator := migrate.NewMigrator(db.DB, migrations, migrate.WithMarkAppliedOnSuccess(true))
	if err := migrator.Init(ctx); err != nil {
		return err
	}
	group, err := migrator.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if !group.IsZero() && db.logger != nil {
		db.logger.Info("database migrated", "group", group.ID, "migrations", group.Migrations.String())
	}
	return nil
}

// unlockAdvisory releases a session advisory lock taken on conn. If that
// fails, the connection must not go back to the pool still holding the lock
// (the next Migrate or Prune would wait on it, or skip, for as long as the
// pooled connection lives): it is discarded, and PostgreSQL drops the
// session's locks with it.
func unlockAdvisory(ctx context.Context, conn bun.Conn, id int64) {
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", id); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // ErrBadConn makes database/sql close it; that error is the one returned
	}
}

// InTx runs fn in a transaction; nested calls use savepoints (bun).
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.RunInTx(ctx, nil, fn)
}

// uniqueViolations maps unique constraints to the application errors they
// mean: the database, not a prior SELECT, decides uniqueness.
var uniqueViolations = map[string]*domain.Error{
	"users_username_key":                         {Code: domain.ECONFLICT, Field: "username", Reason: "USERNAME_TAKEN", Message: "This username is already taken."},
	"users_tax_code_key":                         {Code: domain.ECONFLICT, Field: "taxCode", Reason: "TAX_CODE_HAS_ACCOUNT", Message: "This tax code already has an account."},
	"tenants_country_tax_code_key":               {Code: domain.ECONFLICT, Field: "taxCode", Reason: "TENANT_TAX_CODE_TAKEN", Message: "Another tenant has this tax code."},
	"memberships_tenant_id_user_id_key":          {Code: domain.ECONFLICT, Reason: "ALREADY_MEMBER", Message: "The user is already a member of this tenant."},
	"membership_products_pkey":                   {Code: domain.ECONFLICT, Field: "roleId", Reason: "CATEGORY_CONFLICT", Message: "A user cannot hold ADMIN and OPERATOR roles on the same product in the same tenant."},
	"role_assignments_membership_id_role_id_key": {Code: domain.ECONFLICT, Field: "roleId", Reason: "ROLE_ALREADY_ASSIGNED", Message: "The user already has this role."},
	"groups_tenant_id_product_id_name_key":       {Code: domain.ECONFLICT, Field: "name", Reason: "GROUP_NAME_TAKEN", Message: "A group with this name exists."},
	"group_members_pkey":                         {Code: domain.ECONFLICT, Reason: "ALREADY_IN_GROUP", Message: "The user is already in this group."},
	"nominations_pending_key":                    {Code: domain.ECONFLICT, Field: "roleId", Reason: "NOMINATION_PENDING", Message: "A nomination of this user for this role is already waiting for signature."},
}

// mapError turns PostgreSQL errors that carry business meaning into
// application errors and leaves the rest as internal errors.
// notFoundOr maps a missing row to NOT_FOUND with the given message and any
// other failure (a lost connection above all) as mapError does, so that an
// outage is never reported as a missing object.
func notFoundOr(err error, message string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "%s", message)
	}
	return mapError(err)
}

func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "Not found.")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			if e, ok := uniqueViolations[pgErr.ConstraintName]; ok {
				copy := *e
				return &copy
			}
			return domain.Errorf(domain.ECONFLICT, "This conflicts with existing data.")
		case "23503":
			return domain.Errorf(domain.EINVALID, "A referenced object does not exist.")
		case "23514":
			return domain.Errorf(domain.EINVALID, "The value breaks a rule of the data model.")
		case "40001", "40P01":
			return domain.Errorf(domain.ECONFLICT, "Concurrent change; try again.")
		}
	}
	if Unavailable(err) {
		return domain.Errorf(domain.EUNAVAILABLE, "The database is unavailable; try again shortly.")
	}
	return err
}

// MigrationFiles exposes the embedded migrations (tests name their
// template database after them).
func MigrationFiles() fs.FS { return migrationFiles }
