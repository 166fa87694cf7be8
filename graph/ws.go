package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"tenantadmin/graph/model"
)

// graphqlTransportWS serves the graphql-transport-ws protocol (the one of
// the graphql-ws library) as its reference server does, close codes
// included: gqlgen's websocket transport panicked on a refused
// connection_init, delivered a duplicate subscription twice, answered
// protocol errors with 1000 and never timed out a silent connection.
// https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md
type graphqlTransportWS struct {
	Accept websocket.AcceptOptions
	// Init authenticates the connection from connection_init's payload.
	// An error closes the socket with 4403 Forbidden.
	Init func(ctx context.Context, payload map[string]any) (context.Context, error)
	// InitTimeout closes a connection that sends no connection_init (4408).
	InitTimeout time.Duration
	// PingInterval sends WebSocket pings; a peer that does not answer
	// within the next interval is gone and its socket is closed.
	PingInterval time.Duration
	// WriteTimeout closes the socket of a peer that stops reading.
	WriteTimeout time.Duration
	// MaxOperations bounds the operations running on one connection.
	MaxOperations int
	// ReadLimit bounds one message from the client.
	ReadLimit int64
	// Admit, when set, is asked before each operation runs; its error
	// answers the operation (an error message; the connection stays).
	Admit func(ctx context.Context) *gqlerror.Error
	// Shared, when set, lets subscribers of the same event with the same
	// key send the same bytes, executed once (fanout.go).
	Shared *responseCache
}

const transportWSProtocol = "graphql-transport-ws"

// Close codes of graphql-transport-ws.
const (
	closeBadRequest         websocket.StatusCode = 4400
	closeUnauthorized       websocket.StatusCode = 4401
	closeForbidden          websocket.StatusCode = 4403
	closeSubprotocol        websocket.StatusCode = 4406
	closeInitTimeout        websocket.StatusCode = 4408
	closeSubscriberExists   websocket.StatusCode = 4409
	closeTooManyInitialised websocket.StatusCode = 4429
	closeInternal           websocket.StatusCode = 4500
)

var _ graphql.Transport = graphqlTransportWS{}

func (graphqlTransportWS) Supports(r *http.Request) bool { return r.Header.Get("Upgrade") != "" }

func (t graphqlTransportWS) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	opts := t.Accept
	opts.Subprotocols = []string{transportWSProtocol}
	conn, err := websocket.Accept(w, r, &opts)
	if err != nil {
		return // Accept has answered (403 for a foreign origin, 400 otherwise)
	}
	if conn.Subprotocol() != transportWSProtocol {
		// As the reference server: accept, then refuse the protocol.
		conn.Close(closeSubprotocol, "Subprotocol not acceptable")
		return
	}
	conn.SetReadLimit(t.ReadLimit)
	// The request's context: it holds the session, request information
	// and loaders the middleware put there.
	ctx, cancel := context.WithCancel(r.Context())
	c := &wsConn{t: t, conn: conn, exec: exec, life: ctx, ctx: ctx, cancel: cancel,
		operations: map[string]context.CancelFunc{}, initDone: make(chan struct{})}
	c.writeTimer = time.AfterFunc(time.Hour, c.writeTimedOut)
	c.writeTimer.Stop()
	defer c.finish()
	go c.closeWithoutInit()
	go c.keepAlive()
	c.readLoop()
}

// wsConn is one graphql-transport-ws connection.
type wsConn struct {
	t    graphqlTransportWS
	conn *websocket.Conn
	exec graphql.GraphExecutor
	// life ends when the connection does; operations stop with it. It is
	// never given to the socket's own calls, which close the socket when
	// their context ends, before a close code could be sent.
	life   context.Context
	cancel context.CancelFunc
	ctx    context.Context // operations' parent: life with the viewer, after init

	writeMu sync.Mutex
	// writeTimer closes the connection when a write takes longer than
	// WriteTimeout: armed for each write, under writeMu. One timer per
	// connection, where a context with a deadline per message cost an
	// allocation, a timer and a watcher each (issue 17.3).
	writeTimer *time.Timer

	mu           sync.Mutex
	initReceived bool
	acknowledged bool
	initDone     chan struct{}
	closed       bool
	operations   map[string]context.CancelFunc // by subscription id
	running      sync.WaitGroup
}

// clientMessage is any message a client sends.
type clientMessage struct {
	Type    string          `json:"type"`
	ID      *string         `json:"id"`
	Payload json.RawMessage `json:"payload"`
}

type subscribePayload struct {
	Query         *string        `json:"query"`
	OperationName *string        `json:"operationName"`
	Variables     map[string]any `json:"variables"`
	Extensions    map[string]any `json:"extensions"`
}

func (c *wsConn) readLoop() {
	for {
		typ, data, err := c.conn.Read(context.Background())
		if err != nil {
			return // closed by the peer, by us, or gone
		}
		if typ != websocket.MessageText {
			c.close(closeBadRequest, "Invalid message received: not text")
			return
		}
		var msg clientMessage
		if err := decodeStrict(data, &msg); err != nil || msg.Type == "" {
			c.close(closeBadRequest, "Invalid message received")
			return
		}
		if !c.handle(msg) {
			return
		}
	}
}

// handle acts on one message; false when the connection was closed.
func (c *wsConn) handle(msg clientMessage) bool {
	switch msg.Type {
	case "connection_init":
		payload, ok := objectPayload(msg.Payload)
		if !ok {
			c.close(closeBadRequest, `Invalid message received: "connection_init" payload must be an object`)
			return false
		}
		c.mu.Lock()
		again := c.initReceived
		c.initReceived = true
		c.mu.Unlock()
		if again {
			c.close(closeTooManyInitialised, "Too many initialisation requests")
			return false
		}
		ctx, err := c.t.Init(c.ctx, payload)
		if err != nil {
			c.close(closeForbidden, "Forbidden")
			return false
		}
		c.mu.Lock()
		c.ctx, c.acknowledged = ctx, true
		c.mu.Unlock()
		close(c.initDone)
		return c.write(map[string]any{"type": "connection_ack"})
	case "ping":
		if _, ok := objectPayload(msg.Payload); !ok {
			c.close(closeBadRequest, `Invalid message received: "ping" payload must be an object`)
			return false
		}
		pong := map[string]any{"type": "pong"}
		if len(msg.Payload) > 0 && string(msg.Payload) != "null" {
			pong["payload"] = msg.Payload
		}
		return c.write(pong)
	case "pong":
		if _, ok := objectPayload(msg.Payload); !ok {
			c.close(closeBadRequest, `Invalid message received: "pong" payload must be an object`)
			return false
		}
		return true
	case "subscribe":
		return c.subscribe(msg)
	case "complete":
		if msg.ID == nil || *msg.ID == "" {
			c.close(closeBadRequest, `Invalid message received: "complete" needs an id`)
			return false
		}
		c.mu.Lock()
		stop := c.operations[*msg.ID]
		c.mu.Unlock()
		if stop != nil {
			stop() // the client ended it: no complete is sent back
		}
		return true
	default:
		c.close(closeBadRequest, fmt.Sprintf("Unexpected message of type %q received", truncate(msg.Type, 64)))
		return false
	}
}

func (c *wsConn) subscribe(msg clientMessage) bool {
	var p subscribePayload
	if msg.ID == nil || *msg.ID == "" || len(*msg.ID) > 256 {
		c.close(closeBadRequest, `Invalid message received: "subscribe" needs an id`)
		return false
	}
	if err := decodeStrict(msg.Payload, &p); err != nil || p.Query == nil {
		c.close(closeBadRequest, `Invalid message received: "subscribe" payload needs a query`)
		return false
	}
	id := *msg.ID
	c.mu.Lock()
	if !c.acknowledged {
		c.mu.Unlock()
		c.close(closeUnauthorized, "Unauthorized")
		return false
	}
	if _, exists := c.operations[id]; exists {
		c.mu.Unlock()
		c.close(closeSubscriberExists, "Subscriber for "+truncate(id, 64)+" already exists")
		return false
	}
	if len(c.operations) >= c.t.MaxOperations {
		c.mu.Unlock()
		err := gqlerror.Errorf("This connection already runs %d operations; complete one first.", c.t.MaxOperations)
		err.Extensions = map[string]any{"code": "TOO_MANY_OPERATIONS"}
		return c.write(map[string]any{"type": "error", "id": id, "payload": gqlerror.List{err}})
	}
	ctx, stop := context.WithCancel(c.ctx)
	c.operations[id] = stop
	c.running.Add(1)
	c.mu.Unlock()

	params := &graphql.RawParams{Query: *p.Query, Variables: p.Variables, Extensions: p.Extensions,
		ReadTime: graphql.TraceTiming{Start: graphql.Now(), End: graphql.Now()}}
	if p.OperationName != nil {
		params.OperationName = *p.OperationName
	}
	go c.run(ctx, stop, id, params)
	return true
}

// run executes one operation: next messages, then complete, or an error
// message (never followed by complete).
func (c *wsConn) run(ctx context.Context, stop context.CancelFunc, id string, params *graphql.RawParams) {
	defer c.running.Done()
	defer func() {
		c.mu.Lock()
		delete(c.operations, id)
		c.mu.Unlock()
		stop()
	}()
	// Whether the client completed the operation (or the connection ended)
	// is this context's: the operation's own may end with its last result.
	completed := ctx
	if c.t.Admit != nil {
		if err := c.t.Admit(ctx); err != nil {
			c.write(map[string]any{"type": "error", "id": id, "payload": gqlerror.List{err}})
			return
		}
	}
	ctx = withStreaming(graphql.StartOperationTrace(ctx))
	rc, errs := c.exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := c.exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs)
		c.write(map[string]any{"type": "error", "id": id, "payload": resp.Errors})
		return
	}
	if share := newSharedStream(c.t.Shared, rc); share != nil {
		// Events are executed and sent by the changes resolver's goroutine
		// (fanout.go); gqlgen's stream below only ends.
		// Shared with the other subscribers waiting for the same bytes: not
		// ended by this subscription's end.
		base := context.WithoutCancel(ctx)
		share.render = func(prepare func(context.Context) context.Context, ev *model.ChangeEvent) ([]byte, error) {
			return renderOneEvent(prepare(base), c.exec, rc, ev)
		}
		idJSON, _ := json.Marshal(id) // a string always marshals
		prefix := append(append([]byte(`{"id":`), idJSON...), `,"payload":`...)
		share.send = func(payload []byte) bool {
			if completed.Err() != nil {
				return false // no next after the client's complete
			}
			buf := messageBuffers.Get().(*[]byte)
			msg := append(append(append((*buf)[:0], prefix...), payload...), nextSuffix...)
			ok := c.writeBytes(msg) // the socket keeps no reference once written
			*buf = msg
			messageBuffers.Put(buf)
			return ok
		}
		ctx = withSharedStream(ctx, share)
	}
	ctx = graphql.WithOperationContext(ctx, rc)
	defer func() {
		if p := recover(); p != nil {
			err := rc.Recover(ctx, p)
			c.write(map[string]any{"type": "error", "id": id, "payload": gqlerror.List{internalError(err)}})
		}
	}()
	responses, ctx := c.exec.DispatchOperation(ctx, rc)
	for {
		resp := responses(ctx)
		if resp == nil {
			break
		}
		if !c.write(map[string]any{"type": "next", "id": id, "payload": resp}) {
			return
		}
	}
	if completed.Err() != nil {
		return // completed by the client, or the connection is closing
	}
	if errs := streamEndErrors(ctx); len(errs) > 0 {
		c.write(map[string]any{"type": "error", "id": id, "payload": errs})
		return
	}
	c.write(map[string]any{"type": "complete", "id": id})
}

func internalError(err error) *gqlerror.Error {
	var ge *gqlerror.Error
	if errors.As(err, &ge) {
		return ge
	}
	return &gqlerror.Error{Message: "Internal error.", Extensions: map[string]any{"code": "INTERNAL"}}
}

// write sends one message; a peer that does not take it within the write
// timeout is gone and the connection is closed.
func (c *wsConn) write(msg map[string]any) bool {
	b, err := json.Marshal(msg)
	if err != nil {
		c.close(closeInternal, "Internal error")
		return false
	}
	return c.writeBytes(b)
}

// messageBuffers hold `next` messages being written from shared bytes.
var messageBuffers = sync.Pool{New: func() any { return new([]byte) }}

// nextSuffix ends a `next` message written from shared bytes: the same
// bytes json.Marshal writes for {"type": "next", "id": …, "payload": …}.
const nextSuffix = `,"type":"next"}`

// writeBytes sends one encoded message. A write that the peer does not
// take within WriteTimeout is ended by writeTimer closing the socket.
func (c *wsConn) writeBytes(b []byte) bool {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.life.Err() != nil {
		// The connection is closing: what an operation produces once
		// cancelled (a CANCELLED error, say) must not reach the peer ahead of
		// the close code.
		return false
	}
	c.writeTimer.Reset(c.t.WriteTimeout)
	// A context without Done: the socket watches no context per message.
	err := c.conn.Write(context.Background(), websocket.MessageText, b)
	c.writeTimer.Stop()
	if err != nil {
		c.conn.CloseNow()
		c.cancel()
		return false
	}
	return true
}

// writeTimedOut ends a connection whose peer stopped reading: the blocked
// write fails once the socket is closed.
func (c *wsConn) writeTimedOut() {
	c.conn.CloseNow()
	c.cancel()
}

// close ends the connection with a protocol close code, once.
func (c *wsConn) close(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel() // operations stop first: nothing is written after the close frame
	// The close handshake waits for the peer a few seconds at most.
	c.conn.Close(code, reason)
}

func (c *wsConn) closeWithoutInit() {
	timer := time.NewTimer(c.t.InitTimeout)
	defer timer.Stop()
	select {
	case <-timer.C:
		c.close(closeInitTimeout, "Connection initialisation timeout")
	case <-c.initDone:
	case <-c.life.Done():
	}
}

func (c *wsConn) keepAlive() {
	ticker := time.NewTicker(c.t.PingInterval)
	defer ticker.Stop()
	for {
		select {
		case <-c.life.Done():
			return
		case <-ticker.C:
			// The pong comes once the peer reads again: a busy but live
			// client gets a few intervals.
			ctx, cancel := context.WithTimeout(context.Background(), 3*c.t.PingInterval)
			err := c.conn.Ping(ctx)
			cancel()
			if err != nil && c.life.Err() == nil {
				c.conn.CloseNow()
				c.cancel()
				return
			}
		}
	}
}

// finish releases the connection: operations are stopped and waited for,
// the socket is closed whatever state it is in.
func (c *wsConn) finish() {
	c.cancel()
	c.running.Wait()
	c.conn.CloseNow()
}

// decodeStrict decodes JSON keeping numbers exact, as the HTTP transports do.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// objectPayload accepts an absent or null payload, or an object.
func objectPayload(raw json.RawMessage) (map[string]any, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return map[string]any{}, true
	}
	var m map[string]any
	if err := decodeStrict(raw, &m); err != nil {
		return nil, false
	}
	return m, true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
