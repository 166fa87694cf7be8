package db

import (
	"fmt"

	"github.com/jackc/pgx/v5"
)

func pgconnConfig(dsn string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
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
	return cfg, nil
}
