package db_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/db/pgha"
	"tenantadmin/domain"
	"tenantadmin/kv"
)

// replicated is a migrated database on a private primary with a streaming
// standby, opened with the standby as its read replica.
type replicated struct {
	c      *pgha.Cluster
	d      *db.DB
	f      *dbtest.Fixture
	tenant int64
}

func startReplicated(t *testing.T, opt db.ReplicaOptions) *replicated {
	t.Helper()
	ctx := context.Background()
	c := pgha.Start(t, pgha.Options{})
	c.CreateDatabase(t, "app")
	d, err := db.Open(ctx, c.Primary.URL("app"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	r := &replicated{c: c, d: d, f: dbtest.NewFixture(t, d)}
	r.tenant = r.f.Tenant("Replicated Srl", 0)
	r.addMember(t, context.Background(), "already.there")
	c.WaitReplayed(t)
	rdb, prefix := dbtest.MustRedis(t)
	opt.URLs = c.Standby.URL("app")
	opt.Marks = kv.NewWriteMarks(rdb, prefix)
	if err := d.OpenReplicas(ctx, opt); err != nil {
		t.Fatal(err)
	}
	r.waitInUse(t, true)
	return r
}

// addMember inserts a user with a membership of the tenant through the db
// handle with ctx: as a mutation of that request would.
func (r *replicated) addMember(t *testing.T, ctx context.Context, username string) {
	t.Helper()
	var id int64
	if err := r.d.NewRaw(`INSERT INTO users (username, given_name, family_name, status, home_tenant_id)
		VALUES (?, 'G', 'F', 'ACTIVE', ?) RETURNING id`, username, r.tenant).Scan(ctx, &id); err != nil {
		t.Fatal(err)
	}
	if _, err := r.d.ExecContext(ctx, "INSERT INTO memberships (tenant_id, user_id) VALUES (?, ?)", r.tenant, id); err != nil {
		t.Fatal(err)
	}
}

// list is the users list of the tenant, and whether a replica served it.
func (r *replicated) list(t *testing.T, ctx context.Context) (names []string, fromReplica bool) {
	t.Helper()
	before, _ := r.d.LagTolerantReads()
	conn, err := db.NewUserService(r.d).FindUsers(ctx, domain.UserFilter{Scope: domain.Scope{TenantIDs: []int64{r.tenant}}}, domain.Page{First: 50})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := r.d.LagTolerantReads()
	for _, u := range conn.Nodes {
		names = append(names, u.Username)
	}
	return names, after > before
}

func (r *replicated) waitInUse(t *testing.T, want bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for r.d.ReplicaStatus()[0].InUse != want {
		if time.Now().After(deadline) {
			t.Fatalf("replica in use = %v, want %v: %+v", !want, want, r.d.ReplicaStatus())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func request(user string) context.Context {
	return db.WithSession(context.Background(), "user:"+user)
}

// TestReadYourWritesWithLaggingReplica: with the replica's replay paused, a
// user's write is read by the rest of its request and by the user's next
// request, from the primary, while another user's list is served by the
// lagging replica (stale, within the bound). Once the replica has replayed
// the write, the writer's lists go to it again.
func TestReadYourWritesWithLaggingReplica(t *testing.T) {
	r := startReplicated(t, db.ReplicaOptions{MaxLag: time.Minute})
	if names, fromReplica := r.list(t, request("bob")); !fromReplica || !slices.Contains(names, "already.there") {
		t.Fatalf("before: %v from replica %v", names, fromReplica)
	}
	r.c.PauseReplay(t)

	write := request("alice")
	r.addMember(t, write, "fresh.user")
	if names, fromReplica := r.list(t, write); fromReplica || !slices.Contains(names, "fresh.user") {
		t.Fatalf("the writing request: %v (from replica %v)", names, fromReplica)
	}
	if err := r.d.RecordWrites(write); err != nil {
		t.Fatal(err)
	}
	if names, fromReplica := r.list(t, request("alice")); fromReplica || !slices.Contains(names, "fresh.user") {
		t.Fatalf("the writer's next request does not read its write: %v (from replica %v)", names, fromReplica)
	}
	// Another user may read the lagging replica: it is within the bound.
	if names, fromReplica := r.list(t, request("bob")); !fromReplica || slices.Contains(names, "fresh.user") {
		t.Fatalf("another user: %v (from replica %v); want the replica, without the write", names, fromReplica)
	}

	r.c.ResumeReplay(t)
	deadline := time.Now().Add(30 * time.Second)
	for {
		names, fromReplica := r.list(t, request("alice"))
		if fromReplica {
			if !slices.Contains(names, "fresh.user") {
				t.Fatalf("the replica served the writer before replaying the write: %v", names)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer never went back to the replica after it caught up")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReplicaDownOrLagging: a replica further behind than MaxLag is not
// read, and a replica that dies costs no error: its reads go to the
// primary.
func TestReplicaDownOrLagging(t *testing.T) {
	t.Run("Lagging", func(t *testing.T) {
		r := startReplicated(t, db.ReplicaOptions{MaxLag: 300 * time.Millisecond, PollInterval: 50 * time.Millisecond})
		r.c.PauseReplay(t)
		r.addMember(t, context.Background(), "fresh.user") // by nobody's session: no mark
		r.waitInUse(t, false)
		if names, fromReplica := r.list(t, request("bob")); fromReplica || !slices.Contains(names, "fresh.user") {
			t.Fatalf("lagging replica: %v (from replica %v); want the primary", names, fromReplica)
		}
		r.c.ResumeReplay(t)
		r.waitInUse(t, true)
		if names, fromReplica := r.list(t, request("bob")); !fromReplica || !slices.Contains(names, "fresh.user") {
			t.Fatalf("caught up: %v (from replica %v)", names, fromReplica)
		}
	})
	t.Run("Down", func(t *testing.T) {
		// Polled once at start only: the replica still looks in use when it
		// dies, so the read reaches it and must fall back.
		r := startReplicated(t, db.ReplicaOptions{MaxLag: time.Hour, PollInterval: time.Hour})
		if _, fromReplica := r.list(t, request("bob")); !fromReplica {
			t.Fatal("the replica is not used")
		}
		r.c.Standby.Kill()
		r.addMember(t, context.Background(), "fresh.user")
		_, primaryBefore := r.d.LagTolerantReads()
		names, _ := r.list(t, request("bob"))
		if !slices.Contains(names, "fresh.user") {
			t.Fatalf("after the replica died: %v", names)
		}
		if _, primaryAfter := r.d.LagTolerantReads(); primaryAfter != primaryBefore+1 {
			t.Fatalf("primary reads %d -> %d", primaryBefore, primaryAfter)
		}
		if r.d.ReplicaStatus()[0].InUse {
			t.Fatal("the dead replica is still in use")
		}
		// Counts and audit queries too.
		if n, err := db.NewUserService(r.d).CountUsers(request("bob"), domain.UserFilter{Scope: domain.Scope{TenantIDs: []int64{r.tenant}}}); err != nil || n != 2 {
			t.Fatalf("count = %d, %v", n, err)
		}
	})
}

// lagTolerantReads are every read that may go to a replica, each returning
// what it read as text.
func (r *replicated) lagTolerantReads() map[string]func(ctx context.Context) (string, error) {
	scope := domain.Scope{TenantIDs: []int64{r.tenant}}
	users := db.NewUserService(r.d)
	return map[string]func(ctx context.Context) (string, error){
		"users": func(ctx context.Context) (string, error) {
			c, err := users.FindUsers(ctx, domain.UserFilter{Scope: scope}, domain.Page{First: 10})
			if err != nil {
				return "", err
			}
			return fmt.Sprint(len(c.Nodes)), nil
		},
		"usersCount": func(ctx context.Context) (string, error) {
			n, err := users.CountUsers(ctx, domain.UserFilter{Scope: scope})
			return fmt.Sprint(n), err
		},
		"tenants": func(ctx context.Context) (string, error) {
			c, err := db.NewTenantService(r.d).FindTenants(ctx, domain.TenantFilter{Scope: scope}, domain.Page{First: 10})
			if err != nil {
				return "", err
			}
			n, err := c.Count(ctx)
			return fmt.Sprint(len(c.Nodes), n), err
		},
		"audit": func(ctx context.Context) (string, error) {
			c, err := db.NewAuditService(r.d).FindAuditEvents(ctx, domain.AuditFilter{Scope: scope}, domain.Page{First: 10})
			if err != nil {
				return "", err
			}
			n, err := c.Count(ctx)
			return fmt.Sprint(len(c.Nodes), n), err
		},
		"securityFindings": func(ctx context.Context) (string, error) {
			c, err := db.NewOversightService(r.d).FindSecurityFindings(ctx, r.tenant, domain.FindingNotActivated, nil, domain.ListOrder{}, domain.Page{First: 10})
			if err != nil {
				return "", err
			}
			n, err := c.Count(ctx)
			return fmt.Sprint(len(c.Nodes), n), err
		},
		"report": func(ctx context.Context) (string, error) {
			var rows []string
			err := db.NewOversightService(r.d).StreamReport(ctx, db.ReportUsers, r.tenant, db.PersonalDataRule{All: true}, func(row []string) error {
				rows = append(rows, row[0])
				return nil
			})
			return fmt.Sprint(rows), err
		},
	}
}

// TestLagTolerantReadsUseTheReplica: lists, counts, audit queries,
// security findings and reports are served by the replica while it is in
// use, and by the primary, without an error, once it has died.
func TestLagTolerantReadsUseTheReplica(t *testing.T) {
	r := startReplicated(t, db.ReplicaOptions{MaxLag: time.Hour, PollInterval: time.Hour})
	reads := r.lagTolerantReads()
	want := map[string]string{}
	for name, read := range reads {
		before, _ := r.d.LagTolerantReads()
		got, err := read(request("bob"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if after, _ := r.d.LagTolerantReads(); after == before {
			t.Errorf("%s: not served by the replica", name)
		}
		want[name] = got
	}
	r.c.Standby.Kill()
	for name, read := range reads {
		// Each kind of read meets the dead replica and falls back.
		r.d.BelieveReplicasHealthy()
		_, primaryBefore := r.d.LagTolerantReads()
		got, err := read(request("bob"))
		if _, primaryAfter := r.d.LagTolerantReads(); primaryAfter == primaryBefore {
			t.Errorf("%s: the primary did not take over", name)
		}
		if err != nil || got != want[name] {
			t.Errorf("%s with the replica dead: %q, %v; want %q", name, got, err, want[name])
		}
	}
}
