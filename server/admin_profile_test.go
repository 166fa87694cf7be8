package main

import (
	"strings"
	"testing"
)

const profileSel = `user { id givenName familyName taxCode language timeZone phone email pendingEmail status version }`

// TestR3UpdateUserProfile: names editable by the home tenant's admins
// unless verified; tax code never edited once set.
func TestR3UpdateUserProfile(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	update := func(token string, userID int64, version int, fields map[string]any) *payload {
		in := map[string]any{"userId": globalIDFor("User", userID), "expectedVersion": version}
		for k, v := range fields {
			in[k] = v
		}
		return w.mutate(t, token, "updateUserProfile", "UpdateUserProfileInput", profileSel, in)
	}
	w.f.Assign(w.operator, w.site, "segmenti", "guest") // the operator also works at the site
	t.Run("OK", func(t *testing.T) {
		d := update(admin, w.operator, 1, map[string]any{"givenName": " Mario ", "familyName": "Rossi", "language": "en", "timeZone": "Europe/Paris"}).ok(t)
		u := d["user"].(map[string]any)
		if u["givenName"] != "Mario" || u["familyName"] != "Rossi" || u["language"] != "en" || u["timeZone"] != "Europe/Paris" || u["version"] != 2.0 {
			t.Fatalf("user = %v", u)
		}
		var before, after string
		w.scalar(t, &before, "SELECT before::text FROM audit_events WHERE action = 'user.update' AND target_id = ?", w.operator)
		w.scalar(t, &after, "SELECT after::text FROM audit_events WHERE action = 'user.update' AND target_id = ?", w.operator)
		if !strings.Contains(before, `"givenName": "Givenoperatore.uno"`) || !strings.Contains(after, `"givenName": "Mario"`) ||
			strings.Contains(after, "email") {
			t.Fatalf("audit before %s after %s", before, after)
		}
		w.wantAudit(t, "user.update", w.operator, w.companyAdmin, "USER_UPDATED", w.company)
		// Every tenant that sees the user gets the event.
		if w.events(t, "USER_UPDATED", w.site, w.operator) != 1 {
			t.Fatal("no event for the site")
		}
	})
	t.Run("ErrConflictStaleVersion", func(t *testing.T) {
		before := w.snapshot(t)
		p := update(admin, w.operator, 1, map[string]any{"givenName": "Stale"})
		if c := p.userError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrNameVerified", func(t *testing.T) {
		// The technician works on amisgest: editing the account needs
		// authority over that product too (issue 13, item 6).
		w.f.Assign(w.companyAdmin, w.company, "amisgest", "administration")
		w.f.Exec("UPDATE users SET name_verified = true WHERE id = ?", w.technician)
		before := w.snapshot(t)
		if c := update(admin, w.technician, 1, map[string]any{"familyName": "Other"}).userError(t); c != "NAME_VERIFIED" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
		// Preferences remain editable.
		update(admin, w.technician, 1, map[string]any{"language": "fr"}).ok(t)
	})
	t.Run("ErrTaxCodeImmutable", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(admin, w.operator, 2, map[string]any{"taxCode": validCF(50)}).userError(t); c != "TAX_CODE_IMMUTABLE" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("TaxCodeSetOnce", func(t *testing.T) {
		nobody := w.f.User("no.tax", w.company)
		w.f.Assign(nobody, w.company, "segmenti", "guest")
		w.f.Exec("UPDATE users SET tax_code = NULL WHERE id = ?", nobody)
		d := update(admin, nobody, 1, map[string]any{"taxCode": strings.ToLower(validCF(51))}).ok(t)
		if dig(d, "user", "taxCode") != validCF(51) {
			t.Fatalf("got %v", d)
		}
		if c := update(admin, nobody, 2, map[string]any{"taxCode": validCF(52)}).userError(t); c != "TAX_CODE_IMMUTABLE" {
			t.Fatalf("second set: %q", c)
		}
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		if c := update(admin, w.operator, 2, map[string]any{"givenName": strings.Repeat("x", 101)}).userError(t); c != "INVALID_NAME" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidLanguage", func(t *testing.T) {
		if c := update(admin, w.operator, 2, map[string]any{"language": "de"}).userError(t); c != "INVALID_LANGUAGE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidTimeZone", func(t *testing.T) {
		if c := update(admin, w.operator, 2, map[string]any{"timeZone": "Rome"}).userError(t); c != "INVALID_TIME_ZONE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(w.token(t, w.other_admin), w.operator, 2, map[string]any{"givenName": "X"}).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if c := update(admin, 999999, 1, map[string]any{"givenName": "X"}).code(); c != "NOT_FOUND" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNoEmailField", func(t *testing.T) {
		// R3: an administrator cannot change another user's email: the
		// input has no such field.
		p := update(admin, w.operator, 2, map[string]any{"email": "takeover@example.test"})
		if p.code() == "" || w.count(t, "SELECT count(*) FROM users WHERE email = 'takeover@example.test'") != 0 {
			t.Fatalf("email changed by an admin: %+v", p.res.Errors)
		}
	})
}

// TestR7HomeTenantRule: a user created on X cannot have identity fields
// edited from Y even when Y's admin shares the user; Y's admin manages Y's
// memberships only.
func TestR7HomeTenantRule(t *testing.T) {
	w := newAdminWorld(t)
	w.f.Assign(w.operator, w.site, "segmenti", "guest") // created on company, also at the site
	siteAdmin := w.token(t, w.siteAdmin)
	t.Run("ErrForbiddenIdentityFromSharingTenant", func(t *testing.T) {
		before := w.snapshot(t)
		p := w.mutate(t, siteAdmin, "updateUserProfile", "UpdateUserProfileInput", "user { id }",
			map[string]any{"userId": globalIDFor("User", w.operator), "expectedVersion": 1, "givenName": "Hijack"})
		if p.code() != "FORBIDDEN" {
			t.Fatalf("code = %q", p.code())
		}
		p = w.mutate(t, siteAdmin, "suspendUser", "UserStatusInput", "user { id }", map[string]any{"userId": globalIDFor("User", w.operator)})
		if p.code() != "FORBIDDEN" {
			t.Fatalf("suspendUser code = %q", p.code())
		}
		w.unchanged(t, before)
	})
	t.Run("SharingTenantManagesItsMembership", func(t *testing.T) {
		ra := w.assignmentID(t, w.operator, w.site, "segmenti", "guest")
		w.mutate(t, siteAdmin, "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { status }",
			map[string]any{"roleAssignmentId": globalIDFor("RoleAssignment", ra)}).ok(t)
	})
	t.Run("Capabilities", func(t *testing.T) {
		q := `query($id: ID!) { node(id: $id) { ... on User { viewerCan { editIdentity editNames changeStatus resetCredentials changeEmail setPhone } } } }`
		caps := func(token string) map[string]any {
			return dig(w.query(t, token, q, map[string]any{"id": globalIDFor("User", w.operator)}), "node", "viewerCan").(map[string]any)
		}
		if c := caps(siteAdmin); c["editIdentity"] != false || c["changeStatus"] != false || c["resetCredentials"] != false {
			t.Fatalf("site admin: %v", c)
		}
		if c := caps(w.token(t, w.companyAdmin)); c["editIdentity"] != true || c["editNames"] != true || c["changeStatus"] != true ||
			c["changeEmail"] != false || c["setPhone"] != false {
			t.Fatalf("home admin: %v", c)
		}
		if c := caps(w.token(t, w.holdingAdmin)); c["editIdentity"] != false {
			t.Fatalf("parent admin: %v", c)
		}
	})
}

// TestR13NoSelfCredentialReset: the admin screens offer a password or PIN
// reset for others only (the decision the reset mutations use).
func TestR13NoSelfCredentialReset(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	var out struct {
		Viewer struct {
			User struct {
				ViewerCan struct{ ResetCredentials, ChangeEmail, SetPhone bool }
			}
		}
		Node struct {
			ViewerCan struct{ ResetCredentials bool }
		}
	}
	w.m.gql(t, admin, `query($id: ID!) { viewer { user { viewerCan { resetCredentials changeEmail setPhone } } }
		node(id: $id) { ... on User { viewerCan { resetCredentials } } } }`, map[string]any{"id": globalIDFor("User", w.operator)}).decode(t, &out)
	if out.Viewer.User.ViewerCan.ResetCredentials {
		t.Fatal("R13: an admin may reset their own credentials")
	}
	if !out.Viewer.User.ViewerCan.ChangeEmail || !out.Viewer.User.ViewerCan.SetPhone {
		t.Fatalf("self-service capabilities: %+v", out.Viewer.User.ViewerCan)
	}
	if !out.Node.ViewerCan.ResetCredentials {
		t.Fatal("R13: an admin may not reset a colleague's credentials")
	}
	// Platform staff neither.
	w.m.gql(t, w.token(t, w.staff), `{ viewer { user { viewerCan { resetCredentials changeEmail setPhone } } } }`, nil).decode(t, &out)
	if out.Viewer.User.ViewerCan.ResetCredentials {
		t.Fatal("R13: staff may reset their own credentials")
	}
}

// TestR4UpdateMyPreferences: language and time zone, also what the SPA's
// language switcher saves.
func TestR4UpdateMyPreferences(t *testing.T) {
	w := newAdminWorld(t)
	op := w.token(t, w.operator)
	prefs := func(token string, in map[string]any) *payload {
		return w.mutate(t, token, "updateMyPreferences", "UpdateMyPreferencesInput", profileSel, in)
	}
	t.Run("OK", func(t *testing.T) {
		d := prefs(op, map[string]any{"language": "FR", "timeZone": "Europe/Paris", "expectedVersion": 1}).ok(t)
		if dig(d, "user", "language") != "fr" || dig(d, "user", "timeZone") != "Europe/Paris" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "user.preferences", w.operator, w.operator, "USER_UPDATED", w.company)
		// Without a version: the language switcher's last choice wins.
		d = prefs(op, map[string]any{"language": "it"}).ok(t)
		if dig(d, "user", "language") != "it" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("SameValueChangesNothing", func(t *testing.T) {
		before := w.snapshot(t)
		prefs(op, map[string]any{"language": "it"}).ok(t)
		w.unchanged(t, before)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		before := w.snapshot(t)
		if c := prefs(op, map[string]any{"language": "en", "expectedVersion": 1}).userError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrInvalidLanguage", func(t *testing.T) {
		if c := prefs(op, map[string]any{"language": "xx"}).userError(t); c != "INVALID_LANGUAGE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidTimeZone", func(t *testing.T) {
		if c := prefs(op, map[string]any{"timeZone": "Moon/Base"}).userError(t); c != "INVALID_TIME_ZONE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if c := prefs("", map[string]any{"language": "en"}).code(); c != "UNAUTHENTICATED" {
			t.Fatalf("code = %q", c)
		}
	})
}

// TestR3WorkPhone: optional, set by the user only, only by ADMIN holders.
func TestR3WorkPhone(t *testing.T) {
	w := newAdminWorld(t)
	phone := func(token string, in map[string]any) *payload {
		return w.mutate(t, token, "updateMyPhone", "UpdateMyPhoneInput", profileSel, in)
	}
	admin := w.token(t, w.companyAdmin)
	t.Run("OK", func(t *testing.T) {
		d := phone(admin, map[string]any{"phone": "+39 011 123-4567", "expectedVersion": 1}).ok(t)
		if dig(d, "user", "phone") != "+390111234567" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "user.phone", w.companyAdmin, w.companyAdmin, "USER_UPDATED", w.company)
		// Visible to the holding's admin, hidden from a restricted role.
		q := `query($id: ID!) { node(id: $id) { ... on User { phone } } }`
		if got := dig(w.query(t, w.token(t, w.holdingAdmin), q, map[string]any{"id": globalIDFor("User", w.companyAdmin)}), "node", "phone"); got != "+390111234567" {
			t.Fatalf("holding admin sees %v", got)
		}
	})
	t.Run("Clear", func(t *testing.T) {
		d := phone(admin, map[string]any{"phone": nil}).ok(t)
		if dig(d, "user", "phone") != nil {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("ErrForbiddenWithoutAdminRole", func(t *testing.T) {
		before := w.snapshot(t)
		if c := phone(w.token(t, w.operator), map[string]any{"phone": "0612345678"}).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrInvalidPhone", func(t *testing.T) {
		if c := phone(admin, map[string]any{"phone": "call me"}).userError(t); c != "INVALID_PHONE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		if c := phone(admin, map[string]any{"phone": "0612345678", "expectedVersion": 1}).userError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
	})
}

// TestR3EmailChange: a user changes their own email only by re-verifying.
func TestR3EmailChange(t *testing.T) {
	w := newAdminWorld(t)
	op := w.token(t, w.operator)
	request := func(token, email string) *payload {
		return w.mutate(t, token, "requestEmailChange", "RequestEmailChangeInput", profileSel, map[string]any{"email": email})
	}
	confirm := func(token, tok string) *payload {
		return w.mutate(t, token, "confirmEmailChange", "ConfirmEmailChangeInput", "user { email emailVerified pendingEmail }", map[string]any{"token": tok})
	}
	linkToken := func() string {
		var link string
		w.scalar(t, &link, `SELECT data->>'link' FROM email_outbox WHERE template = 'email-change-verification' AND user_id = ? ORDER BY id DESC LIMIT 1`, w.operator)
		_, tok, ok := strings.Cut(link, "/verify-email#token=")
		if !ok {
			t.Fatalf("link %q", link)
		}
		return tok
	}
	t.Run("OK", func(t *testing.T) {
		d := request(op, "Mario.New@Example.TEST").ok(t)
		if dig(d, "user", "email") != "operatore.uno@example.test" || dig(d, "user", "pendingEmail") != "Mario.New@example.test" {
			t.Fatalf("got %v", d)
		}
		if w.count(t, "SELECT count(*) FROM email_outbox WHERE template = 'email-change-requested' AND to_address = 'operatore.uno@example.test'") != 1 {
			t.Fatal("the current address is not told")
		}
		if w.audits(t, "user.emailChangeRequest", w.operator) != 1 {
			t.Fatal("no audit of the request")
		}
		// An admin does not see the pending address.
		q := `query($id: ID!) { node(id: $id) { ... on User { email pendingEmail } } }`
		if got := dig(w.query(t, w.token(t, w.companyAdmin), q, map[string]any{"id": globalIDFor("User", w.operator)}), "node", "pendingEmail"); got != nil {
			t.Fatalf("admin sees the pending email %v", got)
		}
		tok := linkToken()
		// Confirmed from a signed-out browser: the token is the proof.
		d = confirm("", tok).ok(t)
		if d["user"] != nil {
			t.Fatalf("signed-out confirmation returns the user: %v", d)
		}
		var email string
		w.scalar(t, &email, "SELECT email FROM users WHERE id = ? AND email_verified", w.operator)
		if email != "Mario.New@example.test" {
			t.Fatalf("email = %q", email)
		}
		w.wantAudit(t, "user.emailChange", w.operator, w.operator, "USER_UPDATED", w.company)
		t.Run("ErrTokenReused", func(t *testing.T) {
			if c := confirm(op, tok).userError(t); c != "INVALID_TOKEN" {
				t.Fatalf("code = %q", c)
			}
		})
	})
	t.Run("SignedInConfirmationReturnsUser", func(t *testing.T) {
		request(op, "third@example.test").ok(t)
		d := confirm(op, linkToken()).ok(t)
		if dig(d, "user", "email") != "third@example.test" || dig(d, "user", "emailVerified") != true || dig(d, "user", "pendingEmail") != nil {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("EarlierRequestRevoked", func(t *testing.T) {
		request(op, "first@example.test").ok(t)
		first := linkToken()
		request(op, "second@example.test").ok(t)
		if c := confirm(op, first).userError(t); c != "INVALID_TOKEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidToken", func(t *testing.T) {
		if c := confirm("", "forged").userError(t); c != "INVALID_TOKEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidEmail", func(t *testing.T) {
		if c := request(op, "not-an-address").userError(t); c != "INVALID_EMAIL" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrSameEmail", func(t *testing.T) {
		if c := request(op, "third@example.test").userError(t); c != "NOTHING_TO_CHANGE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if c := request("", "x@example.test").code(); c != "UNAUTHENTICATED" {
			t.Fatalf("code = %q", c)
		}
	})
}

// TestR5SuspendAndReactivateUser: account suspension by an admin is
// reversible and ends the sessions at once.
func TestR5SuspendAndReactivateUser(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	status := func(token, field string, userID int64, version any) *payload {
		in := map[string]any{"userId": globalIDFor("User", userID)}
		if version != nil {
			in["expectedVersion"] = version
		}
		return w.mutate(t, token, field, "UserStatusInput", "user { status version }", in)
	}
	opToken := w.token(t, w.operator)
	t.Run("OK", func(t *testing.T) {
		d := status(admin, "suspendUser", w.operator, 1).ok(t)
		if dig(d, "user", "status") != "SUSPENDED" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "user.suspend", w.operator, w.companyAdmin, "USER_SUSPENDED", w.company)
		// R18: the session ended at once.
		if res := w.m.gql(t, opToken, `{ viewer { platformAdmin } }`, nil); string(res.Data) != `{"viewer":null}` {
			t.Fatalf("suspended session still works: %s", res.Data)
		}
		if n, _ := w.m.Sessions.List(t.Context(), w.operator); len(n) != 0 {
			t.Fatalf("%d sessions left", len(n))
		}
	})
	t.Run("ErrAlreadySuspended", func(t *testing.T) {
		if c := status(admin, "suspendUser", w.operator, nil).userError(t); c != "ALREADY_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ReactivateToInvitedWithoutPassword", func(t *testing.T) {
		d := status(admin, "reactivateUser", w.operator, 2).ok(t)
		if dig(d, "user", "status") != "INVITED" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "user.reactivate", w.operator, w.companyAdmin, "USER_REACTIVATED", w.company)
	})
	t.Run("ReactivateToActiveWithPassword", func(t *testing.T) {
		// The technician works on amisgest: suspending the account needs
		// authority over that product too (issue 13, item 6).
		w.f.Assign(w.companyAdmin, w.company, "amisgest", "administration")
		w.f.Exec("INSERT INTO credentials (user_id, password_hash, failed_attempts) VALUES (?, 'x', 3)", w.technician)
		status(admin, "suspendUser", w.technician, nil).ok(t)
		if d := status(admin, "reactivateUser", w.technician, nil).ok(t); dig(d, "user", "status") != "ACTIVE" {
			t.Fatalf("got %v", d)
		}
		if w.count(t, "SELECT failed_attempts FROM credentials WHERE user_id = ?", w.technician) != 0 {
			t.Fatal("failed attempts kept")
		}
	})
	t.Run("ErrNotSuspended", func(t *testing.T) {
		if c := status(admin, "reactivateUser", w.technician, nil).userError(t); c != "NOT_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		before := w.snapshot(t)
		if c := status(admin, "suspendUser", w.technician, 1).userError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenSelf", func(t *testing.T) {
		before := w.snapshot(t)
		if c := status(admin, "suspendUser", w.companyAdmin, nil).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.snapshot(t)
		if c := status(w.token(t, w.other_admin), "suspendUser", w.technician, nil).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
}
