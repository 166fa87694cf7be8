package mail_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/mail"
	"tenantadmin/mail/mailtest"
)

func TestRenderEveryTemplate(t *testing.T) {
	data := map[string]any{"link": "https://admin.example.test/invitation#token=abc", "username": "mario.rossi",
		"givenName": "Mario <b>", "hours": 72, "minutes": 30}
	// The credential templates greet the person by name; the others are
	// covered by TestEveryProducedTemplateRenders with their own data.
	for _, name := range []string{"invitation", "account_recovery", "admin_password_reset", "email_verification"} {
		for _, lang := range []string{"it", "fr", "en"} {
			m, err := mail.Render(name, lang, data)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, lang, err)
			}
			if m.Subject == "" || !strings.Contains(m.Text, data["link"].(string)) || !strings.Contains(m.HTML, `href="https://admin.example.test/invitation#token=abc"`) {
				t.Errorf("%s/%s: %+v", name, lang, m)
			}
			if strings.Contains(m.HTML, "<b>") || !strings.Contains(m.HTML, "Mario &lt;b&gt;") {
				t.Errorf("%s/%s: HTML not escaped", name, lang)
			}
			if strings.Contains(m.Text+m.Subject, "<no value>") {
				t.Errorf("%s/%s: missing data shows", name, lang)
			}
		}
	}
	if m, _ := mail.Render("invitation", "it", data); !strings.Contains(m.Subject, "è pronto") {
		t.Errorf("Italian subject: %q", m.Subject)
	}
	if _, err := mail.Render("nope", "it", data); err == nil {
		t.Error("unknown template rendered")
	}
	t.Run("ErrJavascriptLink", func(t *testing.T) {
		m, _ := mail.Render("invitation", "en", map[string]any{"link": "javascript:alert(1)"})
		if strings.Contains(m.HTML, "javascript") {
			t.Fatal("a non-http link reached the HTML body")
		}
	})
}

func TestWorkerDeliversOverSMTP(t *testing.T) {
	d := dbtest.MustOpen(t)
	smtpServer := mailtest.MustStart(t)
	sender, err := mail.ParseSMTPURL(smtpServer.URL())
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{DB: d, Sender: sender, From: "Tenant admin <no-reply@example.test>", Logger: slog.New(slog.DiscardHandler),
		Backoff: func(int) time.Duration { return 0 }}
	ctx := context.Background()
	enqueue := func(to, lang string) {
		if err := db.EnqueueEmail(ctx, d, db.Email{To: to, Template: "account_recovery", Language: lang,
			Data: map[string]any{"link": "https://x.test/reset#token=t", "username": "anna", "minutes": 30}}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("OK", func(t *testing.T) {
		enqueue("anna@example.test", "fr")
		sent, failed, err := w.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("sent %d failed %d err %v", sent, failed, err)
		}
		got := smtpServer.WaitFor(t, "anna@example.test", time.Second)
		if !strings.HasPrefix(got.Subject, "Réinitialisez") || !strings.Contains(got.Text, "https://x.test/reset#token=t") || !strings.Contains(got.HTML, "<a href=") {
			t.Fatalf("received %+v", got)
		}
		var sentAt *time.Time
		if err := d.QueryRow("SELECT sent_at FROM email_outbox WHERE to_address = 'anna@example.test'").Scan(&sentAt); err != nil {
			t.Fatal(err)
		}
		if sentAt == nil {
			t.Fatal("sent_at not set")
		}
		if sent, _, _ := w.RunOnce(ctx); sent != 0 {
			t.Fatal("a sent message was sent again")
		}
	})
	t.Run("RetryAfterFailure", func(t *testing.T) {
		smtpServer.FailNext(1)
		enqueue("bruno@example.test", "it")
		if _, failed, err := w.RunOnce(ctx); err != nil || failed != 1 {
			t.Fatalf("failed %d err %v", failed, err)
		}
		var attempts int
		var lastError string
		if err := d.QueryRow("SELECT attempts, last_error FROM email_outbox WHERE to_address = 'bruno@example.test'").Scan(&attempts, &lastError); err != nil {
			t.Fatal(err)
		}
		if attempts != 1 || !strings.Contains(lastError, "451") {
			t.Fatalf("attempts %d last_error %q", attempts, lastError)
		}
		if sent, _, err := w.RunOnce(ctx); err != nil || sent != 1 {
			t.Fatalf("retry: sent %d err %v", sent, err)
		}
		smtpServer.WaitFor(t, "bruno@example.test", time.Second)
	})
	t.Run("BackoffDelaysRetry", func(t *testing.T) {
		slow := &mail.Worker{DB: d, Sender: sender, From: w.From, Logger: w.Logger, Backoff: mail.DefaultBackoff}
		smtpServer.FailNext(1)
		enqueue("carla@example.test", "en")
		if _, failed, _ := slow.RunOnce(ctx); failed != 1 {
			t.Fatal("expected a failure")
		}
		if sent, failed, _ := slow.RunOnce(ctx); sent+failed != 0 {
			t.Fatal("a failed message was retried before its backoff")
		}
	})
	t.Run("SkipLockedAcrossWorkers", func(t *testing.T) {
		for i := range 10 {
			enqueue("many"+string(rune('a'+i))+"@example.test", "en")
		}
		if _, err := d.Exec("UPDATE email_outbox SET next_attempt_at = now() WHERE sent_at IS NULL"); err != nil {
			t.Fatal(err)
		}
		before := len(smtpServer.Messages())
		done := make(chan int, 2)
		for range 2 {
			go func() {
				total := 0
				for {
					sent, _, err := w.RunOnce(ctx)
					if err != nil || sent == 0 {
						break
					}
					total += sent
				}
				done <- total
			}()
		}
		total := <-done + <-done
		if got := len(smtpServer.Messages()) - before; got != total || total != 11 {
			t.Fatalf("two workers delivered %d messages (reported %d), want 11 each once", got, total)
		}
	})
	t.Run("ErrTooOldToSend", func(t *testing.T) {
		enqueue("old@example.test", "en")
		if _, err := d.Exec("UPDATE email_outbox SET created_at = now() - interval '4 days' WHERE to_address = 'old@example.test'"); err != nil {
			t.Fatal(err)
		}
		if sent, failed, _ := w.RunOnce(ctx); sent+failed != 0 {
			t.Fatal("a message older than its links was sent")
		}
	})
	t.Run("ErrBadURL", func(t *testing.T) {
		for _, u := range []string{"http://x", "smtp://", ":"} {
			if _, err := mail.ParseSMTPURL(u); err == nil {
				t.Errorf("%q accepted", u)
			}
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	if mail.DefaultBackoff(1) != 30*time.Second || mail.DefaultBackoff(2) != time.Minute || mail.DefaultBackoff(30) != time.Hour {
		t.Fatal("backoff")
	}
}

// TestEveryProducedTemplateRenders: each template a producer queues renders
// in every language with the data the producer puts in the outbox.
func TestEveryProducedTemplateRenders(t *testing.T) {
	data := map[string]map[string]any{
		"email-change-verification": {"link": "https://x.test/verify-email#token=t", "username": "mario.rossi"},
		"email-change-requested":    {"username": "mario.rossi"},
		"attached_to_tenant":        {"username": "mario.rossi", "givenName": "Mario", "tenantName": "Altra Azienda"},
		"nomination": {"link": "https://x.test/nominations/t", "request": "NOM-000001", "tenantName": "Ente",
			"nomineeName": "Anna Bianchi", "nomineeUsername": "anna.bianchi", "productName": "COB", "roleName": "Master",
			"legalRepresentative": "Mario Rossi", "expiresAt": "2026-12-31T00:00:00Z"},
		"monthly_digest": {"period": "2026-10", "tenantName": "Ente", "link": "https://x.test/users", "inactiveDays": 30,
			"products": []any{map[string]any{"name": "Segmenti", "added": 3, "noLongerActive": 1, "inactive30Days": 2}}},
	}
	for _, name := range mail.Templates {
		for _, lang := range []string{"it", "fr", "en"} {
			m, err := mail.Render(name, lang, data[name])
			if err != nil || m.Subject == "" || m.Text == "" {
				t.Fatalf("%s/%s: %+v %v", name, lang, m, err)
			}
			if strings.Contains(m.Text, "<no value>") {
				t.Errorf("%s/%s renders a missing value: %s", name, lang, m.Text)
			}
		}
	}
	data["monthly_digest"]["tenantName"] = "Ente <script>"
	m, _ := mail.Render("monthly_digest", "en", data["monthly_digest"])
	if strings.Contains(m.HTML, "<script>") {
		t.Fatal("digest HTML not escaped")
	}
	if !strings.Contains(m.Text, "Segmenti: 3 users added, 1 no longer active, 2 inactive for 30 days") || !strings.Contains(m.Text, "https://x.test/users") {
		t.Fatalf("digest text:\n%s", m.Text)
	}
}
