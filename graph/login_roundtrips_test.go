package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/kv"
	"tenantadmin/server/servertest"
)

// TestSignInRedisRoundTrips counts the round trips to Redis of one sign-in
// with the production rate limits on (issue 17.5): the anonymous API
// request's bucket (api-ip, in the HTTP middleware), the sign-in's client
// address (login-ip, counted before the account lookup so that a flood
// never reaches PostgreSQL), the accounts the identifier names (one
// script for all of them, counted before the hash) and the new session
// with its user's index (one transaction on one node; on a Redis Cluster,
// where they lie in different slots, two writes). Each is a round trip on
// the cores that hash; a change that adds one fails here.
func TestSignInRedisRoundTrips(t *testing.T) {
	t.Run("Redis", func(t *testing.T) { testSignInRedisRoundTrips(t, servertest.MustRunMain(t)) })
	// REDIS_URL unset: the in-process store runs the same scripts and
	// transactions.
	t.Run("InProcess", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-redis-url", "")
		if !m.KV.InProcess {
			t.Fatal("not the in-process store")
		}
		testSignInRedisRoundTrips(t, m)
	})
}

func testSignInRedisRoundTrips(t *testing.T, m *servertest.Main) {
	w := servertest.NewWorldOn(t, m)
	servertest.SetPassword(t, m, w.CompanyAdmin)
	// Warm up: the scripts are loaded once per Redis (EVAL after NOSCRIPT).
	if tok, code := m.Login(t, "company.admin", servertest.GoodPassword, nil); tok == "" {
		t.Fatalf("warm-up sign-in: %s", code)
	}
	trips := &tripLog{}
	m.KV.AddHook(trips)
	// On a Redis Cluster the session and its index, and the buckets of
	// several accounts, lie in different slots: one write each.
	session, accountScripts := 1, 1
	if m.KV.Mode == kv.ModeCluster {
		session, accountScripts = 2, 2
	}

	t.Run("SignIn", func(t *testing.T) {
		trips.start()
		if tok, code := m.Login(t, "Company.Admin", servertest.GoodPassword, nil); tok == "" {
			t.Fatalf("sign-in: %s", code)
		}
		got := trips.stop()
		if want := 3 + session; len(got) != want {
			t.Fatalf("one sign-in made %d round trips to Redis, want %d (api-ip, login-ip, login-account, session):\n%s",
				len(got), want, strings.Join(got, "\n"))
		}
	})
	t.Run("AddressOfTwoAccounts", func(t *testing.T) {
		// An address two accounts share counts against both accounts'
		// buckets, in one script.
		other := w.F.User("twin.of.company.admin", w.Company)
		if _, err := m.DB.Exec("UPDATE users SET email = 'company.admin@example.test' WHERE id = ?", other); err != nil {
			t.Fatal(err)
		}
		trips.start()
		if tok, code := m.Login(t, "company.admin@example.test", servertest.GoodPassword, nil); tok != "" || code != "INVALID_CREDENTIALS" {
			t.Fatalf("sign-in by a shared address: token %v, code %q", tok != "", code)
		}
		got := trips.stop()
		if want := 2 + accountScripts; len(got) != want || (accountScripts == 1 && !strings.Contains(got[2], " 2 ")) {
			t.Fatalf("a sign-in by an address of two accounts made %d round trips to Redis, want %d (api-ip, login-ip, both accounts in one script on one node):\n%s",
				len(got), want, strings.Join(got, "\n"))
		}
	})
}

// TestSignInStatements counts the SQL statements of one sign-in (issue
// 17.5): the account's read, the success update (which answers the user as
// it left them) and the new viewer's grants. The payload's viewer { user }
// is that updated row, its lastSignInAt this sign-in's: read again by id,
// a fourth statement, this fails.
func TestSignInStatements(t *testing.T) {
	m := servertest.MustRunMain(t)
	w := servertest.NewWorldOn(t, m)
	servertest.SetPassword(t, m, w.CompanyAdmin)
	const login = `mutation($input: LoginInput!) { login(input: $input) {
		token viewer { user { username lastSignInAt } } userErrors { code } } }`
	signIn := func() (statements int64, lastSignInAt string) {
		before := m.DB.QueryCount()
		in := map[string]any{"username": "company.admin", "password": servertest.GoodPassword, "tokenKind": "BEARER"}
		var out struct {
			Token  *string
			Viewer struct {
				User struct{ Username, LastSignInAt string }
			}
		}
		if code := servertest.AuthPayload(t, m.GQLUA(t, "", servertest.ChromeWindows, login, map[string]any{"input": in}), "login", &out); out.Token == nil {
			t.Fatalf("sign-in: %s", code)
		}
		statements = m.DB.QueryCount() - before
		if out.Viewer.User.Username != "company.admin" {
			t.Fatalf("the answer's user: %+v", out.Viewer.User)
		}
		var stored time.Time
		if err := m.DB.QueryRow("SELECT last_login_at FROM users WHERE id = ?", w.CompanyAdmin).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if answered, err := time.Parse(time.RFC3339Nano, out.Viewer.User.LastSignInAt); err != nil || !answered.Equal(stored) {
			t.Fatalf("the answer's lastSignInAt %q, stored %v: not this sign-in's (%v)", out.Viewer.User.LastSignInAt, stored, err)
		}
		return statements, out.Viewer.User.LastSignInAt
	}
	fewest, last := signIn() // warms up the prepared statements
	for range 3 {
		n, at := signIn()
		if at == last {
			t.Fatalf("two sign-ins answered the same lastSignInAt %s", at)
		}
		fewest, last = min(fewest, n), at
	}
	// Background work (the event relay) may add statements to one sign-in;
	// the fewest of three is the sign-in's own.
	if fewest != 3 {
		t.Fatalf("a sign-in ran %d SQL statements, want 3 (account, success update with the user, viewer)", fewest)
	}
}

// tripLog records the commands and pipelines sent to Redis while on, but
// the event hub's blocking reads, which run on their own.
type tripLog struct {
	mu    sync.Mutex
	on    bool
	trips []string
}

func (l *tripLog) start() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on, l.trips = true, nil
}

func (l *tripLog) stop() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.trips
}

func (l *tripLog) add(cmds []redis.Cmder) {
	var names []string
	for _, c := range cmds {
		if c.Name() == "xread" {
			return
		}
		// The command and its first key (a script: its number of keys and
		// the first).
		args, from, to := c.Args(), 1, 2
		if c.Name() == "evalsha" || c.Name() == "eval" {
			from, to = 2, 4
		}
		desc := c.Name()
		for _, a := range args[min(from, len(args)):min(to, len(args))] {
			desc += fmt.Sprint(" ", a)
		}
		names = append(names, desc)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.on {
		l.trips = append(l.trips, strings.Join(names, "; "))
	}
}

func (l *tripLog) DialHook(next redis.DialHook) redis.DialHook { return next }

func (l *tripLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.add([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

func (l *tripLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		l.add(cmds)
		return next(ctx, cmds)
	}
}
