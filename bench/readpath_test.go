package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// env is shared by the benchmarks of one run: the server, the pool of the
// raw SQL baseline and the viewers.
type env struct {
	dbURL   string
	server  *Server
	pool    *pgxpool.Pool
	client  *http.Client
	viewers []*viewer
}

var (
	envOnce sync.Once
	shared  *env
	envErr  error
)

func setup(b *testing.B) *env {
	b.Helper()
	dbURL := DatabaseURL(b)
	envOnce.Do(func() { shared, envErr = newEnv(b, dbURL) })
	if envErr != nil {
		b.Fatal(envErr)
	}
	return shared
}

func newEnv(b *testing.B, dbURL string) (*env, error) {
	ctx := context.Background()
	e := &env{dbURL: dbURL, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	var err error
	if e.pool, err = NewPool(ctx, dbURL, 8); err != nil {
		return nil, err
	}
	// The server outlives the benchmark that started it: one server per run.
	// The raw baseline counts exactly (count(DISTINCT …) over the scope):
	// so does the server here (-exact-count-limit -1: CountUsers' own
	// statement, the very text the baseline runs, whatever the default
	// bound of issue 17.2), so that both sides do the same work and return
	// the same totalCount.
	// The API rate limits stay on (their Redis round trip is part of a
	// request's cost) but high enough that several runs of 100 pages per
	// case, and the profiles' 10 s loops, are never refused.
	e.server = StartServer(&onceTB{B: b}, dbURL, "-exact-count-limit", "-1",
		"-rate-api-session", "10000000/1m", "-rate-api-tenant", "10000000/1m")
	if e.viewers, err = findViewers(ctx, e.pool); err != nil {
		return nil, err
	}
	if err := captureSQL(ctx, dbURL, e.viewers); err != nil {
		return nil, err
	}
	for _, v := range e.viewers {
		v.token = e.server.Login(b, v.userID)
		b.Logf("viewer %s: user %d, %d tenants in scope, %d users, role %d", v.name, v.userID, len(v.scope), v.members, v.roleID)
	}
	return e, nil
}

// onceTB lets the shared server live until TestMain stops it instead of
// stopping with the first benchmark's cleanup.
type onceTB struct{ *testing.B }

func (onceTB) Cleanup(func()) {}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.server.Stop()
		shared.pool.Close()
	}
	os.Exit(code)
}

func (e *env) graphqlRequest(v *viewer, f filter) func() (*http.Request, error) {
	body, _ := json.Marshal(map[string]any{"query": UsersPageQuery, "variables": f.variables(v)})
	return e.graphqlPost(v.token, body)
}

// graphqlPost makes requests posting body to the server's /graphql with
// the bearer token.
func (e *env) graphqlPost(token string, body []byte) func() (*http.Request, error) {
	return func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		return req, nil
	}
}

func (e *env) post(newReq func() (*http.Request, error)) ([]byte, error) {
	req, err := newReq()
	if err != nil {
		return nil, err
	}
	res, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"errors":`)) {
		return nil, fmt.Errorf("status %d: %.500s", res.StatusCode, body)
	}
	return body, nil
}

func decodeGraphQL(body []byte) (pageResult, error) {
	var out struct {
		Data struct {
			Users struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Username    string
						Memberships []struct {
							RoleAssignments []struct{ ID string }
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return pageResult{}, err
	}
	r := pageResult{total: out.Data.Users.TotalCount}
	for _, e := range out.Data.Users.Edges {
		r.usernames = append(r.usernames, e.Node.Username)
		r.memberships += len(e.Node.Memberships)
		for _, m := range e.Node.Memberships {
			r.assignments += len(m.RoleAssignments)
		}
	}
	return r, nil
}

// BenchmarkUsersPage measures the users page through the real server
// (HTTP, authentication, GraphQL, bun) and, as its baseline, the same SQL
// statements through pgx, for each viewer and filter.
func BenchmarkUsersPage(b *testing.B) {
	e := setup(b)
	for _, v := range e.viewers {
		for _, f := range filters {
			b.Run(v.name+"/"+f.name, func(b *testing.B) {
				gql := e.graphqlRequest(v, f)
				// Both implementations must read the same page.
				body, err := e.post(gql)
				if err != nil {
					b.Fatal(err)
				}
				got, err := decodeGraphQL(body)
				if err != nil {
					b.Fatal(err)
				}
				want, err := rawUsersPage(context.Background(), e.pool, v, f)
				if err != nil {
					b.Fatal(err)
				}
				if got.total != want.total || !slices.Equal(got.usernames, want.usernames) ||
					got.memberships != want.memberships || got.assignments != want.assignments {
					b.Fatalf("GraphQL and SQL disagree:\n graphql %d users of %d, %d memberships, %d assignments: %v\n sql     %d users of %d, %d memberships, %d assignments: %v",
						len(got.usernames), got.total, got.memberships, got.assignments, head(got.usernames),
						len(want.usernames), want.total, want.memberships, want.assignments, head(want.usernames))
				}
				b.Run("graphql", func(b *testing.B) {
					op := func() error { _, err := e.post(gql); return err }
					e.server.MeasureServer(b, op)
					e.server.Profile(b, v.name+"-"+f.name, op)
				})
				b.Run("sql", func(b *testing.B) {
					Measure(b, func() error {
						_, err := rawUsersPage(context.Background(), e.pool, v, f)
						return err
					})
				})
			})
		}
	}
}

func head(s []string) []string { return s[:min(len(s), 5)] }

// BenchmarkHTTP measures the HTTP overhead: an idle echo handler (the
// baseline) against the smallest GraphQL operations through the server.
func BenchmarkHTTP(b *testing.B) {
	e := setup(b)
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.Copy(w, r.Body) // an echo: a client gone away is nothing to report
	}))
	defer echo.Close()
	typename := []byte(`{"query":"{ __typename }"}`)
	viewerQuery := []byte(`{"query":"{ viewer { user { username } } }"}`)
	req := func(url, token string, body []byte) func() (*http.Request, error) {
		return func() (*http.Request, error) {
			r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			if err == nil {
				r.Header.Set("Content-Type", "application/json")
				if token != "" {
					r.Header.Set("Authorization", "Bearer "+token)
				}
			}
			return r, err
		}
	}
	tenantAdmin := e.viewers[0]
	for _, c := range []struct {
		name string
		req  func() (*http.Request, error)
	}{
		{"echo", req(echo.URL, "", typename)},
		{"graphql-typename", req(e.server.URL+"/graphql", "", typename)},
		{"graphql-viewer", req(e.server.URL+"/graphql", tenantAdmin.token, viewerQuery)},
	} {
		b.Run(c.name, func(b *testing.B) {
			if _, err := e.post(c.req); err != nil {
				b.Fatal(err)
			}
			if c.name == "echo" {
				Measure(b, func() error { _, err := e.post(c.req); return err })
				return
			}
			e.server.MeasureServer(b, func() error { _, err := e.post(c.req); return err })
		})
	}
}
