package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
)

// MustRunMain starts the whole server on a loopback port 0 against a fresh
// database and a per-test Redis prefix, and stops it at cleanup.
func MustRunMain(tb testing.TB) *Main {
	tb.Helper()
	return MustRunMainWith(tb)
}

// MustRunMainWith is MustRunMain with extra flags.
func MustRunMainWith(tb testing.TB, flags ...string) *Main {
	tb.Helper()
	_, prefix := dbtest.MustRedis(tb)
	return MustRunMainOn(tb, dbtest.NewDatabaseURL(tb), prefix, flags...)
}

// MustRunMainOn starts a server on the given database and Redis key
// prefix: two of them on the same ones are two replicas of one deployment.
func MustRunMainOn(tb testing.TB, databaseURL, prefix string, flags ...string) *Main {
	tb.Helper()
	return mustRunMainOn(tb, databaseURL, prefix, nil, flags...)
}

// MustRunReplica starts another server process on the same PostgreSQL
// database and Redis prefix as m: a second replica behind a load balancer.
// configure, when set, adjusts the Main before it runs (extra flags are
// parsed after the shared ones).
func MustRunReplica(tb testing.TB, m *Main, configure func(*Main), args ...string) *Main {
	tb.Helper()
	return mustRunMainOn(tb, m.Config.DatabaseURL, m.Config.KeyPrefix, configure, args...)
}

func mustRunMainOn(tb testing.TB, databaseURL, prefix string, configure func(*Main), args ...string) *Main {
	tb.Helper()
	m := NewMain()
	m.Logger = slog.New(slog.DiscardHandler)
	if err := m.ParseFlags(append([]string{
		"-addr", "127.0.0.1:0",
		"-database-url", databaseURL,
		"-redis-url", dbtest.RedisURL(),
		"-key-prefix", prefix,
		"-log-level", "error",
		"-digest-interval", "0", // background jobs off: tests run them explicitly
	}, args...)); err != nil {
		tb.Fatal(err)
	}
	if configure != nil {
		configure(m)
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	m.Logger = slog.New(slog.DiscardHandler)
	return m
}

// URL returns the server's base URL.
func (m *Main) URL() string { return "http://" + m.Addr() }

// MustLogin creates a session for the user directly in the session store
// and returns its bearer token.
func (m *Main) MustLogin(tb testing.TB, userID int64) string {
	tb.Helper()
	token, _, err := m.Sessions.Create(context.Background(), userID, "bearer", "127.0.0.1", "test")
	if err != nil {
		tb.Fatal(err)
	}
	return token
}

// MustLoginCookie creates an SPA (cookie) session for the user and returns
// its token, to be sent as the session cookie.
func (m *Main) MustLoginCookie(tb testing.TB, userID int64) string {
	tb.Helper()
	token, _, err := m.Sessions.Create(context.Background(), userID, "cookie", "127.0.0.1", "test")
	if err != nil {
		tb.Fatal(err)
	}
	return token
}

// gqlResponse is a GraphQL response with raw data for flexible decoding.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Status int
}

// code returns the first error's extensions.code, or "".
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (r *Response) Decode(tb testing.TB, v any) {
	tb.Helper()
	if len(r.Errors) > 0 {
		tb.Fatalf("unexpected errors: %+v", r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Data, err)
	}
}

// GQL posts a GraphQL operation with an optional bearer token.
func (m *Main) GQL(tb testing.TB, token, query string, vars map[string]any) *Response {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return Do(tb, req)
}

func Do(tb testing.TB, req *http.Request) *Response {
	tb.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out Response
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatalf("status %d, body %q: %v", res.StatusCode, b, err)
	}
	out.Status = res.StatusCode
	return &out
}

func Get(tb testing.TB, rawURL string) (*http.Response, string) {
	tb.Helper()
	res, err := http.Get(rawURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestHealthReadinessMetrics(t *testing.T) {
	m := MustRunMain(t)
	t.Run("Healthz", func(t *testing.T) {
		res, body := Get(t, m.URL()+"/healthz")
		if res.StatusCode != 200 || body != "ok\n" {
			t.Fatalf("healthz: %d %q", res.StatusCode, body)
		}
	})
	t.Run("Readyz", func(t *testing.T) {
		res, body := Get(t, m.URL()+"/readyz")
		if res.StatusCode != 200 {
			t.Fatalf("readyz: %d %q", res.StatusCode, body)
		}
	})
	t.Run("Metrics", func(t *testing.T) {
		m.GQL(t, "", "{ viewer { platformAdmin } }", nil)
		_, body := Get(t, m.URL()+"/metrics")
		if !strings.Contains(body, `http_requests_total{code="200",handler="graphql"}`) {
			t.Fatalf("metrics lack the graphql request counter:\n%s", body[:min(len(body), 2000)])
		}
	})
	t.Run("RequestID", func(t *testing.T) {
		res, _ := Get(t, m.URL()+"/healthz")
		if len(res.Header.Get("X-Request-ID")) != 16 {
			t.Fatalf("X-Request-ID = %q", res.Header.Get("X-Request-ID"))
		}
	})
}

func TestSPAServing(t *testing.T) {
	m := MustRunMain(t)
	for _, path := range []string{"/", "/users/abc", "/setup"} {
		res, body := Get(t, m.URL()+path)
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<html") {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res.Header.Get("Cache-Control") != "no-cache" {
			t.Fatalf("GET %s: index must not be cached, got %q", path, res.Header.Get("Cache-Control"))
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Fatalf("GET %s: no CSP header", path)
		}
	}
	if res, _ := Get(t, m.URL()+"/assets/missing.js"); res.StatusCode != 404 {
		t.Fatalf("missing asset: %d", res.StatusCode)
	}
}

func TestGraphQLOverHTTP(t *testing.T) {
	m := MustRunMain(t)
	t.Run("GETQuery", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, m.URL()+"/graphql?query="+url.QueryEscape("{ viewer { platformAdmin } }"), nil)
		res := Do(t, req)
		if res.Status != 200 || string(res.Data) != `{"viewer":null}` {
			t.Fatalf("GET: %d %s %+v", res.Status, res.Data, res.Errors)
		}
	})
	t.Run("ErrMutationOverGET", func(t *testing.T) {
		q := `mutation { bootstrapPlatformAdmin(input: {token: "x", username: "abc", email: "a@b.c", givenName: "a", familyName: "b", password: "p"}) { userErrors { code } } }`
		req, _ := http.NewRequest(http.MethodGet, m.URL()+"/graphql?query="+url.QueryEscape(q), nil)
		if res := Do(t, req); len(res.Errors) == 0 {
			t.Fatalf("a mutation over GET must be refused, got %s", res.Data)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		res := m.GQL(t, "", "{ users(first: 5) { totalCount } }", nil)
		if res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code = %q, errors %+v", res.Code(), res.Errors)
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		res := m.GQL(t, "forged-token", "{ viewer { platformAdmin } }", nil)
		if string(res.Data) != `{"viewer":null}` {
			t.Fatalf("a forged token must be anonymous: %s", res.Data)
		}
	})
	t.Run("ErrSyntax", func(t *testing.T) {
		res := m.GQL(t, "", "{ viewer { ", nil)
		if res.Code() != "GRAPHQL_PARSE_FAILED" {
			t.Fatalf("code = %q", res.Code())
		}
	})
	t.Run("ErrRequestTooLarge", func(t *testing.T) {
		big := strings.Repeat("a", 2<<20)
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", strings.NewReader(`{"query":"{ viewer { platformAdmin } }","variables":{"x":"`+big+`"}}`))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d", res.StatusCode)
		}
	})
}

func TestCORS(t *testing.T) {
	_, prefix := dbtest.MustRedis(t)
	m := NewMain()
	m.Logger = slog.New(slog.DiscardHandler)
	if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-database-url", dbtest.NewDatabaseURL(t),
		"-redis-url", dbtest.RedisURL(), "-key-prefix", prefix, "-cors-origins", "https://admin.example.test"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, m.URL()+"/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	t.Run("OK", func(t *testing.T) {
		res := preflight("https://admin.example.test")
		if res.Header.Get("Access-Control-Allow-Origin") != "https://admin.example.test" || res.Header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("allowed origin not granted: %v", res.Header)
		}
	})
	t.Run("ErrOtherOrigin", func(t *testing.T) {
		if res := preflight("https://evil.example.test"); res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("foreign origin granted: %v", res.Header)
		}
	})
	t.Run("ErrWildcardRefused", func(t *testing.T) {
		if err := NewMain().ParseFlags([]string{"-cors-origins", "*"}); err == nil {
			t.Fatal("* with credentials must be refused")
		}
	})
}

func TestGracefulClose(t *testing.T) {
	m := MustRunMain(t)
	addr := m.URL()
	done := make(chan error, 1)
	go func() { done <- m.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("close: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("close hung")
	}
	if _, err := http.Get(addr + "/healthz"); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func TestPprof(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		_, prefix := dbtest.MustRedis(t)
		m := NewMain()
		m.Logger = slog.New(slog.DiscardHandler)
		if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-database-url", dbtest.NewDatabaseURL(t),
			"-redis-url", dbtest.RedisURL(), "-key-prefix", prefix, "-pprof-addr", "127.0.0.1:0"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if res, body := Get(t, "http://"+m.pprofAddr+"/debug/pprof/"); res.StatusCode != 200 || !strings.Contains(body, "goroutine") {
			t.Fatalf("pprof: %d %q", res.StatusCode, body)
		}
	})
	t.Run("ErrOffByDefault", func(t *testing.T) {
		m := MustRunMain(t)
		if m.pprofServer != nil {
			t.Fatal("pprof must be off without -pprof-addr")
		}
		if _, body := Get(t, m.URL()+"/debug/pprof/"); strings.Contains(body, "goroutine") {
			t.Fatal("pprof served on the public listener")
		}
	})
}
