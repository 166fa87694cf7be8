package db

import "github.com/jackc/pgx/v5"

// SessionConfig is the connection configuration the server's pool uses
// for dsn: the same protocol (pgx's simple protocol) and session settings
// (max_parallel_workers_per_gather). The benchmark's raw SQL baseline
// connects with it, so that the ratio of the server to the baseline is the
// server's own work, not a difference of protocol or plan (issue 17.5).
func SessionConfig(dsn string) (*pgx.ConnConfig, error) { return pgconnConfig(dsn) }
