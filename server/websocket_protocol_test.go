package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// rawWS is a WebSocket speaking raw frames, to test the server's side of
// graphql-transport-ws message by message.
type rawWS struct {
	t    *testing.T
	conn *websocket.Conn
}

func dialRaw(t *testing.T, m *servertest.Main, subprotocols []string, header http.Header) *rawWS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+m.Addr()+"/graphql", &websocket.DialOptions{Subprotocols: subprotocols, HTTPHeader: header})
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 24)
	t.Cleanup(func() { c.CloseNow() })
	return &rawWS{t: t, conn: c}
}

func (r *rawWS) sendText(s string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.conn.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawWS) send(v any) {
	b, _ := json.Marshal(v)
	r.sendText(string(b))
}

// read returns the next message, or the close status and reason when the
// server closed the socket.
func (r *rawWS) read(timeout time.Duration) (msg servertest.WSMessage, code websocket.StatusCode, reason string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, b, err := r.conn.Read(ctx)
	if err != nil {
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return servertest.WSMessage{}, ce.Code, ce.Reason
		}
		r.t.Fatalf("read: %v", err)
	}
	if err := json.Unmarshal(b, &msg); err != nil {
		r.t.Fatalf("message %q: %v", b, err)
	}
	return msg, -1, ""
}

// expectClose reads until the server closes, failing on any message.
func (r *rawWS) expectClose(want websocket.StatusCode, wantReason string) {
	r.t.Helper()
	msg, code, reason := r.read(15 * time.Second)
	if code != want || !strings.Contains(reason, wantReason) {
		r.t.Fatalf("got message %+v / close %d %q, want close %d %q", msg, code, reason, want, wantReason)
	}
}

func (r *rawWS) expect(typ string) servertest.WSMessage {
	r.t.Helper()
	msg, code, reason := r.read(15 * time.Second)
	if code != -1 || msg.Type != typ {
		r.t.Fatalf("got message %+v / close %d %q, want %s", msg, code, reason, typ)
	}
	return msg
}

func (r *rawWS) init(token string) {
	r.t.Helper()
	r.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	r.expect("connection_ack")
}

func TestWebsocketProtocolConformance(t *testing.T) {
	w := servertest.NewWorld(t)
	m := w.M
	token := m.MustLogin(t, w.CompanyAdmin)
	proto := []string{"graphql-transport-ws"}

	t.Run("UnknownSubprotocol4406", func(t *testing.T) {
		dialRaw(t, m, []string{"graphql-ws"}, nil).expectClose(4406, "Subprotocol not acceptable")
	})
	t.Run("NoSubprotocol4406", func(t *testing.T) {
		dialRaw(t, m, nil, nil).expectClose(4406, "Subprotocol not acceptable")
	})
	t.Run("SubscribeBeforeAck4401", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.send(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]any{"query": "{ __typename }"}})
		c.expectClose(4401, "Unauthorized")
	})
	t.Run("SecondInit4429", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.init(token)
		c.send(map[string]any{"type": "connection_init"})
		c.expectClose(4429, "Too many initialisation requests")
	})
	for name, frame := range map[string]string{
		"NotJSON":              `{"type": "connection_init"`,
		"NoType":               `{"payload": {}}`,
		"UnknownType":          `{"type": "start", "id": "1"}`,
		"InitPayloadNotObject": `{"type": "connection_init", "payload": "x"}`,
	} {
		t.Run("Invalid4400/"+name, func(t *testing.T) {
			c := dialRaw(t, m, proto, nil)
			c.sendText(frame)
			c.expectClose(4400, "")
		})
	}
	t.Run("Invalid4400/SubscribeWithoutID", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.init(token)
		c.send(map[string]any{"type": "subscribe", "payload": map[string]any{"query": "{ __typename }"}})
		c.expectClose(4400, "")
	})
	t.Run("NoInitWithinTimeout4408", func(t *testing.T) {
		short := servertest.MustRunReplica(t, m, nil, "-ws-init-timeout", "300ms", "-event-relay=false")
		dialRaw(t, short, proto, nil).expectClose(4408, "Connection initialisation timeout")
	})
	t.Run("DuplicateID4409", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.init(token)
		sub := map[string]any{"type": "subscribe", "id": "dup", "payload": map[string]any{"query": `subscription { changes { cursor } }`}}
		c.send(sub)
		c.send(sub)
		c.expectClose(4409, "Subscriber for dup already exists")
	})
	t.Run("ErrorIsNotFollowedByComplete", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.init(token)
		c.send(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]any{"query": `{ noSuchField }`}})
		msg := c.expect("error")
		var errs []struct{ Extensions map[string]any }
		if json.Unmarshal(msg.Payload, &errs) != nil || len(errs) == 0 || errs[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("error payload %s", msg.Payload)
		}
		// The next message answers this ping: no complete came in between.
		c.send(map[string]any{"type": "ping", "payload": map[string]any{"n": 1}})
		if pong := c.expect("pong"); string(pong.Payload) != `{"n":1}` {
			t.Fatalf("pong payload %s", pong.Payload)
		}
	})
	t.Run("TwoRootFieldsIsAValidationError", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.init(token)
		c.send(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]any{"query": `subscription { a: changes { cursor } b: changes { cursor } }`}})
		msg := c.expect("error")
		if !strings.Contains(string(msg.Payload), "GRAPHQL_VALIDATION_FAILED") {
			t.Fatalf("error payload %s", msg.Payload)
		}
	})
	t.Run("QueryGetsNextThenComplete", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.init(token)
		c.send(map[string]any{"type": "subscribe", "id": "q", "payload": map[string]any{"query": `{ viewer { __typename } }`}})
		if next := c.expect("next"); next.ID != "q" || !strings.Contains(string(next.Payload), `"viewer"`) {
			t.Fatalf("next %+v", next)
		}
		if done := c.expect("complete"); done.ID != "q" {
			t.Fatalf("complete %+v", done)
		}
	})
	t.Run("EachEventOnce", func(t *testing.T) {
		c := dialRaw(t, m, proto, nil)
		c.init(token)
		c.send(map[string]any{"type": "subscribe", "id": "1", "payload": map[string]any{"query": `subscription { changes { cursor } }`}})
		servertest.WaitSubscribers(t, m, 1)
		servertest.RecordChange(t, m, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"n": 1})
		c.expect("next")
		c.send(map[string]any{"type": "ping"})
		c.expect("pong") // not a second copy of the event
		c.send(map[string]any{"type": "complete", "id": "1"})
		servertest.WaitSubscribers(t, m, 0)
	})
}

// openDescriptors counts this process's open files: the servers under test
// run in it.
func openDescriptors(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	return len(entries)
}

// A cookie session opening a WebSocket without its CSRF token is closed
// with 4403, and the socket is released: the refused handshakes used to
// leave their descriptors open until the process ran out.
func TestWebsocketCSRFRefusalClosesAndReleases(t *testing.T) {
	w := servertest.NewWorld(t)
	cookie := w.M.MustLoginCookie(t, w.CompanyAdmin)
	header := http.Header{"Cookie": {wiring.SessionCookie + "=" + cookie}}
	for name, payload := range map[string]map[string]any{
		"Missing": {},
		"Wrong":   {"csrfToken": "forged"},
	} {
		t.Run(name, func(t *testing.T) {
			c := dialRaw(t, w.M, []string{"graphql-transport-ws"}, header)
			c.send(map[string]any{"type": "connection_init", "payload": payload})
			c.expectClose(4403, "Forbidden")
		})
	}

	before := openDescriptors(t)
	const handshakes = 150
	for i := 0; i < handshakes; i++ {
		c := dialRaw(t, w.M, []string{"graphql-transport-ws"}, header)
		c.send(map[string]any{"type": "connection_init", "payload": map[string]any{}})
		c.expectClose(4403, "Forbidden")
		c.conn.CloseNow()
	}
	// Both ends are in this process; give the closes a moment to land.
	deadline := time.Now().Add(20 * time.Second)
	for {
		after := openDescriptors(t)
		if after <= before+20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d descriptors open before %d refused handshakes, %d after: sockets leak", before, handshakes, after)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A subscription over plain POST is refused at once; over SSE it streams.
func TestSubscriptionOverHTTP(t *testing.T) {
	w := servertest.NewWorld(t)
	m := w.M
	token := m.MustLogin(t, w.CompanyAdmin)
	body := `{"query": "subscription { changes { cursor type } }"}`

	t.Run("PlainPOSTRefusedAtOnce", func(t *testing.T) {
		resp, err := postWithAccept(m, token, "", body, 10*time.Second)
		if err != nil {
			t.Fatalf("no answer (it used to wait for the next event): %v", err)
		}
		defer resp.Body.Close()
		var r servertest.Response
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode < 400 || r.Code() != "SUBSCRIPTION_NEEDS_STREAM" {
			t.Fatalf("status %d code %q", resp.StatusCode, r.Code())
		}
	})
	t.Run("SSEStreamsEvents", func(t *testing.T) {
		resp, err := postWithAccept(m, token, "text/event-stream", body, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
			t.Fatalf("content type %q", ct)
		}
		servertest.WaitSubscribers(t, m, 1)
		for i := 0; i < 2; i++ {
			servertest.RecordChange(t, m, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"n": i})
		}
		lines := bufio.NewScanner(resp.Body)
		var events []string
		for len(events) < 2 && lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				events = append(events, data)
			}
		}
		for _, e := range events {
			if !strings.Contains(e, `"USER_UPDATED"`) {
				t.Fatalf("event %s", e)
			}
		}
		if len(events) != 2 {
			t.Fatalf("got %d events: %v", len(events), lines.Err())
		}
	})
	t.Run("URQLAcceptGetsJSON", func(t *testing.T) {
		// urql lists text/event-stream among JSON types in every request.
		resp, err := postWithAccept(m, token, "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed", `{"query": "{ viewer { __typename } }"}`, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/event-stream") {
			t.Fatalf("content type %q", ct)
		}
	})
	t.Run("SSEQueryEndsWithComplete", func(t *testing.T) {
		resp, err := postWithAccept(m, token, "text/event-stream", `{"query": "{ viewer { __typename } }"}`, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), "event: next\ndata: {\"data\":{\"viewer\"") || !strings.HasSuffix(string(b), "event: complete\ndata:\n\n") {
			t.Fatalf("stream %q", b)
		}
	})
	t.Run("SSEValidationErrorIsAJSONAnswer", func(t *testing.T) {
		resp, err := postWithAccept(m, token, "text/event-stream", `{"query": "subscription { nope }"}`, 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r servertest.Response
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusBadRequest || r.Code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("status %d code %q", resp.StatusCode, r.Code())
		}
	})
}

// postWithAccept posts a GraphQL request as token's bearer, with Accept
// when not empty, and gives up after timeout.
func postWithAccept(m *servertest.Main, token, accept, body string, timeout time.Duration) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, m.URL()+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	// The body holds the context: closing the body ends it.
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// TestOfficialGraphqlWsClient runs the graphql-ws library's own client
// (Node.js, as dashboards use it) against the server.
func TestOfficialGraphqlWsClient(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is needed for this test")
		}
		t.Skip("node not installed")
	}
	w := servertest.NewWorld(t)
	m := w.M
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "testdata/graphql-ws-client.mjs", "ws://"+m.Addr()+"/graphql", m.MustLogin(t, w.CompanyAdmin))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := cmd.Wait(); err != nil {
			t.Errorf("graphql-ws client: %v", err)
		}
	}()
	lines := bufio.NewScanner(out)
	var steps []map[string]json.RawMessage
	for lines.Scan() {
		var step map[string]json.RawMessage
		if err := json.Unmarshal(lines.Bytes(), &step); err != nil {
			t.Fatalf("line %q", lines.Text())
		}
		steps = append(steps, step)
		if _, ok := step["subscribed"]; ok {
			servertest.WaitSubscribers(t, m, 1)
			servertest.RecordChange(t, m, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"n": 1})
			servertest.RecordChange(t, m, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"n": 2})
		}
	}
	got := map[string]string{}
	events := 0
	for _, s := range steps {
		for k, v := range s {
			if k == "event" {
				events++
			}
			got[k] = string(v)
		}
	}
	if !strings.Contains(got["query"], `"__typename":"Viewer"`) && !strings.Contains(got["query"], `"viewer":{`) {
		t.Errorf("query result %s", got["query"])
	}
	if !strings.Contains(got["validationError"], "GRAPHQL_VALIDATION_FAILED") {
		t.Errorf("validation error %s", got["validationError"])
	}
	if events != 2 || !strings.Contains(got["event"], "USER_UPDATED") {
		t.Errorf("%d events, last %s", events, got["event"])
	}
	if !strings.Contains(got["refused"], `"code":4403`) {
		t.Errorf("refused connection closed with %s", got["refused"])
	}
	if _, ok := got["done"]; !ok {
		t.Errorf("the client did not finish: %v", got)
	}
}
