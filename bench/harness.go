// Package bench holds the helpers of the read-path benchmarks: the
// benchmark database guard, a latency recorder that reports percentiles and
// throughput, and the real server binary started on a loopback port.
//
// The benchmarks run only with BENCH_DATABASE_URL set to a database loaded
// by cmd/datagen; bench/run.sh does everything and writes BENCHMARKS.md.
package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"tenantadmin/auth"
	"tenantadmin/bench/proccpu"
)

// DatabaseURL returns BENCH_DATABASE_URL, or skips: the benchmarks need the
// generated dataset and are not part of the normal test run.
func DatabaseURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("BENCH_DATABASE_URL")
	if u == "" {
		tb.Skip("BENCH_DATABASE_URL is not set: load the dataset with `go run ./cmd/datagen` and run bench/run.sh")
	}
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		tb.Skipf("benchmark database unavailable (%v): run `go run ./cmd/datagen -database-url %s`", err, u)
	}
	defer conn.Close(context.Background())
	var users int64
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM users").Scan(&users); err != nil || users < 1000 {
		tb.Skipf("benchmark dataset missing in %s (%d users, %v): run `go run ./cmd/datagen -database-url %s`", u, users, err, u)
	}
	return u
}

// RedisURL is the Redis the server and the benchmarks share.
func RedisURL() string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/0"
}

// Concurrency is the number of concurrent clients (BENCH_CONCURRENCY,
// default 1).
func Concurrency() int {
	var c int
	if _, err := fmt.Sscan(os.Getenv("BENCH_CONCURRENCY"), &c); err != nil || c < 1 {
		return 1
	}
	return c
}

// Measure runs op b.N times on Concurrency() workers after a warm-up and
// reports the latency percentiles (p50-ms, p95-ms, p99-ms), the
// throughput (req/s) and PostgreSQL's CPU time per operation (pg-cpu-ms:
// its processes on this machine, whoever asked) next to ns/op.
func Measure(b *testing.B, op func() error, afterWarmUp ...func()) {
	b.Helper()
	c := Concurrency()
	warm := min(50, max(10, b.N/10))
	for range warm {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	for _, f := range afterWarmUp {
		f()
	}
	lat := make([]time.Duration, b.N)
	pgBefore := proccpu.Read().Postgres
	stealBefore := proccpu.Steal()
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) || failed.Load() != nil {
					return
				}
				t := time.Now()
				if err := op(); err != nil {
					failed.Store(&err)
					return
				}
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	pgSpent := proccpu.Read().Postgres - pgBefore
	stolen := proccpu.Steal() - stealBefore
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := min(len(lat)-1, int(p*float64(len(lat))))
		return float64(lat[i]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	if pgBefore > 0 {
		b.ReportMetric(pgSpent*1000/proccpu.TicksPerSecond/float64(b.N), "pg-cpu-ms")
	}
	// The share of the machine's CPU time the hypervisor took meanwhile:
	// here it came in bursts that slowed every figure of a run by up to
	// half, whichever build ran.
	b.ReportMetric(100*stolen/proccpu.TicksPerSecond/elapsed.Seconds()/float64(runtime.NumCPU()), "steal-%")
}

// Server is the real server binary running against the benchmark database.
type Server struct {
	URL      string
	PprofURL string // with BENCH_PROFILE_DIR set
	Prefix   string
	Sessions *auth.SessionStore
	Redis    *redis.Client
	cmd      *exec.Cmd
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// serverBinary is BENCH_SERVER_BIN, or ./server built once into a
// temporary directory.
func serverBinary() (string, error) {
	if bin := os.Getenv("BENCH_SERVER_BIN"); bin != "" {
		return bin, nil
	}
	buildOnce.Do(func() {
		root, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "tenantadmin-bench-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "tenantadmin")
		cmd := exec.Command("go", "build", "-o", builtBin, "./server")
		cmd.Dir = filepath.Dir(strings.TrimSpace(string(root)))
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./server: %v\n%s", err, out)
		}
	})
	return builtBin, buildErr
}

// StartServer runs the server binary on a loopback port against
// databaseURL and the shared Redis (under a fresh key prefix), with extra
// flags, and stops it at cleanup. Request logs stay on (at info level) as
// in production, but are discarded.
func StartServer(tb testing.TB, databaseURL string, extra ...string) *Server {
	tb.Helper()
	s, err := StartServerProcess(databaseURL, extra...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// StartServerProcess is StartServer for programs (the load tests' harness):
// the caller stops the server.
func StartServerProcess(databaseURL string, extra ...string) (*Server, error) {
	bin, err := serverBinary()
	if err != nil {
		return nil, err
	}
	opt, err := redis.ParseURL(RedisURL())
	if err != nil {
		return nil, err
	}
	rdb := redis.NewClient(opt)
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		return nil, fmt.Errorf("cannot reach Redis at %s: %v", RedisURL(), err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	s := &Server{Prefix: "bench:" + hex.EncodeToString(b) + ":", Redis: rdb}
	s.Sessions = auth.NewSessionStore(rdb, s.Prefix, 30*time.Minute, 12*time.Hour)
	// No background jobs: the benchmarks measure requests. On a freshly
	// generated data set the monthly digest's first run, a minute after
	// start, walks 10,000 tenants for minutes: 11 % of the server's CPU
	// during a users-page benchmark, and PostgreSQL time both sides pay.
	args := append([]string{"-addr", "127.0.0.1:0", "-database-url", databaseURL, "-redis-url", RedisURL(),
		"-key-prefix", s.Prefix, "-log-level", "info", "-digest-interval", "0"}, extra...)
	if os.Getenv("BENCH_PROFILE_DIR") != "" {
		args = append(args, "-pprof-addr", "127.0.0.1:0")
	}
	s.cmd = exec.Command(bin, args...)
	// The server dies with the benchmark process, even when it is killed.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	lines := bufio.NewScanner(stderr)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	var log []string
	for lines.Scan() {
		var rec struct{ Msg, URL string }
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "serving pprof" {
			s.PprofURL = rec.URL
		}
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "serving" {
			s.URL = rec.URL
			break
		}
		log = append(log, lines.Text())
	}
	if s.URL == "" {
		s.Stop()
		return nil, fmt.Errorf("the server did not start:\n%s", strings.Join(log, "\n"))
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }() // drains until the process exits
	return s, nil
}

// Stop stops the server and deletes its Redis keys.
func (s *Server) Stop() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt) // fails only if it already exited; Wait reaps it either way
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }() // stopping: its exit status is not measured
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill() // may have exited meanwhile
		}
	}
	ctx := context.Background()
	iter := s.Redis.Scan(ctx, 0, s.Prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		s.Redis.Del(ctx, iter.Val())
	}
	s.Redis.Close()
}

// Login creates a bearer session for the user directly in the session
// store, as the server's tests do.
func (s *Server) Login(tb testing.TB, userID int64) string {
	tb.Helper()
	token, _, err := s.Sessions.Create(context.Background(), userID, "bearer", "127.0.0.1", "bench")
	if err != nil {
		tb.Fatal(err)
	}
	return token
}

// Profile, with BENCH_PROFILE_DIR set, runs op in a loop for
// BENCH_PROFILE_SECONDS (default 10) after the measurement while taking a
// CPU profile of the server, written to BENCH_PROFILE_DIR/name.pprof.
func (s *Server) Profile(b *testing.B, name string, op func() error) {
	dir := os.Getenv("BENCH_PROFILE_DIR")
	if dir == "" || s.PprofURL == "" {
		return
	}
	seconds := 10
	_, _ = fmt.Sscan(os.Getenv("BENCH_PROFILE_SECONDS"), &seconds) // unset or unreadable: the default
	done := make(chan error, 1)
	go func() {
		res, err := http.Get(fmt.Sprintf("%sprofile?seconds=%d", s.PprofURL, seconds))
		if err != nil {
			done <- err
			return
		}
		defer res.Body.Close()
		f, err := os.Create(filepath.Join(dir, strings.NewReplacer("/", "_").Replace(name)+".pprof"))
		if err == nil {
			_, err = io.Copy(f, res.Body)
			f.Close()
		}
		done <- err
	}()
	for {
		select {
		case err := <-done:
			if err != nil {
				b.Logf("profile %s: %v", name, err)
			}
			return
		default:
			if err := op(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// CPUTime is the CPU time (user + system) the server process has used so
// far, from /proc: the server's own cost per request, whatever else runs on
// the machine.
func (s *Server) CPUTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 14th and 15th fields of the line.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	if _, err := fmt.Sscan(f[11]+" "+f[12], &utime, &stime); err != nil {
		return 0
	}
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// MeasureServer is Measure that also reports the server's CPU time per
// operation (srv-cpu-ms) and what it allocated per operation (srv-allocs,
// srv-alloc-kB, from its /metrics). CPU time moves with the machine's
// speed, which drifts by half within an hour here; allocations do not, so
// they show a change of the server's own work that the CPU time's noise
// hides.
func (s *Server) MeasureServer(b *testing.B, op func() error) {
	before := s.CPUTime()
	var warm time.Duration
	var warmAllocs allocations
	Measure(b, func() error { return op() }, func() {
		warm = s.CPUTime()
		warmAllocs, _ = s.allocations()
	})
	if before > 0 {
		b.ReportMetric(float64(s.CPUTime()-warm)/float64(time.Millisecond)/float64(b.N), "srv-cpu-ms")
	}
	if after, err := s.allocations(); err == nil && warmAllocs.count > 0 {
		b.ReportMetric((after.count-warmAllocs.count)/float64(b.N), "srv-allocs")
		b.ReportMetric((after.bytes-warmAllocs.bytes)/1024/float64(b.N), "srv-alloc-kB")
	} else if err != nil {
		b.Logf("server allocations: %v", err)
	}
}

// allocations is how many heap objects and bytes a process has allocated
// since it started.
type allocations struct{ count, bytes float64 }

// allocations reads the server's totals from its Prometheus metrics.
func (s *Server) allocations() (allocations, error) {
	res, err := http.Get(s.URL + "/metrics")
	if err != nil {
		return allocations{}, err
	}
	defer res.Body.Close()
	var a allocations
	lines := bufio.NewScanner(res.Body)
	for lines.Scan() {
		name, value, _ := strings.Cut(lines.Text(), " ")
		switch name {
		case "go_memstats_mallocs_total":
			_, err = fmt.Sscan(value, &a.count)
		case "go_memstats_alloc_bytes_total":
			_, err = fmt.Sscan(value, &a.bytes)
		}
		if err != nil {
			return allocations{}, fmt.Errorf("/metrics: %s: %w", name, err)
		}
	}
	if a.count == 0 {
		return allocations{}, fmt.Errorf("/metrics has no go_memstats_mallocs_total")
	}
	return a, lines.Err()
}
