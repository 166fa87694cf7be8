package graph

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
)

func subscriptionContext(t *testing.T, query, name string, vars map[string]any) *graphql.OperationContext {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(Schema(), query, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	return &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: doc.Operations.ForName(name), OperationName: name, Variables: vars}
}

const spaChanges = `subscription Changes($tenantIds: [ID!]) {
  changes(tenantIds: $tenantIds) {
    cursor type subjectType subjectId
    details { __typename ... on UserChange { user { id username displayName } changes { field hidden oldValue newValue } } }
  }
}`

// TestSharedStreamDocumentKey: the document part of the key is the same
// for the same operation written differently, and differs with the
// operation name or the variables.
func TestSharedStreamDocumentKey(t *testing.T) {
	cache := newResponseCache()
	key := func(query, name string, vars map[string]any) string {
		return newSharedStream(cache, subscriptionContext(t, query, name, vars)).doc
	}
	tenants := map[string]any{"tenantIds": []any{"VGVuYW50OjE"}}
	base := key(spaChanges, "Changes", tenants)
	reformatted := "# the SPA's\nsubscription   Changes( $tenantIds:[ID!] ){changes(tenantIds:$tenantIds){cursor,type,subjectType,subjectId," +
		"details{__typename,...on UserChange{user{id,username,displayName},changes{field,hidden,oldValue,newValue}}}}}"
	if got := key(reformatted, "Changes", tenants); got != base {
		t.Errorf("the same document written differently has another key")
	}
	if got := key(spaChanges, "Changes", map[string]any{"tenantIds": []any{"VGVuYW50OjI"}}); got == base {
		t.Errorf("other variables share the key")
	}
	two := `subscription A { changes { type } } subscription B { changes { type subjectId } }`
	if key(two, "A", nil) == key(two, "B", nil) {
		t.Errorf("another operation of the document shares the key")
	}
	q := subscriptionContext(t, `query { __typename }`, "", nil)
	if newSharedStream(cache, q) != nil {
		t.Errorf("a query is shared")
	}
}

// TestEventOnlySelection: only selections of the event's own fields are
// shared across viewers; tenant and auditEvent, directly or through a
// fragment, are read with the viewer's grants.
func TestEventOnlySelection(t *testing.T) {
	for _, c := range []struct {
		query string
		want  bool
	}{
		{spaChanges, true},
		{`subscription { changes { cursor payload occurredAt details { __typename } } }`, true},
		{`subscription { changes { cursor tenant { id } } }`, false},
		{`subscription { changes { cursor ... on ChangeEvent { auditEvent { action } } } }`, false},
		{`subscription { changes { ...F } } fragment F on ChangeEvent { type auditEvent { ip } }`, false},
		{`subscription { ... on Subscription { changes { type } } }`, true},
	} {
		rc := subscriptionContext(t, c.query, "", nil)
		if got := newSharedStream(newResponseCache(), rc).eventOnly; got != c.want {
			t.Errorf("%s: event only %v, want %v", c.query, got, c.want)
		}
	}
}

// TestResponseCacheExecutesOncePerKey: subscribers asking together for the
// same key share one execution; another personal-data variant or event is
// executed apart; a failed execution is not shared.
func TestResponseCacheExecutesOncePerKey(t *testing.T) {
	c := newResponseCache()
	var runs atomic.Int64
	release := make(chan struct{})
	render := func(b string) func() ([]byte, error) {
		return func() ([]byte, error) {
			runs.Add(1)
			<-release
			return []byte(b), nil
		}
	}
	key := shareKey{event: 7, doc: "d", personal: true}
	var wg sync.WaitGroup
	got := make([]string, 50)
	for i := range got {
		wg.Go(func() {
			b, err := c.get(key, render("full"))
			if err != nil {
				t.Error(err)
			}
			got[i] = string(b)
		})
	}
	close(release)
	wg.Wait()
	for _, g := range got {
		if g != "full" {
			t.Fatalf("got %q", g)
		}
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("%d executions for one key, want 1", n)
	}
	redacted := key
	redacted.personal = false
	if b, _ := c.get(redacted, render("redacted")); string(b) != "redacted" {
		t.Fatalf("the redacted variant got %q", b)
	}
	other := key
	other.event = 8
	if b, _ := c.get(other, render("event 8")); string(b) != "event 8" {
		t.Fatalf("another event got %q", b)
	}
	if n := runs.Load(); n != 3 {
		t.Fatalf("%d executions, want 3", n)
	}

	failing := shareKey{event: 9, doc: "d"}
	if _, err := c.get(failing, func() ([]byte, error) { return nil, errors.New("boom") }); err == nil {
		t.Fatal("the failure was not reported")
	}
	if b, err := c.get(failing, render("retried")); err != nil || string(b) != "retried" {
		t.Fatalf("after a failure: %q %v", b, err)
	}
}
