package wiring

import (
	"bufio"
	"context"
	"github.com/klauspost/compress/gzip"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// CompressMinSize is the smallest answer worth compressing: below it gzip's
// header and the CPU cost outweigh the bytes saved.
const CompressMinSize = 1024

// compressible lists the media types of answers that are gzipped.
func compressible(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	switch strings.TrimSpace(strings.ToLower(mediaType)) {
	case "application/json", "application/graphql-response+json":
		return true
	}
	return false
}

// gzipLevel is the level JSON answers are compressed at. BestSpeed: a
// tenant administrator's users page (~100 kB of JSON) cost about a quarter
// of the server's CPU per page at the default level (issue 17.1, see
// BENCHMARKS.md "Where the time goes"); the fastest level spends a fraction
// of that for a few more bytes on the wire (repetitive JSON still shrinks
// several times over).
const gzipLevel = gzip.BestSpeed

// gzipWriters are reused across answers: a gzip.Writer holds several
// hundred kB of compressor state, too much to allocate per answer.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzipLevel)
	return w
}}

type noCompressKey struct{}

// compressHold lets the GraphQL layer turn compression off for a request
// (see noCompress) before the answer is written.
type compressHold struct{ off bool }

// noCompress asks that this request's answer go out uncompressed: the
// answers of mutations (sign-in, tokens, secrets shown once) are never
// compressed, so that no secret shares a compression context with text an
// attacker chose (BREACH; see SECURITY.md).
func noCompress(ctx context.Context) {
	if h, ok := ctx.Value(noCompressKey{}).(*compressHold); ok {
		h.off = true
	}
}

// gzipJSON gzips JSON answers of at least CompressMinSize bytes for clients
// that accept gzip (issue 15.8). WebSocket upgrades pass untouched, and so
// does anything that is not JSON (Server-Sent Events above all: each event
// must leave when it is flushed, not when a compressor's block fills).
// Every answer that could have been compressed says Vary: Accept-Encoding.
func gzipJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" || preferredEncoding(r.Header.Get("Accept-Encoding"), false, true) != "gzip" {
			if r.Header.Get("Upgrade") == "" {
				w.Header().Add("Vary", "Accept-Encoding")
			}
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		hold := &compressHold{}
		cw := &gzipResponseWriter{ResponseWriter: w, hold: hold, status: http.StatusOK}
		defer cw.close()
		next.ServeHTTP(cw, r.WithContext(context.WithValue(r.Context(), noCompressKey{}, hold)))
	})
}

// gzipResponseWriter holds the first CompressMinSize bytes of a JSON answer
// to learn whether it is worth compressing; anything else goes straight
// through.
type gzipResponseWriter struct {
	http.ResponseWriter
	hold *compressHold

	status      int
	wroteHeader bool // WriteHeader was called by the handler
	decided     bool // headers went out: passthrough or gz
	passthrough bool
	buf         []byte
	gz          *gzip.Writer
}

func (w *gzipResponseWriter) WriteHeader(code int) {
	if w.wroteHeader || w.decided {
		return
	}
	w.wroteHeader = true
	w.status = code
	h := w.Header()
	if code < 200 || code == http.StatusNoContent || code == http.StatusNotModified ||
		!compressible(h.Get("Content-Type")) || h.Get("Content-Encoding") != "" || w.hold.off {
		w.pass()
	}
}

// pass sends the headers as they are and everything after unchanged.
func (w *gzipResponseWriter) pass() {
	w.decided, w.passthrough = true, true
	w.ResponseWriter.WriteHeader(w.status)
	if len(w.buf) > 0 {
		_, _ = w.ResponseWriter.Write(w.buf) // a gone client fails the handler's next Write too
		w.buf = nil
	}
}

// compress sends the headers with Content-Encoding: gzip and starts the
// compressor with what was held.
func (w *gzipResponseWriter) compress() {
	w.decided = true
	h := w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	// A strong validator names exact bytes: the compressed ones differ.
	if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		h.Set("ETag", "W/"+etag)
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.gz = gzipWriters.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
	_, _ = w.gz.Write(w.buf) // into the compressor's buffer: a gone client shows on later writes
	w.buf = nil
}

func (w *gzipResponseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(p))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.passthrough {
		return w.ResponseWriter.Write(p)
	}
	if w.gz != nil {
		return w.gz.Write(p)
	}
	w.buf = append(w.buf, p...)
	if len(w.buf) >= CompressMinSize {
		if w.hold.off {
			w.pass()
		} else {
			w.compress()
		}
	}
	return len(p), nil
}

// FlushError sends what is held: a flush before the threshold means the
// handler wants the bytes out now, so they go uncompressed.
func (w *gzipResponseWriter) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.decided {
		w.pass()
	}
	if w.gz != nil {
		if err := w.gz.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *gzipResponseWriter) Flush() { _ = w.FlushError() }

// Hijack is for WebSocket upgrades, which gzipJSON never wraps; anything
// else that hijacks gets the connection as it is.
func (w *gzipResponseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.decided, w.passthrough = true, true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap gives http.ResponseController the underlying writer for its other
// methods (deadlines).
func (w *gzipResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// close ends the answer: a small one goes out as it is.
func (w *gzipResponseWriter) close() {
	if !w.decided {
		if !w.wroteHeader {
			// The handler wrote nothing: keep net/http's implicit 200.
			w.decided = true
			return
		}
		w.pass()
		return
	}
	if w.gz != nil {
		w.gz.Close()
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}

// selectsField reports whether a selection set asks for the named field at
// its top level (fragments included).
func selectsField(set ast.SelectionSet, name string) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == name {
				return true
			}
		case *ast.InlineFragment:
			if selectsField(s.SelectionSet, name) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selectsField(s.Definition.SelectionSet, name) {
				return true
			}
		}
	}
	return false
}
