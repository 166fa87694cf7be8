package mail_test

import (
	"context"
	"testing"
	"time"

	"tenantadmin/mail"
	"tenantadmin/mail/mailtest"
)

// TestSMTPTransportSecurity sends through real SMTP servers on loopback:
// smtp:// requires STARTTLS and never falls back to plaintext, smtps:// is
// TLS from the first byte, and both verify the relay's certificate.
func TestSMTPTransportSecurity(t *testing.T) {
	send := func(t *testing.T, url string, configure func(*mail.SMTP) *mail.SMTP) error {
		t.Helper()
		relay, err := mail.ParseSMTPURL(url)
		if err != nil {
			t.Fatal(err)
		}
		if configure != nil {
			relay = configure(relay)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		msg, err := mail.Compose("no-reply@example.test", "ada@example.test", mail.Message{Subject: "hi", Text: "hello", HTML: "<p>hello</p>"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return relay.Send(ctx, "no-reply@example.test", "ada@example.test", msg)
	}
	t.Run("STARTTLS", func(t *testing.T) {
		srv, roots := mailtest.MustStartTLS(t, false)
		if err := send(t, "smtp://"+srv.Addr(), func(s *mail.SMTP) *mail.SMTP { return s.WithRootCAs(roots) }); err != nil {
			t.Fatal(err)
		}
		if got := srv.WaitFor(t, "ada@example.test", 5*time.Second); !got.TLS {
			t.Fatal("the message came over plaintext")
		}
	})
	t.Run("ErrNoSTARTTLSOffered", func(t *testing.T) {
		srv := mailtest.MustStart(t) // offers no STARTTLS
		if err := send(t, "smtp://"+srv.Addr(), nil); err == nil {
			t.Fatal("smtp:// sent in plaintext to a relay without STARTTLS")
		}
		if n := len(srv.Messages()); n != 0 {
			t.Fatalf("%d messages delivered in plaintext", n)
		}
	})
	t.Run("ErrUntrustedCertificate", func(t *testing.T) {
		srv, _ := mailtest.MustStartTLS(t, false)
		if err := send(t, "smtp://"+srv.Addr(), nil); err == nil {
			t.Fatal("a relay with an untrusted certificate was accepted")
		}
	})
	t.Run("ImplicitTLS", func(t *testing.T) {
		srv, roots := mailtest.MustStartTLS(t, true)
		if err := send(t, "smtps://"+srv.Addr(), func(s *mail.SMTP) *mail.SMTP { return s.WithRootCAs(roots) }); err != nil {
			t.Fatal(err)
		}
		if got := srv.WaitFor(t, "ada@example.test", 5*time.Second); !got.TLS {
			t.Fatal("the message came over plaintext")
		}
	})
	t.Run("ErrImplicitTLSToPlainRelay", func(t *testing.T) {
		srv := mailtest.MustStart(t)
		if err := send(t, "smtps://"+srv.Addr(), nil); err == nil {
			t.Fatal("smtps:// spoke plaintext")
		}
	})
}
