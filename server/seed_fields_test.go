package main

import (
	"strings"
	"testing"
	"time"
)

// TestSeedFieldsAtCreation (issue 16.7): the work phone at creation (seeds
// 000, 004), gender and birth date (seed 003), optional and hidden by the
// personal-data rule; each bad value a userError on its field with nothing
// changed.
func TestSeedFieldsAtCreation(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	input := func(username string, n int, extra map[string]any) map[string]any {
		in := map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": username, "taxCode": validCF(n),
			"givenName": "Giulia", "familyName": "Verdi", "email": username + "@example.test",
			"productId": w.product(t, "segmenti"), "roleId": w.role(t, "segmenti", "user")}
		for k, v := range extra {
			in[k] = v
		}
		return in
	}
	const sel = `user { id phone gender birthDate status }`
	var userID string
	t.Run("OK", func(t *testing.T) {
		d := w.mutate(t, admin, "createUser", "CreateUserInput", sel, input("giulia.verdi", 20,
			map[string]any{"phone": "+39 011 555 1234", "gender": "FEMALE", "birthDate": "1990-05-17"})).ok(t)
		if dig(d, "user", "phone") != "+390115551234" || dig(d, "user", "gender") != "FEMALE" || dig(d, "user", "birthDate") != "1990-05-17" {
			t.Fatalf("user %v", d["user"])
		}
		userID = dig(d, "user", "id").(string)
	})
	t.Run("HiddenFromRestrictedRoles", func(t *testing.T) {
		// An ADMIN role without personal-data access reads the user, never
		// these fields (R12).
		w.f.Exec(`INSERT INTO roles (product_id, code, name, category, personal_data_access)
			SELECT id, 'auditor', 'Auditor', 'ADMIN', false FROM products WHERE code = 'send'`)
		auditor := w.f.User("auditor", w.company)
		w.f.Assign(auditor, w.company, "send", "auditor")
		d := w.query(t, w.token(t, auditor), `query($id: ID!) { node(id: $id) { ... on User { username phone gender birthDate } } }`,
			map[string]any{"id": userID})
		if n := dig(d, "node"); dig(n, "username") != "giulia.verdi" || dig(n, "phone") != nil || dig(n, "gender") != nil || dig(n, "birthDate") != nil {
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
			before := w.snapshot(t)
			p := w.mutate(t, admin, "createUser", "CreateUserInput", sel, input("x.bad", 21, map[string]any{c.field: c.value}))
			if got := p.userError(t); got != c.want {
				t.Fatalf("code %q, want %q", got, c.want)
			}
			if f := strings.Join(anyStrings(dig(p.data["userErrors"].([]any)[0], "field")), "."); !strings.HasSuffix(f, c.field) {
				t.Errorf("field %q", f)
			}
			w.unchanged(t, before)
		})
	}
	t.Run("EditedByTheHomeTenant", func(t *testing.T) {
		edit := func(token string, extra map[string]any) *payload {
			var version float64
			d := w.query(t, admin, `query($id: ID!) { node(id: $id) { ... on User { version } } }`, map[string]any{"id": userID})
			version, _ = dig(d, "node", "version").(float64)
			in := map[string]any{"userId": userID, "expectedVersion": int(version)}
			for k, v := range extra {
				in[k] = v
			}
			return w.mutate(t, token, "updateUserProfile", "UpdateUserProfileInput", sel, in)
		}
		if d := edit(admin, map[string]any{"gender": "other", "birthDate": ""}).ok(t); dig(d, "user", "gender") != "OTHER" || dig(d, "user", "birthDate") != nil {
			t.Fatalf("user %v", d["user"])
		}
		var before, after string
		w.scalar(t, &before, "SELECT before->>'birthDate' FROM audit_events WHERE action = 'user.update' ORDER BY id DESC LIMIT 1")
		w.scalar(t, &after, "SELECT after->>'gender' FROM audit_events WHERE action = 'user.update' ORDER BY id DESC LIMIT 1")
		if before != "1990-05-17" || after != "OTHER" {
			t.Errorf("audit: birthDate before %q, gender after %q", before, after)
		}
		snap := w.snapshot(t)
		if c := edit(admin, map[string]any{"gender": "UNKNOWN"}).userError(t); c != "INVALID_GENDER" {
			t.Fatalf("code %q", c)
		}
		if c := edit(w.token(t, w.other_admin), map[string]any{"gender": "MALE"}).code(); c != "FORBIDDEN" {
			t.Fatalf("another tenant's admin: %q", c)
		}
		w.unchanged(t, snap)
	})
}

// TestFirstPasswordByTheAdministrator (issue 16.7, seed 000: "si può
// inserire già una propria password o la si può far generare al sistema"):
// instead of the invitation, the administrator may choose the first
// password; it passes the policy, the account is active at once and must
// change it at the first sign-in; nothing is emailed and the password is
// in no record.
func TestFirstPasswordByTheAdministrator(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	in := func(password string) map[string]any {
		return map[string]any{"tenantId": globalIDFor("Tenant", w.company), "username": "mario.bianchi", "taxCode": validCF(30),
			"givenName": "Mario", "familyName": "Bianchi", "email": "mario.bianchi@example.test",
			"productId": w.product(t, "segmenti"), "roleId": w.role(t, "segmenti", "user"), "initialPassword": password}
	}
	t.Run("ErrPolicy", func(t *testing.T) {
		for _, pw := range []string{"short", "mario.bianchi 2026!", "password1234"} {
			before := w.snapshot(t)
			p := w.mutate(t, admin, "createUser", "CreateUserInput", "user { id }", in(pw))
			code := p.userError(t)
			if !strings.HasPrefix(code, "PASSWORD_") {
				t.Fatalf("%q: code %q", pw, code)
			}
			if f := anyStrings(dig(p.data["userErrors"].([]any)[0], "field")); len(f) == 0 || f[len(f)-1] != "initialPassword" {
				t.Errorf("%q: field %v", pw, f)
			}
			w.unchanged(t, before)
		}
	})
	t.Run("OK", func(t *testing.T) {
		d := w.mutate(t, admin, "createUser", "CreateUserInput", "user { id status }", in(otherPassword)).ok(t)
		if dig(d, "user", "status") != "ACTIVE" {
			t.Fatalf("status %v", dig(d, "user", "status"))
		}
		var id int64
		w.scalar(t, &id, "SELECT id FROM users WHERE username = 'mario.bianchi'")
		if n := w.count(t, "SELECT count(*) FROM invitations WHERE user_id = ?", id) + w.count(t, "SELECT count(*) FROM email_outbox WHERE user_id = ?", id); n != 0 {
			t.Fatalf("%d invitations or emails for an account with a chosen password", n)
		}
		var firstAccess string
		w.scalar(t, &firstAccess, "SELECT after->>'firstAccess' FROM audit_events WHERE action = 'user.create' AND target_id = ?", id)
		if firstAccess != "password" {
			t.Errorf("audit firstAccess %q", firstAccess)
		}
		if n := w.count(t, "SELECT count(*) FROM audit_events WHERE before::text LIKE ? OR after::text LIKE ?", "%"+otherPassword+"%", "%"+otherPassword+"%"); n != 0 {
			t.Fatal("the password is in the audit trail")
		}
		if _, code := w.m.login(t, "mario.bianchi", otherPassword, nil); code != "PASSWORD_CHANGE_REQUIRED" {
			t.Fatalf("first sign-in: %q", code)
		}
	})
}

// TestRemoveUserFromTenant (issue 16.7, seed 004's "Supprimer
// l'utilisateur"): R10's removal named by user and tenant.
func TestRemoveUserFromTenant(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	remove := func(token string, userID, tenantID int64) *payload {
		return w.mutate(t, token, "removeUserFromTenant", "RemoveUserFromTenantInput", "detachedMembershipId userDeleted",
			map[string]any{"userId": globalIDFor("User", userID), "tenantId": globalIDFor("Tenant", tenantID)})
	}
	twoTenants := w.f.User("two.tenants", w.company)
	w.f.Assign(twoTenants, w.company, "segmenti", "guest")
	w.f.Assign(twoTenants, w.site, "segmenti", "guest")
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.snapshot(t)
		if c := remove(w.token(t, w.other_admin), w.operator, w.company).code(); c != "FORBIDDEN" {
			t.Fatalf("code %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrNotAMember", func(t *testing.T) {
		before := w.snapshot(t)
		if c := remove(admin, w.siteAdmin, w.company).userError(t); c != "NOT_A_MEMBER" {
			t.Fatalf("code %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("KeepsTheAccountElsewhere", func(t *testing.T) {
		membership := w.membershipID(t, twoTenants, w.company)
		d := remove(admin, twoTenants, w.company).ok(t)
		if d["userDeleted"] != false || d["detachedMembershipId"] != globalIDFor("Membership", membership) {
			t.Fatalf("payload %v", d)
		}
		if w.count(t, "SELECT count(*) FROM memberships WHERE user_id = ?", twoTenants) != 1 {
			t.Fatal("the site's membership went too")
		}
		if w.events(t, "MEMBERSHIP_DELETED", w.company, membership) == 0 {
			t.Error("no MEMBERSHIP_DELETED event")
		}
	})
	t.Run("LastTenantDeletesTheAccount", func(t *testing.T) {
		if d := remove(admin, w.operator, w.company).ok(t); d["userDeleted"] != true {
			t.Fatalf("payload %v", d)
		}
		if w.count(t, "SELECT count(*) FROM users WHERE id = ?", w.operator) != 0 {
			t.Fatal("the account is still there")
		}
		if w.count(t, "SELECT count(*) FROM events WHERE type = 'USER_DELETED' AND subject_id = ?", w.operator) == 0 {
			t.Error("no USER_DELETED event")
		}
	})
}
