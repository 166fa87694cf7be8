package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tenantadmin/db/dbtest"
	"tenantadmin/db/embedded"
	"tenantadmin/server/servertest"
)

// Faults (issue 9): PostgreSQL and Redis going away and coming back while
// the server runs, and the server killed in the middle of mutations. The
// PostgreSQL and Redis that are stopped are private to the test, never the
// shared ones other tests use.

// privatePostgres is a PostgreSQL cluster of the test's own, stopped and
// started again on the same port.
type privatePostgres struct {
	dir  string
	port int
	pg   *embedded.Postgres
}

func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	p := &privatePostgres{dir: filepath.Join(t.TempDir(), "pgdata")}
	p.start(t)
	p.port = p.pg.Port()
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *privatePostgres) start(t *testing.T) {
	t.Helper()
	pg, err := embedded.Start(context.Background(), embedded.Options{DataDir: p.dir, Port: p.port})
	if err != nil {
		unavailableInCI(t, "private PostgreSQL (run npm ci)", err)
	}
	p.pg = pg
}

// stop is PostgreSQL's fast shutdown: open transactions are rolled back
// and their sessions end.
func (p *privatePostgres) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.pg.Stop(ctx); err != nil {
		t.Errorf("stop private PostgreSQL: %v", err)
	}
}

// privateRedis is a redis-server of the test's own with an append-only
// file, so that what it acknowledged survives its restart.
type privateRedis struct {
	dir  string
	port int
	cmd  *exec.Cmd
}

func startPrivateRedis(t *testing.T) *privateRedis {
	t.Helper()
	r := &privateRedis{dir: t.TempDir(), port: freePort(t)}
	r.start(t)
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *privateRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *privateRedis) start(t *testing.T) {
	t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "")
	if err := r.cmd.Start(); err != nil {
		unavailableInCI(t, "redis-server", err)
	}
	client := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port)})
	defer client.Close()
	servertest.WaitUntil(t, 30*time.Second, func() bool { return client.Ping(context.Background()).Err() == nil })
}

func (r *privateRedis) stop(t *testing.T) {
	t.Helper()
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM) // fails only if it already exited; Wait reaps it either way
	_ = r.cmd.Wait()                          // "signal: terminated" is the expected outcome
	r.cmd = nil
}

func unavailableInCI(t *testing.T, what string, err error) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: %v", what, err)
	}
	t.Skipf("%s: %v", what, err)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func readyStatus(t *testing.T, m *servertest.Main) int {
	t.Helper()
	res, _ := servertest.Get(t, m.URL()+"/readyz")
	return res.StatusCode
}

const faultCreateUser = `mutation($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code } } }`

// userInputs returns a maker of createUser variables (a new member of the
// company with one role) that needs no database, since it is used while
// the database is down.
func userInputs(w *servertest.AdminWorld, t *testing.T) func(username string, n int) map[string]any {
	product, role := w.Product(t, "segmenti"), w.Role(t, "segmenti", "user")
	return func(username string, n int) map[string]any {
		return map[string]any{"input": map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "username": username, "taxCode": servertest.ValidCF(n),
			"givenName": "Fault", "familyName": "Test", "email": username + "@example.test", "language": "it",
			"productId": product, "roleId": role}}
	}
}

// createdOK tells whether a createUser answer reports success.
func createdOK(res *servertest.Response) bool {
	var out struct {
		CreateUser *struct {
			User       *struct{ ID string }
			UserErrors []struct{ Code string }
		}
	}
	if len(res.Errors) > 0 || json.Unmarshal(res.Data, &out) != nil || out.CreateUser == nil {
		return false
	}
	return out.CreateUser.User != nil && len(out.CreateUser.UserErrors) == 0
}

// wantAllOrNothing checks that each username's createUser either wrote
// everything (account, membership, role, invitation, email, audit and
// change events) or nothing, and that every acknowledged one is there.
func wantAllOrNothing(w *servertest.AdminWorld, t *testing.T, attempted map[string]bool) (complete int) {
	t.Helper()
	for username, acknowledged := range attempted {
		var parts struct {
			Users       int `bun:"users"`
			Memberships int `bun:"memberships"`
			Roles       int `bun:"roles"`
			Invitations int `bun:"invitations"`
			Emails      int `bun:"emails"`
			Audits      int `bun:"audits"`
			Events      int `bun:"events"`
		}
		w.Scalar(t, &parts, `SELECT
			(SELECT count(*) FROM users WHERE username = ?0) AS users,
			(SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = ?0) AS memberships,
			(SELECT count(*) FROM role_assignments ra JOIN users u ON u.id = ra.user_id WHERE u.username = ?0) AS roles,
			(SELECT count(*) FROM invitations i JOIN users u ON u.id = i.user_id WHERE u.username = ?0) AS invitations,
			(SELECT count(*) FROM email_outbox WHERE to_address = ?1) AS emails,
			(SELECT count(*) FROM audit_events a JOIN users u ON u.id = a.target_id WHERE a.action = 'user.create' AND u.username = ?0) AS audits,
			(SELECT count(*) FROM events e JOIN users u ON u.id = e.subject_id WHERE e.subject_type = 'User' AND u.username = ?0) AS events`,
			username, username+"@example.test")
		switch {
		case parts.Users == 0 && parts.Memberships+parts.Roles+parts.Invitations+parts.Emails+parts.Audits+parts.Events == 0:
			if acknowledged {
				t.Errorf("%s: createUser succeeded but nothing is stored", username)
			}
		case parts.Users == 1 && parts.Memberships == 1 && parts.Roles == 1 && parts.Invitations == 1 &&
			parts.Emails == 1 && parts.Audits == 1 && parts.Events >= 1:
			complete++
		default:
			t.Errorf("%s: partial write %+v", username, parts)
		}
	}
	return complete
}

// TestFaultPostgresRestart stops PostgreSQL under writers and reads: they
// get UNAVAILABLE (503 where the request never reached GraphQL), /readyz
// answers 503, no mutation is half written, and once PostgreSQL is back
// the same server process serves again.
func TestFaultPostgresRestart(t *testing.T) {
	pg := startPrivatePostgres(t)
	_, prefix := dbtest.MustRedis(t)
	m := servertest.MustRunMainOn(t, pg.pg.DSN(), prefix)
	w := servertest.AdminWorldOf(servertest.NewWorldOn(t, m))
	admin := w.Token(t, w.CompanyAdmin)
	input := userInputs(w, t)
	op := w.F.User("fault.operator", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, m, op)

	if !createdOK(m.GQL(t, admin, faultCreateUser, input("before.outage", 1))) {
		t.Fatal("createUser failed before the outage")
	}

	// Writers create users until each has seen the outage a few times.
	var mu sync.Mutex
	attempted := map[string]bool{}
	failures := map[string]int{}
	started := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outage := 0
			for i := 0; outage < 3 && i < 200; i++ {
				username := fmt.Sprintf("writer%d.n%d", g, i)
				mu.Lock()
				attempted[username] = false
				mu.Unlock()
				res := m.GQL(t, admin, faultCreateUser, input(username, 100+g*200+i))
				if createdOK(res) {
					mu.Lock()
					attempted[username] = true
					mu.Unlock()
					select {
					case started <- struct{}{}:
					default:
					}
					continue
				}
				outage++
				mu.Lock()
				failures[fmt.Sprintf("%d %s", res.Status, res.Code())]++
				mu.Unlock()
			}
		}()
	}
	for range 8 {
		<-started // the writers are under way
	}
	pg.stop(t)

	t.Run("ErrReadyz", func(t *testing.T) {
		if s := readyStatus(t, m); s != http.StatusServiceUnavailable {
			t.Fatalf("/readyz %d while PostgreSQL is down", s)
		}
	})
	t.Run("ErrAuthenticatedQuery", func(t *testing.T) {
		res := m.GQL(t, admin, `{ users(first: 5) { totalCount } }`, nil)
		if res.Status != http.StatusServiceUnavailable || res.Code() != "UNAVAILABLE" {
			t.Fatalf("status %d, errors %+v", res.Status, res.Errors)
		}
	})
	t.Run("ErrSignIn", func(t *testing.T) {
		res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{
			"username": "fault.operator", "password": servertest.GoodPassword, "tokenKind": "BEARER"}})
		if res.Code() != "UNAVAILABLE" || strings.Contains(string(res.Data), `"token":"`) {
			t.Fatalf("code %q, data %s", res.Code(), res.Data)
		}
	})
	wg.Wait()
	t.Run("ErrWritersSawUnavailable", func(t *testing.T) {
		for outcome, n := range failures {
			if !strings.HasSuffix(outcome, " UNAVAILABLE") {
				t.Errorf("%d writes failed with %q, want UNAVAILABLE", n, outcome)
			}
		}
		if len(failures) == 0 {
			t.Fatal("no write failed during the outage")
		}
	})

	pg.start(t)
	servertest.WaitUntil(t, time.Minute, func() bool { return readyStatus(t, m) == http.StatusOK })

	t.Run("OKRecoveredWithoutRestart", func(t *testing.T) {
		if !createdOK(m.GQL(t, admin, faultCreateUser, input("after.outage", 2))) {
			t.Fatal("createUser failed after PostgreSQL came back")
		}
		if token, code := m.Login(t, "fault.operator", servertest.GoodPassword, nil); token == "" {
			t.Fatalf("sign-in after recovery: %q", code)
		}
	})
	t.Run("NoPartialWrites", func(t *testing.T) {
		complete := wantAllOrNothing(w, t, attempted)
		t.Logf("%d createUser attempted, %d complete, failures %v", len(attempted), complete, failures)
	})
	t.Run("OKChangeEventsPublishedAfterRecovery", func(t *testing.T) {
		servertest.WaitUntil(t, time.Minute, func() bool {
			return w.Count(t, "SELECT count(*) FROM events WHERE published_at IS NULL") == 0
		})
	})
}

// TestFaultRedisRestart stops Redis: sessions and rate limits cannot be
// checked, so requests get 503 UNAVAILABLE (never a silent allow or an
// anonymous answer), /readyz answers 503; once Redis is back the same
// server serves again and sessions are still valid.
func TestFaultRedisRestart(t *testing.T) {
	r := startPrivateRedis(t)
	m := servertest.MustRunMainOn(t, dbtest.NewDatabaseURL(t), "fault:", "-redis-url", r.url())
	w := servertest.AdminWorldOf(servertest.NewWorldOn(t, m))
	admin := w.Token(t, w.CompanyAdmin)
	input := userInputs(w, t)
	op := w.F.User("fault.operator", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, m, op)
	if m.ViewerName(t, admin) != "company.admin" {
		t.Fatal("session does not work before the outage")
	}
	before := w.Snapshot(t)

	r.stop(t)
	t.Run("ErrReadyz", func(t *testing.T) {
		if s := readyStatus(t, m); s != http.StatusServiceUnavailable {
			t.Fatalf("/readyz %d while Redis is down", s)
		}
	})
	t.Run("ErrSessionCannotBeChecked", func(t *testing.T) {
		res := m.GQL(t, admin, `{ viewer { user { username } } }`, nil)
		if res.Status != http.StatusServiceUnavailable || res.Code() != "UNAVAILABLE" {
			t.Fatalf("status %d, code %q, data %s", res.Status, res.Code(), res.Data)
		}
	})
	t.Run("ErrMutation", func(t *testing.T) {
		res := m.GQL(t, admin, faultCreateUser, input("during.outage", 3))
		if res.Status != http.StatusServiceUnavailable || res.Code() != "UNAVAILABLE" {
			t.Fatalf("status %d, code %q, data %s", res.Status, res.Code(), res.Data)
		}
	})
	// Rate limits live in Redis: an anonymous request is refused rather
	// than let through unlimited.
	t.Run("ErrAnonymousNotLetThrough", func(t *testing.T) {
		res := m.GQL(t, "", `{ viewer { platformAdmin } }`, nil)
		if res.Status != http.StatusServiceUnavailable || res.Code() != "UNAVAILABLE" {
			t.Fatalf("status %d, code %q, data %s", res.Status, res.Code(), res.Data)
		}
	})
	t.Run("ErrSignIn", func(t *testing.T) {
		res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{
			"username": "fault.operator", "password": servertest.GoodPassword, "tokenKind": "BEARER"}})
		if res.Status != http.StatusServiceUnavailable || res.Code() != "UNAVAILABLE" {
			t.Fatalf("status %d, code %q, data %s", res.Status, res.Code(), res.Data)
		}
	})
	t.Run("NothingWritten", func(t *testing.T) { w.Unchanged(t, before) })

	r.start(t)
	servertest.WaitUntil(t, time.Minute, func() bool { return readyStatus(t, m) == http.StatusOK })
	t.Run("OKRecoveredWithoutRestart", func(t *testing.T) {
		if name := m.ViewerName(t, admin); name != "company.admin" {
			t.Fatalf("session after Redis restart: %q", name)
		}
		if !createdOK(m.GQL(t, admin, faultCreateUser, input("after.outage", 4))) {
			t.Fatal("createUser failed after Redis came back")
		}
		if token, code := m.Login(t, "fault.operator", servertest.GoodPassword, nil); token == "" {
			t.Fatalf("sign-in after recovery: %q", code)
		}
	})
}

// TestFaultServerKilledMidMutation SIGKILLs a server process while
// several createUser transactions are open: PostgreSQL rolls back what was
// not committed, so each user is afterwards either complete or absent, and
// a new process on the same database serves at once.
func TestFaultServerKilledMidMutation(t *testing.T) {
	_, prefix := dbtest.MustRedis(t)
	dbURL := dbtest.NewDatabaseURL(t)
	// A reference server in this process holds the fixtures and checks.
	ref := servertest.MustRunMainOn(t, dbURL, prefix, "-event-relay=false")
	w := servertest.AdminWorldOf(servertest.NewWorldOn(t, ref))
	admin := w.Token(t, w.CompanyAdmin)
	input := userInputs(w, t)
	childURL := dbURL + "&application_name=fault_child"
	child := startChildServer(t, "-addr", "127.0.0.1:0", "-database-url", childURL, "-redis-url", dbtest.RedisURL(),
		"-key-prefix", prefix, "-log-level", "error", "-digest-interval", "0", "-event-relay=false")
	var mu sync.Mutex
	attempted := map[string]bool{}
	inputs := map[string]map[string]any{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 110; i++ {
				select {
				case <-stop:
					return
				default:
				}
				username := fmt.Sprintf("killed%d.n%d", g, i)
				vars := input(username, 100+g*110+i)
				mu.Lock()
				attempted[username] = false
				inputs[username] = vars
				mu.Unlock()
				body, _ := json.Marshal(map[string]any{"query": faultCreateUser, "variables": vars})
				req, _ := http.NewRequest(http.MethodPost, "http://"+child.addr+"/graphql", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+admin)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the process is gone
				}
				var out servertest.Response
				_ = json.NewDecoder(res.Body).Decode(&out) // an answer cut off by the kill leaves out empty: not counted as created
				res.Body.Close()
				if createdOK(&out) {
					mu.Lock()
					attempted[username] = true
					mu.Unlock()
				}
			}
		}()
	}
	// Kill it once some users are created, when transactions are open.
	acknowledged := func() (n int) {
		mu.Lock()
		defer mu.Unlock()
		for _, ok := range attempted {
			if ok {
				n++
			}
		}
		return n
	}
	// A backend with a transaction ID has written in a transaction that has
	// not ended: a createUser between its first INSERT and its COMMIT.
	// Polled without pause, as these windows are short.
	open := 0
	for deadline := time.Now().Add(time.Minute); open == 0 || acknowledged() < 10; {
		if time.Now().After(deadline) {
			t.Fatal("never saw a createUser transaction open")
		}
		open = w.Count(t, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fault_child' AND backend_xid IS NOT NULL`)
	}
	child.kill()
	close(stop)
	wg.Wait()
	t.Logf("killed with %d write transactions open", open)

	// PostgreSQL notices the dead connections and rolls their work back.
	servertest.WaitUntil(t, time.Minute, func() bool {
		return w.Count(t, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fault_child'`) == 0
	})
	t.Run("NoPartialWrites", func(t *testing.T) {
		complete := wantAllOrNothing(w, t, attempted)
		t.Logf("%d createUser attempted, %d complete", len(attempted), complete)
	})
	t.Run("OKRestarted", func(t *testing.T) {
		again := startChildServer(t, "-addr", "127.0.0.1:0", "-database-url", dbURL, "-redis-url", dbtest.RedisURL(),
			"-key-prefix", prefix, "-log-level", "error", "-digest-interval", "0")
		m := servertest.AtAddr(again.addr)
		// What was committed is there once (creating it again is refused as
		// a duplicate); what was not can be done again.
		retried := 0
		for username := range attempted {
			exists := w.Count(t, "SELECT count(*) FROM users WHERE username = ?", username) == 1
			res := m.GQL(t, admin, faultCreateUser, inputs[username])
			var out struct {
				CreateUser struct{ UserErrors []struct{ Code string } }
			}
			res.Decode(t, &out)
			code := ""
			if len(out.CreateUser.UserErrors) > 0 {
				code = out.CreateUser.UserErrors[0].Code
			}
			switch {
			case exists && code != "TAX_CODE_HAS_ACCOUNT" && code != "USERNAME_TAKEN":
				t.Errorf("%s was committed, creating it again: %q", username, code)
			case !exists && code != "":
				t.Errorf("%s was rolled back, creating it again: %q", username, code)
			case !exists:
				retried++
			}
		}
		if wantAllOrNothing(w, t, attempted) != len(attempted) {
			t.Error("after the retries every user should be complete")
		}
		t.Logf("%d rolled-back creations redone after the restart", retried)
	})
}
