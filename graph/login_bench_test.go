package graph_test

import (
	"crypto/rand"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"tenantadmin/auth"
	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
)

// BenchmarkLogin measures sign-in throughput through the whole server
// (HTTP, GraphQL, PostgreSQL, Redis sessions and rate-limit bookkeeping
// disabled, argon2id verification) as a ratio of the raw argon2id rate
// measured in the same run with the same parallelism (GOMAXPROCS
// goroutines): the ratio says how close a login comes to the deliberate
// cost of one hash, 1.0 being all of it. The hashing pool gets as many
// slots as the raw run has goroutines (its default is half the cores), so
// both hash with the same parallelism.
//
//	CI=true go test ./graph -run '^$' -bench BenchmarkLogin -benchtime 200x -count 3
func BenchmarkLogin(b *testing.B) {
	m := servertest.MustRunMainWith(b, "-hash-concurrency", strconv.Itoa(runtime.GOMAXPROCS(0)), "-rate-login-account", "0", "-rate-login-ip", "0", "-rate-api-ip", "0",
		"-rate-api-session", "0", "-rate-api-tenant", "0")
	f := dbtest.NewFixture(b, m.DB)
	tenant := f.Tenant("Azienda", 0)
	const accounts = 16
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
	parallel := func(from, to int, op func(i int)) time.Duration {
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
		if token, code := m.Login(b, fmt.Sprintf("bench.user%02d", i%accounts), servertest.GoodPassword, nil); token == "" {
			b.Errorf("login failed: %s", code)
		}
	}
	// Warm up connections, caches and the lazily built dummy hash.
	m.Login(b, "bench.user00", servertest.GoodPassword, nil)

	// The two are measured in alternating slices so that a change of load
	// on a shared machine weighs on both alike.
	b.ResetTimer()
	const slices = 10
	var hashTime, loginTime time.Duration
	for s := range slices {
		from, to := b.N*s/slices, b.N*(s+1)/slices
		hashTime += parallel(from, to, hash)
		loginTime += parallel(from, to, login)
	}
	hashes := float64(b.N) / hashTime.Seconds()
	logins := float64(b.N) / loginTime.Seconds()
	b.StopTimer()
	b.ReportMetric(hashes, "argon2id/s")
	b.ReportMetric(logins, "logins/s")
	b.ReportMetric(logins/hashes, "ratio")
	b.ReportMetric(float64(par), "goroutines")
}
