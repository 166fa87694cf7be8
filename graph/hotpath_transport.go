package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
)

// The fast path's answer is already the JSON the client gets: compact, and
// escaped as encoding/json escapes (hotWriter.str). gqlgen's POST transport
// would still marshal it again (json.Marshal of the response re-compacts
// the whole data, about 100 kB for a page of 50). hotPOST is that transport
// with a slot in the request's context: the fast path leaves its data in
// the slot and a one-byte placeholder in the response, and the response
// writer puts the data in place of the placeholder. Every other answer
// (gqlgen's, errors, other transports) is written as before.

type hotSlotKey struct{}

// hotSlot carries the fast path's data from the executor to the writer.
type hotSlot struct{ data []byte }

// hotPlaceholder is the response's data while the slot holds it.
var hotPlaceholder = json.RawMessage("0")

// hotPlaceholderPrefix is how json.Marshal begins a response with that
// data and no errors.
const hotPlaceholderPrefix = `{"data":0`

// takeHotSlot returns the request's slot, nil outside hotPOST.
func takeHotSlot(ctx context.Context) *hotSlot {
	s, _ := ctx.Value(hotSlotKey{}).(*hotSlot)
	return s
}

// hotResponse is the fast path's response: the data in the slot when there
// is one, else in the response (the transport compacts it, unchanged).
func hotResponse(ctx context.Context, data []byte) *graphql.Response {
	if s := takeHotSlot(ctx); s != nil && s.data == nil {
		s.data = data
		return &graphql.Response{Data: hotPlaceholder}
	}
	return &graphql.Response{Data: data}
}

// hotPOST is transport.POST whose writer fills the slot's data in.
type hotPOST struct{ transport.POST }

func (t hotPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	slot := &hotSlot{}
	r = r.WithContext(context.WithValue(r.Context(), hotSlotKey{}, slot))
	t.POST.Do(&hotResponseWriter{ResponseWriter: w, slot: slot}, r, exec)
}

type hotResponseWriter struct {
	http.ResponseWriter
	slot *hotSlot
}

func (w *hotResponseWriter) Write(b []byte) (int, error) {
	data := w.slot.data
	if data == nil || !bytes.HasPrefix(b, []byte(hotPlaceholderPrefix)) || len(b) == len(hotPlaceholderPrefix) ||
		(b[len(hotPlaceholderPrefix)] != ',' && b[len(hotPlaceholderPrefix)] != '}') {
		return w.ResponseWriter.Write(b)
	}
	w.slot.data = nil
	for _, part := range [][]byte{[]byte(`{"data":`), data, b[len(hotPlaceholderPrefix):]} {
		if _, err := w.ResponseWriter.Write(part); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *hotResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
