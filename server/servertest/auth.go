package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"tenantadmin/auth"
	"tenantadmin/db"
	"tenantadmin/server/wiring"
)

const (
	GoodPassword  = "correct horse battery staple"
	OtherPassword = "tramway ortolan giraffe 42"
	ChromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)

var goodPasswordHash = sync.OnceValue(func() string {
	h, err := auth.HashPassword(GoodPassword, auth.DefaultArgon2)
	if err != nil {
		panic(err)
	}
	return h
})

// SetPassword gives a fixture user the password goodPassword.
func SetPassword(t testing.TB, m *Main, userID int64) {
	t.Helper()
	if _, err := m.DB.Exec(`INSERT INTO credentials (user_id, password_hash, password_changed_at) VALUES (?, ?, now())
		ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, password_changed_at = now()`,
		userID, goodPasswordHash()); err != nil {
		t.Fatal(err)
	}
}

// GQLUA posts anonymously (or with a bearer token) with a User-Agent.
func (m *Main) GQLUA(tb testing.TB, token, userAgent, query string, vars map[string]any) *Response {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return Do(tb, req)
}

// AuthPayload decodes data.<field> of a mutation and returns its userErrors'
// first code ("" when none).
func AuthPayload(tb testing.TB, res *Response, field string, v any) string {
	tb.Helper()
	var raw map[string]json.RawMessage
	res.Decode(tb, &raw)
	if v != nil {
		if err := json.Unmarshal(raw[field], v); err != nil {
			tb.Fatalf("decode %s: %v", raw[field], err)
		}
	}
	var errs struct {
		UserErrors []struct{ Code, Message string }
	}
	if err := json.Unmarshal(raw[field], &errs); err != nil {
		tb.Fatal(err)
	}
	if len(errs.UserErrors) == 0 {
		return ""
	}
	return errs.UserErrors[0].Code
}

// LoginMutation signs in.
const LoginMutation = `mutation($input: LoginInput!) { login(input: $input) {
  token expiresAt totpEnrollmentRequired viewer { user { username } }
  userErrors { field code message } } }`

// LoginResult decodes LoginMutation.
type LoginResult struct {
	Token                  *string
	ExpiresAt              *string
	TotpEnrollmentRequired bool
	Viewer                 *struct{ User struct{ Username string } }
	UserErrors             []struct {
		Field         []string
		Code, Message string
	}
}

// Login signs in for a bearer token; it returns the token ("" on failure)
// and the first userError code.
func (m *Main) Login(tb testing.TB, username, password string, extra map[string]any) (string, string) {
	tb.Helper()
	in := map[string]any{"username": username, "password": password, "tokenKind": "BEARER"}
	for k, v := range extra {
		in[k] = v
	}
	var out LoginResult
	code := AuthPayload(tb, m.GQLUA(tb, "", ChromeWindows, LoginMutation, map[string]any{"input": in}), "login", &out)
	if out.Token == nil {
		return "", code
	}
	return *out.Token, code
}

// Browser is an SPA in a browser: a cookie jar, and the CSRF header taken
// from the csrf_token cookie on every POST.
type Browser struct {
	M      *Main
	Client *http.Client
	CSRF   bool
}

// NewBrowser is a browser with an empty cookie jar.
func NewBrowser(m *Main) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{M: m, Client: &http.Client{Jar: jar}, CSRF: true}
}

// Cookie is the value of one of the browser's cookies for the server.
func (b *Browser) Cookie(name string) string {
	u, _ := url.Parse(b.M.URL())
	for _, c := range b.Client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// Post sends a GraphQL operation as the SPA does (cookies and CSRF header).
func (b *Browser) Post(tb testing.TB, query string, vars map[string]any) (*Response, *http.Response) {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, b.M.URL()+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", ChromeWindows)
	if t := b.Cookie(wiring.CSRFCookie); t != "" && b.CSRF {
		req.Header.Set(wiring.CSRFHeader, t)
	}
	res, err := b.Client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var out Response
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		tb.Fatalf("status %d: %v", res.StatusCode, err)
	}
	out.Status = res.StatusCode
	return &out, res
}

// LatestEmail returns the newest outbox row to an address.
func LatestEmail(tb testing.TB, m *Main, to string) *db.OutboxEmail {
	tb.Helper()
	var e db.OutboxEmail
	if err := m.DB.NewSelect().Model(&e).Where("to_address = ?", to).Order("id DESC").Limit(1).Scan(context.Background()); err != nil {
		tb.Fatalf("no email to %s: %v", to, err)
	}
	return &e
}

// EmailCount counts the emails queued to an address.
func EmailCount(tb testing.TB, m *Main, to string) int {
	tb.Helper()
	var n int
	if err := m.DB.QueryRow("SELECT count(*) FROM email_outbox WHERE to_address = ?", to).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// NoticeCount counts the emails of one template queued for a user.
func NoticeCount(tb testing.TB, m *Main, userID int64, template string) int {
	tb.Helper()
	var n int
	if err := m.DB.QueryRow("SELECT count(*) FROM email_outbox WHERE user_id = ? AND template = ?", userID, template).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TokenFromLink extracts the token of a link's #token= fragment.
func TokenFromLink(tb testing.TB, link string) string {
	tb.Helper()
	_, token, ok := strings.Cut(link, "#token=")
	if !ok || token == "" {
		tb.Fatalf("no token in %q", link)
	}
	return token
}

// AuditCount counts the audit events of an action on a target.
func AuditCount(tb testing.TB, m *Main, action string, target int64) int {
	tb.Helper()
	var n int
	if err := m.DB.QueryRow("SELECT count(*) FROM audit_events WHERE action = ? AND target_id = ?", action, target).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// EventCount counts the change events of one type about a user.
func EventCount(tb testing.TB, m *Main, subject int64, typ string) int {
	tb.Helper()
	var n int
	if err := m.DB.QueryRow("SELECT count(*) FROM events WHERE subject_type = 'User' AND subject_id = ? AND type = ?", subject, typ).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// UserStatus is a user's status.
func UserStatus(tb testing.TB, m *Main, userID int64) string {
	tb.Helper()
	var s string
	if err := m.DB.QueryRow("SELECT status FROM users WHERE id = ?", userID).Scan(&s); err != nil {
		tb.Fatal(err)
	}
	return s
}

// ViewerName returns the signed-in username of a bearer token, "" when
// the token does not authenticate.
func (m *Main) ViewerName(tb testing.TB, token string) string {
	tb.Helper()
	var out struct {
		Viewer *struct{ User struct{ Username string } }
	}
	m.GQL(tb, token, `{ viewer { user { username } } }`, nil).Decode(tb, &out)
	if out.Viewer == nil {
		return ""
	}
	return out.Viewer.User.Username
}

// WaitUntil polls cond until it holds, failing after timeout.
func WaitUntil(tb testing.TB, timeout time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("condition not met in time")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
