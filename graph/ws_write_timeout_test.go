package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestWebsocketWriteTimeoutClosesStalledPeer: a peer that stops reading is
// closed once a write has waited WriteTimeout (the per-connection timer of
// writeBytes), and the connection's handler returns.
func TestWebsocketWriteTimeoutClosesStalledPeer(t *testing.T) {
	tr := graphqlTransportWS{
		InitTimeout: time.Minute, PingInterval: time.Hour, WriteTimeout: 100 * time.Millisecond,
		MaxOperations: 1, ReadLimit: 1 << 20,
		Init: func(ctx context.Context, _ map[string]any) (context.Context, error) { return ctx, nil },
	}
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		tr.Do(w, r, nil)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/", &websocket.DialOptions{Subprotocols: []string{transportWSProtocol}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	// Pings with large payloads, never reading the pongs: the server's
	// writes back up until one blocks.
	ping := []byte(`{"type":"ping","payload":{"x":"` + strings.Repeat("x", 256<<10) + `"}}`)
	go func() {
		for ctx.Err() == nil {
			if conn.Write(ctx, websocket.MessageText, ping) != nil {
				return
			}
		}
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("the server still holds the connection of a peer that stopped reading")
	}
}

// TestWebsocketNothingWrittenOnceClosing: once the connection's life has
// ended (close cancels it before sending its code), a write is refused, so
// an operation cancelled by the close cannot send a message ahead of the
// close code (a duplicate subscription id must read as 4409 alone).
func TestWebsocketNothingWrittenOnceClosing(t *testing.T) {
	written := make(chan bool, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if err != nil {
			written <- false
			return
		}
		life, cancel := context.WithCancel(context.Background())
		c := &wsConn{t: graphqlTransportWS{WriteTimeout: time.Minute}, conn: conn, life: life, cancel: cancel}
		c.writeTimer = time.AfterFunc(time.Hour, c.writeTimedOut)
		c.writeTimer.Stop()
		cancel() // as close does, before its close frame
		written <- c.writeBytes([]byte(`{"type":"next","id":"dup","payload":{}}`))
		conn.Close(closeSubscriberExists, "Subscriber for dup already exists")
	}))
	defer srv.Close()
	ctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
	defer stop()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	_, data, err := conn.Read(ctx)
	if err == nil {
		t.Fatalf("got message %s before the close code", data)
	}
	if code := websocket.CloseStatus(err); code != closeSubscriberExists {
		t.Fatalf("close %v (%v), want %d", code, err, closeSubscriberExists)
	}
	if <-written {
		t.Fatal("writeBytes reported a write on a closing connection")
	}
}
