package servertest

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

// WSClient speaks graphql-transport-ws to a running server, as a dashboard
// (graphql-ws) does: connection_init with the bearer token, subscribe,
// then next / error / complete messages.
type WSClient struct {
	TB   testing.TB
	Conn *websocket.Conn
}

// WSMessage is one server message.
type WSMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// WSOptions tune a WebSocket client.
type WSOptions struct {
	// receiveBuffer, when set, shrinks the socket's receive buffer so that
	// a client that stops reading backs up the server quickly.
	ReceiveBuffer int
}

// MustWS opens a subscription connection authenticated by a bearer token
// in connection_init.
func (m *Main) MustWS(tb testing.TB, token string, opts ...WSOptions) *WSClient {
	tb.Helper()
	c, err := m.DialWS(token, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.CloseNow() })
	ws := &WSClient{TB: tb, Conn: c}
	if msg := ws.Next(); msg.Type != "connection_ack" {
		tb.Fatalf("connection_init answered %s %s", msg.Type, msg.Payload)
	}
	return ws
}

// DialWS opens a subscription connection and sends connection_init with the bearer token.
func (m *Main) DialWS(token string, opts ...WSOptions) (*websocket.Conn, error) {
	dialer := &net.Dialer{}
	for _, o := range opts {
		if o.ReceiveBuffer > 0 {
			size := o.ReceiveBuffer
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

// Send writes one message.
func (ws *WSClient) Send(v any) {
	ws.TB.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.Conn.Write(ctx, websocket.MessageText, b); err != nil {
		ws.TB.Fatal(err)
	}
}

// Subscribe starts an operation with the given id.
func (ws *WSClient) Subscribe(id, query string, vars map[string]any) {
	ws.TB.Helper()
	ws.Send(map[string]any{"type": "subscribe", "id": id, "payload": map[string]any{"query": query, "variables": vars}})
}

// Next returns the next message that is not a ping (answered with a pong),
// failing after a generous timeout.
func (ws *WSClient) Next() WSMessage {
	ws.TB.Helper()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, b, err := ws.Conn.Read(ctx)
		cancel()
		if err != nil {
			ws.TB.Fatalf("read: %v", err)
		}
		var msg WSMessage
		if err := json.Unmarshal(b, &msg); err != nil {
			ws.TB.Fatalf("message %q: %v", b, err)
		}
		if msg.Type == "ping" {
			ws.Send(map[string]any{"type": "pong"})
			continue
		}
		return msg
	}
}

// ChangeEvent is the selection the tests subscribe with.
type ChangeEvent struct {
	Cursor      string
	Type        string
	SubjectType string
	SubjectID   *string
	Tenant      *struct{ ID string }
	Payload     map[string]any
	AuditEvent  *struct{ Action, ActorLabel string }
}

// ChangesSubscription subscribes to changes with the ChangeEvent selection.
const ChangesSubscription = `subscription($tenantIds: [ID!], $after: String) {
  changes(tenantIds: $tenantIds, after: $after) {
    cursor type subjectType subjectId tenant { id } payload auditEvent { action actorLabel }
  }
}`

// NextEvent returns the next event of the subscription, failing on an
// error or completion.
func (ws *WSClient) NextEvent() ChangeEvent {
	ws.TB.Helper()
	msg := ws.Next()
	if msg.Type != "next" {
		ws.TB.Fatalf("expected an event, got %s %s", msg.Type, msg.Payload)
	}
	var res struct {
		Data   struct{ Changes ChangeEvent }
		Errors []any
	}
	if err := json.Unmarshal(msg.Payload, &res); err != nil || len(res.Errors) > 0 {
		ws.TB.Fatalf("event %s: %v", msg.Payload, err)
	}
	return res.Data.Changes
}

// Events returns the next n events.
func (ws *WSClient) Events(n int) []ChangeEvent {
	ws.TB.Helper()
	out := make([]ChangeEvent, n)
	for i := range out {
		out[i] = ws.NextEvent()
	}
	return out
}

// EndError reads until the subscription ends and returns the error's code
// and reason; it fails if the subscription completes without one.
func (ws *WSClient) EndError() (code, reason string, received int) {
	ws.TB.Helper()
	for {
		msg := ws.Next()
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
				ws.TB.Fatalf("error payload %s", msg.Payload)
			}
			code, _ = errs[0].Extensions["code"].(string)
			reason, _ = errs[0].Extensions["reason"].(string)
			return code, reason, received
		default:
			ws.TB.Fatalf("subscription ended with %s %s, want an error", msg.Type, msg.Payload)
		}
	}
}

// EventTypes lists the events' types, comma-separated.
func EventTypes(evs []ChangeEvent) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.Type)
	}
	return strings.Join(s, ",")
}
