package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// Security tests of issue 9 that SECURITY.md maps ASVS items to: response
// headers, cookie attributes behind TLS, and secrets kept out of the log.

// syncBuffer is a log sink written by the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runMainLogged starts a server whose JSON log, at debug level, goes to
// the returned buffer.
func runMainLogged(t *testing.T, flags ...string) (*servertest.Main, *syncBuffer) {
	t.Helper()
	_, prefix := dbtest.MustRedis(t)
	logs := &syncBuffer{}
	m := servertest.Wrap(wiring.NewMain())
	m.LogOutput = logs
	if err := m.ParseFlags(append([]string{"-addr", "127.0.0.1:0", "-database-url", dbtest.NewDatabaseURL(t),
		"-redis-url", dbtest.RedisURL(), "-key-prefix", prefix, "-digest-interval", "0", "-log-level", "debug"}, flags...)); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, logs
}

func TestSecurityHeaders(t *testing.T) {
	m := servertest.MustRunMain(t)
	paths := []string{"/", "/users/abc", "/graphql?query=%7B__typename%7D", "/healthz", "/assets/missing.js"}
	for _, path := range paths {
		res, _ := servertest.Get(t, m.URL()+path)
		h := res.Header
		t.Run("Path"+path, func(t *testing.T) {
			csp := parseCSP(h.Get("Content-Security-Policy"))
			// Each directive's sources exactly: a weakened policy (data: or
			// 'unsafe-inline' added to script-src, say) fails here.
			for directive, want := range map[string]string{
				"default-src": "'self'", "script-src": "'self'", "object-src": "'none'", "frame-ancestors": "'none'",
				"base-uri": "'self'", "form-action": "'self'", "connect-src": "'self' ws: wss:", "img-src": "'self' data:",
				"style-src": "'self' 'unsafe-inline'",
			} {
				if got := strings.Join(csp[directive], " "); got != want {
					t.Errorf("CSP %s is %q, want %q", directive, got, want)
				}
			}
			// What must never be in a script source, said outright (the
			// exact match above already refuses it).
			for _, directive := range []string{"script-src", "default-src", "object-src"} {
				for _, source := range csp[directive] {
					if s := strings.ToLower(source); s == "'unsafe-inline'" || s == "'unsafe-eval'" || s == "data:" || s == "*" ||
						s == "http:" || s == "https:" || s == "blob:" || strings.HasPrefix(s, "'unsafe-") {
						t.Errorf("CSP %s allows %s", directive, source)
					}
				}
			}
			if len(csp) != 9 {
				t.Errorf("CSP has %d directives, want 9: %v", len(csp), csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("headers %v", h)
			}
			if h.Get("Strict-Transport-Security") != "" {
				t.Errorf("HSTS on a plain-http development server: %q", h.Get("Strict-Transport-Security"))
			}
		})
	}
	t.Run("RequestTooLarge", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", strings.NewReader(strings.Repeat("a", 2<<20)))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("Content-Security-Policy") == "" {
			t.Fatalf("status %d, headers %v", res.StatusCode, res.Header)
		}
	})
}

// The SPA must run under the CSP: neither the served index.html (built by
// Vite when frontend/dist is built) nor its source template has an inline
// script.
func TestSPAHasNoInlineScript(t *testing.T) {
	m := servertest.MustRunMain(t)
	_, served := servertest.Get(t, m.URL()+"/")
	source, err := os.ReadFile("../frontend/index.html")
	if err != nil {
		t.Fatal(err)
	}
	for name, html := range map[string]string{"served": served, "frontend/index.html": string(source)} {
		if tag := inlineScript(html); tag != "" {
			t.Errorf("%s: inline script %s", name, tag)
		}
	}
	if tag := inlineScript(`<script type="module" src="/a.js"></script><script>alert(1)</script>`); tag != "<script>" {
		t.Errorf("the check misses an inline script: %q", tag)
	}
}

// inlineScript returns the first <script> tag that has content or no src.
func inlineScript(html string) string {
	rest := html
	for {
		i := strings.Index(rest, "<script")
		if i < 0 {
			return ""
		}
		tag := rest[i : i+strings.Index(rest[i:], ">")+1]
		rest = rest[i+len(tag):]
		if !strings.Contains(tag, "src=") || !strings.HasPrefix(strings.TrimSpace(rest), "</script>") {
			return tag
		}
	}
}

// TestTLSDeployment: behind a TLS-terminating proxy (PUBLIC_URL https),
// responses carry HSTS and the session cookies are Secure, HttpOnly (the
// session) and SameSite=Lax.
func TestTLSDeployment(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-public-url", "https://admin.example.test")
	w := servertest.NewWorldOn(t, m)
	servertest.SetPassword(t, m, w.CompanyAdmin)
	res, httpRes := servertest.NewBrowser(m).Post(t, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": servertest.GoodPassword}})
	if len(res.Errors) > 0 {
		t.Fatalf("login: %+v", res.Errors)
	}
	t.Run("HSTS", func(t *testing.T) {
		if hsts := httpRes.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=63072000") {
			t.Fatalf("Strict-Transport-Security %q", hsts)
		}
		if r, _ := servertest.Get(t, m.URL()+"/"); r.Header.Get("Strict-Transport-Security") == "" {
			t.Fatal("the SPA is served without HSTS")
		}
	})
	t.Run("Cookies", func(t *testing.T) {
		seen := map[string]*http.Cookie{}
		for _, c := range httpRes.Cookies() {
			seen[c.Name] = c
			if !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" {
				t.Errorf("cookie %s: %+v", c.Name, c)
			}
		}
		// The session cookie is __Host- prefixed: Secure, host-only, path /.
		session := seen[wiring.SecureSessionCookie]
		if session == nil || !session.HttpOnly || seen[wiring.SessionCookie] != nil || seen[wiring.CSRFCookie] == nil || seen[wiring.CSRFCookie].HttpOnly {
			t.Fatalf("cookies %v", httpRes.Cookies())
		}
		// It is the one that authenticates (a browser sends it back over https).
		req, _ := http.NewRequest(http.MethodGet, m.URL()+"/graphql?query="+url.QueryEscape("{ viewer { user { username } } }"), nil)
		req.AddCookie(&http.Cookie{Name: wiring.SecureSessionCookie, Value: session.Value})
		if res := servertest.Do(t, req); string(res.Data) != `{"viewer":{"user":{"username":"company.admin"}}}` {
			t.Fatalf("prefixed cookie: %s %+v", res.Data, res.Errors)
		}
		req, _ = http.NewRequest(http.MethodGet, m.URL()+"/graphql?query="+url.QueryEscape("{ viewer { user { username } } }"), nil)
		req.AddCookie(&http.Cookie{Name: wiring.SessionCookie, Value: session.Value})
		if res := servertest.Do(t, req); string(res.Data) != `{"viewer":null}` {
			t.Fatalf("unprefixed cookie accepted on a TLS deployment: %s", res.Data)
		}
	})
}

// TestSecretsNeverLogged runs sign-in (failed and successful, bearer and
// cookie), invitation acceptance, account recovery with a password reset,
// and service account token creation and use against a server logging at
// debug level, and finds none of their passwords or tokens in the log.
func TestSecretsNeverLogged(t *testing.T) {
	m, logs := runMainLogged(t)
	w := servertest.NewWorldOn(t, m)
	var secrets []string
	secret := func(name, s string) {
		t.Helper()
		if s == "" {
			t.Fatalf("no %s", name)
		}
		secrets = append(secrets, s)
	}

	// Sign-in.
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	servertest.SetPassword(t, m, op)
	const wrongPassword = "not-the-password-6c1f"
	if _, code := m.Login(t, "operatore.uno", wrongPassword, nil); code != "INVALID_CREDENTIALS" {
		t.Fatalf("wrong password: %q", code)
	}
	secret("wrong password", wrongPassword)
	bearer, _ := m.Login(t, "operatore.uno", servertest.GoodPassword, nil)
	secret("password", servertest.GoodPassword)
	secret("bearer session", bearer)
	m.ViewerName(t, bearer)
	b := servertest.NewBrowser(m)
	b.Post(t, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "operatore.uno", "password": servertest.GoodPassword}})
	secret("cookie session", b.Cookie(wiring.SessionCookie))
	secret("csrf token", b.Cookie(wiring.CSRFCookie))
	b.Post(t, `{ viewer { user { username } } }`, nil)

	// Invitation acceptance.
	_, invitation := servertest.Invite(t, w, "nuovo.utente")
	secret("invitation token", invitation)
	const invitedPassword = "invited-user-passphrase-81d2"
	secret("invited password", invitedPassword)
	m.GQL(t, "", servertest.InvitationStatusQuery, map[string]any{"token": invitation})
	res := m.GQL(t, "", servertest.AcceptMutation, map[string]any{"input": map[string]any{"token": invitation, "password": invitedPassword}})
	if !strings.Contains(string(res.Data), "nuovo.utente") {
		t.Fatalf("acceptInvitation: %s %+v", res.Data, res.Errors)
	}

	// Account recovery and password reset.
	m.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "operatore.uno@example.test"}})
	link, _ := servertest.LatestEmail(t, m, "operatore.uno@example.test").Data["link"].(string)
	reset := servertest.TokenFromLink(t, link)
	secret("reset token", reset)
	const resetPassword = "reset-passphrase-after-recovery-5e7a"
	secret("reset password", resetPassword)
	res = m.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": reset, "password": resetPassword}})
	if !strings.Contains(string(res.Data), "operatore.uno") {
		t.Fatalf("resetPasswordWithToken: %s %+v", res.Data, res.Errors)
	}
	// A reused token fails, and its failure is logged without it.
	m.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": reset, "password": resetPassword}})

	// Service account token creation and use.
	admin := m.MustLogin(t, w.CompanyAdmin)
	secret("admin session", admin)
	sa, _ := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "crm-sync"})
	_, sat, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "production"})
	if len(errs) > 0 {
		t.Fatalf("createServiceAccountToken: %v", errs)
	}
	secret("service account token", sat)
	m.GQL(t, sat, `{ viewer { user { username } } }`, nil)

	log := logs.String()
	if strings.Count(log, `"msg":"request"`) < 10 {
		t.Fatalf("the log was not captured:\n%s", log)
	}
	for _, s := range secrets {
		if strings.Contains(log, s) {
			t.Errorf("a secret (%.6s…) is in the log", s)
		}
	}
	// The one exception by design: the one-time setup link of a first
	// start is printed once, for the operator (and works once, for 24 h).
	if m.SetupToken == "" || !strings.Contains(log, "one-time setup link") {
		t.Fatal("expected the first start's setup announcement in the log")
	}
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, m.SetupToken) && !strings.Contains(line, "one-time setup link") {
			t.Errorf("the setup token is logged outside its announcement: %s", line)
		}
	}
}

// TestNoDirectoryListing: the SPA handler serves files, never a directory
// listing or the repository's metadata files (ASVS V4.3.2).
func TestNoDirectoryListing(t *testing.T) {
	m := servertest.MustRunMain(t)
	_, index := servertest.Get(t, m.URL()+"/")
	for _, path := range []string{"/assets/", "/assets", "/.gitkeep", "/.git/HEAD", "/../go.mod", "/%2e%2e/go.mod"} {
		res, body := servertest.Get(t, m.URL()+path)
		if strings.Contains(body, "<pre>") || strings.Contains(body, "module tenantadmin") ||
			res.StatusCode == http.StatusOK && body != index {
			t.Errorf("GET %s: %d %.200q", path, res.StatusCode, body)
		}
	}
}

// TestSessionTokens: sessions are 256-bit random tokens, new at each
// sign-in, and accepted only from the Authorization header or the session
// cookie, never from the URL (ASVS V3.1.1, V3.2.1, V3.2.2).
func TestSessionTokens(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	first, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	second, _ := w.M.Login(t, "company.admin", servertest.GoodPassword, nil)
	t.Run("RandomAndNewAtEachSignIn", func(t *testing.T) {
		for _, tok := range []string{first, second} {
			if b, err := base64.RawURLEncoding.DecodeString(tok); err != nil || len(b) < 32 {
				t.Fatalf("token %q: %d bytes, %v", tok, len(b), err)
			}
		}
		if first == second {
			t.Fatal("two sign-ins share a token")
		}
	})
	t.Run("ErrNotFromURL", func(t *testing.T) {
		q := url.QueryEscape("{ viewer { user { username } } }")
		for _, param := range []string{"token", "access_token", "session", "authorization"} {
			res := servertest.Do(t, mustRequest(t, http.MethodGet, w.M.URL()+"/graphql?query="+q+"&"+param+"="+url.QueryEscape(first)))
			if string(res.Data) != `{"viewer":null}` {
				t.Fatalf("?%s= authenticated: %s", param, res.Data)
			}
		}
	})
}

func mustRequest(t *testing.T, method, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// parseCSP splits a Content-Security-Policy into its directives' source
// lists (directive names lower-cased, as browsers read them).
func parseCSP(header string) map[string][]string {
	out := map[string][]string{}
	for _, part := range strings.Split(header, ";") {
		fields := strings.Fields(part)
		if len(fields) == 0 {
			continue
		}
		name := strings.ToLower(fields[0])
		if _, dup := out[name]; dup {
			// A browser obeys the first occurrence and ignores the rest:
			// keep the first, and mark the duplicate so a test sees it.
			out["duplicate "+name] = fields[1:]
			continue
		}
		out[name] = fields[1:]
	}
	return out
}
