package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// rawClient neither asks for nor decodes compression by itself, so the
// tests see the bytes and headers the server sent.
var rawClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Over the real /graphql: a query's large answer is gzipped; a mutation's
// never is (BREACH, SECURITY.md), however large.
func TestGraphQLCompression(t *testing.T) {
	m := servertest.MustRunMain(t)
	var aliases strings.Builder
	for i := range 40 {
		fmt.Fprintf(&aliases, " answer_number_%02d_of_the_compression_test: __typename", i)
	}
	post := func(query, acceptEncoding string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", strings.NewReader(fmt.Sprintf(`{"query": %q}`, query)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept-Encoding", acceptEncoding)
		res, err := rawClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	t.Run("QueryGzipped", func(t *testing.T) {
		res, body := post("query {"+aliases.String()+" }", "gzip")
		if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("headers %v", res.Header)
		}
		if plain := gunzip(t, body); !bytes.Contains(plain, []byte(`"answer_number_39_of_the_compression_test":"Query"`)) || len(plain) < wiring.CompressMinSize {
			t.Fatalf("answer %s", plain)
		}
	})
	t.Run("SmallQueryNot", func(t *testing.T) {
		res, body := post("{ viewer { __typename } }", "gzip")
		if res.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), `"viewer"`) {
			t.Fatalf("headers %v body %s", res.Header, body)
		}
	})
	t.Run("MutationNever", func(t *testing.T) {
		res, body := post("mutation {"+aliases.String()+" }", "gzip")
		if res.Header.Get("Content-Encoding") != "" || !bytes.Contains(body, []byte(`"answer_number_39_of_the_compression_test":"Mutation"`)) {
			t.Fatalf("headers %v body %.200s", res.Header, body)
		}
	})
}
