package graph_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"tenantadmin/domain"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

func TestLogin(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	t.Run("OK", func(t *testing.T) {
		var out servertest.LoginResult
		res := w.M.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{
			"username": "Company.Admin", "password": servertest.GoodPassword, "tokenKind": "BEARER"}})
		if code := servertest.AuthPayload(t, res, "login", &out); code != "" {
			t.Fatalf("userError %s", code)
		}
		if out.Token == nil || out.Viewer == nil || out.Viewer.User.Username != "company.admin" || out.ExpiresAt == nil {
			t.Fatalf("login payload %+v", out)
		}
		if got := w.M.ViewerName(t, *out.Token); got != "company.admin" {
			t.Fatalf("token authenticates %q", got)
		}
		var seen bool
		if err := w.M.DB.QueryRow("SELECT last_login_at > now() - interval '1 minute' FROM users WHERE id = ?", w.CompanyAdmin).Scan(&seen); err != nil {
			t.Fatal(err)
		}
		if !seen {
			t.Fatal("a sign-in must record last_login_at (the digest's inactivity flag, R25)")
		}
	})
	t.Run("OKByEmail", func(t *testing.T) {
		if token, code := w.M.Login(t, "COMPANY.ADMIN@example.test", servertest.GoodPassword, nil); token == "" {
			t.Fatalf("code %s", code)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		if _, code := w.M.Login(t, "company.admin", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
		var os, browser, reason string
		if err := w.M.DB.QueryRow("SELECT operating_system, browser, reason FROM failed_logins WHERE user_id = ?", w.CompanyAdmin).Scan(&os, &browser, &reason); err != nil {
			t.Fatal(err)
		}
		if os != "Windows" || browser != "Chrome" || reason != "INVALID_CREDENTIALS" {
			t.Fatalf("failed login recorded as %q %q %q", os, browser, reason)
		}
	})
	t.Run("ErrUnknownAccountAnswersTheSame", func(t *testing.T) {
		answer := func(username string) string {
			res := w.M.GQLUA(t, "", servertest.ChromeWindows, servertest.LoginMutation, map[string]any{"input": map[string]any{
				"username": username, "password": "wrong password here", "tokenKind": "BEARER"}})
			b, _ := json.Marshal(res)
			return string(res.Data) + string(b)
		}
		known, unknown, unknownEmail := answer("company.admin"), answer("nobody.here"), answer("nobody@example.test")
		if known != unknown || known != unknownEmail {
			t.Fatalf("answers differ:\n%s\n%s\n%s", known, unknown, unknownEmail)
		}
	})
	t.Run("ErrAmbiguousEmail", func(t *testing.T) {
		twin := w.F.User("twin.one", w.Company)
		w.F.Exec("UPDATE users SET email = 'company.admin@example.test' WHERE id = ?", twin)
		defer w.F.Exec("UPDATE users SET email = 'twin@example.test' WHERE id = ?", twin)
		if _, code := w.M.Login(t, "company.admin@example.test", servertest.GoodPassword, nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("an address naming two accounts signed in: %q", code)
		}
	})
	t.Run("ErrOversizedPassword", func(t *testing.T) {
		var before int
		if err := w.M.DB.QueryRow("SELECT count(*) FROM failed_logins").Scan(&before); err != nil {
			t.Fatal(err)
		}
		if _, code := w.M.Login(t, "company.admin", strings.Repeat("x", 5000), nil); code != "PASSWORD_TOO_LONG" {
			t.Fatalf("code %q", code)
		}
		var after int
		if err := w.M.DB.QueryRow("SELECT count(*) FROM failed_logins").Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatal("an oversized password was hashed and counted")
		}
	})
	t.Run("ErrSuspended", func(t *testing.T) {
		servertest.SetPassword(t, w.M, w.HoldingAdmin)
		w.F.Exec("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", w.HoldingAdmin)
		defer w.F.Exec("UPDATE users SET status = 'ACTIVE' WHERE id = ?", w.HoldingAdmin)
		if _, code := w.M.Login(t, "holding.admin", servertest.GoodPassword, nil); code != "ACCOUNT_SUSPENDED" {
			t.Fatalf("code %q", code)
		}
		if _, code := w.M.Login(t, "holding.admin", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("a wrong password must not reveal the state: %q", code)
		}
	})
	t.Run("ErrInvitedHasNoPassword", func(t *testing.T) {
		inv := w.F.User("invited.one", w.Company)
		w.F.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", inv)
		if _, code := w.M.Login(t, "invited.one", "", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrEmptyInput", func(t *testing.T) {
		if _, code := w.M.Login(t, "", "", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
}

func TestCookieSessionAndCSRF(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	b := servertest.NewBrowser(w.M)
	res, httpRes := b.Post(t, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": servertest.GoodPassword}})
	var out servertest.LoginResult
	if code := servertest.AuthPayload(t, res, "login", &out); code != "" || out.Token != nil {
		t.Fatalf("cookie login: code %q, token in payload %v", code, out.Token)
	}
	t.Run("CookieAttributes", func(t *testing.T) {
		var session, csrf *http.Cookie
		for _, c := range httpRes.Cookies() {
			switch c.Name {
			case wiring.SessionCookie:
				session = c
			case wiring.CSRFCookie:
				csrf = c
			}
		}
		if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.MaxAge <= 0 {
			t.Fatalf("session cookie %+v (plain-http loopback: not Secure)", session)
		}
		if csrf == nil || csrf.HttpOnly || csrf.Value == "" || csrf.SameSite != http.SameSiteLaxMode {
			t.Fatalf("csrf cookie %+v", csrf)
		}
	})
	t.Run("OK", func(t *testing.T) {
		res, _ := b.Post(t, `{ viewer { user { username } } }`, nil)
		if string(res.Data) != `{"viewer":{"user":{"username":"company.admin"}}}` {
			t.Fatalf("got %s %+v", res.Data, res.Errors)
		}
	})
	t.Run("ErrMissingCSRFHeader", func(t *testing.T) {
		b.CSRF = false
		defer func() { b.CSRF = true }()
		res, _ := b.Post(t, `{ viewer { user { username } } }`, nil)
		if res.Status != http.StatusForbidden || res.Code() != "FORBIDDEN" {
			t.Fatalf("status %d code %q", res.Status, res.Code())
		}
	})
	t.Run("ErrForgedCSRFHeader", func(t *testing.T) {
		body := `{"query":"{ viewer { platformAdmin } }"}`
		req, _ := http.NewRequest(http.MethodPost, w.M.URL()+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(wiring.CSRFHeader, "forged")
		req.AddCookie(&http.Cookie{Name: wiring.SessionCookie, Value: b.Cookie(wiring.SessionCookie)})
		if res := servertest.Do(t, req); res.Status != http.StatusForbidden {
			t.Fatalf("status %d", res.Status)
		}
	})
	t.Run("GETQueryNeedsNoHeader", func(t *testing.T) {
		res, err := b.Client.Get(w.M.URL() + "/graphql?query=" + "%7B%20viewer%20%7B%20platformAdmin%20%7D%20%7D")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out servertest.Response
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		if string(out.Data) != `{"viewer":{"platformAdmin":false}}` {
			t.Fatalf("GET with the cookie: %s", out.Data)
		}
	})
	t.Run("ErrCookieTokenAsBearer", func(t *testing.T) {
		if got := w.M.ViewerName(t, b.Cookie(wiring.SessionCookie)); got != "" {
			t.Fatal("an SPA session token works as a bearer token")
		}
	})
	t.Run("MySessionsMarksCurrent", func(t *testing.T) {
		w.M.MustLogin(t, w.CompanyAdmin)
		res, _ := b.Post(t, `{ mySessions { id kind current operatingSystem browser } }`, nil)
		var out struct {
			MySessions []struct {
				ID, Kind, OperatingSystem, Browser string
				Current                            bool
			}
		}
		res.Decode(t, &out)
		if len(out.MySessions) != 2 {
			t.Fatalf("sessions %+v", out.MySessions)
		}
		current := 0
		for _, s := range out.MySessions {
			if s.Current {
				current++
				if s.Kind != "COOKIE" || s.OperatingSystem != "Windows" || s.Browser != "Chrome" {
					t.Fatalf("current session %+v", s)
				}
			}
		}
		if current != 1 {
			t.Fatalf("%d sessions marked current", current)
		}
	})
	t.Run("NewLoginReplacesTheBrowsersSession", func(t *testing.T) {
		old := b.Cookie(wiring.SessionCookie)
		res, _ := b.Post(t, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": servertest.GoodPassword}})
		if code := servertest.AuthPayload(t, res, "login", nil); code != "" || b.Cookie(wiring.SessionCookie) == old {
			t.Fatalf("code %q", code)
		}
		if _, err := w.M.Sessions.Lookup(t.Context(), old); err == nil {
			t.Fatal("the replaced session still works")
		}
	})
	t.Run("Logout", func(t *testing.T) {
		token := b.Cookie(wiring.SessionCookie)
		res, httpRes := b.Post(t, `mutation { logout { ok } }`, nil)
		if string(res.Data) != `{"logout":{"ok":true}}` {
			t.Fatalf("logout %s %+v", res.Data, res.Errors)
		}
		cleared := 0
		for _, c := range httpRes.Cookies() {
			if (c.Name == wiring.SessionCookie || c.Name == wiring.CSRFCookie) && c.MaxAge < 0 {
				cleared++
			}
		}
		if cleared != 2 || b.Cookie(wiring.SessionCookie) != "" {
			t.Fatalf("cookies not cleared: %v", httpRes.Cookies())
		}
		if _, err := w.M.Sessions.Lookup(t.Context(), token); err == nil {
			t.Fatal("the session survived logout")
		}
	})
	t.Run("APIClientWithoutBearerGetsNoToken", func(t *testing.T) {
		// An API client that did not ask for BEARER gets cookies, not a token.
		var out servertest.LoginResult
		servertest.AuthPayload(t, w.M.GQLUA(t, "", "curl/8", servertest.LoginMutation, map[string]any{"input": map[string]any{
			"username": "company.admin", "password": servertest.GoodPassword}}), "login", &out)
		if out.Token != nil {
			t.Fatal("a cookie login returned a bearer token")
		}
	})
}

func TestLockoutAndRecovery(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, w.M, op)
	session := w.M.MustLogin(t, op)

	for i := range 4 {
		if _, code := w.M.Login(t, "operatore.uno", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("attempt %d: %q", i+1, code)
		}
	}
	if servertest.UserStatus(t, w.M, op) != "ACTIVE" {
		t.Fatal("locked before 5 wrong passwords")
	}
	t.Run("SuccessRestartsTheCount", func(t *testing.T) {
		other := w.F.User("operatore.due", w.Company)
		w.F.Assign(other, w.Company, "segmenti", "user")
		servertest.SetPassword(t, w.M, other)
		for range 4 {
			w.M.Login(t, "operatore.due", "wrong password here", nil)
		}
		if token, _ := w.M.Login(t, "operatore.due", servertest.GoodPassword, nil); token == "" {
			t.Fatal("sign-in failed")
		}
		for range 4 {
			w.M.Login(t, "operatore.due", "wrong password here", nil)
		}
		if servertest.UserStatus(t, w.M, other) != "ACTIVE" {
			t.Fatal("failures before a success still counted")
		}
	})
	t.Run("FifthWrongPasswordLocks", func(t *testing.T) {
		w.M.Login(t, "operatore.uno", "wrong password here", nil)
		if s := servertest.UserStatus(t, w.M, op); s != "LOCKED" {
			t.Fatalf("status %s", s)
		}
		if w.M.ViewerName(t, session) != "" {
			t.Fatal("a locked account's session still works")
		}
		if servertest.AuditCount(t, w.M, "user.locked", op) != 1 || servertest.EventCount(t, w.M, op, domain.EventUserLocked) != 1 {
			t.Fatal("lock not audited or no USER_LOCKED event")
		}
	})
	t.Run("ErrLockedEvenWithTheRightPassword", func(t *testing.T) {
		if _, code := w.M.Login(t, "operatore.uno", servertest.GoodPassword, nil); code != "ACCOUNT_LOCKED" {
			t.Fatalf("code %q", code)
		}
	})

	var token string
	t.Run("RequestRecovery", func(t *testing.T) {
		var out struct{ Accepted bool }
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "operatore.uno@example.test"}}),
			"requestAccountRecovery", &out); code != "" || !out.Accepted {
			t.Fatalf("code %q", code)
		}
		e := servertest.LatestEmail(t, w.M, "operatore.uno@example.test")
		link, _ := e.Data["link"].(string)
		if e.Template != "account_recovery" || !strings.HasPrefix(link, w.M.URL()+"/reset-password#token=") {
			t.Fatalf("email %+v", e)
		}
		token = servertest.TokenFromLink(t, link)
		var stored int
		if err := w.M.DB.QueryRow("SELECT count(*) FROM password_reset_tokens WHERE token_hash = ? AND purpose = 'RECOVERY'", []byte(token)).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Fatal("the token is stored in clear")
		}
		if servertest.AuditCount(t, w.M, "user.recovery_requested", op) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": token + "x", "password": servertest.OtherPassword}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_INVALID" {
			t.Fatalf("code %q", code)
		}
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": strings.Repeat("a", 5000), "password": servertest.OtherPassword}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_INVALID" {
			t.Fatalf("oversized token: code %q", code)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": token, "password": "operatore.uno-2024"}}),
			"resetPasswordWithToken", nil); code != "PASSWORD_CONTAINS_USERNAME" {
			t.Fatalf("code %q", code)
		}
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": token, "password": strings.Repeat("é", 300)}}),
			"resetPasswordWithToken", nil); code != "PASSWORD_TOO_LONG" {
			t.Fatalf("code %q", code)
		}
		if servertest.UserStatus(t, w.M, op) != "LOCKED" {
			t.Fatal("a refused reset changed the account")
		}
	})
	t.Run("OK", func(t *testing.T) {
		var out struct{ Username string }
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": token, "password": servertest.OtherPassword}}),
			"resetPasswordWithToken", &out); code != "" || out.Username != "operatore.uno" {
			t.Fatalf("code %q %+v", code, out)
		}
		if s := servertest.UserStatus(t, w.M, op); s != "ACTIVE" {
			t.Fatalf("status %s", s)
		}
		if tok, code := w.M.Login(t, "operatore.uno", servertest.OtherPassword, nil); tok == "" {
			t.Fatalf("sign-in with the new password: %q", code)
		}
		if servertest.AuditCount(t, w.M, "user.password_reset_by_link", op) != 1 || servertest.EventCount(t, w.M, op, domain.EventUserUnlocked) != 1 {
			t.Fatal("reset not audited or no USER_UNLOCKED event")
		}
		if servertest.NoticeCount(t, w.M, op, "password_changed") != 1 {
			t.Fatal("the owner was told of no reset, or also of the refused ones (ASVS 2.2.3)")
		}
	})
	t.Run("ErrTokenReused", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": token, "password": "yet another passphrase 7"}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_USED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrTokenExpired", func(t *testing.T) {
		w.M.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "operatore.uno"}})
		fresh := servertest.TokenFromLink(t, servertest.LatestEmail(t, w.M, "operatore.uno@example.test").Data["link"].(string))
		w.F.Exec("UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
		if code := servertest.AuthPayload(t, w.M.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": fresh, "password": "yet another passphrase 7"}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_EXPIRED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("RecoveryTokenLivesThirtyMinutes", func(t *testing.T) {
		w.M.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "operatore.uno"}})
		var minutes float64
		if err := w.M.DB.QueryRow("SELECT extract(epoch FROM expires_at - created_at) / 60 FROM password_reset_tokens ORDER BY id DESC LIMIT 1").Scan(&minutes); err != nil {
			t.Fatal(err)
		}
		if minutes < 29.9 || minutes > 30.1 {
			t.Fatalf("lifetime %.1f min", minutes)
		}
	})
}

func TestAccountRecoveryNoEnumeration(t *testing.T) {
	w := servertest.NewWorld(t)
	answer := func(identifier string) string {
		res := w.M.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": identifier}})
		b, _ := json.Marshal(res.Errors)
		return string(res.Data) + string(b)
	}
	answers := []string{answer("company.admin"), answer("nobody.here"), answer("company.admin@example.test"),
		answer("nobody@example.test"), answer(""), answer(strings.Repeat("a", 1000))}
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Fatalf("answers differ: %q vs %q", answers[0], a)
		}
	}
	if answers[0] != `{"requestAccountRecovery":{"accepted":true,"userErrors":[]}}null` {
		t.Fatalf("answer %s", answers[0])
	}
	if n := servertest.EmailCount(t, w.M, "company.admin@example.test"); n != 2 {
		t.Fatalf("existing account got %d emails, want 2", n)
	}
	var total int
	if err := w.M.DB.QueryRow("SELECT count(*) FROM email_outbox").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != 2 {
		t.Fatalf("outbox has %d emails: unknown accounts got mail", total)
	}
}

const unlockMutation = `mutation($input: UnlockUserInput!) { unlockUser(input: $input) { user { username status } userErrors { code message } } }`

func TestUnlockUser(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	w.F.Exec("UPDATE users SET status = 'LOCKED' WHERE id = ?", op)
	input := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("User", op)}}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.M.GQL(t, w.M.MustLogin(t, w.OtherAdmin), unlockMutation, input).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrForbiddenParentAdminReadsOnly", func(t *testing.T) {
		if code := w.M.GQL(t, w.M.MustLogin(t, w.HoldingAdmin), unlockMutation, input).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrOperatorCannot", func(t *testing.T) {
		if code := w.M.GQL(t, w.M.MustLogin(t, w.Technician), unlockMutation, input).Code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrInvalidID", func(t *testing.T) {
		bad := map[string]any{"input": map[string]any{"userId": servertest.GlobalID("Tenant", op)}}
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), unlockMutation, bad), "unlockUser", nil); code != "INVALID_ID" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("OK", func(t *testing.T) {
		var out struct {
			User struct{ Username, Status string }
		}
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), unlockMutation, input), "unlockUser", &out); code != "" || out.User.Status != "ACTIVE" {
			t.Fatalf("code %q %+v", code, out)
		}
		if servertest.AuditCount(t, w.M, "user.unlocked", op) != 1 || servertest.EventCount(t, w.M, op, domain.EventUserUnlocked) != 1 || servertest.EventCount(t, w.M, op, domain.EventUserUpdated) != 0 {
			t.Fatal("not audited or no event")
		}
	})
	t.Run("ErrNotLocked", func(t *testing.T) {
		if code := servertest.AuthPayload(t, w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), unlockMutation, input), "unlockUser", nil); code != "NOT_LOCKED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if res := w.M.GQL(t, "", unlockMutation, input); res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.Code())
		}
	})
}
