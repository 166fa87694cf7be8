package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tenantadmin/graph/model"
)

// graphqlSSE serves GraphQL over Server-Sent Events, the "distinct
// connections" mode of the GraphQL over SSE protocol (the graphql-sse
// library): a POST asking for text/event-stream gets one `next` event per
// result and a final `complete`. It is how a subscription can be used over
// plain HTTP; a query or mutation works too (one `next`).
// https://github.com/enisdenjo/graphql-sse/blob/master/PROTOCOL.md
type graphqlSSE struct {
	// PingInterval sends a comment line so that proxies keep the stream.
	PingInterval time.Duration
	// Shared, when set, lets subscribers of the same event with the same
	// key send the same bytes, executed once (fanout.go).
	Shared *responseCache
}

var _ graphql.Transport = graphqlSSE{}

// Supports picks SSE for a client that asks for a stream only: urql, for
// one, lists text/event-stream among JSON types in every request and wants
// JSON for queries and mutations.
func (graphqlSSE) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || !acceptsOnlyEventStream(r.Header.Get("Accept")) {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "application/json"
}

func (t graphqlSSE) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := withStreaming(graphql.StartOperationTrace(r.Context()))
	var params graphql.RawParams
	start := graphql.Now()
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&params); err != nil {
		writeRequestError(w, http.StatusBadRequest, "The body is not a JSON GraphQL request.", "BAD_REQUEST")
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	rc, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		// Refused before it starts: an ordinary JSON answer, no stream.
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(resp) // status sent: nothing left to tell the client
		return
	}
	share := newSharedStream(t.Shared, rc)
	if share != nil {
		// Shared with the other subscribers waiting for the same bytes: not
		// ended by this request's end.
		base := context.WithoutCancel(ctx)
		share.render = func(prepare func(context.Context) context.Context, ev *model.ChangeEvent) ([]byte, error) {
			return renderOneEvent(prepare(base), exec, rc, ev)
		}
		ctx = withSharedStream(ctx, share)
	}
	ctx = graphql.WithOperationContext(ctx, rc)

	rcw := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var mu sync.Mutex
	finished := false
	send := func(chunk string) bool {
		mu.Lock()
		defer mu.Unlock()
		if finished {
			return false // the handler has returned: w is no longer ours
		}
		if _, err := fmt.Fprint(w, chunk); err != nil {
			return false
		}
		return rcw.Flush() == nil
	}
	// Shared events are sent from the resolver's goroutine, which may still
	// be sending when the client goes away and this handler returns.
	defer func() {
		mu.Lock()
		finished = true
		mu.Unlock()
	}()
	send(":\n\n")
	if share != nil {
		share.send = func(payload []byte) bool {
			return r.Context().Err() == nil && send("event: next\ndata: "+string(payload)+"\n\n")
		}
	}

	stopPing := make(chan struct{})
	defer close(stopPing)
	gone := ctx.Done() // not ctx itself: DispatchOperation below replaces it while this goroutine runs
	go func() {
		ticker := time.NewTicker(t.PingInterval)
		defer ticker.Stop()
		for {
			select {
			case <-stopPing:
				return
			case <-gone:
				return
			case <-ticker.C:
				send(":\n\n")
			}
		}
	}()

	defer func() {
		if p := recover(); p != nil {
			err := rc.Recover(ctx, p)
			b, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{internalError(err)}})
			send("event: next\ndata: " + string(b) + "\n\n" + "event: complete\ndata:\n\n")
		}
	}()
	responses, ctx := exec.DispatchOperation(ctx, rc)
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		b, err := json.Marshal(resp)
		if err != nil || !send("event: next\ndata: "+string(b)+"\n\n") {
			return
		}
	}
	if r.Context().Err() != nil {
		return // the client went away
	}
	if errs := streamEndErrors(ctx); len(errs) > 0 {
		b, _ := json.Marshal(graphql.Response{Errors: errs})
		send("event: next\ndata: " + string(b) + "\n\n")
	}
	send("event: complete\ndata:\n\n")
}

// writeRequestError answers a request that is not GraphQL at all.
func writeRequestError(w http.ResponseWriter, status int, message, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": code}}}}) // status sent: nothing left to tell the client
}

func acceptsOnlyEventStream(accept string) bool {
	stream := false
	for _, part := range strings.Split(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "text/event-stream":
			stream = true
		case "application/json", "application/graphql-response+json", "application/graphql+json", "*/*", "application/*":
			return false
		}
	}
	return stream
}
