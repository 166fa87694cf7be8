package graph_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"tenantadmin/auth"
	"tenantadmin/bench/proccpu"
	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
)

// BenchmarkLogin measures sign-in throughput through the whole server
// (HTTP, GraphQL, PostgreSQL, Redis sessions, argon2id verification) as a
// ratio of the raw argon2id rate measured in the same run with the same
// parallelism (GOMAXPROCS goroutines): the ratio says how close a login
// comes to the deliberate cost of one hash, 1.0 being all of it. The
// hashing pool gets as many slots as the raw run has goroutines (its
// default is half the cores), so both hash with the same parallelism.
//
// Two settings (issue 17.5): "limits-on" runs with the production rate
// limits (RATE_LOGIN_ACCOUNT, RATE_LOGIN_IP, RATE_API_* at their defaults),
// each sign-in from its own client address behind a trusted proxy, as many
// people signing in at a load balancer would, and each account at most a
// few times, so the limits are counted on every sign-in but never refuse
// (a refusal fails the benchmark: without the trusted proxy, one address
// would pass RATE_LOGIN_IP); "limits-off" turns them off, the cost of the
// bookkeeping is the difference.
//
// Each setting runs with as many clients as cores ("clients=2" here), where
// every sign-in's own waits (PostgreSQL, Redis, the client's turn) leave a
// hashing slot idle, and with twice as many ("clients=4"), which keeps the
// pool busy as a server under sign-in load is: its throughput, the figure
// the raw rate compares with.
//
// It also reports where a sign-in's CPU goes beside its hash: the cores
// left idle in each phase (idle-cores-*), this process's CPU per hash and
// per sign-in (cpu-ms-self/*: server, clients and argon2 share it), and
// what PostgreSQL's and Redis's processes spend per sign-in
// (cpu-ms-postgres/login, cpu-ms-redis/login), all read from /proc.
//
//	CI=true go test ./graph -run '^$' -bench BenchmarkLogin -benchtime 200x -count 5
func BenchmarkLogin(b *testing.B) {
	cores := runtime.GOMAXPROCS(0)
	for _, limits := range []bool{true, false} {
		name := map[bool]string{true: "limits-on", false: "limits-off"}[limits]
		for _, clients := range []int{cores, 2 * cores} {
			b.Run(fmt.Sprintf("%s/clients=%d", name, clients), func(b *testing.B) { benchmarkLogin(b, limits, clients) })
		}
	}
}

// benchmarkLogin signs in from clients goroutines at once against a pool
// of GOMAXPROCS hashing slots, and hashes raw on GOMAXPROCS goroutines.
func benchmarkLogin(b *testing.B, limits bool, clients int) {
	flags := []string{"-hash-concurrency", strconv.Itoa(runtime.GOMAXPROCS(0)), "-trusted-proxies", "127.0.0.1,::1"}
	if !limits {
		flags = append(flags, "-rate-login-account", "0", "-rate-login-ip", "0", "-rate-api-ip", "0",
			"-rate-api-session", "0", "-rate-api-tenant", "0")
	}
	m := servertest.MustRunMainWith(b, flags...)
	f := dbtest.NewFixture(b, m.DB)
	tenant := f.Tenant("Azienda", 0)
	// Enough accounts that none signs in more often than RATE_LOGIN_ACCOUNT
	// (10 a minute) allows, at the 200 sign-ins of the documented command.
	const accounts = 64
	if limits && b.N > accounts*8 {
		b.Skipf("b.N = %d would sign each of %d accounts in more than 8 times: beyond RATE_LOGIN_ACCOUNT, refusals, not sign-ins, would be measured", b.N, accounts)
	}
	for i := range accounts {
		u := f.User(fmt.Sprintf("bench.user%02d", i), tenant)
		f.Assign(u, tenant, "segmenti", "user")
		servertest.SetPassword(b, m, u)
	}
	par := runtime.GOMAXPROCS(0)
	p := auth.DefaultArgon2
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)

	// parallel runs ops [from, to) on par goroutines and returns the time.
	parallel := func(par, from, to int, op func(i int)) time.Duration {
		var next atomic.Int64
		next.Store(int64(from))
		var wg sync.WaitGroup
		start := time.Now()
		for range par {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1)) - 1
					if i >= to {
						return
					}
					op(i)
				}
			}()
		}
		wg.Wait()
		return time.Since(start)
	}
	hash := func(int) { argon2.IDKey([]byte(servertest.GoodPassword), salt, p.Time, p.Memory, p.Threads, p.KeyLen) }
	login := func(i int) {
		in := map[string]any{"username": fmt.Sprintf("bench.user%02d", i%accounts), "password": servertest.GoodPassword, "tokenKind": "BEARER"}
		body, _ := json.Marshal(map[string]any{"query": servertest.LoginMutation, "variables": map[string]any{"input": in}})
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", servertest.ChromeWindows)
		// Each sign-in from its own client address (10.0.0.0/8), as the proxy says.
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		var out servertest.LoginResult
		if code := servertest.AuthPayload(b, servertest.Do(b, req), "login", &out); out.Token == nil {
			b.Errorf("login failed: %s", code)
		}
	}
	// Warm up connections, caches and the lazily built dummy hash (from
	// the proxy's own address, which the measured sign-ins never use).
	m.Login(b, "bench.user00", servertest.GoodPassword, nil)

	// The two are measured in alternating slices so that a change of load
	// on a shared machine weighs on both alike.
	b.ResetTimer()
	const slices = 10
	var hashTime, loginTime time.Duration
	var hashIdle, loginIdle float64
	var hashCPU, loginCPU proccpu.ByProcess
	for s := range slices {
		from, to := b.N*s/slices, b.N*(s+1)/slices
		i0, c0 := idleTicks(), proccpu.Read()
		hashTime += parallel(par, from, to, hash)
		i1, c1 := idleTicks(), proccpu.Read()
		loginTime += parallel(clients, from, to, login)
		i2, c2 := idleTicks(), proccpu.Read()
		hashIdle += i1 - i0
		loginIdle += i2 - i1
		hashCPU.Add(c1.Minus(c0))
		loginCPU.Add(c2.Minus(c1))
	}
	hashes := float64(b.N) / hashTime.Seconds()
	logins := float64(b.N) / loginTime.Seconds()
	b.StopTimer()
	b.ReportMetric(hashes, "argon2id/s")
	b.ReportMetric(logins, "logins/s")
	b.ReportMetric(logins/hashes, "ratio")
	b.ReportMetric(float64(par), "goroutines")
	b.ReportMetric(float64(clients), "clients")
	if idleTicks() >= 0 {
		// Cores left idle while signing in: a sign-in's waits that the
		// clients did not fill. What the ratio misses beyond them is CPU
		// spent on the sign-in's own work (any process of the machine).
		b.ReportMetric(hashIdle/idleTicksPerSecond/hashTime.Seconds(), "idle-cores-hash")
		b.ReportMetric(loginIdle/idleTicksPerSecond/loginTime.Seconds(), "idle-cores-login")
	}
	if hashCPU.Self > 0 {
		// Where a sign-in's CPU goes beside its hash, per operation: this
		// process (the server, its clients and argon2) in each phase, and
		// PostgreSQL's and Redis's processes while signing in (while
		// hashing raw they idle). Ticks of 10 ms, summed over the run.
		perOp := func(ticks float64) float64 { return ticks * 1000 / proccpu.TicksPerSecond / float64(b.N) }
		b.ReportMetric(perOp(hashCPU.Self), "cpu-ms-self/hash")
		b.ReportMetric(perOp(loginCPU.Self), "cpu-ms-self/login")
		b.ReportMetric(perOp(loginCPU.Postgres-hashCPU.Postgres), "cpu-ms-postgres/login")
		b.ReportMetric(perOp(loginCPU.Redis-hashCPU.Redis), "cpu-ms-redis/login")
	}
}

// idleTicksPerSecond is USER_HZ, 100 on every Linux architecture Go runs on.
const idleTicksPerSecond = 100

// idleTicks is the machine's idle and I/O-wait time so far in ticks, from
// /proc/stat (-1 where there is none).
func idleTicks() float64 {
	b, err := os.ReadFile("/proc/stat")
	var user, nice, sys, idle, iowait float64
	if err != nil {
		return -1
	}
	if n, _ := fmt.Sscanf(string(b), "cpu %f %f %f %f %f", &user, &nice, &sys, &idle, &iowait); n != 5 {
		return -1
	}
	return idle + iowait
}
