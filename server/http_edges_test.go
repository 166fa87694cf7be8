package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// rawRequest sends a request to /graphql as a careless or hostile client
// would, and decodes the answer's first error code.
func rawRequest(t *testing.T, m *servertest.Main, method, query, contentType, body string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, m.URL()+"/graphql"+query, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	var r servertest.Response
	res := servertest.DoInto(t, req, &r) // an answer that is not JSON fails
	return res, r.Code()
}

// Every refusal at the HTTP level carries extensions.code and the status of
// GraphQL over HTTP.
func TestGraphQLOverHTTPEdges(t *testing.T) {
	w := servertest.NewWorld(t)
	m := w.M
	bearer := http.Header{"Authorization": {"Bearer " + m.MustLogin(t, w.CompanyAdmin)}}
	get := func(q string, vars string) string {
		v := url.Values{"query": {q}}
		if vars != "" {
			v.Set("variables", vars)
		}
		return "?" + v.Encode()
	}
	cases := []struct {
		name                       string
		method, query, ctype, body string
		wantStatus                 int
		wantCode                   string
		wantAllow                  string
	}{
		{"PUT", http.MethodPut, "", "application/json", `{"query":"{__typename}"}`, 405, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS"},
		{"DELETE", http.MethodDelete, "", "", "", 405, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS"},
		{"WrongContentType", http.MethodPost, "", "text/plain", `{"query":"{__typename}"}`, 415, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"NoContentType", http.MethodPost, "", "", `{"query":"{__typename}"}`, 415, "UNSUPPORTED_MEDIA_TYPE", ""},
		{"GETMutation", http.MethodGet, get(`mutation { __typename }`, ""), "", "", 405, "METHOD_NOT_ALLOWED", "POST"},
		{"GETUndecodableVariables", http.MethodGet, get(`{ __typename }`, "nope"), "", "", 400, "BAD_REQUEST", ""},
		{"POSTUndecodableVariables", http.MethodPost, "", "application/json", `{"query":"{__typename}","variables":"x"}`, 400, "BAD_USER_INPUT", ""},
		{"StringForInt", http.MethodPost, "", "application/json", `{"query":"query($n:Int){users(first:$n){totalCount}}","variables":{"n":"5"}}`, 422, "GRAPHQL_VALIDATION_FAILED", ""},
		{"NULInVariable", http.MethodPost, "", "application/json", `{"query":"query($s:String){users(filter:{search:$s}){totalCount}}","variables":{"s":"a\u0000b"}}`, 422, "BAD_USER_INPUT", ""},
		{"MalformedDateVariable", http.MethodPost, "", "application/json", `{"query":"query($f:DateTime){auditEvents(filter:{from:$f}){totalCount}}","variables":{"f":"yesterday"}}`, 200, "BAD_USER_INPUT", ""},
		{"MalformedDateLiteral", http.MethodPost, "", "application/json", `{"query":"{auditEvents(filter:{from:\"2026-13-45\"}){totalCount}}"}`, 200, "BAD_USER_INPUT", ""},
		{"GETQueryServed", http.MethodGet, get(`{ __typename }`, ""), "", "", 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, code := rawRequest(t, m, c.method, c.query, c.ctype, c.body, bearer)
			if res.StatusCode != c.wantStatus || code != c.wantCode || res.Header.Get("Allow") != c.wantAllow {
				t.Fatalf("status %d code %q Allow %q; want %d %q %q", res.StatusCode, code, res.Header.Get("Allow"), c.wantStatus, c.wantCode, c.wantAllow)
			}
		})
	}
}

// Without CORS_ORIGINS no other origin may read answers: rs/cors would
// have answered * (with credentials) for an empty list.
func TestNoCORSOriginsMeansNoCrossOrigin(t *testing.T) {
	m := servertest.MustRunMain(t)
	for _, method := range []string{http.MethodOptions, http.MethodPost} {
		res, _ := func() (*http.Response, string) {
			req, _ := http.NewRequest(method, m.URL()+"/graphql", strings.NewReader(`{"query":"{__typename}"}`))
			req.Header.Set("Origin", "https://evil.example.test")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res, ""
		}()
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"} {
			if v := res.Header.Get(h); v != "" {
				t.Fatalf("%s answered %s: %s", method, h, v)
			}
		}
	}
}
