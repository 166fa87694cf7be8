package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db/dbtest"
	"tenantadmin/kv"
	"tenantadmin/kv/kvtest"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// TestRedisURLRefused: a malformed REDIS_URL stops the server at start
// with an error that names REDIS_URL and the mistake.
func TestRedisURLRefused(t *testing.T) {
	for in, want := range map[string]string{
		"redis-cluster://h1:7000,,h2:7001":  "empty address",
		"redis-cluster://h1:7000/3":         "only database 0",
		"redis-sentinel://s1:26379":         "master's name",
		"redis://h:1/0?wait_replicas=lots":  "wait_replicas",
		"redis-cluster://h1:7000/?timeout=": "unexpected option",
	} {
		m := servertest.Wrap(wiring.NewMain())
		err := m.ParseFlags([]string{"-redis-url", in})
		if err == nil || !strings.Contains(err.Error(), "REDIS_URL") || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v; want an error about %q", in, err, want)
		}
	}
}

// TestServerOnRedisCluster: the server runs on a local Redis Cluster with
// wait_replicas=1: sign-in, the session's requests, the rate limits and
// revocation work, and the session the server acknowledged is on the
// replica of its master (it survives that master's death). The wait is
// generous: it bounds the replica's acknowledgement on a busy machine, and
// the test is about where the session is, not how fast.
func TestServerOnRedisCluster(t *testing.T) {
	c := kvtest.StartCluster(t, 3, 1)
	m := servertest.MustRunMainOn(t, dbtest.NewDatabaseURL(t), "ta:", "-redis-url", c.URL("wait_replicas=1&wait_timeout=1s"),
		"-rate-login-account", "3/1h", "-rate-login-ip", "0")
	if m.KV.Mode != kv.ModeCluster || m.KV.Ack.Replicas != 1 {
		t.Fatalf("mode %s ack %+v", m.KV.Mode, m.KV.Ack)
	}
	w := servertest.NewWorldOn(t, m)
	servertest.SetPassword(t, m, w.CompanyAdmin)
	token, _ := m.Login(t, "company.admin", servertest.GoodPassword, nil)
	if m.ViewerName(t, token) == "" {
		t.Fatal("the session does not work")
	}
	sess, err := m.Sessions.Lookup(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	key := "ta:session:" + sess.ID
	replica := c.ReplicaOf(c.MasterOf(key))[0].Client()
	defer replica.Close()
	replica.Do(context.Background(), "readonly")
	if n, err := replica.Exists(context.Background(), key).Result(); n != 1 || err != nil {
		t.Fatalf("the acknowledged session is not on the replica: %d %v", n, err)
	}
	t.Run("LoginLimit", func(t *testing.T) {
		// One sign-in spent above; two wrong passwords spend the rest.
		for range 2 {
			if _, code := m.Login(t, "company.admin", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
				t.Fatalf("wrong password: %q", code)
			}
		}
		res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": servertest.GoodPassword, "tokenKind": "BEARER"}})
		if res.Code() != "RATE_LIMITED" {
			t.Fatalf("4th attempt in the hour: %q, want RATE_LIMITED", res.Code())
		}
	})
	t.Run("ErrReplicasStalled", func(t *testing.T) {
		// No replica confirms: the sign-in is refused, not acknowledged
		// with a session a failover could lose.
		other := w.F.User("ada.rossi", w.Company)
		servertest.SetPassword(t, m, other)
		var done []chan struct{}
		for _, n := range c.Nodes {
			if n.Role() == "slave" {
				ch := make(chan struct{})
				done = append(done, ch)
				go func() { n.Pause(3500 * time.Millisecond); close(ch) }() // longer than a sign-in plus the 1 s wait
			}
		}
		time.Sleep(100 * time.Millisecond)
		res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "ada.rossi", "password": servertest.GoodPassword, "tokenKind": "BEARER"}})
		_, _, sessErr := m.Sessions.Create(context.Background(), other, "bearer", "", "")
		key, _ := auth.NewLimitKey("api-session", "x")
		_, rateErr := m.RateLimiter.Allow(context.Background(), key, auth.Rate{Count: 10, Period: time.Minute, Burst: 10})
		for _, ch := range done {
			<-ch
		}
		if res.Code() != "UNAVAILABLE" || strings.Contains(string(res.Data), `"token":"`) {
			t.Fatalf("sign-in while no replica could confirm the session: %q %s", res.Code(), res.Data)
		}
		if !errors.Is(sessErr, kv.ErrNotReplicated) || !errors.Is(rateErr, kv.ErrNotReplicated) {
			t.Fatalf("session %v, rate limit %v; want ErrNotReplicated for both", sessErr, rateErr)
		}
		if tok, code := m.Login(t, "ada.rossi", servertest.GoodPassword, nil); tok == "" {
			t.Fatalf("sign-in after the replicas came back: %q", code)
		}
	})
	t.Run("RevokeAll", func(t *testing.T) {
		if err := m.Sessions.RevokeAll(context.Background(), w.CompanyAdmin); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Sessions.Lookup(context.Background(), token); err == nil {
			t.Fatal("revoked session still valid")
		}
	})
}
