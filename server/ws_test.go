package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient speaks graphql-transport-ws to a running server, as a dashboard
// (graphql-ws) does: connection_init with the bearer token, subscribe,
// then next / error / complete messages.
type wsClient struct {
	tb   testing.TB
	conn *websocket.Conn
}

// wsMessage is one server message.
type wsMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

type wsOptions struct {
	// receiveBuffer, when set, shrinks the socket's receive buffer so that
	// a client that stops reading backs up the server quickly.
	receiveBuffer int
}

// mustWS opens a subscription connection authenticated by a bearer token
// in connection_init.
func (m *Main) mustWS(tb testing.TB, token string, opts ...wsOptions) *wsClient {
	tb.Helper()
	c, err := m.dialWS(token, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.CloseNow() })
	ws := &wsClient{tb: tb, conn: c}
	if msg := ws.next(); msg.Type != "connection_ack" {
		tb.Fatalf("connection_init answered %s %s", msg.Type, msg.Payload)
	}
	return ws
}

func (m *Main) dialWS(token string, opts ...wsOptions) (*websocket.Conn, error) {
	dialer := &net.Dialer{}
	for _, o := range opts {
		if o.receiveBuffer > 0 {
			size := o.receiveBuffer
			dialer.Control = func(_, _ string, rc syscall.RawConn) error {
				var serr error
				err := rc.Control(func(fd uintptr) {
					serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, size)
				})
				if err != nil {
					return err
				}
				return serr
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+m.Addr()+"/graphql", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"},
		HTTPClient:   &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}},
	})
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(1 << 24)
	init := map[string]any{"type": "connection_init", "payload": map[string]any{}}
	if token != "" {
		init["payload"] = map[string]any{"Authorization": "Bearer " + token}
	}
	b, _ := json.Marshal(init)
	if err := c.Write(ctx, websocket.MessageText, b); err != nil {
		c.CloseNow()
		return nil, err
	}
	return c, nil
}

func (ws *wsClient) send(v any) {
	ws.tb.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.conn.Write(ctx, websocket.MessageText, b); err != nil {
		ws.tb.Fatal(err)
	}
}

// subscribe starts an operation with the given id.
func (ws *wsClient) subscribe(id, query string, vars map[string]any) {
	ws.tb.Helper()
	ws.send(map[string]any{"type": "subscribe", "id": id, "payload": map[string]any{"query": query, "variables": vars}})
}

// next returns the next message that is not a ping (answered with a pong),
// failing after a generous timeout.
func (ws *wsClient) next() wsMessage {
	ws.tb.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, b, err := ws.conn.Read(ctx)
		cancel()
		if err != nil {
			ws.tb.Fatalf("read: %v", err)
		}
		var msg wsMessage
		if err := json.Unmarshal(b, &msg); err != nil {
			ws.tb.Fatalf("message %q: %v", b, err)
		}
		if msg.Type == "ping" {
			ws.send(map[string]any{"type": "pong"})
			continue
		}
		return msg
	}
}

// changeEvent is the selection the tests subscribe with.
type changeEvent struct {
	Cursor      string
	Type        string
	SubjectType string
	SubjectID   *string
	Tenant      *struct{ ID string }
	Payload     map[string]any
	AuditEvent  *struct{ Action, ActorLabel string }
}

const changesSubscription = `subscription($tenantIds: [ID!], $after: String) {
  changes(tenantIds: $tenantIds, after: $after) {
    cursor type subjectType subjectId tenant { id } payload auditEvent { action actorLabel }
  }
}`

// nextEvent returns the next event of the subscription, failing on an
// error or completion.
func (ws *wsClient) nextEvent() changeEvent {
	ws.tb.Helper()
	msg := ws.next()
	if msg.Type != "next" {
		ws.tb.Fatalf("expected an event, got %s %s", msg.Type, msg.Payload)
	}
	var res struct {
		Data   struct{ Changes changeEvent }
		Errors []any
	}
	if err := json.Unmarshal(msg.Payload, &res); err != nil || len(res.Errors) > 0 {
		ws.tb.Fatalf("event %s: %v", msg.Payload, err)
	}
	return res.Data.Changes
}

// events returns the next n events.
func (ws *wsClient) events(n int) []changeEvent {
	ws.tb.Helper()
	out := make([]changeEvent, n)
	for i := range out {
		out[i] = ws.nextEvent()
	}
	return out
}

// endError reads until the subscription ends and returns the error's code
// and reason; it fails if the subscription completes without one.
func (ws *wsClient) endError() (code, reason string, received int) {
	ws.tb.Helper()
	for {
		msg := ws.next()
		switch msg.Type {
		case "next":
			// An error at the start of the operation is an execution
			// result with errors (then complete).
			var res struct {
				Errors []struct{ Extensions map[string]any }
			}
			if json.Unmarshal(msg.Payload, &res) == nil && len(res.Errors) > 0 {
				code, _ = res.Errors[0].Extensions["code"].(string)
				reason, _ = res.Errors[0].Extensions["reason"].(string)
				return code, reason, received
			}
			received++
		case "error":
			var errs []struct {
				Message    string
				Extensions map[string]any
			}
			if err := json.Unmarshal(msg.Payload, &errs); err != nil || len(errs) == 0 {
				ws.tb.Fatalf("error payload %s", msg.Payload)
			}
			code, _ = errs[0].Extensions["code"].(string)
			reason, _ = errs[0].Extensions["reason"].(string)
			return code, reason, received
		default:
			ws.tb.Fatalf("subscription ended with %s %s, want an error", msg.Type, msg.Payload)
		}
	}
}

func types(evs []changeEvent) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Type)
	}
	return strings.Join(s, ",")
}
