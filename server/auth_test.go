package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestLogin(t *testing.T) {
	w := newWorld(t)
	setPassword(t, w.m, w.companyAdmin)
	t.Run("OK", func(t *testing.T) {
		var out loginResult
		res := w.m.gqlUA(t, "", chromeWindows, loginMutation, map[string]any{"input": map[string]any{
			"username": "Company.Admin", "password": goodPassword, "tokenKind": "BEARER"}})
		if code := authPayload(t, res, "login", &out); code != "" {
			t.Fatalf("userError %s", code)
		}
		if out.Token == nil || out.Viewer == nil || out.Viewer.User.Username != "company.admin" || out.ExpiresAt == nil {
			t.Fatalf("login payload %+v", out)
		}
		if got := w.m.viewerName(t, *out.Token); got != "company.admin" {
			t.Fatalf("token authenticates %q", got)
		}
		var seen bool
		if err := w.m.DB.QueryRow("SELECT last_login_at > now() - interval '1 minute' FROM users WHERE id = ?", w.companyAdmin).Scan(&seen); err != nil {
			t.Fatal(err)
		}
		if !seen {
			t.Fatal("a sign-in must record last_login_at (the digest's inactivity flag, R25)")
		}
	})
	t.Run("OKByEmail", func(t *testing.T) {
		if token, code := w.m.login(t, "COMPANY.ADMIN@example.test", goodPassword, nil); token == "" {
			t.Fatalf("code %s", code)
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		if _, code := w.m.login(t, "company.admin", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
		var os, browser, reason string
		if err := w.m.DB.QueryRow("SELECT operating_system, browser, reason FROM failed_logins WHERE user_id = ?", w.companyAdmin).Scan(&os, &browser, &reason); err != nil {
			t.Fatal(err)
		}
		if os != "Windows" || browser != "Chrome" || reason != "INVALID_CREDENTIALS" {
			t.Fatalf("failed login recorded as %q %q %q", os, browser, reason)
		}
	})
	t.Run("ErrUnknownAccountAnswersTheSame", func(t *testing.T) {
		answer := func(username string) string {
			res := w.m.gqlUA(t, "", chromeWindows, loginMutation, map[string]any{"input": map[string]any{
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
		twin := w.f.User("twin.one", w.company)
		w.f.Exec("UPDATE users SET email = 'company.admin@example.test' WHERE id = ?", twin)
		defer w.f.Exec("UPDATE users SET email = 'twin@example.test' WHERE id = ?", twin)
		if _, code := w.m.login(t, "company.admin@example.test", goodPassword, nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("an address naming two accounts signed in: %q", code)
		}
	})
	t.Run("ErrOversizedPassword", func(t *testing.T) {
		var before int
		if err := w.m.DB.QueryRow("SELECT count(*) FROM failed_logins").Scan(&before); err != nil {
			t.Fatal(err)
		}
		if _, code := w.m.login(t, "company.admin", strings.Repeat("x", 5000), nil); code != "PASSWORD_TOO_LONG" {
			t.Fatalf("code %q", code)
		}
		var after int
		if err := w.m.DB.QueryRow("SELECT count(*) FROM failed_logins").Scan(&after); err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Fatal("an oversized password was hashed and counted")
		}
	})
	t.Run("ErrSuspended", func(t *testing.T) {
		setPassword(t, w.m, w.holdingAdmin)
		w.f.Exec("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", w.holdingAdmin)
		defer w.f.Exec("UPDATE users SET status = 'ACTIVE' WHERE id = ?", w.holdingAdmin)
		if _, code := w.m.login(t, "holding.admin", goodPassword, nil); code != "ACCOUNT_SUSPENDED" {
			t.Fatalf("code %q", code)
		}
		if _, code := w.m.login(t, "holding.admin", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("a wrong password must not reveal the state: %q", code)
		}
	})
	t.Run("ErrInvitedHasNoPassword", func(t *testing.T) {
		inv := w.f.User("invited.one", w.company)
		w.f.Exec("UPDATE users SET status = 'INVITED' WHERE id = ?", inv)
		if _, code := w.m.login(t, "invited.one", "", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrEmptyInput", func(t *testing.T) {
		if _, code := w.m.login(t, "", "", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("code %q", code)
		}
	})
}

func TestCookieSessionAndCSRF(t *testing.T) {
	w := newWorld(t)
	setPassword(t, w.m, w.companyAdmin)
	b := newBrowser(w.m)
	res, httpRes := b.post(t, loginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": goodPassword}})
	var out loginResult
	if code := authPayload(t, res, "login", &out); code != "" || out.Token != nil {
		t.Fatalf("cookie login: code %q, token in payload %v", code, out.Token)
	}
	t.Run("CookieAttributes", func(t *testing.T) {
		var session, csrf *http.Cookie
		for _, c := range httpRes.Cookies() {
			switch c.Name {
			case SessionCookie:
				session = c
			case CSRFCookie:
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
		res, _ := b.post(t, `{ viewer { user { username } } }`, nil)
		if string(res.Data) != `{"viewer":{"user":{"username":"company.admin"}}}` {
			t.Fatalf("got %s %+v", res.Data, res.Errors)
		}
	})
	t.Run("ErrMissingCSRFHeader", func(t *testing.T) {
		b.csrf = false
		defer func() { b.csrf = true }()
		res, _ := b.post(t, `{ viewer { user { username } } }`, nil)
		if res.status != http.StatusForbidden || res.code() != "FORBIDDEN" {
			t.Fatalf("status %d code %q", res.status, res.code())
		}
	})
	t.Run("ErrForgedCSRFHeader", func(t *testing.T) {
		body := `{"query":"{ viewer { platformAdmin } }"}`
		req, _ := http.NewRequest(http.MethodPost, w.m.URL()+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(CSRFHeader, "forged")
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: b.cookie(SessionCookie)})
		if res := doGQL(t, req); res.status != http.StatusForbidden {
			t.Fatalf("status %d", res.status)
		}
	})
	t.Run("GETQueryNeedsNoHeader", func(t *testing.T) {
		res, err := b.client.Get(w.m.URL() + "/graphql?query=" + "%7B%20viewer%20%7B%20platformAdmin%20%7D%20%7D")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out gqlResponse
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		if string(out.Data) != `{"viewer":{"platformAdmin":false}}` {
			t.Fatalf("GET with the cookie: %s", out.Data)
		}
	})
	t.Run("ErrCookieTokenAsBearer", func(t *testing.T) {
		if got := w.m.viewerName(t, b.cookie(SessionCookie)); got != "" {
			t.Fatal("an SPA session token works as a bearer token")
		}
	})
	t.Run("MySessionsMarksCurrent", func(t *testing.T) {
		w.m.MustLogin(t, w.companyAdmin)
		res, _ := b.post(t, `{ mySessions { id kind current operatingSystem browser } }`, nil)
		var out struct {
			MySessions []struct {
				ID, Kind, OperatingSystem, Browser string
				Current                            bool
			}
		}
		res.decode(t, &out)
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
		old := b.cookie(SessionCookie)
		res, _ := b.post(t, loginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": goodPassword}})
		if code := authPayload(t, res, "login", nil); code != "" || b.cookie(SessionCookie) == old {
			t.Fatalf("code %q", code)
		}
		if _, err := w.m.Sessions.Lookup(t.Context(), old); err == nil {
			t.Fatal("the replaced session still works")
		}
	})
	t.Run("Logout", func(t *testing.T) {
		token := b.cookie(SessionCookie)
		res, httpRes := b.post(t, `mutation { logout { ok } }`, nil)
		if string(res.Data) != `{"logout":{"ok":true}}` {
			t.Fatalf("logout %s %+v", res.Data, res.Errors)
		}
		cleared := 0
		for _, c := range httpRes.Cookies() {
			if (c.Name == SessionCookie || c.Name == CSRFCookie) && c.MaxAge < 0 {
				cleared++
			}
		}
		if cleared != 2 || b.cookie(SessionCookie) != "" {
			t.Fatalf("cookies not cleared: %v", httpRes.Cookies())
		}
		if _, err := w.m.Sessions.Lookup(t.Context(), token); err == nil {
			t.Fatal("the session survived logout")
		}
	})
	t.Run("APIClientWithoutBearerGetsNoToken", func(t *testing.T) {
		// An API client that did not ask for BEARER gets cookies, not a token.
		var out loginResult
		authPayload(t, w.m.gqlUA(t, "", "curl/8", loginMutation, map[string]any{"input": map[string]any{
			"username": "company.admin", "password": goodPassword}}), "login", &out)
		if out.Token != nil {
			t.Fatal("a cookie login returned a bearer token")
		}
	})
}

func TestSecureCookies(t *testing.T) {
	for publicURL, want := range map[string]bool{
		"http://127.0.0.1:8080":        false,
		"http://localhost:5173":        false,
		"https://admin.example.test":   true,
		"http://admin.example.test":    true,
		"https://localhost:8443":       true,
		"http://127.0.0.1.example.com": true,
	} {
		m := &Main{Config: Config{PublicURL: publicURL}}
		if got := m.secureCookies(); got != want {
			t.Errorf("%s: Secure %v, want %v", publicURL, got, want)
		}
	}
	m := &Main{Config: Config{PublicURL: "http://127.0.0.1:8080", Production: true}}
	if !m.secureCookies() {
		t.Error("production must set Secure")
	}
}

const recoveryMutation = `mutation($input: RequestAccountRecoveryInput!) { requestAccountRecovery(input: $input) { accepted userErrors { code } } }`
const resetMutation = `mutation($input: ResetPasswordWithTokenInput!) { resetPasswordWithToken(input: $input) { username userErrors { field code message } } }`

func TestLockoutAndRecovery(t *testing.T) {
	w := newWorld(t)
	op := w.f.User("operatore.uno", w.company)
	w.f.Assign(op, w.company, "segmenti", "user")
	setPassword(t, w.m, op)
	session := w.m.MustLogin(t, op)

	for i := range 4 {
		if _, code := w.m.login(t, "operatore.uno", "wrong password here", nil); code != "INVALID_CREDENTIALS" {
			t.Fatalf("attempt %d: %q", i+1, code)
		}
	}
	if userStatus(t, w.m, op) != "ACTIVE" {
		t.Fatal("locked before 5 wrong passwords")
	}
	t.Run("SuccessRestartsTheCount", func(t *testing.T) {
		other := w.f.User("operatore.due", w.company)
		w.f.Assign(other, w.company, "segmenti", "user")
		setPassword(t, w.m, other)
		for range 4 {
			w.m.login(t, "operatore.due", "wrong password here", nil)
		}
		if token, _ := w.m.login(t, "operatore.due", goodPassword, nil); token == "" {
			t.Fatal("sign-in failed")
		}
		for range 4 {
			w.m.login(t, "operatore.due", "wrong password here", nil)
		}
		if userStatus(t, w.m, other) != "ACTIVE" {
			t.Fatal("failures before a success still counted")
		}
	})
	t.Run("FifthWrongPasswordLocks", func(t *testing.T) {
		w.m.login(t, "operatore.uno", "wrong password here", nil)
		if s := userStatus(t, w.m, op); s != "LOCKED" {
			t.Fatalf("status %s", s)
		}
		if w.m.viewerName(t, session) != "" {
			t.Fatal("a locked account's session still works")
		}
		if auditCount(t, w.m, "user.locked", op) != 1 || eventCount(t, w.m, op) != 1 {
			t.Fatal("lock not audited or no USER_UPDATED event")
		}
	})
	t.Run("ErrLockedEvenWithTheRightPassword", func(t *testing.T) {
		if _, code := w.m.login(t, "operatore.uno", goodPassword, nil); code != "ACCOUNT_LOCKED" {
			t.Fatalf("code %q", code)
		}
	})

	var token string
	t.Run("RequestRecovery", func(t *testing.T) {
		var out struct{ Accepted bool }
		if code := authPayload(t, w.m.gql(t, "", recoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "operatore.uno@example.test"}}),
			"requestAccountRecovery", &out); code != "" || !out.Accepted {
			t.Fatalf("code %q", code)
		}
		e := latestEmail(t, w.m, "operatore.uno@example.test")
		link, _ := e.Data["link"].(string)
		if e.Template != "account_recovery" || !strings.HasPrefix(link, w.m.URL()+"/reset-password#token=") {
			t.Fatalf("email %+v", e)
		}
		token = tokenFromLink(t, link)
		var stored int
		if err := w.m.DB.QueryRow("SELECT count(*) FROM password_reset_tokens WHERE token_hash = ? AND purpose = 'RECOVERY'", []byte(token)).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Fatal("the token is stored in clear")
		}
		if auditCount(t, w.m, "user.recovery_requested", op) != 1 {
			t.Fatal("not audited")
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{"token": token + "x", "password": otherPassword}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_INVALID" {
			t.Fatalf("code %q", code)
		}
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{"token": strings.Repeat("a", 5000), "password": otherPassword}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_INVALID" {
			t.Fatalf("oversized token: code %q", code)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{"token": token, "password": "operatore.uno-2024"}}),
			"resetPasswordWithToken", nil); code != "PASSWORD_CONTAINS_USERNAME" {
			t.Fatalf("code %q", code)
		}
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{"token": token, "password": strings.Repeat("é", 300)}}),
			"resetPasswordWithToken", nil); code != "PASSWORD_TOO_LONG" {
			t.Fatalf("code %q", code)
		}
		if userStatus(t, w.m, op) != "LOCKED" {
			t.Fatal("a refused reset changed the account")
		}
	})
	t.Run("OK", func(t *testing.T) {
		var out struct{ Username string }
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{"token": token, "password": otherPassword}}),
			"resetPasswordWithToken", &out); code != "" || out.Username != "operatore.uno" {
			t.Fatalf("code %q %+v", code, out)
		}
		if s := userStatus(t, w.m, op); s != "ACTIVE" {
			t.Fatalf("status %s", s)
		}
		if tok, code := w.m.login(t, "operatore.uno", otherPassword, nil); tok == "" {
			t.Fatalf("sign-in with the new password: %q", code)
		}
		if auditCount(t, w.m, "user.password_reset_by_link", op) != 1 || eventCount(t, w.m, op) != 2 {
			t.Fatal("reset not audited or no USER_UPDATED event")
		}
		if noticeCount(t, w.m, op, "password_changed") != 1 {
			t.Fatal("the owner was told of no reset, or also of the refused ones (ASVS 2.2.3)")
		}
	})
	t.Run("ErrTokenReused", func(t *testing.T) {
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{"token": token, "password": "yet another passphrase 7"}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_USED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrTokenExpired", func(t *testing.T) {
		w.m.gql(t, "", recoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "operatore.uno"}})
		fresh := tokenFromLink(t, latestEmail(t, w.m, "operatore.uno@example.test").Data["link"].(string))
		w.f.Exec("UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
		if code := authPayload(t, w.m.gql(t, "", resetMutation, map[string]any{"input": map[string]any{"token": fresh, "password": "yet another passphrase 7"}}),
			"resetPasswordWithToken", nil); code != "RESET_TOKEN_EXPIRED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("RecoveryTokenLivesThirtyMinutes", func(t *testing.T) {
		w.m.gql(t, "", recoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "operatore.uno"}})
		var minutes float64
		if err := w.m.DB.QueryRow("SELECT extract(epoch FROM expires_at - created_at) / 60 FROM password_reset_tokens ORDER BY id DESC LIMIT 1").Scan(&minutes); err != nil {
			t.Fatal(err)
		}
		if minutes < 29.9 || minutes > 30.1 {
			t.Fatalf("lifetime %.1f min", minutes)
		}
	})
}

func TestAccountRecoveryNoEnumeration(t *testing.T) {
	w := newWorld(t)
	answer := func(identifier string) string {
		res := w.m.gql(t, "", recoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": identifier}})
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
	if n := emailCount(t, w.m, "company.admin@example.test"); n != 2 {
		t.Fatalf("existing account got %d emails, want 2", n)
	}
	var total int
	if err := w.m.DB.QueryRow("SELECT count(*) FROM email_outbox").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != 2 {
		t.Fatalf("outbox has %d emails: unknown accounts got mail", total)
	}
}

const unlockMutation = `mutation($input: UnlockUserInput!) { unlockUser(input: $input) { user { username status } userErrors { code message } } }`

func TestUnlockUser(t *testing.T) {
	w := newWorld(t)
	op := w.f.User("operatore.uno", w.company)
	w.f.Assign(op, w.company, "segmenti", "user")
	w.f.Exec("UPDATE users SET status = 'LOCKED' WHERE id = ?", op)
	input := map[string]any{"input": map[string]any{"userId": globalIDFor("User", op)}}
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		if code := w.m.gql(t, w.m.MustLogin(t, w.other_admin), unlockMutation, input).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrForbiddenParentAdminReadsOnly", func(t *testing.T) {
		if code := w.m.gql(t, w.m.MustLogin(t, w.holdingAdmin), unlockMutation, input).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrOperatorCannot", func(t *testing.T) {
		if code := w.m.gql(t, w.m.MustLogin(t, w.technician), unlockMutation, input).code(); code != "FORBIDDEN" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrInvalidID", func(t *testing.T) {
		bad := map[string]any{"input": map[string]any{"userId": globalIDFor("Tenant", op)}}
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), unlockMutation, bad), "unlockUser", nil); code != "INVALID_ID" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("OK", func(t *testing.T) {
		var out struct {
			User struct{ Username, Status string }
		}
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), unlockMutation, input), "unlockUser", &out); code != "" || out.User.Status != "ACTIVE" {
			t.Fatalf("code %q %+v", code, out)
		}
		if auditCount(t, w.m, "user.unlocked", op) != 1 || eventCount(t, w.m, op) != 1 {
			t.Fatal("not audited or no event")
		}
	})
	t.Run("ErrNotLocked", func(t *testing.T) {
		if code := authPayload(t, w.m.gql(t, w.m.MustLogin(t, w.companyAdmin), unlockMutation, input), "unlockUser", nil); code != "NOT_LOCKED" {
			t.Fatalf("code %q", code)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if res := w.m.gql(t, "", unlockMutation, input); res.code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.code())
		}
	})
}
