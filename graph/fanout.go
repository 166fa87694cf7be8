package graph

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"tenantadmin/domain"
	"tenantadmin/graph/model"
)

// Subscription fan-out (issue 17.3). gqlgen executes a subscription's
// selection for each subscriber and each event; with thousands of
// dashboards watching one tenant that is the whole cost of an event. The
// streaming transports instead hand the `changes` resolver a sharedStream:
// for each event the resolver computes the key of the bytes its subscriber
// must receive, the first subscriber with that key executes the selection
// (through gqlgen's executor, with its own context) and every subscriber
// with the same key sends the same bytes.
//
// The key is everything the bytes depend on:
//
//   - the event (its id: no subscriber ever receives bytes made for another
//     event; which events reach a subscriber at all is decided before, by
//     the hub's per-subscriber tenant filter);
//   - the normalized document, the operation name and the variables;
//   - the personal-data variant of the event for this viewer
//     (domain.CanSeePersonalData: issue 15.4 details carry personal data
//     only for viewers allowed to see it);
//   - for a selection reaching beyond the event's own fields (tenant,
//     auditEvent: resolvers that read with the viewer's grants), the
//     viewer itself: its account, grants and credential. Such selections are
//     shared only between the subscriptions of one session in one state.

// sharedStream is what a streaming transport offers the changes resolver.
type sharedStream struct {
	cache *responseCache
	// doc identifies the operation: normalized document, operation name,
	// variables.
	doc string
	// eventOnly is true when the selection reads only the event's own
	// fields, whose values depend on the event and the personal-data
	// variant alone.
	eventOnly bool
	// render executes the operation's selection for one event, in the
	// operation's context changed by prepare, and returns the payload of a
	// `next` message (the JSON execution result).
	render func(prepare func(context.Context) context.Context, ev *model.ChangeEvent) ([]byte, error)
	// send sends one payload to this subscriber; false when it cannot
	// (connection gone, operation completed).
	send func(payload []byte) bool
}

type sharedStreamKey struct{}

func withSharedStream(ctx context.Context, s *sharedStream) context.Context {
	return context.WithValue(ctx, sharedStreamKey{}, s)
}

func sharedStreamFrom(ctx context.Context) *sharedStream {
	s, _ := ctx.Value(sharedStreamKey{}).(*sharedStream)
	return s
}

// oneEventKey marks the execution of a subscription's selection for one
// event: the changes resolver answers with that event alone.
type oneEventKey struct{}

func withOneEvent(ctx context.Context, ev *model.ChangeEvent) context.Context {
	return context.WithValue(ctx, oneEventKey{}, ev)
}

func oneEventFrom(ctx context.Context) *model.ChangeEvent {
	ev, _ := ctx.Value(oneEventKey{}).(*model.ChangeEvent)
	return ev
}

// shareKey names the bytes of one event for one kind of subscriber.
type shareKey struct {
	event    int64
	doc      string
	personal bool
	// viewer is empty for event-only selections, else viewerFingerprint.
	viewer string
}

// viewerFingerprint is everything of a viewer that resolvers may read:
// identity, status, grants and credential.
func viewerFingerprint(v *domain.Viewer) string {
	if v == nil {
		return "anonymous"
	}
	return fmt.Sprintf("%d|%s|%s|%s|%t|%v|%s|%d", v.UserID, v.Username, v.Kind, v.Status, v.PlatformAdmin, v.Grants, v.SessionID, v.ServiceTokenID)
}

// responseCache holds the bytes of recent events, by key, for the
// subscriptions of one handler.
type responseCache struct {
	// ttl is how long bytes are kept for subscribers that lag behind; one
	// arriving later executes the selection again.
	ttl time.Duration

	mu        sync.Mutex
	entries   map[shareKey]*sharedResponse
	lastSweep time.Time

	executions, shares int64
}

type sharedResponse struct {
	done    chan struct{}
	payload []byte
	err     error
	at      time.Time
}

func newResponseCache() *responseCache {
	return &responseCache{ttl: 30 * time.Second, entries: map[shareKey]*sharedResponse{}}
}

// get returns the bytes under key, executing render once for all the
// subscribers asking for them at the same time or within the ttl.
func (c *responseCache) get(key shareKey, render func() ([]byte, error)) ([]byte, error) {
	now := time.Now()
	c.mu.Lock()
	if now.Sub(c.lastSweep) >= c.ttl/2 {
		for k, e := range c.entries {
			if now.Sub(e.at) >= c.ttl {
				delete(c.entries, k)
			}
		}
		c.lastSweep = now
	}
	e, ok := c.entries[key]
	if ok {
		c.shares++
		c.mu.Unlock()
		<-e.done
		if e.err != nil {
			return render() // the leader's failure is not this subscriber's
		}
		return e.payload, nil
	}
	e = &sharedResponse{done: make(chan struct{}), at: now}
	c.entries[key] = e
	c.executions++
	c.mu.Unlock()
	defer close(e.done)
	e.payload, e.err = render()
	if e.err != nil {
		// Not kept: the next subscriber tries again.
		c.mu.Lock()
		delete(c.entries, key)
		c.mu.Unlock()
	}
	return e.payload, e.err
}

// Stats returns how many times a selection was executed and how many
// deliveries reused bytes.
func (c *responseCache) Stats() (executions, shares int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.executions, c.shares
}

// newSharedStream prepares sharing for a subscription operation: its
// document key and whether it reads the event's own fields only. It
// returns nil when the operation is not a subscription.
func newSharedStream(cache *responseCache, rc *graphql.OperationContext) *sharedStream {
	if cache == nil || rc == nil || rc.Operation == nil || rc.Operation.Operation != ast.Subscription {
		return nil
	}
	var doc bytes.Buffer
	formatter.NewFormatter(&doc).FormatQueryDocument(rc.Doc)
	vars, err := json.Marshal(rc.Variables) // map keys in order
	if err != nil {
		return nil
	}
	h := sha256.New()
	h.Write(doc.Bytes())
	h.Write([]byte{0})
	h.Write([]byte(rc.OperationName))
	h.Write([]byte{0})
	h.Write(vars)
	return &sharedStream{cache: cache, doc: hex.EncodeToString(h.Sum(nil)),
		eventOnly: eventOnlySelection(rc.Operation.SelectionSet, rc.Doc.Fragments)}
}

// eventFields are the ChangeEvent fields computed from the event and the
// personal-data variant alone (details and payload: presentEvent; cursor:
// sealed with the server's key, the same for everyone). tenant and
// auditEvent are not: they load with the viewer's grants.
var eventFields = map[string]bool{"__typename": true, "cursor": true, "type": true, "subjectType": true,
	"subjectId": true, "occurredAt": true, "payload": true, "details": true}

// eventOnlySelection reports whether a subscription's selection reads only
// eventFields of the changes event (anything under details: plain values).
func eventOnlySelection(root ast.SelectionSet, fragments ast.FragmentDefinitionList) bool {
	ok := true
	walkFields(root, fragments, func(f *ast.Field) {
		if f.Name == "__typename" {
			return
		}
		if f.Name != "changes" {
			ok = false
			return
		}
		walkFields(f.SelectionSet, fragments, func(f *ast.Field) {
			if !eventFields[f.Name] {
				ok = false
			}
		})
	})
	return ok
}

// walkFields calls fn for each field of a selection set, through fragments.
func walkFields(set ast.SelectionSet, fragments ast.FragmentDefinitionList, fn func(*ast.Field)) {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				fn(s)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if f := fragments.ForName(s.Name); f != nil && !seen[s.Name] {
					seen[s.Name] = true
					walk(f.SelectionSet)
				}
			}
		}
	}
	walk(set)
}

// renderOneEvent executes a subscription operation for one event: the
// changes resolver, seeing withOneEvent, answers with that event and ends.
func renderOneEvent(ctx context.Context, exec graphql.GraphExecutor, rc *graphql.OperationContext, ev *model.ChangeEvent) (payload []byte, err error) {
	ctx = withOneEvent(ctx, ev)
	defer func() {
		if p := recover(); p != nil {
			err = rc.Recover(ctx, p)
		}
	}()
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil {
		return nil, errors.New("graph: the subscription produced no result for the event")
	}
	return json.Marshal(resp)
}
