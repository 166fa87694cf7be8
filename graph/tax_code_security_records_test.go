package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/mail"
	"tenantadmin/server/servertest"
)

// TestTaxCodeAttachSecurityRecords is issue 13, item 7 (R1, R23): another
// organisation attaching an existing person by username and tax code is
// legitimate, but it does not open the person's security records of the
// tenants they already belonged to; it reads the records of events in its
// own tenants only. The person's home tenant records the attach in its
// audit trail and the person gets a notice.
func TestTaxCodeAttachSecurityRecords(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	person := w.Operator // homed in the company, with a valid tax code
	servertest.SetPassword(t, w.M, person)
	failSignIn := func() {
		w.M.GQL(t, "", servertest.LoginMutation, map[string]any{"input": map[string]any{
			"username": "operatore.uno", "password": "wrong password here", "tokenKind": "BEARER"}})
	}
	// Two failed sign-ins while the person belongs to the company only.
	failSignIn()
	failSignIn()
	otherAdmin, companyAdmin, self := w.Token(t, w.OtherAdmin), w.Token(t, w.CompanyAdmin), w.Token(t, person)
	var taxCode string
	w.Scalar(t, &taxCode, "SELECT tax_code FROM users WHERE id = ?", person)

	w.Mutate(t, otherAdmin, "attachExistingUser", "AttachExistingUserInput", "user { id } membership { id }", map[string]any{
		"tenantId": servertest.GlobalID("Tenant", w.Other), "username": "operatore.uno", "taxCode": taxCode,
		"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "guest")}).OK(t)

	failedLogins := func(token string) int {
		var out struct {
			Node *struct{ FailedLogins struct{ TotalCount int } }
		}
		w.M.GQL(t, token, failedLoginsQuery, map[string]any{"id": servertest.GlobalID("User", person)}).Decode(t, &out)
		if out.Node == nil {
			t.Fatal("the person is not visible")
		}
		return out.Node.FailedLogins.TotalCount
	}
	t.Run("AttachingTenantSeesNoEarlierRecords", func(t *testing.T) {
		if n := failedLogins(otherAdmin); n != 0 {
			t.Fatalf("the attaching tenant's admin sees %d failed sign-ins of the person's other tenants", n)
		}
		if n := failedLogins(companyAdmin); n != 2 {
			t.Fatalf("the home tenant's admin sees %d failed sign-ins, want 2", n)
		}
	})
	t.Run("EachTenantSeesEventsWhileAMember", func(t *testing.T) {
		failSignIn() // now a member of both
		if n := failedLogins(otherAdmin); n != 1 {
			t.Fatalf("attaching tenant's admin: %d, want the 1 failed sign-in since the attach", n)
		}
		if n := failedLogins(companyAdmin); n != 3 {
			t.Fatalf("home tenant's admin: %d, want 3", n)
		}
		if n := failedLogins(self); n != 3 {
			t.Fatalf("the person: %d, want all 3", n)
		}
	})
	t.Run("HomeTenantAuditAndNotice", func(t *testing.T) {
		var row struct {
			TenantID int64  `bun:"tenant_id"`
			ActorID  int64  `bun:"actor_id"`
			After    string `bun:"after"`
		}
		w.Scalar(t, &row, `SELECT tenant_id, actor_id, after::text AS after FROM audit_events
			WHERE action = 'user.attachedByOtherTenant' AND target_id = ?`, person)
		if row.TenantID != w.Company || row.ActorID != w.OtherAdmin || !strings.Contains(row.After, `"tenantName": "Altra Azienda"`) {
			t.Fatalf("home tenant's audit event: %+v", row)
		}
		e := servertest.LatestEmail(t, w.M, "operatore.uno@example.test")
		if e.Template != "attached_to_tenant" || e.TenantID == nil || *e.TenantID != w.Company || e.UserID == nil || *e.UserID != person {
			t.Fatalf("notice %+v", e)
		}
		for _, lang := range []string{"it", "fr", "en"} {
			m, err := mail.Render(e.Template, lang, e.Data)
			if err != nil || !strings.Contains(m.Subject, "Altra Azienda") || !strings.Contains(m.Text, "operatore.uno") {
				t.Fatalf("%s notice: %+v %v", lang, m, err)
			}
		}
	})
	t.Run("NoNoticeWithinTheHomeTenant", func(t *testing.T) {
		// A site of the person's own organisation (R8) is no stranger:
		// nothing is told (the home tenant's admins did it themselves).
		before := w.Count(t, "SELECT count(*) FROM email_outbox WHERE template = 'attached_to_tenant'")
		nobody := w.F.User("nuovo.arrivo", w.Company)
		w.F.Exec("UPDATE users SET tax_code = ? WHERE id = ?", servertest.ValidCF(700), nobody)
		w.F.Exec("DELETE FROM memberships WHERE user_id = ?", nobody)
		w.Mutate(t, companyAdmin, "attachExistingUser", "AttachExistingUserInput", "user { id }", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "nuovo.arrivo", "taxCode": servertest.ValidCF(700),
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "guest")}).OK(t)
		if after := w.Count(t, "SELECT count(*) FROM email_outbox WHERE template = 'attached_to_tenant'"); after != before {
			t.Fatal("the home tenant re-attaching its own person sent a notice")
		}
		if w.Audits(t, "user.attachedByOtherTenant", nobody) != 0 {
			t.Fatal("the home tenant re-attaching its own person recorded an attach by another tenant")
		}
	})
}
