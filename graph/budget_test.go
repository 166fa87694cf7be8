package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// hostileDocument is a small request built to cost the server work.
type hostileDocument struct {
	name     string
	query    string
	wantCode string // "" when the document is within the budget
}

// repeat joins n copies of s separated by sep.
func repeat(s string, n int, sep string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strings.ReplaceAll(s, "#", fmt.Sprint(i))
	}
	return strings.Join(parts, sep)
}

func fragmentBomb(levels int) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }\n")
	for i := 0; i < levels; i++ {
		fmt.Fprintf(&b, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on Query { __typename }\n", levels)
	return b.String()
}

// hostileDocuments are the shapes reported in issue 13 and their relatives,
// each well within the 1 MiB body limit.
func hostileDocuments() []hostileDocument {
	return []hostileDocument{
		{"fragment bomb, 30 levels (1.3 KB)", fragmentBomb(30), codeTooComplex},
		{"fragment bomb, 11 levels (just over the field budget)", fragmentBomb(11), codeTooComplex},
		{"50,000 repeated __typename", "{" + strings.Repeat("__typename ", 50000) + "}", codeTooManyTokens},
		{"4,000 repeated __typename", "{" + strings.Repeat("__typename ", 4000) + "}", codeTooComplex},
		{"600 repeated __typename (wider than one selection set may be)", "{" + strings.Repeat("__typename ", 600) + "}", codeTooComplex},
		{"600 fields gathered by inline fragments", "{" + strings.Repeat("... on Query { __typename } ", 600) + "}", codeTooComplex},
		{"3,000 arguments", "{ __typename(" + repeat("a#: 1", 3000, " ") + ") }", codeTooComplex},
		{"1,200 directives and arguments", "{ __typename " + strings.Repeat("@skip(if: false) ", 600) + "}", codeTooComplex},
		{"1,100 variables", "query(" + repeat("$v#: Int", 1100, " ") + ") { __typename }", codeTooComplex},
		{"1,300 unused fragments", repeat("fragment F# on Query { __typename }", 1300, "\n") + "\n{ __typename }", codeTooComplex},
		{"a 1 MB list literal", "{ node(id: [" + strings.Repeat("1 ", 200000) + "]) { id } }", codeTooManyTokens},
		{"48 same-named subtrees of 50 fields", "{" + strings.Repeat("t: viewer { "+strings.Repeat("id ", 50)+"} ", 48) + "}", codeTooComplex},
		{"500 repeated __typename", "{" + strings.Repeat("__typename ", 500) + "}", codeTooComplex},
		{"1,100 arguments", "{ __typename(" + repeat("a#: 1", 1100, " ") + ") }", codeTooComplex},
		// Within the budget: the worst shapes that are let through still
		// validate quickly (BenchmarkHostileDocuments measures them).
		{"200 differently aliased __typename (widest allowed)", "{" + repeat("a#: __typename", 200, " ") + "}", ""},
		{"10 same-named subtrees of 19 names x 10",
			"{" + strings.Repeat("t: viewer { "+repeat(strings.Repeat("a#: id ", 10), 19, " ")+"} ", 10) + "}", codeTooComplex},
		{"20 names x 10 same-named subtrees of 11 fields",
			"{" + repeat(strings.Repeat("t#: viewer { "+strings.Repeat("id ", 10)+"__typename } ", 10), 20, " ") + "}", codeTooComplex},
		{"nested repetition, 10 x 10 x 2",
			"{" + strings.Repeat("t: viewer { "+strings.Repeat("u: tenant { id name } ", 10)+"} ", 10) + "}", codeTooComplex},
		{"10 same-named subtrees of 14 names x 1 (most overlap allowed)",
			"{" + strings.Repeat("t: viewer { "+repeat("a#: id", 14, " ")+"} ", 10) + "}", ""},
		{"4 same-named subtrees of 35 same-named fields",
			"{" + strings.Repeat("t: viewer { "+strings.Repeat("id ", 35)+"} ", 4) + "}", ""},
		{"fragment bomb, 3 levels (8 fields)", fragmentBomb(3), ""},
		{"950 arguments", "{ __typename(" + repeat("a#: 1", 950, " ") + ") }", ""},
		{"950 variables", "query(" + repeat("$v#: Int", 950, " ") + ") { __typename }", ""},
		{"the standard introspection query", introspectionQuery, ""},
	}
}

// budgetServer is the GraphQL handler with the server's limits and error
// handling: the checks under test run before resolvers, and the App behind
// them has no database.
func budgetServer() http.Handler {
	srv := newServer(&App{Logger: slog.New(slog.DiscardHandler)}, DefaultLimits, nil)
	srv.AddTransport(transport.POST{})
	return srv
}

func postQuery(t testing.TB, h http.Handler, query string, variables map[string]any) map[string]any {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	if len(body) > 1<<20 {
		t.Fatalf("document of %d bytes is over the 1 MiB body limit", len(body))
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON: %v: %.200s", err, rec.Body.String())
	}
	return resp
}

func firstErrorCode(resp map[string]any) string {
	errs, _ := resp["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	ext, _ := e["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

func TestHostileDocumentsAreRefusedBeforeValidation(t *testing.T) {
	h := budgetServer()
	for _, doc := range hostileDocuments() {
		t.Run(doc.name, func(t *testing.T) {
			done := make(chan map[string]any, 1)
			go func() { done <- postQuery(t, h, doc.query, nil) }()
			var resp map[string]any
			select {
			case resp = <-done:
			case <-time.After(60 * time.Second):
				// Not a timing assertion: without the budget the fragment
				// bomb runs for minutes and would hang the suite.
				t.Fatal("no answer within a minute: the document was not bounded")
			}
			code := firstErrorCode(resp)
			if doc.wantCode == "" {
				if code == codeTooComplex || code == codeTooManyTokens {
					t.Fatalf("a document within the budget was refused: %v", resp["errors"])
				}
				return
			}
			if code != doc.wantCode {
				t.Fatalf("code %q, want %q (errors %.300v)", code, doc.wantCode, resp["errors"])
			}
		})
	}
}

func TestIntrospectionQueryIsWithinTheBudget(t *testing.T) {
	resp := postQuery(t, budgetServer(), introspectionQuery, nil)
	if errs := resp["errors"]; errs != nil {
		t.Fatalf("the standard introspection query was refused: %v", errs)
	}
}

func TestStrictVariableCoercion(t *testing.T) {
	h := budgetServer()
	cases := []struct {
		name      string
		query     string
		variables map[string]any
		wantCode  string
	}{
		{"Int as a string", `query($n: Int) { users(first: $n) { totalCount } }`, map[string]any{"n": "5"}, "GRAPHQL_VALIDATION_FAILED"},
		{"Int out of 32 bits", `query($n: Int) { users(first: $n) { totalCount } }`, map[string]any{"n": json.Number("4294967296")}, "GRAPHQL_VALIDATION_FAILED"},
		{"Int with a fraction", `query($n: Int) { users(first: $n) { totalCount } }`, map[string]any{"n": json.Number("1.5")}, "GRAPHQL_VALIDATION_FAILED"},
		{"Boolean as a string", `query($b: Boolean!) { __typename @skip(if: $b) }`, map[string]any{"b": "true"}, "GRAPHQL_VALIDATION_FAILED"},
		{"String as a number", `query($s: String) { users(after: $s) { totalCount } }`, map[string]any{"s": json.Number("5")}, "GRAPHQL_VALIDATION_FAILED"},
		{"NUL in a String", `query($s: String) { users(filter: {search: $s}) { totalCount } }`, map[string]any{"s": "a\x00b"}, "BAD_USER_INPUT"},
		{"NUL in an ID list", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []any{"ok", "a\x00"}}, "BAD_USER_INPUT"},
		{"NUL in a string literal", `{ node(id: "a\u0000b") { id } }`, nil, "BAD_USER_INPUT"},
		{"enum in lower case", `query($c: RoleCategory) { users(filter: {category: $c}) { totalCount } }`, map[string]any{"c": "admin"}, "GRAPHQL_VALIDATION_FAILED"},
		{"enum as a number", `query($c: RoleCategory) { users(filter: {category: $c}) { totalCount } }`, map[string]any{"c": json.Number("0")}, "GRAPHQL_VALIDATION_FAILED"},
		{"enum in an input object, lower case", `query($f: UserFilter) { users(filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"category": "admin"}}, "GRAPHQL_VALIDATION_FAILED"},
		{"whole Int", `query($n: Int) { users(first: $n) { totalCount } }`, map[string]any{"n": json.Number("5")}, ""},
		{"ID as a whole number", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": json.Number("12")}, ""},
		{"single value for a list", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": "x"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := postQuery(t, h, c.query, c.variables)
			got := firstErrorCode(resp)
			if c.wantCode == "" && got != "GRAPHQL_VALIDATION_FAILED" && got != "BAD_USER_INPUT" {
				return // accepted (the resolvers, absent here, are not under test)
			}
			if got != c.wantCode {
				t.Fatalf("code %q, want %q (errors %v)", got, c.wantCode, resp["errors"])
			}
		})
	}
}

// BenchmarkHostileDocuments measures the server's work on each hostile
// document, budget on and (for the ones that finish) off:
//
//	go test ./graph -run '^$' -bench HostileDocuments -benchtime 20x
func BenchmarkHostileDocuments(b *testing.B) {
	on := budgetServer()
	for _, doc := range hostileDocuments() {
		b.Run(doc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				postQuery(b, on, doc.query, nil)
			}
		})
	}
}

const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}`
