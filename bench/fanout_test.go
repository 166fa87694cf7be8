// Package bench holds benchmarks that need a whole server process; they
// run only when asked for (see each test's guard) and print what
// BENCHMARKS.md reports.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/uptrace/bun"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestSubscriptionFanout measures the fan-out of change events to many
// concurrent subscriptions held on one server process (R28): delivery
// latency from commit to receipt, and memory per connection. The server
// runs as its own process (go build ./server) against PostgreSQL and Redis;
// the clients speak graphql-transport-ws from this process. A baseline with
// one subscription is measured in the same run.
//
//	BENCH_FANOUT=1 CI=true go test ./bench -run TestSubscriptionFanout -count=1 -v -timeout 30m
//
// FANOUT_SUBSCRIBERS (10000), FANOUT_EVENTS (30), FANOUT_INTERVAL_MS (1000:
// one event a second, each to every subscription), FANOUT_USERS (100:
// subscriptions are spread over that many administrators' sessions) and
// FANOUT_REPLICAS (1: server processes sharing PostgreSQL and Redis, the
// subscriptions spread evenly over them) tune it; FANOUT_PER_CONNECTION
// (1) puts that many subscriptions on each WebSocket connection, as
// graphql-transport-ws allows (up to the server's 100 operations per
// connection), so that a scale past the open-file limit of one process can
// be reached; FANOUT_SERVER_BIN runs a server binary built elsewhere
// (another commit) instead of this tree's.
func TestSubscriptionFanout(t *testing.T) {
	if os.Getenv("BENCH_FANOUT") == "" {
		t.Skip("set BENCH_FANOUT=1 to run the subscription fan-out benchmark")
	}
	subscribers := envInt("FANOUT_SUBSCRIBERS", 10000)
	eventCount := envInt("FANOUT_EVENTS", 30)
	interval := time.Duration(envInt("FANOUT_INTERVAL_MS", 1000)) * time.Millisecond
	userCount := envInt("FANOUT_USERS", 100)
	replicas := envInt("FANOUT_REPLICAS", 1)
	perConnection := envInt("FANOUT_PER_CONNECTION", 1)
	ctx := context.Background()

	databaseURL := dbtest.NewDatabaseURL(t)
	rdb, prefix := dbtest.MustRedis(t)
	var srv cluster
	for range replicas {
		srv = append(srv, startServer(t, databaseURL, prefix))
	}

	d, err := db.Open(ctx, databaseURL, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	f := dbtest.NewFixture(t, d)
	tenant := f.Tenant("Fan-out Srl", 0)
	site := f.Tenant("Fan-out site", tenant)
	var users []int64
	for i := range userCount {
		u := f.User(fmt.Sprintf("dashboard%03d", i), tenant)
		f.Assign(u, tenant, "segmenti", "admin")
		users = append(users, u)
	}
	sessions := auth.NewSessionStore(rdb, prefix, time.Hour, 12*time.Hour)
	// The baseline's connection holds one subscription; the others hold
	// perConnection each, the last one the remainder.
	var batches []int
	for left := subscribers - 1; left > 0; left -= perConnection {
		batches = append(batches, min(perConnection, left))
	}
	connections := 1 + len(batches)
	tokens := make([]string, connections)
	for i := range tokens {
		if tokens[i], _, err = sessions.Create(ctx, users[i%len(users)], "bearer", "127.0.0.1", "bench"); err != nil {
			t.Fatal(err)
		}
	}

	rec := &receipts{}
	clients := make([]*benchClient, 0, connections)
	defer func() {
		for _, c := range clients {
			c.conn.CloseNow()
		}
	}()

	// Baseline: one subscription.
	c, err := dial(srv[0].addr, tokens[0], rec, 1)
	if err != nil {
		t.Fatal(err)
	}
	clients = append(clients, c)
	srv.waitSubscriptions(t, 1)
	base := produce(t, d, site, eventCount/2, interval, rec, clients, 1)

	// Fan-out: all the subscriptions.
	before := srv.metrics(t)
	start := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	var failed, retried atomic.Int64
	for i := 1; i < connections; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			// A client whose initialisation the loaded server timed out
			// (4408) connects again, as graphql-ws clients do (retryAttempts).
			c, err := dial(srv[i%len(srv)].addr, tokens[i], rec, batches[i-1])
			for attempt := 1; err != nil && attempt <= 3; attempt++ {
				retried.Add(1)
				time.Sleep(time.Duration(attempt) * time.Second)
				c, err = dial(srv[i%len(srv)].addr, tokens[i], rec, batches[i-1])
			}
			if err != nil {
				if failed.Add(1) < 5 {
					t.Logf("dial %d: %v", i, err)
				}
				return
			}
			mu.Lock()
			clients = append(clients, c)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d connections failed", failed.Load())
	}
	srv.waitSubscriptions(t, subscribers)
	setup := time.Since(start)
	time.Sleep(3 * time.Second) // let allocation settle before measuring
	after := srv.metrics(t)
	fanStart := time.Now()
	fan := produce(t, d, site, eventCount, interval, rec, clients, subscribers)
	fanTime := time.Since(fanStart)
	final := srv.metrics(t)
	deliveries := float64(len(fan.latencies))
	cpuPerDelivery := (final["process_cpu_seconds_total"] - after["process_cpu_seconds_total"]) / deliveries

	perConn := func(k string) float64 { return (after[k] - before[k]) / float64(connections-1) }
	report := fmt.Sprintf(`Server processes: %d (subscriptions spread evenly; figures below are summed over them).
WebSocket connections: %d, %d subscription(s) on each (but the baseline's: 1).

| measure | 1 subscription (baseline) | %d subscriptions | ratio |
| --- | --- | --- | --- |
| delivery latency p50 | %s | %s | %.1f× |
| delivery latency p95 | %s | %s | %.1f× |
| delivery latency p99 | %s | %s | %.1f× |
| delivery latency max | %s | %s | %.1f× |
| time for one event to reach every subscription, p50 | %s | %s | |

Events: %d (baseline) and %d (fan-out), one every %s, each delivered to every subscription (%d deliveries measured, %.0f/s).
Server CPU per delivery during the fan-out: %.1f µs (process CPU time / deliveries; includes the periodic re-checks of every subscription).
Connections set up in %s (%.0f/s), spread over %d administrators' sessions; %d connection attempts repeated after a failed initialisation.
Server memory per connection (growth from 1 to %d connections, divided by %d): RSS %.1f KiB, Go heap in use %.1f KiB, %.1f goroutines.
Server process after the run: RSS %.0f MiB, %0.f goroutines, CPU time %.1f s for the whole run; subscriptions dropped as slow: %.0f.
`,
		replicas, connections, perConnection, subscribers,
		base.p(50), fan.p(50), ratio(fan.p(50), base.p(50)),
		base.p(95), fan.p(95), ratio(fan.p(95), base.p(95)),
		base.p(99), fan.p(99), ratio(fan.p(99), base.p(99)),
		base.p(100), fan.p(100), ratio(fan.p(100), base.p(100)),
		base.spread(50), fan.spread(50),
		eventCount/2, eventCount, interval, len(fan.latencies), deliveries/fanTime.Seconds(),
		cpuPerDelivery*1e6,
		setup.Round(time.Second), float64(connections-1)/setup.Seconds(), len(users), retried.Load(),
		connections, connections-1,
		perConn("process_resident_memory_bytes")/1024, perConn("go_memstats_heap_inuse_bytes")/1024, perConn("go_goroutines"),
		final["process_resident_memory_bytes"]/(1<<20), final["go_goroutines"], final["process_cpu_seconds_total"],
		final["subscriptions_dropped_total"])
	t.Log("\n" + report)
	if out := os.Getenv("FANOUT_REPORT"); out != "" {
		if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if final["subscriptions_dropped_total"] > 0 {
		t.Errorf("%v subscriptions were dropped as slow", final["subscriptions_dropped_total"])
	}
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// server is the server process under test.
type server struct {
	addr string
	cmd  *exec.Cmd
}

func startServer(t *testing.T, databaseURL, prefix string) *server {
	bin := os.Getenv("FANOUT_SERVER_BIN")
	if bin == "" {
		bin = filepath.Join(t.TempDir(), "tenantadmin")
		if out, err := exec.Command("go", "build", "-o", bin, "tenantadmin/server").CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, out)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL, "REDIS_URL="+dbtest.RedisURL(), "KEY_PREFIX="+prefix,
		"ADDR="+addr, "LOG_LEVEL=warn",
		// The benchmark measures delivery, not the limits: it sets them itself
		// (10,000 connections from one address would exceed RATE_WS_CONNECT_IP).
		"RATE_WS_CONNECT_IP=0", "RATE_API_SESSION=0", "RATE_API_TENANT=0", "RATE_API_IP=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt) // fails only if it already exited; Wait reaps it either way
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }() // teardown: its exit status is not under test
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill() // may have exited meanwhile
		}
	})
	s := &server{addr: addr, cmd: cmd}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// cluster is the server processes under test, sharing PostgreSQL and
// Redis.
type cluster []*server

// metrics sums the servers' gauges and counters.
func (c cluster) metrics(t *testing.T) map[string]float64 {
	out := map[string]float64{}
	for _, s := range c {
		for k, v := range s.metrics(t) {
			out[k] += v
		}
	}
	return out
}

func (c cluster) waitSubscriptions(t *testing.T, n int) {
	deadline := time.Now().Add(5 * time.Minute)
	for c.metrics(t)["subscriptions"] < float64(n) {
		if time.Now().After(deadline) {
			t.Fatalf("%v subscriptions, want %d", c.metrics(t)["subscriptions"], n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// metrics reads the server's Prometheus gauges and counters (unlabelled).
func (s *server) metrics(t *testing.T) map[string]float64 {
	res, err := http.Get("http://" + s.addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.Contains(name, "{") {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = v
		}
	}
	return out
}

// receipts counts, per event, the clients it reached; each client keeps
// its own arrival times (no lock shared by thousands of readers).
type receipts struct{ counts sync.Map }

func (r *receipts) counter(id int64) *atomic.Int64 {
	c, _ := r.counts.LoadOrStore(id, new(atomic.Int64))
	return c.(*atomic.Int64)
}

type arrival struct {
	id int64
	at time.Time
}

type benchClient struct {
	conn *websocket.Conn
	mu   sync.Mutex
	got  []arrival
}

// take returns and forgets the client's arrivals.
func (c *benchClient) take() []arrival {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.got
	c.got = nil
	return out
}

// fanoutSubscription is the dashboard's selection (the SPA's Changes
// document): the typed details, not the deprecated payload.
const fanoutSubscription = `subscription {
  changes {
    cursor type subjectType subjectId
    details {
      __typename
      ... on UserChange { user { id username displayName } status changes { field hidden oldValue newValue } }
    }
  }
}`

// subjectPrefix precedes the subject's global ID in a next message; each
// event of the benchmark has its own subject (cursors are sealed: the
// client cannot read an event id from them).
var subjectPrefix = []byte(`"subjectId":"`)

// dial opens a graphql-transport-ws connection, subscribes to changes
// subscriptions times and records every event's arrival on each.
func dial(addr, token string, rec *receipts, subscriptions int) (*benchClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+addr+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	c := &benchClient{conn: conn}
	write := func(v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(ctx, websocket.MessageText, b)
	}
	if err := write(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}}); err != nil {
		return nil, err
	}
	if _, b, err := conn.Read(ctx); err != nil || !strings.Contains(string(b), "connection_ack") {
		conn.CloseNow()
		return nil, fmt.Errorf("init: %s %v", b, err)
	}
	for i := range subscriptions {
		if err := write(map[string]any{"type": "subscribe", "id": strconv.Itoa(i + 1), "payload": map[string]any{
			"query": fanoutSubscription}}); err != nil {
			conn.CloseNow()
			return nil, err
		}
	}
	go func() {
		for {
			_, b, err := conn.Read(context.Background())
			now := time.Now()
			if err != nil {
				return
			}
			// Cheap parsing: the client shares the machine's cores with the
			// server under test.
			switch {
			case bytes.Contains(b, []byte(`"type":"ping"`)):
				if err := conn.Write(context.Background(), websocket.MessageText, []byte(`{"type":"pong"}`)); err != nil {
					return // the connection is gone
				}
			case bytes.Contains(b, []byte(`"type":"next"`)):
				i := bytes.Index(b, subjectPrefix)
				if i < 0 {
					continue
				}
				gid, _, _ := bytes.Cut(b[i+len(subjectPrefix):], []byte(`"`))
				raw, _ := base64.RawURLEncoding.DecodeString(string(gid))
				if id, err := strconv.ParseInt(strings.TrimPrefix(string(raw), "User:"), 10, 64); err == nil {
					c.mu.Lock()
					c.got = append(c.got, arrival{id, now})
					c.mu.Unlock()
					rec.counter(id).Add(1)
				}
			}
		}
	}()
	return c, nil
}

// result holds the latencies of one phase.
type result struct {
	latencies []time.Duration // commit to receipt, every delivery
	spreads   []time.Duration // commit to the last receipt, per event
}

func (r result) p(q int) time.Duration { return percentile(r.latencies, q) }

func (r result) spread(q int) time.Duration { return percentile(r.spreads, q) }

func percentile(ds []time.Duration, q int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*q + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)].Round(10 * time.Microsecond)
}

// nextSubject numbers the events' subjects (not users of the dataset:
// events are only delivered, never resolved against the users table).
var nextSubject atomic.Int64

// produce commits n change events, one per interval, and waits until each
// reached every one of the clients' subscriptions.
func produce(t *testing.T, d *db.DB, tenant int64, n int, interval time.Duration, rec *receipts, clients []*benchClient, subscribers int) result {
	var res result
	type sent struct {
		id int64
		at time.Time
	}
	var all []sent
	for range n {
		// Each event has its own subject, by which clients tell events apart.
		subject := nextSubject.Add(1)
		err := d.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
			return db.RecordChange(ctx, tx, domain.AuditContext{ActorLabel: "bench"},
				domain.AuditEvent{TenantID: &tenant, Action: "user.update", TargetType: "User", TargetID: &subject},
				&db.Event{TenantID: &tenant, Type: domain.EventUserUpdated, SubjectType: "User", SubjectID: &subject,
					Payload: map[string]any{"userId": subject, "username": fmt.Sprintf("user%d", subject), "status": "ACTIVE"}})
		})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, sent{subject, time.Now()})
		time.Sleep(interval)
	}
	deadline := time.Now().Add(5 * time.Minute)
	sentAt := map[int64]time.Time{}
	for _, s := range all {
		for rec.counter(s.id).Load() < int64(subscribers) {
			if time.Now().After(deadline) {
				t.Fatalf("event %d reached %d of %d subscriptions", s.id, rec.counter(s.id).Load(), subscribers)
			}
			time.Sleep(20 * time.Millisecond)
		}
		sentAt[s.id] = s.at
	}
	last := map[int64]time.Duration{}
	for _, c := range clients {
		for _, a := range c.take() {
			at, ok := sentAt[a.id]
			if !ok {
				continue
			}
			l := a.at.Sub(at)
			res.latencies = append(res.latencies, l)
			last[a.id] = max(last[a.id], l)
		}
	}
	for _, l := range last {
		res.spreads = append(res.spreads, l)
	}
	return res
}
