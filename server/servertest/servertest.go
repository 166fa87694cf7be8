// Package servertest runs the whole server in-process for end-to-end
// tests: a server on a loopback port 0 against a fresh database and a
// per-test Redis prefix, clients of its GraphQL API (HTTP, cookie
// sessions, WebSocket subscriptions), and the fixtures of the tests (an
// organisation of tenants and administrators).
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"tenantadmin/db/dbtest"
	"tenantadmin/server/wiring"
)

// Main is a running server (package wiring) with the tests' clients.
type Main struct {
	*wiring.Main
	// url is the base URL of a server that runs in another process
	// (AtAddr); empty for an in-process server.
	url string
}

// AtAddr is a server that runs elsewhere (a child process) listening on
// addr: only its clients are usable, not its wiring.
func AtAddr(addr string) *Main { return &Main{url: "http://" + addr} }

// Wrap gives the tests' clients to a server that a test configures and
// runs itself.
func Wrap(m *wiring.Main) *Main { return &Main{Main: m} }

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
	return MustRunMainConfigured(tb, databaseURL, prefix, nil, flags...)
}

// MustRunReplica starts another server process on the same PostgreSQL
// database and Redis prefix as m: a second replica behind a load balancer.
// configure, when set, adjusts the Main before it runs (extra flags are
// parsed after the shared ones).
func MustRunReplica(tb testing.TB, m *Main, configure func(*Main), args ...string) *Main {
	tb.Helper()
	return MustRunMainConfigured(tb, m.Config.DatabaseURL, m.Config.KeyPrefix, configure, args...)
}

// MustRunMainConfigured is MustRunMainOn with configure, when set,
// adjusting the Main before it runs.
func MustRunMainConfigured(tb testing.TB, databaseURL, prefix string, configure func(*Main), args ...string) *Main {
	tb.Helper()
	m := &Main{Main: wiring.NewMain()}
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
func (m *Main) URL() string {
	if m.url != "" {
		return m.url
	}
	return "http://" + m.Addr()
}

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

// Response is a GraphQL response with raw data for flexible decoding.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Status int
}

// Code returns the first error's extensions.code, or "".
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Decode decodes the data into v, failing on GraphQL errors.
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
	var out Response
	out.Status = Post(tb, m.URL(), token, map[string]any{"query": query, "variables": vars}, &out).StatusCode
	return &out
}

// Do sends a GraphQL request and decodes its answer.
func Do(tb testing.TB, req *http.Request) *Response {
	tb.Helper()
	var out Response
	out.Status = DoInto(tb, req, &out).StatusCode
	return &out
}

// DoInto sends req and decodes its JSON answer into out, a struct of the
// caller's (for what Response leaves out: extensions, say), and returns
// the HTTP response, its body read (for the status and headers).
func DoInto(tb testing.TB, req *http.Request, out any) *http.Response {
	tb.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, out); err != nil {
		tb.Fatalf("status %d, body %q: %v", res.StatusCode, b, err)
	}
	return res
}

// Post posts a GraphQL request (params: query, variables, operationName,
// extensions) to the server at baseURL, with the bearer token when given,
// and decodes the answer into out as DoInto does.
func Post(tb testing.TB, baseURL, token string, params map[string]any, out any) *http.Response {
	tb.Helper()
	body, _ := json.Marshal(params)
	req, _ := http.NewRequest(http.MethodPost, baseURL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return DoInto(tb, req, out)
}

// Get fetches rawURL and returns the response and its body.
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

// CursorSecret is the CURSOR_SECRET of the tests that need one (the
// others run on the public development key).
const CursorSecret = "cursor secret of the test deployment, 0123456789"
