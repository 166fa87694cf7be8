package graph_test

import (
	"strings"
	"testing"
	"time"

	"tenantadmin/server/servertest"
)

// TestSeedFieldsAtCreation (issue 16.7): the work phone at creation (seeds
// 000, 004), gender and birth date (seed 003), optional and hidden by the
// personal-data rule; each bad value a userError on its field with nothing
// changed.
func TestSeedFieldsAtCreation(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	input := func(username string, n int, extra map[string]any) map[string]any {
		in := map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": username, "taxCode": servertest.ValidCF(n),
			"givenName": "Giulia", "familyName": "Verdi", "email": username + "@example.test",
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "user")}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	const sel = `user { id phone gender birthDate status }`
	var userID string
	t.Run("OK", func(t *testing.T) {
		d := w.Mutate(t, admin, "createUser", "CreateUserInput", sel, input("giulia.verdi", 20,
			map[string]any{"phone": "+39 011 555 1234", "gender": "FEMALE", "birthDate": "1990-05-17"})).OK(t)
		if servertest.Dig(d, "user", "phone") != "+390115551234" || servertest.Dig(d, "user", "gender") != "FEMALE" || servertest.Dig(d, "user", "birthDate") != "1990-05-17" {
			t.Fatalf("user %v", d["user"])
		}
		userID = servertest.Dig(d, "user", "id").(string)
	})
	t.Run("HiddenFromRestrictedRoles", func(t *testing.T) {
		// An ADMIN role without personal-data access reads the user, never
		// these fields (R12).
		w.F.Exec(`INSERT INTO roles (product_id, code, name, category, personal_data_access)
			SELECT id, 'auditor', 'Auditor', 'ADMIN', false FROM products WHERE code = 'send'`)
		auditor := w.F.User("auditor", w.Company)
		w.F.Assign(auditor, w.Company, "send", "auditor")
		d := w.Query(t, w.Token(t, auditor), `query($id: ID!) { node(id: $id) { ... on User { username phone gender birthDate } } }`,
			map[string]any{"id": userID})
		if n := servertest.Dig(d, "node"); servertest.Dig(n, "username") != "giulia.verdi" || servertest.Dig(n, "phone") != nil || servertest.Dig(n, "gender") != nil || servertest.Dig(n, "birthDate") != nil {
			t.Fatalf("a restricted administrator sees %v", n)
		}
	})
	for _, c := range []struct {
		name, field string
		value       any
		want        string
	}{
		{"ErrPhone", "phone", "call me", "INVALID_PHONE"},
		{"ErrBirthDateInTheFuture", "birthDate", time.Now().AddDate(0, 0, 2).Format(time.DateOnly), "INVALID_BIRTH_DATE"},
		{"ErrBirthDateMalformed", "birthDate", "17/05/1990", "INVALID_BIRTH_DATE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.Snapshot(t)
			p := w.Mutate(t, admin, "createUser", "CreateUserInput", sel, input("x.bad", 21, map[string]any{c.field: c.value}))
			if got := p.UserError(t); got != c.want {
				t.Fatalf("code %q, want %q", got, c.want)
			}
			if f := strings.Join(anyStrings(servertest.Dig(p.Data["userErrors"].([]any)[0], "field")), "."); !strings.HasSuffix(f, c.field) {
				t.Errorf("field %q", f)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("EditedByTheHomeTenant", func(t *testing.T) {
		edit := func(token string, extra map[string]any) *servertest.Payload {
			var version float64
			d := w.Query(t, admin, `query($id: ID!) { node(id: $id) { ... on User { version } } }`, map[string]any{"id": userID})
			version, _ = servertest.Dig(d, "node", "version").(float64)
			in := map[string]any{"userId": userID, "expectedVersion": int(version)}
			for k, v := range extra {
				in[k] = v
			}
			return w.Mutate(t, token, "updateUserProfile", "UpdateUserProfileInput", sel, in)
		}
		if d := edit(admin, map[string]any{"gender": "other", "birthDate": ""}).OK(t); servertest.Dig(d, "user", "gender") != "OTHER" || servertest.Dig(d, "user", "birthDate") != nil {
			t.Fatalf("user %v", d["user"])
		}
		var before, after string
		w.Scalar(t, &before, "SELECT before->>'birthDate' FROM audit_events WHERE action = 'user.update' ORDER BY id DESC LIMIT 1")
		w.Scalar(t, &after, "SELECT after->>'gender' FROM audit_events WHERE action = 'user.update' ORDER BY id DESC LIMIT 1")
		if before != "1990-05-17" || after != "OTHER" {
			t.Errorf("audit: birthDate before %q, gender after %q", before, after)
		}
		snap := w.Snapshot(t)
		if c := edit(admin, map[string]any{"gender": "UNKNOWN"}).UserError(t); c != "INVALID_GENDER" {
			t.Fatalf("code %q", c)
		}
		if c := edit(w.Token(t, w.OtherAdmin), map[string]any{"gender": "MALE"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("another tenant's admin: %q", c)
		}
		w.Unchanged(t, snap)
	})
}

// TestFirstPasswordByTheAdministrator (issue 16.7, seed 000: "si può
// inserire già una propria password o la si può far generare al sistema"):
// instead of the invitation, the administrator may choose the first
// password; it passes the policy, the account is active at once and must
// change it at the first sign-in; nothing is emailed and the password is
// in no record.
func TestFirstPasswordByTheAdministrator(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	in := func(password string) map[string]any {
		return map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "mario.bianchi", "taxCode": servertest.ValidCF(30),
			"givenName": "Mario", "familyName": "Bianchi", "email": "mario.bianchi@example.test",
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "user"), "initialPassword": password}
	}
	t.Run("ErrPolicy", func(t *testing.T) {
		for _, pw := range []string{"short", "mario.bianchi 2026!", "password1234"} {
			before := w.Snapshot(t)
			p := w.Mutate(t, admin, "createUser", "CreateUserInput", "user { id }", in(pw))
			code := p.UserError(t)
			if !strings.HasPrefix(code, "PASSWORD_") {
				t.Fatalf("%q: code %q", pw, code)
			}
			if f := anyStrings(servertest.Dig(p.Data["userErrors"].([]any)[0], "field")); len(f) == 0 || f[len(f)-1] != "initialPassword" {
				t.Errorf("%q: field %v", pw, f)
			}
			w.Unchanged(t, before)
		}
	})
	t.Run("OK", func(t *testing.T) {
		d := w.Mutate(t, admin, "createUser", "CreateUserInput", "user { id status }", in(servertest.OtherPassword)).OK(t)
		if servertest.Dig(d, "user", "status") != "ACTIVE" {
			t.Fatalf("status %v", servertest.Dig(d, "user", "status"))
		}
		var id int64
		w.Scalar(t, &id, "SELECT id FROM users WHERE username = 'mario.bianchi'")
		if n := w.Count(t, "SELECT count(*) FROM invitations WHERE user_id = ?", id) + w.Count(t, "SELECT count(*) FROM email_outbox WHERE user_id = ?", id); n != 0 {
			t.Fatalf("%d invitations or emails for an account with a chosen password", n)
		}
		var firstAccess string
		w.Scalar(t, &firstAccess, "SELECT after->>'firstAccess' FROM audit_events WHERE action = 'user.create' AND target_id = ?", id)
		if firstAccess != "password" {
			t.Errorf("audit firstAccess %q", firstAccess)
		}
		if n := w.Count(t, "SELECT count(*) FROM audit_events WHERE before::text LIKE ? OR after::text LIKE ?", "%"+servertest.OtherPassword+"%", "%"+servertest.OtherPassword+"%"); n != 0 {
			t.Fatal("the password is in the audit trail")
		}
		if _, code := w.M.Login(t, "mario.bianchi", servertest.OtherPassword, nil); code != "PASSWORD_CHANGE_REQUIRED" {
			t.Fatalf("first sign-in: %q", code)
		}
	})
}

// TestRemoveUserFromTenant (issue 16.7, seed 004's "Supprimer
// l'utilisateur"): R10's removal named by user and tenant.
func TestRemoveUserFromTenant(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	remove := func(token string, userID, tenantID int64) *servertest.Payload {
		return w.Mutate(t, token, "removeUserFromTenant", "RemoveUserFromTenantInput", "detachedMembershipId userDeleted",
			map[string]any{"userId": servertest.GlobalID("User", userID), "tenantId": servertest.GlobalID("Tenant", tenantID)})
	}
	twoTenants := w.F.User("two.tenants", w.Company)
	w.F.Assign(twoTenants, w.Company, "segmenti", "guest")
	w.F.Assign(twoTenants, w.Site, "segmenti", "guest")
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := remove(w.Token(t, w.OtherAdmin), w.Operator, w.Company).Code(); c != "FORBIDDEN" {
			t.Fatalf("code %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNotAMember", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := remove(admin, w.SiteAdmin, w.Company).UserError(t); c != "NOT_A_MEMBER" {
			t.Fatalf("code %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("KeepsTheAccountElsewhere", func(t *testing.T) {
		membership := w.MembershipID(t, twoTenants, w.Company)
		d := remove(admin, twoTenants, w.Company).OK(t)
		if d["userDeleted"] != false || d["detachedMembershipId"] != servertest.GlobalID("Membership", membership) {
			t.Fatalf("payload %v", d)
		}
		if w.Count(t, "SELECT count(*) FROM memberships WHERE user_id = ?", twoTenants) != 1 {
			t.Fatal("the site's membership went too")
		}
		if w.Events(t, "MEMBERSHIP_DELETED", w.Company, membership) == 0 {
			t.Error("no MEMBERSHIP_DELETED event")
		}
	})
	t.Run("LastTenantDeletesTheAccount", func(t *testing.T) {
		if d := remove(admin, w.Operator, w.Company).OK(t); d["userDeleted"] != true {
			t.Fatalf("payload %v", d)
		}
		if w.Count(t, "SELECT count(*) FROM users WHERE id = ?", w.Operator) != 0 {
			t.Fatal("the account is still there")
		}
		if w.Count(t, "SELECT count(*) FROM events WHERE type = 'USER_DELETED' AND subject_id = ?", w.Operator) == 0 {
			t.Error("no USER_DELETED event")
		}
	})
}
