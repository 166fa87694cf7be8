package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// GraphQL abuse (issue 9): every expensive shape of request is refused
// with a clear code before any resolver runs. The depth and complexity
// limits on data and refused batching are in TestQueryLimits.

// introspectionQuery is graphql-js's getIntrospectionQuery with every
// option on, as GraphiQL and code generators send it.
func introspectionQuery(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAbuseIntrospection(t *testing.T) {
	m := servertest.MustRunMain(t)
	t.Run("OKStandardQuery", func(t *testing.T) {
		res := m.GQL(t, "", introspectionQuery(t), nil)
		if len(res.Errors) > 0 || !bytes.Contains(res.Data, []byte(`"queryType":{"name":"Query"`)) {
			t.Fatalf("errors %+v, data %.200s", res.Errors, res.Data)
		}
	})
	// The complexity limit does not count __schema; nesting its lists
	// multiplies the answer by the schema's size at every level. gqlparser's
	// validation bounds it (our depth limit leaves introspection to it).
	for name, q := range map[string]string{
		"ErrNestedLists":          `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`,
		"ErrNestedListsUnderType": `{ __type(name: "User") { fields { type { fields { type { fields { type { fields { name } } } } } } } } }`,
	} {
		t.Run(name, func(t *testing.T) {
			res := m.GQL(t, "", q, nil)
			if res.Code() != "GRAPHQL_VALIDATION_FAILED" || !strings.Contains(res.Errors[0].Message, "introspection depth") {
				t.Fatalf("code %q, errors %+v", res.Code(), res.Errors)
			}
		})
	}
	// The operation's name does not lift the limits: an early version
	// skipped the depth check for operations named IntrospectionQuery.
	t.Run("ErrDeepDataNamedIntrospectionQuery", func(t *testing.T) {
		q := `query IntrospectionQuery { tenants(first: 1) { nodes { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { name } } } } } } } } } } } } } }`
		body, _ := json.Marshal(map[string]any{"query": q, "operationName": "IntrospectionQuery"})
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if res := servertest.Do(t, req); res.Code() != "QUERY_TOO_DEEP" {
			t.Fatalf("code %q, errors %+v", res.Code(), res.Errors)
		}
	})
}

func TestAbuseIntrospectionOffInProduction(t *testing.T) {
	m := servertest.MustRunMainWith(t, "-production", "-cursor-secret", servertest.CursorSecret)
	for name, q := range map[string]string{
		"Schema":   `{ __schema { queryType { name } } }`,
		"Fragment": `query { ...F } fragment F on Query { __schema { queryType { name } } }`,
		"Type":     `{ __type(name: "User") { name fields { name } } }`,
		"Standard": introspectionQuery(t),
	} {
		t.Run(name, func(t *testing.T) {
			res := m.GQL(t, "", q, nil)
			if res.Code() != "INTROSPECTION_DISABLED" || bytes.Contains(res.Data, []byte("User")) || bytes.Contains(res.Data, []byte("Query")) {
				t.Fatalf("introspection answered in production: code %q, data %.200s", res.Code(), res.Data)
			}
		})
	}
	t.Run("OKTypename", func(t *testing.T) {
		// __typename is not introspection: clients (urql) rely on it.
		if res := m.GQL(t, "", `{ __typename }`, nil); string(res.Data) != `{"__typename":"Query"}` {
			t.Fatalf("data %s, errors %+v", res.Data, res.Errors)
		}
	})
	t.Run("OKExplicitlyEnabled", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-production", "-cursor-secret", servertest.CursorSecret, "-introspection", "true")
		if res := m.GQL(t, "", `{ __schema { queryType { name } } }`, nil); len(res.Errors) > 0 {
			t.Fatalf("errors %+v", res.Errors)
		}
	})
}

func aliasedQuery(n int) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "a%d: viewer { platformAdmin } ", i)
	}
	b.WriteString("}")
	return b.String()
}

func TestAbuseAliases(t *testing.T) {
	m := servertest.MustRunMain(t)
	t.Run("OKAtTheLimit", func(t *testing.T) {
		if res := m.GQL(t, "", aliasedQuery(50), nil); len(res.Errors) > 0 {
			t.Fatalf("errors %+v", res.Errors)
		}
	})
	t.Run("ErrOverTheLimit", func(t *testing.T) {
		if res := m.GQL(t, "", aliasedQuery(51), nil); res.Code() != "TOO_MANY_ALIASES" {
			t.Fatalf("code %q, errors %+v", res.Code(), res.Errors)
		}
	})
	// One request may not try many passwords: each sign-in costs a
	// password hash and the rate limits count requests per account.
	t.Run("ErrSignInAmplification", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("mutation { ")
		for i := range 60 {
			fmt.Fprintf(&b, `a%d: login(input: {username: "admin", password: "guess%d"}) { userErrors { code } } `, i, i)
		}
		b.WriteString("}")
		if res := m.GQL(t, "", b.String(), nil); res.Code() != "TOO_MANY_ALIASES" {
			t.Fatalf("code %q, errors %+v", res.Code(), res.Errors)
		}
	})
	t.Run("ErrAliasesInFragments", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("query { ...F ...F2 } fragment F on Query { ")
		for i := range 30 {
			fmt.Fprintf(&b, "a%d: viewer { platformAdmin } ", i)
		}
		b.WriteString("} fragment F2 on Query { ")
		for i := range 30 {
			fmt.Fprintf(&b, "b%d: viewer { platformAdmin } ", i)
		}
		b.WriteString("}")
		if res := m.GQL(t, "", b.String(), nil); res.Code() != "TOO_MANY_ALIASES" {
			t.Fatalf("code %q, errors %+v", res.Code(), res.Errors)
		}
	})
}

func TestAbuseRequestSize(t *testing.T) {
	m := servertest.MustRunMain(t)
	big := `{"query":"query($x: String) { viewer { platformAdmin } }","variables":{"x":"` + strings.Repeat("a", 2<<20) + `"}}`
	post := func(t *testing.T, body io.Reader, length int64) (int, *servertest.Response) {
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", body)
		req.ContentLength = length
		req.Header.Set("Content-Type", "application/json")
		res := servertest.Do(t, req)
		return res.Status, res
	}
	t.Run("ErrHugeVariables", func(t *testing.T) {
		status, res := post(t, strings.NewReader(big), int64(len(big)))
		if status != http.StatusRequestEntityTooLarge || res.Code() != "REQUEST_TOO_LARGE" {
			t.Fatalf("status %d, code %q", status, res.Code())
		}
	})
	// Without a Content-Length the body is cut at the limit while read.
	t.Run("ErrHugeChunkedBody", func(t *testing.T) {
		_, res := post(t, io.MultiReader(strings.NewReader(big)), -1)
		if res.Code() != "BAD_USER_INPUT" || !strings.Contains(res.Errors[0].Message, "request body too large") || (len(res.Data) > 0 && string(res.Data) != "null") {
			t.Fatalf("code %q, errors %+v, data %s", res.Code(), res.Errors, res.Data)
		}
	})
	t.Run("ErrHugeVariablesOverGET", func(t *testing.T) {
		// Query strings are bounded by the server's header limit.
		res, err := http.Get(m.URL() + "/graphql?query=%7Bviewer%7BplatformAdmin%7D%7D&variables=" + strings.Repeat("a", 2<<20))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
}
