package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// Rate limits of R19 for service account tokens, anonymous clients and
// sign-in (issue 13 items 5 and 9).

const viewerQuery = `{ viewer { user { username } } }`

// served asserts that a request with token is answered, not limited.
func served(t *testing.T, m *servertest.Main, token, who string) {
	t.Helper()
	if res := m.GQL(t, token, viewerQuery, nil); len(res.Errors) > 0 {
		t.Fatalf("%s: %d %q %v", who, res.Status, res.Code(), res.Errors)
	}
}

// limited asserts that a request with token gets 429 RATE_LIMITED.
func limited(t *testing.T, m *servertest.Main, token, who string) {
	t.Helper()
	if res := m.GQL(t, token, viewerQuery, nil); res.Code() != "RATE_LIMITED" || res.Status != http.StatusTooManyRequests {
		t.Fatalf("%s: %d %q, want 429 RATE_LIMITED", who, res.Status, res.Code())
	}
}

// TestRateLimitServiceTokens: every service account token has its own
// bucket (RATE_API_SESSION), so one tenant's integration cannot starve
// another's; tokens of one tenant still share that tenant's bucket
// (RATE_API_TENANT).
func TestRateLimitServiceTokens(t *testing.T) {
	t.Run("PerToken", func(t *testing.T) {
		w := servertest.NewWorldOn(t, servertest.MustRunMainWith(t, "-rate-api-session", "3/1m", "-rate-api-tenant", "0"))
		saA := w.ServiceAccount(t, w.CompanyAdmin, w.Company, "crm-sync")
		saB := w.ServiceAccount(t, w.OtherAdmin, w.Other, "erp-sync")
		tokA, tokA2 := w.NewToken(t, w.CompanyAdmin, saA, "production"), w.NewToken(t, w.CompanyAdmin, saA, "staging")
		tokB := w.NewToken(t, w.OtherAdmin, saB, "production")

		for i := range 3 {
			served(t, w.M, tokA, "tenant A's token, request "+strconv.Itoa(i+1))
		}
		limited(t, w.M, tokA, "tenant A's token, 4th request")
		// The other tenant's integration is untouched: with a shared
		// (empty) key it would be limited here.
		served(t, w.M, tokB, "tenant B's token after A's ran out")
		// So is another token of the same service account: the bucket is
		// the token's, not the account's.
		served(t, w.M, tokA2, "A's second token")
		limited(t, w.M, tokA, "tenant A's token, still")
	})
	t.Run("PerTenant", func(t *testing.T) {
		w := servertest.NewWorldOn(t, servertest.MustRunMainWith(t, "-rate-api-session", "0", "-rate-api-tenant", "3/1m"))
		saA := w.ServiceAccount(t, w.CompanyAdmin, w.Company, "crm-sync")
		saB := w.ServiceAccount(t, w.OtherAdmin, w.Other, "erp-sync")
		tokA, tokA2 := w.NewToken(t, w.CompanyAdmin, saA, "production"), w.NewToken(t, w.CompanyAdmin, saA, "staging")
		tokB := w.NewToken(t, w.OtherAdmin, saB, "production")
		// The setup's own requests (the admins' sessions) counted against
		// the tenants too; spend what is left of A's budget with tokA.
		for range 10 {
			if res := w.M.GQL(t, tokA, viewerQuery, nil); res.Code() == "RATE_LIMITED" {
				break
			}
		}
		limited(t, w.M, tokA2, "another token of tenant A")
		served(t, w.M, tokB, "tenant B's token")
	})
	t.Run("AnonymousPerIP", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-rate-api-ip", "2/1m")
		w := servertest.NewWorldOn(t, m)
		served(t, m, "", "anonymous 1")
		served(t, m, "", "anonymous 2")
		limited(t, m, "", "anonymous 3")
		// A signed-in client on the same address counts per session.
		served(t, m, m.MustLogin(t, w.CompanyAdmin), "a session from the same IP")
	})
}

// TestLoginLimitPerAccount: sign-in attempts count per account, whatever
// spelling names it (username, email address, letter case, spaces); an
// unknown name counts under its normalised spelling.
func TestLoginLimitPerAccount(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-rate-login-account", "4/1m", "-rate-login-ip", "0")
	w := servertest.NewWorldOn(t, m)
	ada := w.F.User("ada.rossi", w.Company)
	servertest.SetPassword(t, m, ada)
	other := w.F.User("bruno.verdi", w.Company)
	servertest.SetPassword(t, m, other)

	for i, typed := range []string{"ada.rossi", "ada.rossi@example.test", " ADA.Rossi ", "Ada.Rossi@Example.TEST "} {
		if _, code := m.Login(t, typed, "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("attempt %d (%q): %q", i+1, typed, code)
		}
	}
	for _, typed := range []string{"ada.rossi", "ada.rossi@example.test"} {
		res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": typed, "password": servertest.GoodPassword, "tokenKind": "BEARER"}})
		if res.Code() != "RATE_LIMITED" {
			t.Fatalf("5th attempt as %q: %q %s, want RATE_LIMITED", typed, res.Code(), res.Data)
		}
	}
	// Recovery counts in the same bucket.
	if res := m.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "ADA.ROSSI@example.test"}}); res.Code() != "RATE_LIMITED" {
		t.Fatalf("recovery for the limited account: %q", res.Code())
	}
	if servertest.UserStatus(t, m, ada) != "ACTIVE" {
		t.Fatal("limited attempts reached the password check and locked the account")
	}
	if tok, code := m.Login(t, "bruno.verdi@example.test", servertest.GoodPassword, nil); tok == "" {
		t.Fatalf("another account is limited: %q", code)
	}

	// Unknown names: limited per normalised spelling, like a known account.
	for i, typed := range []string{"ghost", " GHOST", "Ghost ", "ghost"} {
		if _, code := m.Login(t, typed, "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("unknown, attempt %d: %q", i+1, code)
		}
	}
	if res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "gHoSt", "password": "x", "tokenKind": "BEARER"}}); res.Code() != "RATE_LIMITED" {
		t.Fatalf("5th attempt at an unknown name: %q", res.Code())
	}
}

// TestChangePasswordSharesLoginBucket: checking the current password of a
// signed-in user counts in the account's sign-in bucket, so a stolen
// session cannot guess the password beside the sign-in limit.
func TestChangePasswordSharesLoginBucket(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-rate-login-account", "3/1m", "-rate-login-ip", "0")
	w := servertest.NewWorldOn(t, m)
	ada := w.F.User("ada.rossi", w.Company)
	servertest.SetPassword(t, m, ada)
	token := m.MustLogin(t, ada)
	for range 3 {
		m.Login(t, "ADA.ROSSI@example.test", "wrong password here", nil)
	}
	res := m.GQL(t, token, `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { userErrors { code } } }`,
		map[string]any{"input": map[string]any{"currentPassword": "guess number one", "newPassword": servertest.OtherPassword}})
	if res.Code() != "RATE_LIMITED" {
		t.Fatalf("changePassword after the account's budget was spent: %q %s", res.Code(), res.Data)
	}
}

// TestWebsocketUpgradeCountsAsOneConnection: opening a WebSocket counts
// once, in its client IP's connection bucket (RATE_WS_CONNECT_IP), not as
// anonymous API traffic: more connections than the anonymous API limit
// open, and the one beyond the connection limit gets 429.
func TestWebsocketUpgradeCountsAsOneConnection(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-rate-api-ip", "3/1m", "-rate-ws-connect-ip", "6/1m", "-rate-api-session", "0", "-rate-api-tenant", "0")
	w := servertest.NewWorldOn(t, m)
	token := m.MustLogin(t, w.CompanyAdmin)
	for i := range 6 {
		c := dialRaw(t, m, []string{"graphql-transport-ws"}, nil)
		c.init(token)
		c.send(map[string]any{"type": "subscribe", "id": "q", "payload": map[string]any{"query": "{ viewer { user { username } } }"}})
		if msg := c.expect("next"); !strings.Contains(string(msg.Payload), "company.admin") {
			t.Fatalf("connection %d: %s", i+1, msg.Payload)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, res, err := websocket.Dial(ctx, "ws://"+m.Addr()+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("7th connection: %v %+v, want 429 with Retry-After", err, res)
	}
}

// TestWebsocketOperationsCountUnderTheViewersLimits: each operation a
// WebSocket carries counts like an HTTP request of its viewer; beyond the
// limit the operation gets an error message RATE_LIMITED with retryAfter
// and the connection stays open.
func TestWebsocketOperationsCountUnderTheViewersLimits(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-rate-api-session", "3/1m", "-rate-api-tenant", "0", "-rate-ws-connect-ip", "0")
	w := servertest.NewWorldOn(t, m)
	c := dialRaw(t, m, []string{"graphql-transport-ws"}, nil)
	c.init(m.MustLogin(t, w.CompanyAdmin))
	for i := range 3 {
		id := strconv.Itoa(i)
		c.send(map[string]any{"type": "subscribe", "id": id, "payload": map[string]any{"query": "{ viewer { user { username } } }"}})
		c.expect("next")
		c.expect("complete")
	}
	c.send(map[string]any{"type": "subscribe", "id": "4th", "payload": map[string]any{"query": "{ viewer { user { username } } }"}})
	msg := c.expect("error")
	var errs []struct {
		Extensions struct {
			Code       string
			RetryAfter int
		}
	}
	if err := json.Unmarshal(msg.Payload, &errs); err != nil || msg.ID != "4th" || len(errs) != 1 ||
		errs[0].Extensions.Code != "RATE_LIMITED" || errs[0].Extensions.RetryAfter < 1 {
		t.Fatalf("4th operation: %+v %s", msg, msg.Payload)
	}
	c.send(map[string]any{"type": "ping"})
	c.expect("pong")
}

// TestAnswersTellCostAndRateBudget (issue 15.8): a query's answer says what
// it cost against the complexity limit and what is left of the viewer's
// rate budget, in extensions and in X-RateLimit-* headers; each request
// takes one from the budget.
func TestAnswersTellCostAndRateBudget(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-rate-api-session", "100/1m", "-rate-api-tenant", "0")
	w := servertest.NewWorldOn(t, m)
	token := m.MustLogin(t, w.CompanyAdmin)
	type answer struct {
		Extensions struct {
			Cost      struct{ Requested, Limit int }
			RateLimit struct {
				Limit, Remaining int
				ResetAt          time.Time
			}
		}
		header http.Header
	}
	ask := func() answer {
		var a answer
		a.header = servertest.Post(t, m.URL(), token, map[string]any{"query": "{ viewer { user { username } } tenants(first: 5) { nodes { name } } }"}, &a).Header
		return a
	}
	first, second := ask(), ask()
	if first.Extensions.Cost.Requested < 2 || first.Extensions.Cost.Limit != 5000 {
		t.Fatalf("cost %+v", first.Extensions.Cost)
	}
	rl := second.Extensions.RateLimit
	if rl.Limit != 100 || rl.Remaining > first.Extensions.RateLimit.Remaining || rl.Remaining >= 100 || !rl.ResetAt.After(time.Now().Add(-time.Second)) {
		t.Fatalf("rate budget %+v then %+v", first.Extensions.RateLimit, rl)
	}
	// Ten more requests take ten (the bucket refills one every 600 ms, and
	// remaining is rounded down: allow two of slack).
	var last answer
	for range 10 {
		last = ask()
	}
	if last.Extensions.RateLimit.Remaining > rl.Remaining-8 {
		t.Fatalf("after 10 requests: %d left, before %d", last.Extensions.RateLimit.Remaining, rl.Remaining)
	}
	if second.header.Get("X-RateLimit-Limit") != "100" || second.header.Get("X-RateLimit-Remaining") != strconv.Itoa(rl.Remaining) {
		t.Fatalf("headers %v", second.header)
	}
}

func TestRateLimits(t *testing.T) {
	t.Run("LoginPerAccount", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-rate-login-account", "3/1m", "-rate-login-ip", "0")
		for range 3 {
			if _, code := m.Login(t, "someone", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
				t.Fatal(code)
			}
		}
		res := m.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "SOMEONE", "password": "x", "tokenKind": "BEARER"}})
		if res.Code() != "RATE_LIMITED" {
			t.Fatalf("code %q %s", res.Code(), res.Data)
		}
		if ra, _ := res.Errors[0].Extensions["retryAfter"].(float64); ra < 1 || ra > 21 {
			t.Fatalf("retryAfter %v", res.Errors[0].Extensions["retryAfter"])
		}
		if _, code := m.Login(t, "someone.else", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("another account is limited: %q", code)
		}
	})
	t.Run("LoginPerIP", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-rate-login-ip", "2/1m", "-rate-login-account", "0")
		m.Login(t, "a1", "x", nil)
		m.Login(t, "a2", "x", nil)
		res := m.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "a3"}})
		if res.Code() != "RATE_LIMITED" {
			t.Fatalf("code %q", res.Code())
		}
	})
	t.Run("APIPerSession", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-rate-api-session", "3/1m")
		f := dbtest.NewFixture(t, m.DB)
		u := f.User("ada.rossi", f.Tenant("Azienda", 0))
		token, other := m.MustLogin(t, u), m.MustLogin(t, u)
		for range 3 {
			if res := m.GQL(t, token, `{ viewer { platformAdmin } }`, nil); len(res.Errors) > 0 {
				t.Fatal(res.Errors)
			}
		}
		var body servertest.Response
		res := servertest.Post(t, m.URL(), token, map[string]any{"query": "{ viewer { platformAdmin } }"}, &body)
		if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || body.Code() != "RATE_LIMITED" || body.Errors[0].Extensions["retryAfter"] == nil {
			t.Fatalf("status %d Retry-After %q body %+v", res.StatusCode, res.Header.Get("Retry-After"), body)
		}
		if r := m.GQL(t, other, `{ viewer { platformAdmin } }`, nil); len(r.Errors) > 0 {
			t.Fatal("another session of the user is limited")
		}
	})
	t.Run("APIPerTenant", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-rate-api-tenant", "3/1m")
		f := dbtest.NewFixture(t, m.DB)
		tenant, other := f.Tenant("Azienda", 0), f.Tenant("Altra", 0)
		u1, u2, u3 := f.User("uno.utente", tenant), f.User("due.utente", tenant), f.User("tre.utente", other)
		for _, u := range []int64{u1, u2} {
			f.Assign(u, tenant, "segmenti", "user")
		}
		f.Assign(u3, other, "segmenti", "user")
		t1, t2, t3 := m.MustLogin(t, u1), m.MustLogin(t, u2), m.MustLogin(t, u3)
		m.GQL(t, t1, `{ viewer { platformAdmin } }`, nil)
		m.GQL(t, t1, `{ viewer { platformAdmin } }`, nil)
		m.GQL(t, t2, `{ viewer { platformAdmin } }`, nil)
		if res := m.GQL(t, t2, `{ viewer { platformAdmin } }`, nil); res.Code() != "RATE_LIMITED" || res.Status != http.StatusTooManyRequests {
			t.Fatalf("fourth request of the tenant: %d %q", res.Status, res.Code())
		}
		if res := m.GQL(t, t3, `{ viewer { platformAdmin } }`, nil); len(res.Errors) > 0 {
			t.Fatal("another tenant is limited")
		}
	})
	t.Run("ErrBadRateFlag", func(t *testing.T) {
		if err := wiring.NewMain().ParseFlags([]string{"-rate-api-session", "ten per minute"}); err == nil {
			t.Fatal("a malformed rate was accepted")
		}
	})
}
