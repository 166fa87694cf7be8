package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

// TestEmbeddedDefault runs the server as `scripts/run.sh` does on a fresh
// machine: no DATABASE_URL, no REDIS_URL. It must serve GraphQL and the
// page, and keep its data across a restart.
func TestEmbeddedDefault(t *testing.T) {
	dataDir := t.TempDir()
	start := func() *servertest.Main {
		m := servertest.Wrap(wiring.NewMain())
		m.Logger = slog.New(slog.DiscardHandler)
		t.Setenv("DATABASE_URL", "")
		t.Setenv("REDIS_URL", "")
		if err := m.ParseFlags([]string{"-addr", "127.0.0.1:0", "-data-dir", dataDir}); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			m.Close()
			t.Fatal(err)
		}
		return m
	}
	m := start()
	if !m.EmbeddedPostgres() || !m.KV.InProcess {
		m.Close()
		t.Fatal("expected the embedded PostgreSQL and the in-process store")
	}
	res, body := servertest.Get(t, m.URL()+"/")
	if res.StatusCode != 200 || !strings.Contains(body, "<html") {
		t.Fatalf("page: %d", res.StatusCode)
	}
	var out struct {
		BootstrapPlatformAdmin struct{ User struct{ Username string } }
	}
	m.GQL(t, "", servertest.BootstrapMutation, map[string]any{"input": map[string]any{"token": m.SetupToken, "username": "root.admin",
		"email": "root@example.test", "givenName": "Root", "familyName": "Admin", "password": "a long enough passphrase"}}).Decode(t, &out)
	if out.BootstrapPlatformAdmin.User.Username != "root.admin" {
		t.Fatalf("bootstrap: %+v", out)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}

	m = start()
	defer m.Close()
	if m.SetupToken != "" {
		t.Fatal("after a restart the administrator must still exist (no new setup token)")
	}
	var id int64
	if err := m.DB.QueryRow("SELECT id FROM users WHERE username = 'root.admin' AND platform_admin").Scan(&id); err != nil {
		t.Fatalf("administrator lost on restart: %v", err)
	}
	var viewer struct {
		Viewer struct {
			PlatformAdmin bool
			User          struct{ Username string }
		}
	}
	m.GQL(t, m.MustLogin(t, id), `{ viewer { platformAdmin user { username } } }`, nil).Decode(t, &viewer)
	if !viewer.Viewer.PlatformAdmin || viewer.Viewer.User.Username != "root.admin" {
		t.Fatalf("viewer = %+v", viewer)
	}
}
