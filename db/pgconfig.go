package db

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// defaultConnectTimeout bounds each host's connection attempt of a
// multi-host URL when the URL sets no connect_timeout: a host that drops
// packets instead of refusing must not hold up the move to the next one.
const defaultConnectTimeout = 5 * time.Second

// pgconnConfig parses the primary's URL (DATABASE_URL). A multi-host URL
// (postgres://h1:5432,h2:5432/db) defaults to target_session_attrs=read-write:
// every new connection goes to the host that accepts writes, so after a
// failover the pool finds the promoted standby (docs/ha.md).
func pgconnConfig(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := parseConfig(dsn, "DATABASE_URL")
	if err != nil {
		return nil, err
	}
	if multiHost(&cfg.Config) && !dsnSets(dsn, "target_session_attrs", "PGTARGETSESSIONATTRS") {
		cfg.ValidateConnect = pgconn.ValidateConnectTargetSessionAttrsReadWrite
	}
	return cfg, nil
}

// replicaConnConfig parses one replica URL (DATABASE_REPLICA_URL). A
// multi-host replica URL defaults to target_session_attrs=prefer-standby.
func replicaConnConfig(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := parseConfig(dsn, "DATABASE_REPLICA_URL")
	if err != nil {
		return nil, err
	}
	if multiHost(&cfg.Config) && !dsnSets(dsn, "target_session_attrs", "PGTARGETSESSIONATTRS") {
		cfg.ValidateConnect = pgconn.ValidateConnectTargetSessionAttrsPreferStandby
	}
	return cfg, nil
}

func parseConfig(dsn, name string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	// bun formats every argument into the SQL text, so no two statements
	// with different values share a text: pgx's default statement cache
	// would prepare each one (an extra round trip) and evict the rest.
	// The simple protocol sends each query in one round trip.
	cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	// Short OLTP queries: starting parallel workers costs more than it
	// saves (tens of ms on a busy 2-core host, measured on the users page),
	// and under concurrent requests the cores are busy anyway.
	if _, set := cfg.RuntimeParams["max_parallel_workers_per_gather"]; !set {
		cfg.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	// Only the few reads sent prepared (pgxPrepared: the viewer, an
	// administrator's subtree) have plans to cache; everything else is
	// text under the simple protocol, planned with its values. For the
	// lists they are prepared for, their generic plan is as good as a
	// custom one (DescendantIDs sends longer lists as text), and
	// PostgreSQL's default kept re-planning the subtree of a leaf tenant
	// on every request (0.13–0.19 ms a read against 0.08 ms with the
	// generic plan, pgbench on the 1M-user data set).
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
		cfg.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
	if multiHost(&cfg.Config) && !dsnSets(dsn, "connect_timeout", "PGCONNECT_TIMEOUT") {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	return cfg, nil
}

// multiHost reports whether the config names more than one server (pgx
// also lists a host twice, with and without TLS, for sslmode=prefer).
func multiHost(cfg *pgconn.Config) bool {
	for _, f := range cfg.Fallbacks {
		if f.Host != cfg.Host || f.Port != cfg.Port {
			return true
		}
	}
	return false
}

// dsnSets reports whether the URL or key/value string, or the libpq
// environment variable, sets the parameter.
func dsnSets(dsn, param, envVar string) bool {
	if os.Getenv(envVar) != "" {
		return true
	}
	return strings.Contains(dsn, param+"=")
}
