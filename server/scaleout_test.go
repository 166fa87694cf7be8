package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
)

// replicaHeader names, in the balancer's answers, the replica that served
// the request, so that the tests can check the requests were spread.
const replicaHeader = "X-Test-Replica"

// balancer is a round-robin reverse proxy in front of replicas of one
// deployment, as a load balancer without session affinity: consecutive
// requests, and WebSocket upgrades, go to the next replica.
type balancer struct {
	*httptest.Server
	replicas []*servertest.Main
	next     atomic.Uint64
}

// startReplicaProcess runs another replica of ref's deployment (same
// PostgreSQL database and Redis prefix) as a separate process, and returns
// a Main that reaches it over HTTP only (URL, gql, login…).
func startReplicaProcess(t *testing.T, ref *servertest.Main, flags ...string) *servertest.Main {
	t.Helper()
	child := startChildServer(t, append([]string{"-addr", "127.0.0.1:0", "-database-url", ref.Config.DatabaseURL,
		"-redis-url", dbtest.RedisURL(), "-key-prefix", ref.Config.KeyPrefix, "-log-level", "error",
		"-digest-interval", "0"}, flags...)...)
	return servertest.AtAddr(child.addr)
}

// liveSubscriptions reads the replica's "subscriptions" gauge from /metrics.
func liveSubscriptions(t testing.TB, m *servertest.Main) int {
	t.Helper()
	res, err := http.Get(m.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "subscriptions "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("subscriptions gauge %q: %v", v, err)
			}
			return int(n)
		}
	}
	t.Fatalf("no subscriptions gauge in %s/metrics", m.URL())
	return 0
}

func newBalancer(tb testing.TB, replicas ...*servertest.Main) *balancer {
	b := &balancer{replicas: replicas}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			i := int((b.next.Add(1) - 1) % uint64(len(b.replicas)))
			target, _ := url.Parse(b.replicas[i].URL())
			r.SetURL(target)
			r.SetXForwarded()
			r.Out.Header.Set(replicaHeader, strconv.Itoa(i))
		},
		// httputil.ReverseProxy passes WebSocket upgrades through (101
		// Switching Protocols, then both directions copied).
		ModifyResponse: func(res *http.Response) error {
			res.Header.Set(replicaHeader, res.Request.Header.Get(replicaHeader))
			return nil
		},
	}
	b.Server = httptest.NewServer(proxy)
	tb.Cleanup(b.Close)
	return b
}

// gql posts a GraphQL request through the balancer and returns the answer
// and the replica that served it.
func (b *balancer) gql(tb testing.TB, token, query string, vars map[string]any) (*servertest.Response, int) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, b.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", servertest.ChromeWindows)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	var out servertest.Response
	res := servertest.DoInto(tb, req, &out)
	out.Status = res.StatusCode
	replica, err := strconv.Atoi(res.Header.Get(replicaHeader))
	if err != nil {
		tb.Fatalf("answer without %s header", replicaHeader)
	}
	return &out, replica
}

// viewerName is viewer { user { username } } through the balancer: the
// signed-in username ("" when the token does not authenticate) and the
// replica that answered.
func (b *balancer) viewerName(tb testing.TB, token string) (string, int) {
	tb.Helper()
	res, replica := b.gql(tb, token, `{ viewer { user { username } } }`, nil)
	var out struct {
		Viewer *struct{ User struct{ Username string } }
	}
	if len(res.Data) > 0 && string(res.Data) != "null" {
		res.Decode(tb, &out)
	}
	if out.Viewer == nil {
		return "", replica
	}
	return out.Viewer.User.Username, replica
}

// mustWS opens a graphql-transport-ws connection through the balancer and
// returns it with the replica that holds it.
func (b *balancer) mustWS(tb testing.TB, token string) (*servertest.WSClient, int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, res, err := websocket.Dial(ctx, "ws://"+b.Listener.Addr().String()+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.CloseNow() })
	replica, err := strconv.Atoi(res.Header.Get(replicaHeader))
	if err != nil {
		tb.Fatalf("upgrade without %s header", replicaHeader)
	}
	ws := &servertest.WSClient{TB: tb, Conn: c}
	ws.Send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	if msg := ws.Next(); msg.Type != "connection_ack" {
		tb.Fatalf("connection_init answered %s %s", msg.Type, msg.Payload)
	}
	return ws, replica
}

// spread fails unless the requests were served by every replica.
func spread(tb testing.TB, what string, served []int, replicas int) {
	tb.Helper()
	seen := slices.Compact(slices.Sorted(slices.Values(served)))
	if len(seen) != replicas {
		tb.Fatalf("%s were served by replicas %v, want all %d: the balancer did not spread them", what, served, replicas)
	}
}

// TestScaleOut: three replicas of the server, each its own process, on
// loopback behind a round-robin load balancer without affinity, sharing one
// PostgreSQL database and one Redis key prefix (README, "Scale-out").
// Whatever replica serves a request, sessions, rate limits and
// subscriptions behave as with one server. A fourth server in the test's
// own process holds the fixtures and is not behind the balancer.
func TestScaleOut(t *testing.T) {
	// Limits per hour, so that no attempt is refilled while the test runs
	// on a slow machine.
	flags := []string{
		"-rate-login-account", "4/1h", "-rate-login-ip", "0",
		"-rate-api-session", "6/1h",
		"-subscription-recheck", "200ms",
	}
	a := servertest.MustRunMainWith(t, flags...)
	replicas := []*servertest.Main{startReplicaProcess(t, a, flags...), startReplicaProcess(t, a, flags...), startReplicaProcess(t, a, flags...)}
	lb := newBalancer(t, replicas...)
	w := servertest.NewWorldOn(t, a)
	servertest.SetPassword(t, a, w.CompanyAdmin)

	t.Run("SessionOnEveryReplica", func(t *testing.T) {
		res, loginReplica := lb.gql(t, "", servertest.LoginMutation, map[string]any{"input": map[string]any{
			"username": "company.admin", "password": servertest.GoodPassword, "tokenKind": "BEARER"}})
		var out servertest.LoginResult
		if code := servertest.AuthPayload(t, res, "login", &out); code != "" || out.Token == nil {
			t.Fatalf("login: %q %s", code, res.Data)
		}
		token := *out.Token
		// The next requests go to the other replicas, then back to the one
		// that created the session.
		served := []int{loginReplica}
		for range 3 {
			name, replica := lb.viewerName(t, token)
			if name != "company.admin" {
				t.Fatalf("replica %d does not know the session created on replica %d", replica, loginReplica)
			}
			served = append(served, replica)
		}
		spread(t, "the login and the session's requests", served, len(replicas))

		res, logoutReplica := lb.gql(t, token, `mutation { logout { ok } }`, nil)
		if string(res.Data) != `{"logout":{"ok":true}}` {
			t.Fatalf("logout on replica %d: %s %+v", logoutReplica, res.Data, res.Errors)
		}
		for i, m := range replicas {
			if m.ViewerName(t, token) != "" {
				t.Fatalf("replica %d still accepts the session signed out on replica %d", i, logoutReplica)
			}
		}
	})

	t.Run("LoginRateLimitCountsAcrossReplicas", func(t *testing.T) {
		// 4 attempts per account per hour for the whole deployment: the
		// 5th is refused whichever replicas served the first four.
		var served []int
		for i := range 4 {
			res, replica := lb.gql(t, "", servertest.LoginMutation, map[string]any{"input": map[string]any{
				"username": "someone", "password": "wrong password here", "tokenKind": "BEARER"}})
			if code := servertest.AuthPayload(t, res, "login", nil); code != "INVALID_CREDENTIALS" {
				t.Fatalf("attempt %d on replica %d: %q", i+1, replica, code)
			}
			served = append(served, replica)
		}
		spread(t, "the four attempts", served, len(replicas))
		for i, m := range replicas {
			res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{
				"username": "someone", "password": "wrong password here", "tokenKind": "BEARER"}})
			if res.Code() != "RATE_LIMITED" {
				t.Fatalf("replica %d answered the 5th attempt with %q, want RATE_LIMITED", i, res.Code())
			}
		}
		if _, code := replicas[0].Login(t, "someone.else", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("another account is limited: %q", code)
		}
	})

	t.Run("APIRateLimitCountsAcrossReplicas", func(t *testing.T) {
		token := a.MustLogin(t, w.HoldingAdmin)
		var served []int
		for i := range 6 {
			res, replica := lb.gql(t, token, `{ viewer { platformAdmin } }`, nil)
			if len(res.Errors) > 0 {
				t.Fatalf("request %d on replica %d: %+v", i+1, replica, res.Errors)
			}
			served = append(served, replica)
		}
		spread(t, "the six requests", served, len(replicas))
		res, replica := lb.gql(t, token, `{ viewer { platformAdmin } }`, nil)
		if res.Code() != "RATE_LIMITED" || res.Status != http.StatusTooManyRequests {
			t.Fatalf("the 7th request of the session, on replica %d: %d %q", replica, res.Status, res.Code())
		}
	})

	t.Run("SubscriptionReceivesChangesFromEveryReplica", func(t *testing.T) {
		token := a.MustLogin(t, w.CompanyAdmin)
		ws, holder := lb.mustWS(t, token)
		ws.Subscribe("1", servertest.ChangesSubscription, nil)
		servertest.WaitUntil(t, 15*time.Second, func() bool { return liveSubscriptions(t, replicas[holder]) == 1 })
		for i, m := range replicas {
			if i != holder && liveSubscriptions(t, m) != 0 {
				t.Fatalf("replica %d holds a subscription too", i)
			}
		}

		var served []int
		for i := range len(replicas) {
			res, replica := lb.gql(t, token, servertest.CreateServiceAccountMutation, map[string]any{"input": map[string]any{
				"tenantId": servertest.GlobalID("Tenant", w.Company), "username": fmt.Sprintf("scaleout-%d", i)}})
			var out struct {
				CreateServiceAccount struct{ UserErrors []any }
			}
			res.Decode(t, &out)
			if len(out.CreateServiceAccount.UserErrors) > 0 {
				t.Fatalf("createServiceAccount on replica %d: %v", replica, out.CreateServiceAccount.UserErrors)
			}
			served = append(served, replica)
		}
		spread(t, "the mutations", served, len(replicas))
		for i, e := range ws.Events(len(replicas)) {
			if e.Type != "SERVICE_ACCOUNT_CREATED" || e.Payload["username"] != fmt.Sprintf("scaleout-%d", i) {
				t.Fatalf("event %d on replica %d (mutation served by replica %d): %+v", i, holder, served[i], e)
			}
		}

		// Signing out through another replica ends the subscription at its
		// next check of the session.
		if int(lb.next.Load()%uint64(len(replicas))) == holder {
			lb.gql(t, "", `{ __typename }`, nil) // the logout must come from elsewhere
		}
		res, replica := lb.gql(t, token, `mutation { logout { ok } }`, nil)
		if replica == holder || string(res.Data) != `{"logout":{"ok":true}}` {
			t.Fatalf("logout on replica %d (subscription on %d): %s %+v", replica, holder, res.Data, res.Errors)
		}
		if code, _, _ := ws.EndError(); code != "UNAUTHENTICATED" {
			t.Fatalf("the subscription on replica %d ended with %q after a logout elsewhere, want UNAUTHENTICATED", holder, code)
		}
	})
}
