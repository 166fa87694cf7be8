package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/mail/mailtest"
	"tenantadmin/server/servertest"
	"tenantadmin/server/wiring"
)

const mailboxQuery = `{ developerMailbox(first: 5) { totalCount nodes { id to template subject text html } } }`

func TestDeveloperMailbox(t *testing.T) {
	w := servertest.NewWorld(t)
	w.M.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "company.admin"}})
	t.Run("OKPlatformAdmin", func(t *testing.T) {
		var out struct {
			DeveloperMailbox struct {
				TotalCount int
				Nodes      []struct{ ID, To, Template, Subject, Text, HTML string }
			}
		}
		w.M.GQL(t, w.M.MustLogin(t, w.F.PlatformAdmin("staff")), mailboxQuery, nil).Decode(t, &out)
		mb := out.DeveloperMailbox
		if mb.TotalCount != 1 || mb.Nodes[0].To != "company.admin@example.test" || mb.Nodes[0].Template != "account_recovery" ||
			!strings.Contains(mb.Nodes[0].Subject, "company.admin") || !strings.Contains(mb.Nodes[0].Text, "/reset-password#token=") || !strings.Contains(mb.Nodes[0].HTML, "<a href=") {
			t.Fatalf("mailbox %+v", mb)
		}
		if typ := globalIDType(t, mb.Nodes[0].ID); typ != "MailMessage" {
			t.Fatalf("message id %q is not a global MailMessage ID (%q)", mb.Nodes[0].ID, typ)
		}
	})
	t.Run("ErrTenantAdmin", func(t *testing.T) {
		if res := w.M.GQL(t, w.M.MustLogin(t, w.CompanyAdmin), mailboxQuery, nil); res.Code() != "FORBIDDEN" {
			t.Fatalf("code %q", res.Code())
		}
	})
	t.Run("ErrAnonymous", func(t *testing.T) {
		if res := w.M.GQL(t, "", mailboxQuery, nil); res.Code() != "UNAUTHENTICATED" {
			t.Fatalf("code %q", res.Code())
		}
	})
	t.Run("OpenWithDevMailbox", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-dev-mailbox")
		if res := m.GQL(t, "", mailboxQuery, nil); len(res.Errors) > 0 {
			t.Fatalf("errors %+v", res.Errors)
		}
	})
	t.Run("ErrInProcessStoreInProduction", func(t *testing.T) {
		t.Setenv("REDIS_URL", "")
		if err := wiring.NewMain().ParseFlags([]string{"-production"}); err == nil || !strings.Contains(err.Error(), "REDIS_URL") {
			t.Fatalf("production without REDIS_URL: %v", err)
		}
		if err := wiring.NewMain().ParseFlags([]string{"-production", "-redis-url", "redis://127.0.0.1:6379/0", "-cursor-secret", servertest.CursorSecret}); err != nil {
			t.Fatalf("production with REDIS_URL: %v", err)
		}
	})
	t.Run("ErrInProcessStoreWithAPPENVProduction", func(t *testing.T) {
		// The environment a deployment sets, not the flag: the start fails
		// with the reason, and the development default still runs without.
		t.Setenv("APP_ENV", "production")
		t.Setenv("REDIS_URL", "")
		err := wiring.NewMain().ParseFlags(nil)
		if err == nil || !strings.Contains(err.Error(), "REDIS_URL is required in production") || !strings.Contains(err.Error(), "in-process store") {
			t.Fatalf("APP_ENV=production without REDIS_URL: %v", err)
		}
		t.Setenv("APP_ENV", "")
		m := wiring.NewMain()
		if err := m.ParseFlags(nil); err != nil || m.Config.Production || m.Config.RedisURL != "" {
			t.Fatalf("development default: %v, production %v, REDIS_URL %q", err, m.Config.Production, m.Config.RedisURL)
		}
	})
	t.Run("ErrDevMailboxInProduction", func(t *testing.T) {
		if err := wiring.NewMain().ParseFlags([]string{"-dev-mailbox", "-production"}); err == nil {
			t.Fatal("DEV_MAILBOX accepted in production")
		}
	})
	t.Run("ErrNoMailboxWithSMTP", func(t *testing.T) {
		m := servertest.MustRunMainWith(t, "-smtp-url", mailtest.MustStart(t).URL(), "-dev-mailbox")
		if res := m.GQL(t, "", mailboxQuery, nil); res.Code() != "NOT_FOUND" {
			t.Fatalf("code %q", res.Code())
		}
	})
}
