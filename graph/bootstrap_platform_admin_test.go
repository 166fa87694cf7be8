package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

func TestBootstrapPlatformAdmin(t *testing.T) {
	m := servertest.MustRunMain(t)
	if m.SetupToken == "" {
		t.Fatal("a fresh database must print a setup token")
	}
	input := func(token, username, password string) map[string]any {
		return map[string]any{"input": map[string]any{"token": token, "username": username, "email": "Admin@Example.test",
			"givenName": "Ada", "familyName": "Lovelace", "password": password}}
	}
	codeOf := func(res *servertest.Response) string {
		var out struct {
			BootstrapPlatformAdmin struct {
				UserErrors []struct{ Code string }
			}
		}
		res.Decode(t, &out)
		if len(out.BootstrapPlatformAdmin.UserErrors) == 0 {
			return ""
		}
		return out.BootstrapPlatformAdmin.UserErrors[0].Code
	}
	t.Run("ErrWrongToken", func(t *testing.T) {
		if c := codeOf(m.GQL(t, "", servertest.BootstrapMutation, input("wrong", "ada.admin", "correct horse battery staple"))); c != "INVALID_SETUP_TOKEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		if c := codeOf(m.GQL(t, "", servertest.BootstrapMutation, input(m.SetupToken, "ada.admin", "password"))); !strings.HasPrefix(c, "PASSWORD_") {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrBadUsername", func(t *testing.T) {
		if c := codeOf(m.GQL(t, "", servertest.BootstrapMutation, input(m.SetupToken, "ada admin", "correct horse battery staple"))); c != "USERNAME_INVALID_CHARACTER" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("OK", func(t *testing.T) {
		var out struct {
			BootstrapPlatformAdmin struct {
				User struct{ Username, Status string }
			}
		}
		m.GQL(t, "", servertest.BootstrapMutation, input(m.SetupToken, "Ada.Admin", "correct horse battery staple")).Decode(t, &out)
		if out.BootstrapPlatformAdmin.User.Username != "ada.admin" || out.BootstrapPlatformAdmin.User.Status != "ACTIVE" {
			t.Fatalf("got %+v", out)
		}
		var audits int
		if err := m.DB.QueryRow("SELECT count(*) FROM audit_events WHERE action = 'platform.bootstrap'").Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits != 1 {
			t.Fatalf("audit events = %d", audits)
		}
	})
	t.Run("ErrTokenReused", func(t *testing.T) {
		if c := codeOf(m.GQL(t, "", servertest.BootstrapMutation, input(m.SetupToken, "second.admin", "correct horse battery staple"))); c != "INVALID_SETUP_TOKEN" {
			t.Fatalf("code = %q", c)
		}
		var n int
		if err := m.DB.QueryRow("SELECT count(*) FROM users").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("users = %d", n)
		}
	})
}
