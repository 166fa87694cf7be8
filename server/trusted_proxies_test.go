package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// TestTrustedProxiesThroughServer: behind a trusted balancer the failed
// sign-in records (R23) see the client's address (requestContext decides it
// once for the per-IP limits and the audit trail too); without
// TRUSTED_PROXIES a client cannot choose its address by sending
// X-Forwarded-For.
func TestTrustedProxiesThroughServer(t *testing.T) {
	// recordedAfterFailure signs in with a wrong password, sending
	// X-Forwarded-For, and returns the addresses recorded for the failure.
	recordedAfterFailure := func(t *testing.T, m *servertest.Main, xff string) []string {
		w := servertest.NewWorldOn(t, m)
		op := w.F.User("operatore.uno", w.Company)
		servertest.SetPassword(t, m, op)
		body, _ := json.Marshal(map[string]any{"query": servertest.LoginMutation, "variables": map[string]any{"input": map[string]any{
			"username": "operatore.uno", "password": "wrong password here", "tokenKind": "BEARER"}}})
		req, _ := http.NewRequest(http.MethodPost, m.URL()+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		servertest.Do(t, req)
		var ips []string
		if err := m.DB.NewRaw("SELECT ip FROM failed_logins WHERE user_id = ? ORDER BY id", op).Scan(t.Context(), &ips); err != nil {
			t.Fatal(err)
		}
		return ips
	}
	t.Run("OKBehindTrustedProxy", func(t *testing.T) {
		if ips := recordedAfterFailure(t, servertest.MustRunMainWith(t, "-trusted-proxies", "127.0.0.1/32"), "203.0.113.9"); len(ips) != 1 || ips[0] != "203.0.113.9" {
			t.Fatalf("recorded %v", ips)
		}
	})
	t.Run("ErrSpoofedWithoutTrust", func(t *testing.T) {
		if ips := recordedAfterFailure(t, servertest.MustRunMain(t), "203.0.113.9"); len(ips) != 1 || ips[0] != "127.0.0.1" {
			t.Fatalf("recorded %v: the client chose its address", ips)
		}
	})
	t.Run("ErrStartWithBadSetting", func(t *testing.T) {
		if err := wiring.NewMain().ParseFlags([]string{"-trusted-proxies", "balancer.local"}); err == nil {
			t.Fatal("a host name was accepted as a trusted proxy")
		}
	})
}
