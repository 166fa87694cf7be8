package bench

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"
)

var (
	boundedOnce   sync.Once
	boundedServer *Server
	boundedTokens map[string]string
)

// BenchmarkUsersPageCount (issue 17.2) measures the users page end to end
// with the bounded count the server has by default (EXACT_COUNT_LIMIT
// 10,000, then PostgreSQL's estimate with totalCountIsExact false) against
// the same page counted exactly (the read-path benchmark's server), in the
// same run, for the viewers whose pages count hundreds of thousands of
// users: the platform and organisation administrators. Both servers answer
// the same users on the page; only the count differs.
//
//	BENCH_DATABASE_URL=… go test ./bench -run '^$' -bench UsersPageCount -benchtime 50x -count 5
func BenchmarkUsersPageCount(b *testing.B) {
	e := setup(b)
	boundedOnce.Do(func() {
		boundedServer = StartServer(&onceTB{B: b}, e.dbURL,
			"-rate-api-session", "10000000/1m", "-rate-api-tenant", "10000000/1m")
		boundedTokens = map[string]string{}
		for _, v := range e.viewers {
			boundedTokens[v.name] = boundedServer.Login(b, v.userID)
		}
		b.Cleanup(boundedServer.Stop)
	})
	for _, v := range e.viewers {
		if v.name == "tenant-admin" {
			continue // 31,505 members: past the limit too, but its exact count is an index-only scan of one tenant
		}
		for _, f := range filters {
			if f.name != "all" && f.name != "status-suspended" {
				continue
			}
			b.Run(v.name+"/"+f.name, func(b *testing.B) {
				exact := e.graphqlRequest(v, f)
				bounded := func() (*http.Request, error) {
					body, _ := json.Marshal(map[string]any{"query": UsersPageQuery, "variables": f.variables(v)})
					req, err := http.NewRequest(http.MethodPost, boundedServer.URL+"/graphql", bytes.NewReader(body))
					if err == nil {
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+boundedTokens[v.name])
					}
					return req, err
				}
				// The same users on the page; the counts may differ (an estimate).
				var pages [2]pageResult
				for i, req := range []func() (*http.Request, error){exact, bounded} {
					body, err := e.post(req)
					if err != nil {
						b.Fatal(err)
					}
					if pages[i], err = decodeGraphQL(body); err != nil {
						b.Fatal(err)
					}
				}
				if !slices.Equal(pages[0].usernames, pages[1].usernames) {
					b.Fatalf("exact and bounded servers list different users: %v / %v", head(pages[0].usernames), head(pages[1].usernames))
				}
				b.Logf("totalCount exact %d, bounded %d", pages[0].total, pages[1].total)
				b.Run("exact", func(b *testing.B) {
					e.server.MeasureServer(b, func() error { _, err := e.post(exact); return err })
				})
				b.Run("bounded", func(b *testing.B) {
					boundedServer.MeasureServer(b, func() error { _, err := e.post(bounded); return err })
				})
			})
		}
	}
}
