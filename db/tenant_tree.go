package db

import (
	"context"
	"slices"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// The tenant tree kept in memory (issue 17.1). Every administrator's
// request needs the tenants below those it administers (its scope); a walk
// of the tenants in PostgreSQL cost a round trip and, for an organisation
// of hundreds of tenants, a recursive statement planned and run each time.
// The tree changes rarely. Its version (migration 0015, a trigger) is read
// with the request's viewer, in the same statement; a tree read at that
// version or later answers the request's subtrees. A newer version makes
// one request read the tree again (one statement, the version with it, in
// the same snapshot) while the others walk in PostgreSQL as before.

// treeSnapshot carries the tree version a request's viewer read saw
// (atomic: a long request, an SSE subscription, reads its viewer again
// while other goroutines of it compute scopes).
type treeSnapshot struct{ version atomic.Int64 }

type treeSnapshotKey struct{}

// WithTreeSnapshot returns a context in which LoadViewer notes the tenant
// tree's version, so that the request's subtrees (DescendantIDs) may come
// from the tree in memory, as long as the request (its WithSession) has not
// written. For one request: a context that outlives it (a WebSocket
// connection's) would keep an old version.
func WithTreeSnapshot(ctx context.Context) context.Context {
	return context.WithValue(ctx, treeSnapshotKey{}, &treeSnapshot{})
}

// noteTreeVersion records the version LoadViewer read, when ctx asks.
func noteTreeVersion(ctx context.Context, version int64) {
	if s, ok := ctx.Value(treeSnapshotKey{}).(*treeSnapshot); ok {
		s.version.Store(version)
	}
}

// maxTreeTenants bounds the tree kept in memory; past it every subtree is
// walked in PostgreSQL.
var maxTreeTenants = 200_000

// tenantTree is the tenants' parent links at one version.
type tenantTree struct {
	version  int64
	tooLarge bool
	children map[int64][]int64
}

// descendants is every tenant below roots, at any depth, ascending: what
// subtreeQuery answers.
func (t *tenantTree) descendants(roots []int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	stack := slices.Clone(roots)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, c := range t.children[id] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
				stack = append(stack, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// treeFor returns a tree at least as new as the version ctx's viewer read
// saw, or nil: no version noted, the request has written (or has no
// session to tell), the tree too large, or another request reading the
// newer tree right now.
func (db *DB) treeFor(ctx context.Context) *tenantTree {
	s, ok := ctx.Value(treeSnapshotKey{}).(*treeSnapshot)
	if !ok {
		return nil
	}
	seen := s.version.Load()
	if seen == 0 {
		return nil
	}
	// A request that has written may have changed the tree after its
	// viewer read (a site it created): it reads the tree as committed.
	// Writes are known only in a request with a session (WithSession).
	if w := sessionFrom(ctx); w == nil || w.wrote.Load() {
		return nil
	}
	if t := db.tree.Load(); t != nil && t.version >= seen {
		if t.tooLarge {
			return nil
		}
		return t
	}
	if !db.treeLoading.CompareAndSwap(false, true) {
		return nil
	}
	defer db.treeLoading.Store(false)
	t, err := db.loadTree(ctx)
	if err != nil || t.version == 0 || t.version < seen {
		return nil
	}
	if cur := db.tree.Load(); cur == nil || cur.version < t.version {
		db.tree.Store(t)
	}
	if t.tooLarge {
		return nil
	}
	return t
}

// loadTree reads every tenant's parent and the tree's version, in one
// statement (one snapshot).
func (db *DB) loadTree(ctx context.Context) (*tenantTree, error) {
	t := &tenantTree{children: map[int64][]int64{}}
	var ids, parents []int64
	err := db.pgxQuery(ctx, db.DB, `SELECT coalesce((SELECT version FROM tenant_tree_version), 0),
		coalesce(array_agg(id), '{}'), coalesce(array_agg(coalesce(parent_id, 0)), '{}')
		FROM (SELECT id, parent_id FROM tenants LIMIT $1) AS t`, []any{maxTreeTenants + 1}, func(r pgx.Rows) error {
		return r.Scan(&t.version, &ids, &parents)
	})
	if err != nil {
		return nil, err
	}
	if len(ids) > maxTreeTenants {
		t.tooLarge, t.children = true, nil
		return t, nil
	}
	for i, id := range ids {
		if parents[i] != 0 {
			t.children[parents[i]] = append(t.children[parents[i]], id)
		}
	}
	return t, nil
}
