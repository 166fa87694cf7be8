// Command datagen loads the benchmark dataset into a PostgreSQL database:
// 10,000 tenants in hierarchies, 1,000,000 users with memberships and about
// 3,000,000 role assignments, groups and audit events at scale 1. The data is
// a pure function of the seed and the sizes.
//
//	go run ./cmd/datagen -database-url postgres://postgres@127.0.0.1:5432/tenantadmin_bench -reset
//	go run ./cmd/datagen -scale 0.01 -database-url .../tenantadmin_bench_small -reset
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"tenantadmin/bench/datagen"
)

// DefaultDatabaseURL is the dedicated benchmark database on the local
// PostgreSQL; it is created when missing.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/tenantadmin_bench?sslmode=disable"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "datagen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("datagen", flag.ContinueOnError)
	databaseURL := fs.String("database-url", envOr("BENCH_DATABASE_URL", DefaultDatabaseURL), "target database (created when missing; env BENCH_DATABASE_URL)")
	scale := fs.Float64("scale", 1, "size relative to the full dataset (1M users, 10k tenants, 2M audit events)")
	users := fs.Int("users", 0, "number of users (default 1,000,000 × scale)")
	tenants := fs.Int("tenants", 0, "number of tenants (default 10,000 × scale)")
	orgs := fs.Int("orgs", 0, "number of organisations, the root tenants (default tenants / 5)")
	audit := fs.Int("audit-events", -1, "number of audit events (default 2,000,000 × scale)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and sizes give the same rows")
	reset := fs.Bool("reset", false, "replace the tenants, users and everything hanging off them")
	password := fs.String("admin-password", "", "give the platform administrator and each tenant's first administrator this password")
	mem := fs.String("maintenance-work-mem", "512MB", "maintenance_work_mem for the index builds")
	describe := fs.Bool("describe", false, "only print a summary of the dataset already loaded")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *describe {
		return datagen.Describe(ctx, *databaseURL, os.Stdout)
	}
	cfg := datagen.Scaled(*scale)
	if *tenants > 0 {
		cfg.Tenants = *tenants
		cfg.Orgs = max(1, cfg.Tenants/5)
	}
	if *users > 0 {
		cfg.Users = *users
	}
	if *orgs > 0 {
		cfg.Orgs = *orgs
	}
	if *audit >= 0 {
		cfg.AuditEvents = *audit
	}
	cfg.Seed, cfg.Reset, cfg.AdminPassword, cfg.MaintenanceWorkMem = *seed, *reset, *password, *mem
	if _, err := datagen.Generate(ctx, cfg, *databaseURL, os.Stderr); err != nil {
		return err
	}
	return datagen.Describe(ctx, *databaseURL, os.Stdout)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
