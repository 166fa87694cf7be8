package graph_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"tenantadmin/db/dbtest"
	"tenantadmin/mail/mailtest"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

const mySessionsQuery = `{ mySessions { id kind current } }`
const revokeSessionMutation = `mutation($input: RevokeSessionInput!) { revokeSession(input: $input) { ok userErrors { field code } } }`

type sessionList struct {
	MySessions []struct {
		ID, Kind string
		Current  bool
	}
}

func TestMySessionsAndRevocation(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	a, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	b, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	c, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	stranger := w.M.MustLogin(t, w.OtherAdmin)
	var list sessionList
	w.M.GQL(t, a, mySessionsQuery, nil).Decode(t, &list)
	if len(list.MySessions) != 3 || list.MySessions[0].Kind != "BEARER" {
		t.Fatalf("sessions %+v", list)
	}
	var current, other string
	for _, s := range list.MySessions {
		if s.Current {
			current = s.ID
		} else {
			other = s.ID
		}
	}
	if current == "" || other == "" {
		t.Fatal("current session not marked")
	}
	if typ := globalIDType(t, current); typ != "Session" {
		t.Fatalf("session id %q is not a global Session ID (%q)", current, typ)
	}
	t.Run("ErrOtherUsersSession", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, stranger, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": current}}), "revokeSession", nil); code != "SESSION_NOT_FOUND" {
			t.Fatalf("code %q", code)
		}
		if w.M.ViewerName(t, a) == "" {
			t.Fatal("a stranger ended the session")
		}
	})
	t.Run("ErrForgedID", func(t *testing.T) {
		for _, id := range []string{"x", strings.Repeat("0", 64), strings.Repeat("z", 500)} {
			if code := servertest.AuthPayload(t, w.M.GQL(t, a, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": id}}), "revokeSession", nil); code != "SESSION_NOT_FOUND" {
				t.Fatalf("%q: code %q", id, code)
			}
		}
	})
	t.Run("OK", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, a, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": other}}), "revokeSession", nil); code != "" {
			t.Fatalf("code %q", code)
		}
		w.M.GQL(t, a, mySessionsQuery, nil).Decode(t, &list)
		if len(list.MySessions) != 2 {
			t.Fatalf("sessions left %d", len(list.MySessions))
		}
	})
	t.Run("RevokeOthers", func(t *testing.T) {
		var out struct{ RevokeOtherSessions struct{ RevokedCount int } }
		w.M.GQL(t, a, `mutation { revokeOtherSessions { revokedCount } }`, nil).Decode(t, &out)
		if out.RevokeOtherSessions.RevokedCount != 1 {
			t.Fatalf("revoked %d", out.RevokeOtherSessions.RevokedCount)
		}
		if w.M.ViewerName(t, b) != "" || w.M.ViewerName(t, c) != "" || w.M.ViewerName(t, a) != "company.admin" {
			t.Fatal("wrong sessions ended")
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if res := w.M.GQL(t, "", mySessionsQuery, nil); res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.Code())
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-session-idle", "1s")
	f := dbtest.NewFixture(t, m.DB)
	u := f.User("ada.rossi", f.Tenant("Azienda", 0))
	servertest.SetPassword(t, m, u)
	token, _ := m.Login(t, "ada.rossi", servertest.GoodPassword, nil)
	if m.ViewerName(t, token) != "ada.rossi" {
		t.Fatal("fresh session refused")
	}
	time.Sleep(1500 * time.Millisecond)
	if m.ViewerName(t, token) != "" {
		t.Fatal("an idle session outlived its timeout")
	}
}

// TestIdleTimeoutSlides: each use of a session pushes its idle expiry back
// (ASVS 3.3.2), so a session used more often than the idle timeout lives on
// past it, until the absolute lifetime.
func TestIdleTimeoutSlides(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-session-idle", "3s")
	f := dbtest.NewFixture(t, m.DB)
	u := f.User("ada.rossi", f.Tenant("Azienda", 0))
	servertest.SetPassword(t, m, u)
	token, _ := m.Login(t, "ada.rossi", servertest.GoodPassword, nil)
	start := time.Now()
	for time.Since(start) < 6*time.Second { // twice the idle timeout
		if m.ViewerName(t, token) != "ada.rossi" {
			t.Fatalf("a session in use expired %v after sign-in (idle timeout 3 s)", time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestRevocationAcrossProcesses runs two replicas on one database and one
// Redis: a revocation through either takes effect on both at once (R18).
func TestRevocationAcrossProcesses(t *testing.T) {
	_, prefix := dbtest.MustRedis(t)
	dbURL := dbtest.NewDatabaseURL(t)
	a := servertest.MustRunMainOn(t, dbURL, prefix)
	b := servertest.MustRunMainOn(t, dbURL, prefix)
	f := dbtest.NewFixture(t, a.DB)
	tenant := f.Tenant("Azienda", 0)
	admin := f.User("admin.uno", tenant)
	f.Assign(admin, tenant, "segmenti", "admin")
	op := f.User("operatore.uno", tenant)
	f.Assign(op, tenant, "segmenti", "user")
	servertest.SetPassword(t, a, op)
	servertest.SetPassword(t, a, admin)

	t.Run("SessionSharedByReplicas", func(t *testing.T) {
		token, _ := a.Login(t, "operatore.uno", servertest.GoodPassword, nil)
		if b.ViewerName(t, token) != "operatore.uno" {
			t.Fatal("replica B does not know a session of replica A")
		}
		var list sessionList
		b.GQL(t, token, mySessionsQuery, nil).Decode(t, &list)
		if code := servertest.AuthPayload(t, b.GQL(t, token, revokeSessionMutation, map[string]any{"input": map[string]any{"sessionId": list.MySessions[0].ID}}), "revokeSession", nil); code != "" {
			t.Fatal(code)
		}
		if a.ViewerName(t, token) != "" {
			t.Fatal("replica A still accepts a session revoked through B")
		}
	})
	t.Run("AdminResetOnBEndsSessionsOnA", func(t *testing.T) {
		token, _ := a.Login(t, "operatore.uno", servertest.GoodPassword, nil)
		adminToken, _ := b.Login(t, "admin.uno", servertest.GoodPassword, nil)
		if code := servertest.AuthPayload(t, b.GQL(t, adminToken, adminResetMutation, map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", op)}}), "adminResetPassword", nil); code != "" {
			t.Fatal(code)
		}
		if a.ViewerName(t, token) != "" {
			t.Fatal("replica A still accepts the session after a reset on B")
		}
	})
	t.Run("LockOnAEndsSessionsOnB", func(t *testing.T) {
		servertest.SetPassword(t, a, admin)
		token, _ := b.Login(t, "admin.uno", servertest.GoodPassword, nil)
		for range 5 {
			a.Login(t, "admin.uno", "wrong password here", nil)
		}
		if b.ViewerName(t, token) != "" {
			t.Fatal("replica B still accepts the session of an account locked through A")
		}
	})
	t.Run("RevokeAllHelper", func(t *testing.T) {
		other := f.User("operatore.due", tenant)
		tokA, tokB := a.MustLogin(t, other), b.MustLogin(t, other)
		if err := b.App.RevokeAllSessions(context.Background(), other); err != nil {
			t.Fatal(err)
		}
		if a.ViewerName(t, tokA) != "" || a.ViewerName(t, tokB) != "" {
			t.Fatal("RevokeAllSessions on B left sessions usable on A")
		}
	})
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
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", strings.NewReader(`{"query":"{ viewer { platformAdmin } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body servertest.Response
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
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

const failedLoginsQuery = `query($id: ID!, $after: String) { node(id: $id) { ... on User {
  failedLogins(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { at ip operatingSystem browser reason } } } } }`

func TestFailedLoginsQuery(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, w.M, op)
	agents := []string{servertest.ChromeWindows,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"}
	for _, ua := range agents {
		w.M.GQLUA(t, "", ua, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "operatore.uno", "password": "wrong password here", "tokenKind": "BEARER"}})
	}
	type page struct {
		Node *struct {
			FailedLogins struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []struct{ At, IP, OperatingSystem, Browser, Reason string }
			}
		}
	}
	vars := map[string]any{"id": servertest.GlobalID("User", op)}
	t.Run("OK", func(t *testing.T) {
		var p page
		token := w.M.MustLogin(t, w.CompanyAdmin)
		w.M.GQL(t, token, failedLoginsQuery, vars).Decode(t, &p)
		fl := p.Node.FailedLogins
		if fl.TotalCount != 3 || len(fl.Nodes) != 2 || !fl.PageInfo.HasNextPage {
			t.Fatalf("page %+v", fl)
		}
		if n := fl.Nodes[0]; n.OperatingSystem != "Linux" || n.Browser != "Firefox" || n.IP != "127.0.0.1" || n.Reason != "INVALID_CREDENTIALS" {
			t.Fatalf("newest first: %+v", n)
		}
		var next page
		w.M.GQL(t, token, failedLoginsQuery, map[string]any{"id": vars["id"], "after": fl.PageInfo.EndCursor}).Decode(t, &next)
		if n := next.Node.FailedLogins.Nodes; len(n) != 1 || n[0].OperatingSystem != "Windows" || n[0].Browser != "Chrome" {
			t.Fatalf("second page %+v", n)
		}
	})
	t.Run("ParentAdminReads", func(t *testing.T) {
		var p page
		w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), failedLoginsQuery, vars).Decode(t, &p)
		if p.Node.FailedLogins.TotalCount != 3 {
			t.Fatal("the holding's admin cannot read")
		}
	})
	t.Run("TheUserReads", func(t *testing.T) {
		var p page
		w.M.GQL(t, w.M.MustLogin(t, op), failedLoginsQuery, vars).Decode(t, &p)
		if p.Node.FailedLogins.TotalCount != 3 {
			t.Fatal("the user cannot read their own")
		}
	})
	t.Run("ErrOtherTenantAdmin", func(t *testing.T) {
		// The user is outside this admin's directory: the node is hidden,
		// and the Authorizer would refuse the list (domain tests).
		res := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), failedLoginsQuery, vars)
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("another tenant's admin: %s", res.Data)
		}
	})
	t.Run("ErrInvalidCursor", func(t *testing.T) {
		res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), failedLoginsQuery, map[string]any{"id": vars["id"], "after": "!!"})
		if res.Code() != "BAD_USER_INPUT" {
			t.Fatalf("code %q", res.Code())
		}
	})
}

const mailboxQuery = `{ developerMailbox(first: 5) { totalCount nodes { id to template subject text html } } }`

func TestDeveloperMailbox(t *testing.T) {
	w := servertest.NewWorld(t)
	w.M.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "company.admin"}})
	t.Run("OKPlatformAdmin", func(t *testing.T) {
		var out struct {
			DeveloperMailbox struct {
				TotalCount int
				Nodes      []struct{ ID, To, Template, Subject, Text, HTML string }
			}
		}
		w.M.GQL(t, w.M.MustLogin(t, w.F.PlatformAdmin("staff")), mailboxQuery, nil).Decode(t, &out)
		mb := out.DeveloperMailbox
		if mb.TotalCount != 1 || mb.Nodes[0].To != "company.admin@example.test" || mb.Nodes[0].Template != "account_recovery" ||
			!strings.Contains(mb.Nodes[0].Subject, "company.admin") || !strings.Contains(mb.Nodes[0].Text, "/reset-password#token=") || !strings.Contains(mb.Nodes[0].HTML, "<a href=") {
			t.Fatalf("mailbox %+v", mb)
		}
		if typ := globalIDType(t, mb.Nodes[0].ID); typ != "MailMessage" {
			t.Fatalf("message id %q is not a global MailMessage ID (%q)", mb.Nodes[0].ID, typ)
		}
	})
	t.Run("ErrTenantAdmin", func(t *testing.T) {
		if res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), mailboxQuery, nil); res.Code() != "FORBIDDEN" {
			t.Fatalf("code %q", res.Code())
		}
	})
	t.Run("ErrAnonymous", func(t *testing.T) {
		if res := w.M.GQL(t, "", mailboxQuery, nil); res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.Code())
		}
	})
	t.Run("OpenWithDevMailbox", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-dev-mailbox")
		if res := m.GQL(t, "", mailboxQuery, nil); len(res.Errors) > 0 {
			t.Fatalf("errors %+v", res.Errors)
		}
	})
	t.Run("ErrInProcessStoreInProduction", func(t *testing.T) {
		t.Setenv("REDIS_URL", "")
		if err := wiring.NewMain().ParseFlags([]string{"-production"}); err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
			t.Fatalf("production without REDIS_URL: %v", err)
		}
		if err := wiring.NewMain().ParseFlags([]string{"-production", "-redis-url", "redis://127.0.0.1:6379/0", "-cursor-secret", servertest.CursorSecret}); err != nil {
			t.Fatalf("production with REDIS_URL: %v", err)
		}
	})
	t.Run("ErrInProcessStoreWithAPPENVProduction", func(t *testing.T) {
		// The environment a deployment sets, not the flag: the start fails
		// with the reason, and the development default still runs without.
		t.Setenv("APP_ENV", "production")
		t.Setenv("REDIS_URL", "")
		err := wiring.NewMain().ParseFlags(nil)
		if err == nil || !strings.Contains(err.Error(), "REDIS_URL is required in production") || !strings.Contains(err.Error(), "in-process store") {
			t.Fatalf("APP_ENV=production without REDIS_URL: %v", err)
		}
		t.Setenv("APP_ENV", "")
		m := wiring.NewMain()
		if err := m.ParseFlags(nil); err != nil || m.Config.Production || m.Config.RedisURL != "" {
			t.Fatalf("development default: %v, production %v, REDIS_URL %q", err, m.Config.Production, m.Config.RedisURL)
		}
	})
	t.Run("ErrDevMailboxInProduction", func(t *testing.T) {
		if err := wiring.NewMain().ParseFlags([]string{"-dev-mailbox", "-production"}); err == nil {
			t.Fatal("DEV_MAILBOX accepted in production")
		}
	})
	t.Run("ErrNoMailboxWithSMTP", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-smtp-url", mailtest.MustStart(t).URL(), "-dev-mailbox")
		if res := m.GQL(t, "", mailboxQuery, nil); res.Code() != "NOT_FOUND" {
			t.Fatalf("code %q", res.Code())
		}
	})
}

// TestMailOverSMTP follows a recovery from the request to the email a
// real SMTP server on loopback receives, and the link inside it.
func TestMailOverSMTP(t *testing.T) {
	smtpServer := mailtest.MustStart(t)
	m := servertest.MustRunMainWith(t, "-smtp-url", smtpServer.URL(), "-smtp-from", "Piattaforma <no-reply@example.test>", "-mail-poll-interval", "100ms")
	f := dbtest.NewFixture(t, m.DB)
	u := f.User("mario.rossi", f.Tenant("Azienda", 0))
	f.Exec("UPDATE users SET language = 'fr', status = 'LOCKED' WHERE id = ?", u)
	servertest.SetPassword(t, m, u)
	m.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "mario.rossi"}})
	got := smtpServer.WaitFor(t, "mario.rossi@example.test", 10*time.Second)
	if got.From != "no-reply@example.test" || !strings.HasPrefix(got.Subject, "Réinitialisez") || !strings.Contains(got.HTML, "<a href=") {
		t.Fatalf("received %+v", got)
	}
	i := strings.Index(got.Text, "#token=")
	if i < 0 {
		t.Fatalf("no link in %q", got.Text)
	}
	token := strings.Fields(got.Text[i+len("#token="):])[0]
	var out struct{ Username string }
	if code := servertest.AuthPayload(t, m.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": token, "password": servertest.OtherPassword}}), "resetPasswordWithToken", &out); code != "" {
		t.Fatalf("code %q", code)
	}
	if servertest.UserStatus(t, m, u) != "ACTIVE" {
		t.Fatal("the emailed link did not reactivate the account")
	}
	var sent int
	if err := m.DB.QueryRow("SELECT count(*) FROM email_outbox WHERE sent_at IS NOT NULL").Scan(&sent); err != nil {
		t.Fatal(err)
	}
	if sent != 1 {
		t.Fatalf("sent rows %d", sent)
	}
}

// TestWebsocketCSRF: a WebSocket opened with the session cookie must
// present the CSRF token in connection_init, as the SPA does.
func TestWebsocketCSRF(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	b := servertest.NewBrowser(w.M)
	b.Post(t, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": servertest.GoodPassword}})
	connect := func(payload map[string]any) string {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h := http.Header{}
		h.Set("Cookie", wiring.SessionCookie+"="+b.Cookie(wiring.SessionCookie))
		c, _, err := websocket.Dial(ctx, "ws://"+w.M.Addr()+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		msg, _ := json.Marshal(map[string]any{"type": "connection_init", "payload": payload})
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			t.Fatal(err)
		}
		_, data, err := c.Read(ctx)
		if err != nil {
			return "closed: " + err.Error()
		}
		var reply struct{ Type string }
		if err := json.Unmarshal(data, &reply); err != nil {
			t.Fatal(err)
		}
		return reply.Type
	}
	t.Run("OK", func(t *testing.T) {
		if got := connect(map[string]any{"csrfToken": b.Cookie(wiring.CSRFCookie)}); got != "connection_ack" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("ErrMissingToken", func(t *testing.T) {
		if got := connect(map[string]any{}); got == "connection_ack" {
			t.Fatal("a cookie WebSocket without the CSRF token was accepted")
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		if got := connect(map[string]any{"csrfToken": "forged"}); got == "connection_ack" {
			t.Fatal("a forged CSRF token was accepted")
		}
	})
}

// globalIDType is the type a global ID names ("" when it is not one), so
// that an id field a client caches by (Relay, Apollo) is unique across types.
func globalIDType(t *testing.T, gid string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		return ""
	}
	typ, _, _ := strings.Cut(string(b), ":")
	return typ
}
