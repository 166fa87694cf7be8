package main

import (
	"strings"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/mail/mailtest"
	"tenantadmin/server/servertest"
)

// TestMailOverSMTP follows a recovery from the request to the email a
// real SMTP server on loopback receives, and the link inside it.
func TestMailOverSMTP(t *testing.T) {
	smtpServer := mailtest.MustStart(t)
	m := servertest.MustRunMainWith(t, "-smtp-url", smtpServer.URL(), "-smtp-from", "Piattaforma <no-reply@example.test>", "-mail-poll-interval", "100ms")
	f := dbtest.NewFixture(t, m.DB)
	u := f.User("mario.rossi", f.Tenant("Azienda", 0))
	f.Exec("UPDATE users SET language = 'fr', status = 'LOCKED' WHERE id = ?", u)
	servertest.SetPassword(t, m, u)
	m.GQL(t, "", servertest.RecoveryMutation, map[string]any{"input": map[string]any{"usernameOrEmail": "mario.rossi"}})
	got := smtpServer.WaitFor(t, "mario.rossi@example.test", 10*time.Second)
	if got.From != "no-reply@example.test" || !strings.HasPrefix(got.Subject, "Réinitialisez") || !strings.Contains(got.HTML, "<a href=") {
		t.Fatalf("received %+v", got)
	}
	i := strings.Index(got.Text, "#token=")
	if i < 0 {
		t.Fatalf("no link in %q", got.Text)
	}
	token := strings.Fields(got.Text[i+len("#token="):])[0]
	var out struct{ Username string }
	if code := servertest.AuthPayload(t, m.GQL(t, "", servertest.ResetMutation, map[string]any{"input": map[string]any{"token": token, "password": servertest.OtherPassword}}), "resetPasswordWithToken", &out); code != "" {
		t.Fatalf("code %q", code)
	}
	if servertest.UserStatus(t, m, u) != "ACTIVE" {
		t.Fatal("the emailed link did not reactivate the account")
	}
	var sent int
	if err := m.DB.QueryRow("SELECT count(*) FROM email_outbox WHERE sent_at IS NOT NULL").Scan(&sent); err != nil {
		t.Fatal(err)
	}
	if sent != 1 {
		t.Fatalf("sent rows %d", sent)
	}
}
