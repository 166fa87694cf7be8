package wiring

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
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

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	w.Close()
	return buf.Bytes()
}

// Issue 15.8: the SPA's assets are served from the compressed copies the
// build made, by Accept-Encoding, with Vary, their own ETags and the
// asset's Content-Type; the file itself to clients that accept neither.
func TestSPAPrecompressedAssets(t *testing.T) {
	js := []byte(strings.Repeat("export const message = 'Gestione utenze';\n", 100))
	brCopy := []byte("pretend these are brotli bytes") // the handler sends the copy as it is
	dist := fstest.MapFS{
		"index.html":             {Data: []byte("<!doctype html><html><body><div id=root></div></body></html>")},
		"assets/index-abc.js":    {Data: js},
		"assets/index-abc.js.br": {Data: brCopy},
		"assets/index-abc.js.gz": {Data: gzipped(t, js)},
		"favicon.svg":            {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
	}
	h := spaHandlerFS(dist)
	get := func(path, acceptEncoding string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	check := func(t *testing.T, rec *httptest.ResponseRecorder, encoding string) {
		t.Helper()
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		if got := rec.Header().Get("Content-Encoding"); got != encoding {
			t.Fatalf("Content-Encoding %q, want %q", got, encoding)
		}
		if got := rec.Header().Get("Vary"); got != "Accept-Encoding" {
			t.Fatalf("Vary %q", got)
		}
		if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "text/javascript") {
			t.Fatalf("Content-Type %q", got)
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Fatalf("Cache-Control %q", got)
		}
	}

	t.Run("Brotli", func(t *testing.T) {
		rec := get("/assets/index-abc.js", "gzip, deflate, br, zstd")
		check(t, rec, "br")
		if !bytes.Equal(rec.Body.Bytes(), brCopy) {
			t.Fatalf("body is not the .br copy: %q", rec.Body.Bytes()[:20])
		}
	})
	t.Run("Gzip", func(t *testing.T) {
		rec := get("/assets/index-abc.js", "gzip")
		check(t, rec, "gzip")
		if !bytes.Equal(gunzip(t, rec.Body.Bytes()), js) {
			t.Fatal("the gzip copy does not decode to the asset")
		}
		// br refused: gzip, even though br is preferred otherwise.
		check(t, get("/assets/index-abc.js", "br;q=0, gzip;q=0.5"), "gzip")
	})
	t.Run("IdentityWhenNotAccepted", func(t *testing.T) {
		for _, ae := range []string{"", "identity", "br;q=0, gzip;q=0", "deflate"} {
			rec := get("/assets/index-abc.js", ae)
			check(t, rec, "")
			if !bytes.Equal(rec.Body.Bytes(), js) {
				t.Fatalf("Accept-Encoding %q: body is not the asset", ae)
			}
		}
	})
	t.Run("ETagPerRepresentation", func(t *testing.T) {
		tags := map[string]bool{}
		for _, ae := range []string{"br", "gzip", ""} {
			tag := get("/assets/index-abc.js", ae).Header().Get("ETag")
			if tag == "" || tags[tag] {
				t.Fatalf("Accept-Encoding %q: ETag %q missing or shared with another representation", ae, tag)
			}
			tags[tag] = true
			if rec := get("/assets/index-abc.js", ae, "If-None-Match", tag); rec.Code != http.StatusNotModified {
				t.Fatalf("Accept-Encoding %q: revalidation answered %d", ae, rec.Code)
			}
		}
	})
	t.Run("RangeOfTheSentRepresentation", func(t *testing.T) {
		rec := get("/assets/index-abc.js", "br", "Range", "bytes=0-6")
		if rec.Code != http.StatusPartialContent || rec.Body.String() != string(brCopy[:7]) ||
			rec.Header().Get("Content-Range") != fmt.Sprintf("bytes 0-6/%d", len(brCopy)) {
			t.Fatalf("status %d, Content-Range %q, body %q", rec.Code, rec.Header().Get("Content-Range"), rec.Body.String())
		}
	})
	t.Run("IndexAndUncompressedFiles", func(t *testing.T) {
		rec := get("/users/42", "br, gzip")
		if rec.Header().Get("Cache-Control") != "no-cache" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(rec.Body.String(), "id=root") {
			t.Fatalf("index: %d %v", rec.Code, rec.Header())
		}
		// No compressed copy (too small): the file, without Vary.
		rec = get("/favicon.svg", "br, gzip")
		if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Vary") != "" || rec.Header().Get("Content-Type") != "image/svg+xml" {
			t.Fatalf("favicon: %v", rec.Header())
		}
		// The copies are not files of their own.
		if rec := get("/assets/index-abc.js.br", "br"); rec.Code != http.StatusNotFound {
			t.Fatalf("a .br copy answered %d", rec.Code)
		}
	})
}

// gzipJSON as a unit: large JSON answers are gzipped for clients that
// accept it, small ones and other clients get them as they are, and a
// stream (Server-Sent Events) is never held back.
func TestGzipJSON(t *testing.T) {
	large := []byte(`{"data":{"users":[` + strings.TrimSuffix(strings.Repeat(`{"username":"m.rossi","givenName":"Marco"},`, 60), ",") + `]}}`)
	small := []byte(`{"data":{"viewer":null}}`)
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/large", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(large[:100]) // in pieces, as encoders write
		_, _ = w.Write(large[100:])
	})
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/graphql-response+json")
		_, _ = w.Write(small)
	})
	mux.HandleFunc("/sse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "event: next\ndata: {\"data\":{\"n\":1}}\n\n")
		http.NewResponseController(w).Flush()
		<-release // the stream stays open until the test has read the event
		fmt.Fprint(w, "event: complete\ndata:\n\n")
	})
	srv := httptest.NewServer(gzipJSON(mux))
	defer srv.Close()
	defer close(release)
	do := func(path, acceptEncoding string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		res, err := rawClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}

	t.Run("LargeJSONGzipped", func(t *testing.T) {
		res, body := do("/large", "gzip, deflate, br")
		if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("headers %v", res.Header)
		}
		if !bytes.Equal(gunzip(t, body), large) || len(body) >= len(large) {
			t.Fatalf("%d compressed bytes for %d", len(body), len(large))
		}
	})
	// Issue 17.1: answers are compressed at gzipLevel (BestSpeed) by
	// klauspost/compress, the compressor that costs the server least CPU
	// (a 55 kB users page: 221 µs against the standard library's 572 µs):
	// the bytes are exactly those of its BestSpeed compressor, not of the
	// default level's nor of the standard library's (which the other
	// subtests still decompress: the output is plain gzip).
	t.Run("FastestLevel", func(t *testing.T) {
		_, body := do("/large", "gzip")
		var want, dflt bytes.Buffer
		for _, c := range []struct {
			buf   *bytes.Buffer
			level int
		}{{&want, kgzip.BestSpeed}, {&dflt, kgzip.DefaultCompression}} {
			zw, _ := kgzip.NewWriterLevel(c.buf, c.level)
			_, _ = zw.Write(large)
			zw.Close()
		}
		if bytes.Equal(want.Bytes(), dflt.Bytes()) {
			t.Fatal("the test's answer compresses the same at both levels: it cannot tell them apart")
		}
		if !bytes.Equal(body, want.Bytes()) {
			t.Fatalf("%d compressed bytes, not the %d of klauspost's BestSpeed (default level: %d)", len(body), want.Len(), dflt.Len())
		}
	})
	t.Run("NotWhenNotAccepted", func(t *testing.T) {
		for _, ae := range []string{"", "br", "gzip;q=0"} {
			res, body := do("/large", ae)
			if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, large) || res.Header.Get("Vary") != "Accept-Encoding" {
				t.Fatalf("Accept-Encoding %q: %v", ae, res.Header)
			}
		}
	})
	t.Run("NotWhenSmall", func(t *testing.T) {
		res, body := do("/small", "gzip")
		if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, small) {
			t.Fatalf("headers %v body %q", res.Header, body)
		}
	})
	t.Run("SSENotBuffered", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/sse", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := rawClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("a stream was compressed: %v", res.Header)
		}
		// The first event arrives while the handler still holds the stream open.
		line, err := bufio.NewReader(res.Body).ReadString('\n')
		if err != nil || line != "event: next\n" {
			t.Fatalf("first line %q, %v (held back by the compressor?)", line, err)
		}
	})
}
