package main

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"

	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// TestWebsocketCSRF: a WebSocket opened with the session cookie must
// present the CSRF token in connection_init, as the SPA does.
func TestWebsocketCSRF(t *testing.T) {
	w := servertest.NewWorld(t)
	servertest.SetPassword(t, w.M, w.CompanyAdmin)
	b := servertest.NewBrowser(w.M)
	b.Post(t, servertest.LoginMutation, map[string]any{"input": map[string]any{"username": "company.admin", "password": servertest.GoodPassword}})
	connect := func(payload map[string]any) string {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h := http.Header{}
		h.Set("Cookie", wiring.SessionCookie+"="+b.Cookie(wiring.SessionCookie))
		c, _, err := websocket.Dial(ctx, "ws://"+w.M.Addr()+"/graphql", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: h})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		msg, _ := json.Marshal(map[string]any{"type": "connection_init", "payload": payload})
		if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
			t.Fatal(err)
		}
		_, data, err := c.Read(ctx)
		if err != nil {
			return "closed: " + err.Error()
		}
		var reply struct{ Type string }
		if err := json.Unmarshal(data, &reply); err != nil {
			t.Fatal(err)
		}
		return reply.Type
	}
	t.Run("OK", func(t *testing.T) {
		if got := connect(map[string]any{"csrfToken": b.Cookie(wiring.CSRFCookie)}); got != "connection_ack" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("ErrMissingToken", func(t *testing.T) {
		if got := connect(map[string]any{}); got == "connection_ack" {
			t.Fatal("a cookie WebSocket without the CSRF token was accepted")
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		if got := connect(map[string]any{"csrfToken": "forged"}); got == "connection_ack" {
			t.Fatal("a forged CSRF token was accepted")
		}
	})
}
