package main

import (
	"strings"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/db/pgha"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// TestReadYourWritesOverHTTP runs the server on a private primary with a
// streaming standby as DATABASE_REPLICA_URL. With the standby's replay
// paused, an administrator's profile change is seen by the same
// administrator's next users query (a new HTTP request: the write's WAL
// position is marked in Redis, so it reads the primary), while another
// administrator's users query is served by the lagging replica and may
// still show the old name. Once the replica has replayed the change, both
// read it from the replica.
func TestReadYourWritesOverHTTP(t *testing.T) {
	c := pgha.Start(t, pgha.Options{})
	c.CreateDatabase(t, "app")
	_, prefix := dbtest.MustRedis(t)
	m := servertest.MustRunMainConfigured(t, c.Primary.URL("app"), prefix, nil,
		"-database-replica-url", c.Standby.URL("app"), "-replica-max-lag", "1m")
	w := servertest.NewWorldOn(t, m)
	operator := w.F.User("operatore.uno", w.Company)
	w.F.Assign(operator, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE users SET tax_code = ?, tax_country = 'IT' WHERE id = ?", servertest.ValidCF(901), operator)
	c.WaitReplayed(t)
	deadline := time.Now().Add(30 * time.Second)
	for !m.DB.ReplicaStatus()[0].InUse {
		if time.Now().After(deadline) {
			t.Fatalf("replica not in use: %+v", m.DB.ReplicaStatus())
		}
		time.Sleep(20 * time.Millisecond)
	}

	companyAdmin, holdingAdmin := m.MustLogin(t, w.CompanyAdmin), m.MustLogin(t, w.HoldingAdmin)
	// operatorName is the operator's given name in token's users list, and
	// whether a replica served the list.
	operatorName := func(token string) (string, bool) {
		t.Helper()
		before, _ := m.DB.LagTolerantReads()
		var page servertest.UsersPage
		m.GQL(t, token, servertest.UsersPageQuery, map[string]any{"first": 50}).Decode(t, &page)
		after, _ := m.DB.LagTolerantReads()
		for _, e := range page.Users.Edges {
			if e.Node.Username == "operatore.uno" && e.Node.GivenName != nil {
				return *e.Node.GivenName, after > before
			}
		}
		t.Fatalf("operator not listed: %+v", page)
		return "", false
	}
	if name, fromReplica := operatorName(holdingAdmin); name != "Givenoperatore.uno" || !fromReplica {
		t.Fatalf("before: %q from replica %v", name, fromReplica)
	}

	c.WaitReplayed(t)
	c.PauseReplay(t)
	res := m.GQL(t, companyAdmin, `mutation($input: UpdateUserProfileInput!) { updateUserProfile(input: $input) { user { givenName } userErrors { code } } }`,
		map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", operator), "expectedVersion": 1, "givenName": "Mario"}})
	if len(res.Errors) > 0 || !strings.Contains(string(res.Data), `"givenName":"Mario"`) {
		t.Fatalf("update: %s %+v", res.Data, res.Errors)
	}
	if name, fromReplica := operatorName(companyAdmin); name != "Mario" || fromReplica {
		t.Fatalf("the writer's next request reads %q (from replica %v): its own write is lost", name, fromReplica)
	}
	if name, fromReplica := operatorName(holdingAdmin); name != "Givenoperatore.uno" || !fromReplica {
		t.Fatalf("another administrator reads %q (from replica %v); want the lagging replica's old name (%+v)", name, fromReplica, m.DB.ReplicaStatus())
	}

	c.ResumeReplay(t)
	c.WaitReplayed(t)
	deadline = time.Now().Add(30 * time.Second)
	for {
		name, fromReplica := operatorName(companyAdmin)
		if fromReplica {
			if name != "Mario" {
				t.Fatalf("the replica served the writer %q before replaying the write", name)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer never went back to the replica")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if name, _ := operatorName(holdingAdmin); name != "Mario" {
		t.Fatalf("after catching up: %q", name)
	}
	// The replica's state is on /metrics.
	_, body := servertest.Get(t, m.URL()+"/metrics")
	for _, want := range []string{`db_replica_in_use{replica="127.0.0.1:`, `db_replica_lag_seconds{replica="127.0.0.1:`, `db_lag_tolerant_reads_total{target="replica"}`} {
		if !strings.Contains(body, want) {
			t.Fatalf("/metrics lacks %s", want)
		}
	}
}

// TestReplicaFlagsRefused: replica settings that cannot work are refused at
// start, naming the variable.
func TestReplicaFlagsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-database-replica-url", "postgres://r/db"}, "DATABASE_REPLICA_URL needs DATABASE_URL"},
		{[]string{"-database-url", "postgres://p/db", "-database-replica-url", "postgres://r/db", "-replica-max-lag", "0s"}, "REPLICA_MAX_LAG"},
		{[]string{"-database-url", "postgres://p/db", "-database-replica-url", "postgres://r:notaport/db"}, "DATABASE_REPLICA_URL"},
	} {
		err := wiring.NewMain().ParseFlags(c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v; want an error about %q", c.args, err, c.want)
		}
	}
	if err := wiring.NewMain().ParseFlags([]string{"-database-url", "postgres://p1,p2/db", "-database-replica-url", "postgres://r1:5432,r2:5433/db,postgres://r3/db"}); err != nil {
		t.Fatal(err)
	}
}
