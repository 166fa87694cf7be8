package db_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"tenantadmin/db"
	"tenantadmin/db/pgha"
)

// TestPostgresFailoverUnderLoad: writers insert through the server's db
// handle, opened on a multi-host URL that lists the standby first (so only
// target_session_attrs=read-write sends connections to the primary). Mid-
// load the primary crashes (SIGKILL of its process group) and the standby is
// promoted. Every acknowledged insert must be on the promoted standby
// (synchronous replication: a commit is acknowledged once the standby has
// flushed it), and the writers must resume on it through the same handle.
// The unavailable window, from the crash (the primary's processes are dead)
// to the first acknowledged insert begun after it, is logged; HA_RUNS=5 repeats the whole run and prints the
// median, minimum and maximum.
func TestPostgresFailoverUnderLoad(t *testing.T) {
	runs := 1
	if s := os.Getenv("HA_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("HA_RUNS=%q", s)
		}
		runs = n
	}
	var windows []time.Duration
	for i := range runs {
		w := failoverRun(t, i+1)
		windows = append(windows, w)
	}
	slices.Sort(windows)
	t.Logf("unavailable window over %d runs: median %v, min %v, max %v, all %v",
		runs, windows[len(windows)/2].Round(time.Millisecond), windows[0].Round(time.Millisecond),
		windows[len(windows)-1].Round(time.Millisecond), windows)
}

func failoverRun(t *testing.T, run int) time.Duration {
	ctx := context.Background()
	c := pgha.Start(t, pgha.Options{Synchronous: true, RetrieveRetryInterval: os.Getenv("HA_WAL_RETRIEVE_RETRY_INTERVAL")})
	c.CreateDatabase(t, "app")
	c.Primary.Exec(t, "SELECT 1")
	// The standby first: a plain "any" connection would land on it and every
	// insert would be refused as read-only.
	url := fmt.Sprintf("postgres://postgres@%s,%s/app?sslmode=disable", c.Standby.HostPort(), c.Primary.HostPort())
	d, err := db.Open(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, "CREATE TABLE ha_probe (id bigint PRIMARY KEY, writer int NOT NULL)"); err != nil {
		t.Fatal(err)
	}

	var (
		next    atomic.Int64
		mu      sync.Mutex
		acked   = map[int64]bool{}
		failed  int
		lastErr error
		killAt  time.Time
		firstOK time.Time // first ack of an insert begun after killAt
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	ackedCount := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				id := next.Add(1)
				begun := time.Now()
				ictx, cancel := context.WithTimeout(ctx, 3*time.Second)
				_, err := d.ExecContext(ictx, "INSERT INTO ha_probe (id, writer) VALUES (?, ?)", id, w)
				cancel()
				mu.Lock()
				if err == nil {
					acked[id] = true
					if !killAt.IsZero() && begun.After(killAt) && firstOK.IsZero() {
						firstOK = time.Now()
					}
				} else {
					failed++
					lastErr = err
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(10 * time.Millisecond)
				} else {
					time.Sleep(2 * time.Millisecond)
				}
			}
		}()
	}
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()
	waitFor := func(what string, cond func() bool) {
		deadline := time.Now().Add(60 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				mu.Lock()
				defer mu.Unlock()
				t.Fatalf("run %d: %s: %d acknowledged, %d failed, last error %v", run, what, len(acked), failed, lastErr)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("no inserts acknowledged before the crash", func() bool { return ackedCount() >= 200 })

	c.Primary.Kill() // returns once the process group is dead
	mu.Lock()
	killAt = time.Now()
	before := len(acked)
	mu.Unlock()
	c.Promote(t)
	promoted := time.Since(killAt)
	waitFor("no inserts acknowledged by the promoted standby", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return !firstOK.IsZero() && len(acked) >= before+200
	})
	close(stop)
	wg.Wait()

	conn, err := pgx.Connect(ctx, c.Standby.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT id FROM ha_probe")
	if err != nil {
		t.Fatal(err)
	}
	present, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[int64]bool, len(present))
	for _, id := range present {
		have[id] = true
	}
	var lost []int64
	for id := range acked {
		if !have[id] {
			lost = append(lost, id)
		}
	}
	window := firstOK.Sub(killAt)
	t.Logf("run %d: %d inserts acknowledged (%d before the crash), %d present, %d failed, %d lost; promoted after %v, unavailable %v",
		run, len(acked), before, len(present), failed, len(lost), promoted.Round(time.Millisecond), window.Round(time.Millisecond))
	if len(lost) > 0 {
		slices.Sort(lost)
		t.Fatalf("run %d: %d acknowledged inserts lost in the failover: %v", run, len(lost), lost[:min(len(lost), 20)])
	}
	return window
}
