package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

// profileUsers is how many users each viewer's profile benchmark cycles
// through: those of the viewer's scope with the most memberships, then the
// most role assignments, in that scope.
const profileUsers = 20

// pickProfileUsers returns the users of v's scope (every user for the
// platform administrator) with the most memberships and role assignments
// there, the viewer excluded.
func pickProfileUsers(ctx context.Context, e *env, v *viewer) ([]int64, error) {
	where, args := "user_id <> $1", []any{v.userID}
	if !v.all {
		where, args = where+" AND tenant_id = ANY($2)", append(args, v.scope)
	}
	rows, err := e.pool.Query(ctx, `SELECT user_id FROM role_assignments WHERE `+where+`
		GROUP BY user_id ORDER BY count(DISTINCT membership_id) DESC, count(*) DESC, user_id LIMIT `+fmt.Sprint(profileUsers), args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// spaProfileQuery is the UserProfile operation of the SPA's profile page,
// read from frontend/src/features/users/operations.ts so that it cannot
// drift. It is much wider than ProfileQuery (viewerCan, assignable products,
// roles, groups and levels per membership and product, each computed from
// the viewer's grants): it is measured through the server only, without a
// raw SQL baseline.
func spaProfileQuery() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "frontend", "src", "features", "users", "operations.ts"))
	if err != nil {
		return "", err
	}
	s := string(b)
	i := strings.Index(s, "query UserProfile(")
	if i < 0 {
		return "", fmt.Errorf("no UserProfile query in operations.ts")
	}
	j := strings.IndexByte(s[i:], '`')
	if j < 0 {
		return "", fmt.Errorf("unterminated UserProfile query in operations.ts")
	}
	return s[i : i+j], nil
}

func (e *env) profileRequests(v *viewer, query string, users []int64) []func() (*http.Request, error) {
	out := make([]func() (*http.Request, error), len(users))
	for i, id := range users {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"id": globalID("User", id)}})
		out[i] = e.graphqlPost(v.token, body)
	}
	return out
}

func decodeProfile(body []byte) (profileResult, error) {
	var out struct {
		Data struct {
			Node *struct {
				Username    string
				HomeTenant  *struct{ ID string }
				Memberships []struct {
					Tenant          *struct{ ID string }
					RoleAssignments []struct{ ID string }
				}
			}
		}
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return profileResult{}, err
	}
	n := out.Data.Node
	if n == nil {
		return profileResult{}, fmt.Errorf("no node in %.300s", body)
	}
	r := profileResult{username: n.Username, memberships: len(n.Memberships)}
	tenants := map[string]bool{}
	if n.HomeTenant != nil {
		tenants[n.HomeTenant.ID] = true
	}
	for _, m := range n.Memberships {
		r.assignments += len(m.RoleAssignments)
		if m.Tenant != nil {
			tenants[m.Tenant.ID] = true
		}
	}
	r.tenants = len(tenants)
	return r, nil
}

// cycle returns an operation that runs op on the users in turn.
func cycle[T any](items []T, op func(T) error) func() error {
	var next atomic.Int64
	return func() error { return op(items[int(next.Add(1)-1)%len(items)]) }
}

// BenchmarkUserProfile measures a user's profile (ProfileQuery, the
// document of loadtest/profile.js: node(id:) on a user with memberships,
// tenants and role assignments) through the real server and, as its
// baseline, the same statements through pgx (rawUserProfile), for each
// viewer, cycling through the 20 users of the viewer's scope with the most
// memberships and roles. The spa case is the SPA's own, wider UserProfile
// document, through the server only.
func BenchmarkUserProfile(b *testing.B) {
	e := setup(b)
	ctx := context.Background()
	cat, err := loadCatalogue(ctx, e.pool)
	if err != nil {
		b.Fatal(err)
	}
	spa, err := spaProfileQuery()
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range e.viewers {
		b.Run(v.name, func(b *testing.B) {
			users, err := pickProfileUsers(ctx, e, v)
			if err != nil {
				b.Fatal(err)
			}
			if len(users) == 0 {
				b.Fatalf("no users in the scope of %s", v.name)
			}
			gql := e.profileRequests(v, ProfileQuery, users)
			// Both implementations must read the same rows, user by user.
			var ms, as []int
			for i, id := range users {
				body, err := e.post(gql[i])
				if err != nil {
					b.Fatal(err)
				}
				got, err := decodeProfile(body)
				if err != nil {
					b.Fatal(err)
				}
				want, err := rawUserProfile(ctx, e.pool, cat, v, id)
				if err != nil {
					b.Fatal(err)
				}
				if got != want {
					b.Fatalf("GraphQL and SQL disagree on user %d:\n graphql %+v\n sql     %+v", id, got, want)
				}
				ms, as = append(ms, got.memberships), append(as, got.assignments)
			}
			slices.Sort(ms)
			slices.Sort(as)
			b.Logf("profile users of %s: %d users, memberships in scope %d–%d, role assignments %d–%d",
				v.name, len(users), ms[0], ms[len(ms)-1], as[0], as[len(as)-1])
			b.Run("graphql", func(b *testing.B) {
				op := cycle(gql, func(r func() (*http.Request, error)) error { _, err := e.post(r); return err })
				e.server.MeasureServer(b, op)
				e.server.Profile(b, "profile-"+v.name, op)
			})
			b.Run("sql", func(b *testing.B) {
				Measure(b, cycle(users, func(id int64) error {
					_, err := rawUserProfile(ctx, e.pool, cat, v, id)
					return err
				}))
			})
			b.Run("spa", func(b *testing.B) {
				reqs := e.profileRequests(v, spa, users)
				for _, r := range reqs {
					if _, err := e.post(r); err != nil {
						b.Fatal(err)
					}
				}
				op := cycle(reqs, func(r func() (*http.Request, error)) error { _, err := e.post(r); return err })
				e.server.MeasureServer(b, op)
				e.server.Profile(b, "profile-spa-"+v.name, op)
			})
		})
	}
}
