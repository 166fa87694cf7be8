// Package dbtest gives tests their own PostgreSQL database, cloned from a
// migrated template, and their own Redis key prefix: tests run against the
// real services, never mocks. Under CI=true a missing service fails the
// test; elsewhere it skips with a hint.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"tenantadmin/db"
	"tenantadmin/kv"
)

// DefaultDatabaseURL and DefaultRedisURL are the local services of the
// development machine and CI.
const (
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	DefaultRedisURL    = "redis://127.0.0.1:6379/0"
)

// AdminURL is the maintenance database URL tests create databases from.
func AdminURL() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return DefaultDatabaseURL
}

// RedisURL is the Redis the tests use.
func RedisURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return DefaultRedisURL
}

func unavailable(tb testing.TB, what string, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s unavailable under CI: %v", what, err)
	}
	tb.Skipf("%s unavailable (%v); start it or set its URL", what, err)
}

// NewDatabaseURL creates a fresh, migrated database for one test and drops
// it at cleanup. It returns its URL.
func NewDatabaseURL(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		unavailable(tb, "PostgreSQL", err)
	}
	defer admin.Close(ctx)

	template := "tenantadmin_tpl_" + migrationsHash()
	if err := ensureTemplate(ctx, admin, template); err != nil {
		tb.Fatalf("template database: %v", err)
	}
	name := "tenantadmin_test_" + randomSuffix()
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), AdminURL())
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			tb.Logf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(AdminURL(), name)
}

// MustOpen returns a handle on a fresh migrated database with the sample
// catalog loaded.
func MustOpen(tb testing.TB) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), NewDatabaseURL(tb), slog.New(slog.DiscardHandler))
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	return d
}

// ensureTemplate builds the migrated template once per migration set; an
// advisory lock serialises test packages running in parallel.
func ensureTemplate(ctx context.Context, admin *pgx.Conn, template string) error {
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(42424242)"); err != nil {
		return err
	}
	defer func() { _, _ = admin.Exec(context.Background(), "SELECT pg_advisory_unlock(42424242)") }() // closing admin releases it too
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", template).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	building := template + "_build"
	if _, err := admin.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building)); err != nil {
		return err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s", building)); err != nil {
		return err
	}
	d, err := db.Open(ctx, withDatabase(AdminURL(), building), slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	err = d.Migrate(ctx)
	if err == nil {
		err = d.LoadCatalog(ctx, db.DefaultCatalog)
	}
	d.Close()
	if err != nil {
		return err
	}
	_, err = admin.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, template))
	return err
}

// migrationsHash names the template after the migrations and catalog, so a
// changed migration gets a new template.
func migrationsHash() string {
	h := sha256.New()
	files, _ := fs.Glob(db.MigrationFiles(), "migrations/*.sql")
	sort.Strings(files)
	for _, f := range files {
		b, _ := fs.ReadFile(db.MigrationFiles(), f)
		h.Write([]byte(f))
		h.Write(b)
	}
	h.Write(db.DefaultCatalog)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return fmt.Sprintf("%d_%s", time.Now().Unix()%100000, hex.EncodeToString(b))
}

// MustRedis returns a Redis client and a key prefix unique to the test;
// the test's keys are deleted at cleanup. REDIS_URL may name a single
// node, a Redis Cluster or a Sentinel deployment (kv.ParseURL), so that
// the tests run on each (scripts/test-redis-cluster.sh).
func MustRedis(tb testing.TB) (redis.UniversalClient, string) {
	tb.Helper()
	if _, err := kv.ParseURL(RedisURL()); err != nil {
		tb.Fatal(err)
	}
	store, err := kv.Open(context.Background(), RedisURL(), nil)
	if err != nil {
		unavailable(tb, "Redis", err)
	}
	prefix := "test:" + randomSuffix() + ":"
	tb.Cleanup(func() {
		ctx := context.Background()
		del := func(ctx context.Context, c *redis.Client) error {
			iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
			for iter.Next(ctx) {
				c.Del(ctx, iter.Val())
			}
			return nil
		}
		if cc, ok := store.UniversalClient.(*redis.ClusterClient); ok {
			_ = cc.ForEachMaster(ctx, del) // best effort: leftover keys carry a random prefix
		} else if c, ok := store.UniversalClient.(*redis.Client); ok {
			_ = del(ctx, c)
		}
		store.Close()
	})
	return store.UniversalClient, prefix
}
