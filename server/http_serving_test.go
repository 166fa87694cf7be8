package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

func TestHealthReadinessMetrics(t *testing.T) {
	m := servertest.MustRunMain(t)
	t.Run("Healthz", func(t *testing.T) {
		res, body := servertest.Get(t, m.URL()+"/healthz")
		if res.StatusCode != 200 || body != "ok\n" {
			t.Fatalf("healthz: %d %q", res.StatusCode, body)
		}
	})
	t.Run("Readyz", func(t *testing.T) {
		res, body := servertest.Get(t, m.URL()+"/readyz")
		if res.StatusCode != 200 {
			t.Fatalf("readyz: %d %q", res.StatusCode, body)
		}
	})
	t.Run("Metrics", func(t *testing.T) {
		m.GQL(t, "", "{ viewer { platformAdmin } }", nil)
		_, body := servertest.Get(t, m.URL()+"/metrics")
		if !strings.Contains(body, `http_requests_total{code="200",handler="graphql"}`) {
			t.Fatalf("metrics lack the graphql request counter:\n%s", body[:min(len(body), 2000)])
		}
	})
	t.Run("RequestID", func(t *testing.T) {
		res, _ := servertest.Get(t, m.URL()+"/healthz")
		if len(res.Header.Get("X-Request-ID")) != 16 {
			t.Fatalf("X-Request-ID = %q", res.Header.Get("X-Request-ID"))
		}
	})
}

func TestSPAServing(t *testing.T) {
	m := servertest.MustRunMain(t)
	for _, path := range []string{"/", "/users/abc", "/setup"} {
		res, body := servertest.Get(t, m.URL()+path)
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
	if res, _ := servertest.Get(t, m.URL()+"/assets/missing.js"); res.StatusCode != 404 {
		t.Fatalf("missing asset: %d", res.StatusCode)
	}
}

func TestGraphQLOverHTTP(t *testing.T) {
	m := servertest.MustRunMain(t)
	t.Run("GETQuery", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, m.URL()+"/graphql?query="+url.QueryEscape("{ viewer { platformAdmin } }"), nil)
		res := servertest.Do(t, req)
		if res.Status != 200 || string(res.Data) != `{"viewer":null}` {
			t.Fatalf("GET: %d %s %+v", res.Status, res.Data, res.Errors)
		}
	})
	t.Run("ErrMutationOverGET", func(t *testing.T) {
		q := `mutation { bootstrapPlatformAdmin(input: {token: "x", username: "abc", email: "a@b.c", givenName: "a", familyName: "b", password: "p"}) { userErrors { code } } }`
		req, _ := http.NewRequest(http.MethodGet, m.URL()+"/graphql?query="+url.QueryEscape(q), nil)
		if res := servertest.Do(t, req); len(res.Errors) == 0 {
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
	m := servertest.Wrap(wiring.NewMain())
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
		if err := wiring.NewMain().ParseFlags([]string{"-cors-origins", "*"}); err == nil {
			t.Fatal("* with credentials must be refused")
		}
	})
}

func TestGracefulClose(t *testing.T) {
	m := servertest.MustRunMain(t)
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
		m := servertest.Wrap(wiring.NewMain())
		m.Logger = slog.New(slog.DiscardHandler)
		if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-database-url", dbtest.NewDatabaseURL(t),
			"-redis-url", dbtest.RedisURL(), "-key-prefix", prefix, "-pprof-addr", "127.0.0.1:0"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if res, body := servertest.Get(t, "http://"+m.PprofAddr()+"/debug/pprof/"); res.StatusCode != 200 || !strings.Contains(body, "goroutine") {
			t.Fatalf("pprof: %d %q", res.StatusCode, body)
		}
	})
	t.Run("ErrOffByDefault", func(t *testing.T) {
		m := servertest.MustRunMain(t)
		if m.PprofAddr() != "" {
			t.Fatal("pprof must be off without -pprof-addr")
		}
		if _, body := servertest.Get(t, m.URL()+"/debug/pprof/"); strings.Contains(body, "goroutine") {
			t.Fatal("pprof served on the public listener")
		}
	})
}
