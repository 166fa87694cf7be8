package wiring

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"tenantadmin/auth"
	"tenantadmin/domain"
)

// A request with a session made three round trips in a row before any
// GraphQL work: the session in Redis, its viewer in PostgreSQL, its
// rate-limit buckets in Redis again (issue 17.1). The viewer's read needs
// the session's user, and the buckets the viewer's tenants; both are
// known from the session's last request on this replica. So a session
// this replica has served reads its viewer and counts its buckets while
// its lookup runs, all three at once. Nothing is trusted before the
// lookup confirms the session and its user: a hint only starts the work
// early. A request refused afterwards (CSRF) has had its session's buckets
// counted: the session cookie is SameSite=Lax, so another site cannot
// make a victim's browser spend them with a POST.

// sessionHints remembers, per session ID, whose session it is and the
// tenants its requests count against.
type sessionHints struct {
	mu sync.Mutex
	m  map[string]sessionHint
	// overlapped counts the requests served from a hint (the metric
	// session_requests_overlapped_total).
	overlapped atomic.Int64
}

// sessionHint is what a session's next request may start from.
type sessionHint struct {
	userID  int64
	tenants []int64 // grantTenants of the viewer
}

// maxSessionHints bounds the hints a replica keeps (about 100 bytes each);
// past it, one is dropped at random for each new one.
const maxSessionHints = 100_000

func (h *sessionHints) get(id string) (sessionHint, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hint, ok := h.m[id]
	return hint, ok
}

func (h *sessionHints) put(id string, hint sessionHint) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]sessionHint{}
	}
	if _, known := h.m[id]; !known && len(h.m) >= maxSessionHints {
		for other := range h.m {
			delete(h.m, other)
			break
		}
	}
	h.m[id] = hint
}

func (h *sessionHints) forget(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, id)
}

// grantTenants lists the tenants of a viewer's grants, each once, in the
// grants' order: the tenant buckets its API requests count against.
func grantTenants(v *domain.Viewer) []int64 {
	var out []int64
	for _, g := range v.Grants {
		if !slices.Contains(out, g.TenantID) {
			out = append(out, g.TenantID)
		}
	}
	return out
}

// precount is the rate limit of a request counted before its viewer was
// confirmed: the buckets counted and the result.
type precount struct {
	limits []apiLimit
	budget auth.Budget
	err    error
}

type precountKey struct{}

func withPrecount(ctx context.Context, p *precount) context.Context {
	return context.WithValue(ctx, precountKey{}, p)
}

// sessionViewerOverlapped is sessionViewer for a request that counts
// against the API limits: when the session has a hint, its lookup, its
// viewer's read and its buckets' count run at once, and the count is
// returned for rateLimit (nil when it was not made). For a service token,
// without a hint, or when the lookup names another user than the hint, it
// is sessionViewer, one step after the other. A session that is gone loses
// its hint.
func (m *Main) sessionViewerOverlapped(ctx context.Context, token string) (*auth.Session, *domain.Viewer, *precount, error) {
	if domain.IsServiceToken(token) {
		sess, v, err := m.sessionViewer(ctx, token)
		return sess, v, nil, err
	}
	id := auth.SessionID(token)
	hint, hinted := m.hints.get(id)
	if !hinted {
		sess, v, err := m.sessionViewer(ctx, token)
		if err == nil && sess.ID == id {
			m.hints.put(id, sessionHint{userID: v.UserID, tenants: grantTenants(v)})
		}
		return sess, v, nil, err
	}
	var (
		wg                 sync.WaitGroup
		sess               *auth.Session
		lookupErr, readErr error
		v                  *domain.Viewer
		pre                = &precount{}
	)
	wg.Go(func() { sess, lookupErr = m.Sessions.Lookup(ctx, token) })
	wg.Go(func() { v, readErr = m.App.Users.LoadViewer(ctx, hint.userID) })
	pre.limits, pre.err = m.sessionLimits(id, hint.tenants)
	if pre.err == nil {
		pre.budget, pre.err = m.allow(ctx, pre.limits)
	}
	wg.Wait()
	if lookupErr != nil {
		m.hints.forget(id)
		return nil, nil, nil, lookupErr
	}
	if sess.UserID != hint.userID || sess.ID != id {
		m.hints.forget(id)
		sess, v, err := m.sessionViewer(ctx, token)
		return sess, v, nil, err
	}
	v, err := m.activeViewer(ctx, sess, v, readErr)
	if err != nil {
		m.hints.forget(id)
		return nil, nil, nil, err
	}
	m.hints.overlapped.Add(1)
	if tenants := grantTenants(v); !slices.Equal(tenants, hint.tenants) {
		m.hints.put(id, sessionHint{userID: v.UserID, tenants: tenants})
	}
	return sess, v, pre, nil
}

// allowPrecounted is allow for a request whose buckets may have been
// counted already (precount): only those it had not counted are counted
// now, after it, as TakeAll would have counted them after the others. A
// bucket counted that the request no longer counts against (a grant gone
// since the session's last request) stays counted: stricter, never
// looser.
func (m *Main) allowPrecounted(ctx context.Context, limits []apiLimit) (auth.Budget, error) {
	pre, _ := ctx.Value(precountKey{}).(*precount)
	if pre == nil {
		return m.allow(ctx, limits)
	}
	if pre.err != nil || pre.budget.RetryAfter > 0 {
		return pre.budget, pre.err
	}
	var missing []apiLimit
	for _, l := range limits {
		if !slices.Contains(pre.limits, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) == 0 {
		return pre.budget, nil
	}
	more, err := m.allow(ctx, missing)
	if err != nil || more.RetryAfter > 0 || more.Limit > 0 && (pre.budget.Limit == 0 || more.Remaining < pre.budget.Remaining) {
		return more, err
	}
	return pre.budget, nil
}
