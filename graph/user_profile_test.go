package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

const profileSel = `user { id givenName familyName taxCode language timeZone phone email pendingEmail status version }`

// TestR3UpdateUserProfile: names editable by the home tenant's admins
// unless verified; tax code never edited once set.
func TestR3UpdateUserProfile(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	update := func(token string, userID int64, version int, fields map[string]any) *servertest.Payload {
		in := map[string]any{"userId": servertest.GlobalID("User", userID), "expectedVersion": version}
		for k, v := range fields {
			in[k] = v
		}
		return w.Mutate(t, token, "updateUserProfile", "UpdateUserProfileInput", profileSel, in)
	}
	w.F.Assign(w.Operator, w.Site, "segmenti", "guest") // the operator also works at the site
	t.Run("OK", func(t *testing.T) {
		d := update(admin, w.Operator, 1, map[string]any{"givenName": " Mario ", "familyName": "Rossi", "language": "en", "timeZone": "Europe/Paris"}).OK(t)
		u := d["user"].(map[string]any)
		if u["givenName"] != "Mario" || u["familyName"] != "Rossi" || u["language"] != "en" || u["timeZone"] != "Europe/Paris" || u["version"] != 2.0 {
			t.Fatalf("user = %v", u)
		}
		var before, after string
		w.Scalar(t, &before, "SELECT before::text FROM audit_events WHERE action = 'user.update' AND target_id = ?", w.Operator)
		w.Scalar(t, &after, "SELECT after::text FROM audit_events WHERE action = 'user.update' AND target_id = ?", w.Operator)
		if !strings.Contains(before, `"givenName": "Givenoperatore.uno"`) || !strings.Contains(after, `"givenName": "Mario"`) ||
			strings.Contains(after, "email") {
			t.Fatalf("audit before %s after %s", before, after)
		}
		w.WantAudit(t, "user.update", w.Operator, w.CompanyAdmin, "USER_UPDATED", w.Company)
		// Every tenant that sees the user gets the event.
		if w.Events(t, "USER_UPDATED", w.Site, w.Operator) != 1 {
			t.Fatal("no event for the site")
		}
	})
	t.Run("ErrConflictStaleVersion", func(t *testing.T) {
		before := w.Snapshot(t)
		p := update(admin, w.Operator, 1, map[string]any{"givenName": "Stale"})
		if c := p.UserError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNameVerified", func(t *testing.T) {
		// The technician works on amisgest: editing the account needs
		// authority over that product too (issue 13, item 6).
		w.F.Assign(w.CompanyAdmin, w.Company, "amisgest", "administration")
		w.F.Exec("UPDATE users SET name_verified = true WHERE id = ?", w.Technician)
		before := w.Snapshot(t)
		if c := update(admin, w.Technician, 1, map[string]any{"familyName": "Other"}).UserError(t); c != "NAME_VERIFIED" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
		// Preferences remain editable.
		update(admin, w.Technician, 1, map[string]any{"language": "fr"}).OK(t)
	})
	t.Run("ErrTaxCodeImmutable", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(admin, w.Operator, 2, map[string]any{"taxCode": servertest.ValidCF(50)}).UserError(t); c != "TAX_CODE_IMMUTABLE" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("TaxCodeSetOnce", func(t *testing.T) {
		nobody := w.F.User("no.tax", w.Company)
		w.F.Assign(nobody, w.Company, "segmenti", "guest")
		w.F.Exec("UPDATE users SET tax_code = NULL WHERE id = ?", nobody)
		d := update(admin, nobody, 1, map[string]any{"taxCode": strings.ToLower(servertest.ValidCF(51))}).OK(t)
		if servertest.Dig(d, "user", "taxCode") != servertest.ValidCF(51) {
			t.Fatalf("got %v", d)
		}
		if c := update(admin, nobody, 2, map[string]any{"taxCode": servertest.ValidCF(52)}).UserError(t); c != "TAX_CODE_IMMUTABLE" {
			t.Fatalf("second set: %q", c)
		}
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		if c := update(admin, w.Operator, 2, map[string]any{"givenName": strings.Repeat("x", 101)}).UserError(t); c != "INVALID_NAME" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidLanguage", func(t *testing.T) {
		if c := update(admin, w.Operator, 2, map[string]any{"language": "de"}).UserError(t); c != "INVALID_LANGUAGE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidTimeZone", func(t *testing.T) {
		if c := update(admin, w.Operator, 2, map[string]any{"timeZone": "Rome"}).UserError(t); c != "INVALID_TIME_ZONE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(w.Token(t, w.OtherAdmin), w.Operator, 2, map[string]any{"givenName": "X"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if c := update(admin, 999999, 1, map[string]any{"givenName": "X"}).Code(); c != "NOT_FOUND" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNoEmailField", func(t *testing.T) {
		// R3: an administrator cannot change another user's email: the
		// input has no such field.
		p := update(admin, w.Operator, 2, map[string]any{"email": "takeover@example.test"})
		if p.Code() == "" || w.Count(t, "SELECT count(*) FROM users WHERE email = 'takeover@example.test'") != 0 {
			t.Fatalf("email changed by an admin: %+v", p.Res.Errors)
		}
	})
}

// TestR7HomeTenantRule: a user created on X cannot have identity fields
// edited from Y even when Y's admin shares the user; Y's admin manages Y's
// memberships only.
func TestR7HomeTenantRule(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.F.Assign(w.Operator, w.Site, "segmenti", "guest") // created on company, also at the site
	siteAdmin := w.Token(t, w.SiteAdmin)
	t.Run("ErrForbiddenIdentityFromSharingTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		p := w.Mutate(t, siteAdmin, "updateUserProfile", "UpdateUserProfileInput", "user { id }",
			map[string]any{"userId": servertest.GlobalID("User", w.Operator), "expectedVersion": 1, "givenName": "Hijack"})
		if p.Code() != "FORBIDDEN" {
			t.Fatalf("code = %q", p.Code())
		}
		p = w.Mutate(t, siteAdmin, "suspendUser", "UserStatusInput", "user { id }", map[string]any{"userId": servertest.GlobalID("User", w.Operator)})
		if p.Code() != "FORBIDDEN" {
			t.Fatalf("suspendUser code = %q", p.Code())
		}
		w.Unchanged(t, before)
	})
	t.Run("SharingTenantManagesItsMembership", func(t *testing.T) {
		ra := w.AssignmentID(t, w.Operator, w.Site, "segmenti", "guest")
		w.Mutate(t, siteAdmin, "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { status }",
			map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", ra)}).OK(t)
	})
	t.Run("Capabilities", func(t *testing.T) {
		q := `query($id: ID!) { node(id: $id) { ... on User { viewerCan { editIdentity editNames changeStatus resetCredentials changeEmail setPhone } } } }`
		caps := func(token string) map[string]any {
			return servertest.Dig(w.Query(t, token, q, map[string]any{"id": servertest.GlobalID("User", w.Operator)}), "node", "viewerCan").(map[string]any)
		}
		if c := caps(siteAdmin); c["editIdentity"] != false || c["changeStatus"] != false || c["resetCredentials"] != false {
			t.Fatalf("site admin: %v", c)
		}
		if c := caps(w.Token(t, w.CompanyAdmin)); c["editIdentity"] != true || c["editNames"] != true || c["changeStatus"] != true ||
			c["changeEmail"] != false || c["setPhone"] != false {
			t.Fatalf("home admin: %v", c)
		}
		if c := caps(w.Token(t, w.HoldingAdmin)); c["editIdentity"] != false {
			t.Fatalf("parent admin: %v", c)
		}
	})
}

// TestR13NoSelfCredentialReset: the admin screens offer a password or PIN
// reset for others only (the decision the reset mutations use).
func TestR13NoSelfCredentialReset(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
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
	w.M.GQL(t, admin, `query($id: ID!) { viewer { user { viewerCan { resetCredentials changeEmail setPhone } } }
		node(id: $id) { ... on User { viewerCan { resetCredentials } } } }`, map[string]any{"id": servertest.GlobalID("User", w.Operator)}).Decode(t, &out)
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
	w.M.GQL(t, w.Token(t, w.Staff), `{ viewer { user { viewerCan { resetCredentials changeEmail setPhone } } } }`, nil).Decode(t, &out)
	if out.Viewer.User.ViewerCan.ResetCredentials {
		t.Fatal("R13: staff may reset their own credentials")
	}
}

// TestR4UpdateMyPreferences: language and time zone, also what the SPA's
// language switcher saves.
func TestR4UpdateMyPreferences(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	op := w.Token(t, w.Operator)
	prefs := func(token string, in map[string]any) *servertest.Payload {
		return w.Mutate(t, token, "updateMyPreferences", "UpdateMyPreferencesInput", profileSel, in)
	}
	t.Run("OK", func(t *testing.T) {
		d := prefs(op, map[string]any{"language": "FR", "timeZone": "Europe/Paris", "expectedVersion": 1}).OK(t)
		if servertest.Dig(d, "user", "language") != "fr" || servertest.Dig(d, "user", "timeZone") != "Europe/Paris" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "user.preferences", w.Operator, w.Operator, "USER_UPDATED", w.Company)
		// Without a version: the language switcher's last choice wins.
		d = prefs(op, map[string]any{"language": "it"}).OK(t)
		if servertest.Dig(d, "user", "language") != "it" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("SameValueChangesNothing", func(t *testing.T) {
		before := w.Snapshot(t)
		prefs(op, map[string]any{"language": "it"}).OK(t)
		w.Unchanged(t, before)
	})
	t.Run("ErrConflict", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := prefs(op, map[string]any{"language": "en", "expectedVersion": 1}).UserError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrInvalidLanguage", func(t *testing.T) {
		if c := prefs(op, map[string]any{"language": "xx"}).UserError(t); c != "INVALID_LANGUAGE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidTimeZone", func(t *testing.T) {
		if c := prefs(op, map[string]any{"timeZone": "Moon/Base"}).UserError(t); c != "INVALID_TIME_ZONE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if c := prefs("", map[string]any{"language": "en"}).Code(); c != "UNAUTHENTICATED" {
			t.Fatalf("code = %q", c)
		}
	})
}

// TestR3WorkPhone: optional, set by the user only, only by ADMIN holders.
func TestR3WorkPhone(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	phone := func(token string, in map[string]any) *servertest.Payload {
		return w.Mutate(t, token, "updateMyPhone", "UpdateMyPhoneInput", profileSel, in)
	}
	admin := w.Token(t, w.CompanyAdmin)
	t.Run("OK", func(t *testing.T) {
		d := phone(admin, map[string]any{"phone": "+39 011 123-4567", "expectedVersion": 1}).OK(t)
		if servertest.Dig(d, "user", "phone") != "+390111234567" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "user.phone", w.CompanyAdmin, w.CompanyAdmin, "USER_UPDATED", w.Company)
		// Visible to the holding's admin, hidden from a restricted role.
		q := `query($id: ID!) { node(id: $id) { ... on User { phone } } }`
		if got := servertest.Dig(w.Query(t, w.Token(t, w.HoldingAdmin), q, map[string]any{"id": servertest.GlobalID("User", w.CompanyAdmin)}), "node", "phone"); got != "+390111234567" {
			t.Fatalf("holding admin sees %v", got)
		}
	})
	t.Run("Clear", func(t *testing.T) {
		d := phone(admin, map[string]any{"phone": nil}).OK(t)
		if servertest.Dig(d, "user", "phone") != nil {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("ErrForbiddenWithoutAdminRole", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := phone(w.Token(t, w.Operator), map[string]any{"phone": "0612345678"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrInvalidPhone", func(t *testing.T) {
		if c := phone(admin, map[string]any{"phone": "call me"}).UserError(t); c != "INVALID_PHONE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		if c := phone(admin, map[string]any{"phone": "0612345678", "expectedVersion": 1}).UserError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
	})
}

// TestR3EmailChange: a user changes their own email only by re-verifying.
func TestR3EmailChange(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	op := w.Token(t, w.Operator)
	request := func(token, email string) *servertest.Payload {
		return w.Mutate(t, token, "requestEmailChange", "RequestEmailChangeInput", profileSel, map[string]any{"email": email})
	}
	confirm := func(token, tok string) *servertest.Payload {
		return w.Mutate(t, token, "confirmEmailChange", "ConfirmEmailChangeInput", "user { email emailVerified pendingEmail }", map[string]any{"token": tok})
	}
	linkToken := func() string {
		var link string
		w.Scalar(t, &link, `SELECT data->>'link' FROM email_outbox WHERE template = 'email-change-verification' AND user_id = ? ORDER BY id DESC LIMIT 1`, w.Operator)
		_, tok, ok := strings.Cut(link, "/verify-email#token=")
		if !ok {
			t.Fatalf("link %q", link)
		}
		return tok
	}
	t.Run("OK", func(t *testing.T) {
		d := request(op, "Mario.New@Example.TEST").OK(t)
		if servertest.Dig(d, "user", "email") != "operatore.uno@example.test" || servertest.Dig(d, "user", "pendingEmail") != "Mario.New@example.test" {
			t.Fatalf("got %v", d)
		}
		if w.Count(t, "SELECT count(*) FROM email_outbox WHERE template = 'email-change-requested' AND to_address = 'operatore.uno@example.test'") != 1 {
			t.Fatal("the current address is not told")
		}
		if w.Audits(t, "user.emailChangeRequest", w.Operator) != 1 {
			t.Fatal("no audit of the request")
		}
		// An admin does not see the pending address.
		q := `query($id: ID!) { node(id: $id) { ... on User { email pendingEmail } } }`
		if got := servertest.Dig(w.Query(t, w.Token(t, w.CompanyAdmin), q, map[string]any{"id": servertest.GlobalID("User", w.Operator)}), "node", "pendingEmail"); got != nil {
			t.Fatalf("admin sees the pending email %v", got)
		}
		tok := linkToken()
		// Confirmed from a signed-out browser: the token is the proof.
		d = confirm("", tok).OK(t)
		if d["user"] != nil {
			t.Fatalf("signed-out confirmation returns the user: %v", d)
		}
		var email string
		w.Scalar(t, &email, "SELECT email FROM users WHERE id = ? AND email_verified", w.Operator)
		if email != "Mario.New@example.test" {
			t.Fatalf("email = %q", email)
		}
		w.WantAudit(t, "user.emailChange", w.Operator, w.Operator, "USER_UPDATED", w.Company)
		t.Run("ErrTokenReused", func(t *testing.T) {
			if c := confirm(op, tok).UserError(t); c != "INVALID_TOKEN" {
				t.Fatalf("code = %q", c)
			}
		})
	})
	t.Run("SignedInConfirmationReturnsUser", func(t *testing.T) {
		request(op, "third@example.test").OK(t)
		d := confirm(op, linkToken()).OK(t)
		if servertest.Dig(d, "user", "email") != "third@example.test" || servertest.Dig(d, "user", "emailVerified") != true || servertest.Dig(d, "user", "pendingEmail") != nil {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("EarlierRequestRevoked", func(t *testing.T) {
		request(op, "first@example.test").OK(t)
		first := linkToken()
		request(op, "second@example.test").OK(t)
		if c := confirm(op, first).UserError(t); c != "INVALID_TOKEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidToken", func(t *testing.T) {
		if c := confirm("", "forged").UserError(t); c != "INVALID_TOKEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidEmail", func(t *testing.T) {
		if c := request(op, "not-an-address").UserError(t); c != "INVALID_EMAIL" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrSameEmail", func(t *testing.T) {
		if c := request(op, "third@example.test").UserError(t); c != "NOTHING_TO_CHANGE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if c := request("", "x@example.test").Code(); c != "UNAUTHENTICATED" {
			t.Fatalf("code = %q", c)
		}
	})
}

// TestR5SuspendAndReactivateUser: account suspension by an admin is
// reversible and ends the sessions at once.
func TestR5SuspendAndReactivateUser(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	status := func(token, field string, userID int64, version any) *servertest.Payload {
		in := map[string]any{"userId": servertest.GlobalID("User", userID)}
		if version != nil {
			in["expectedVersion"] = version
		}
		return w.Mutate(t, token, field, "UserStatusInput", "user { status version }", in)
	}
	opToken := w.Token(t, w.Operator)
	t.Run("OK", func(t *testing.T) {
		d := status(admin, "suspendUser", w.Operator, 1).OK(t)
		if servertest.Dig(d, "user", "status") != "SUSPENDED" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "user.suspend", w.Operator, w.CompanyAdmin, "USER_SUSPENDED", w.Company)
		// R18: the session ended at once.
		if res := w.M.GQL(t, opToken, `{ viewer { platformAdmin } }`, nil); string(res.Data) != `{"viewer":null}` {
			t.Fatalf("suspended session still works: %s", res.Data)
		}
		if n, _ := w.M.Sessions.List(t.Context(), w.Operator); len(n) != 0 {
			t.Fatalf("%d sessions left", len(n))
		}
	})
	t.Run("ErrAlreadySuspended", func(t *testing.T) {
		if c := status(admin, "suspendUser", w.Operator, nil).UserError(t); c != "ALREADY_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ReactivateToInvitedWithoutPassword", func(t *testing.T) {
		d := status(admin, "reactivateUser", w.Operator, 2).OK(t)
		if servertest.Dig(d, "user", "status") != "INVITED" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "user.reactivate", w.Operator, w.CompanyAdmin, "USER_REACTIVATED", w.Company)
	})
	t.Run("ReactivateToActiveWithPassword", func(t *testing.T) {
		// The technician works on amisgest: suspending the account needs
		// authority over that product too (issue 13, item 6).
		w.F.Assign(w.CompanyAdmin, w.Company, "amisgest", "administration")
		w.F.Exec("INSERT INTO credentials (user_id, password_hash, failed_attempts) VALUES (?, 'x', 3)", w.Technician)
		status(admin, "suspendUser", w.Technician, nil).OK(t)
		if d := status(admin, "reactivateUser", w.Technician, nil).OK(t); servertest.Dig(d, "user", "status") != "ACTIVE" {
			t.Fatalf("got %v", d)
		}
		if w.Count(t, "SELECT failed_attempts FROM credentials WHERE user_id = ?", w.Technician) != 0 {
			t.Fatal("failed attempts kept")
		}
	})
	t.Run("ErrNotSuspended", func(t *testing.T) {
		if c := status(admin, "reactivateUser", w.Technician, nil).UserError(t); c != "NOT_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := status(admin, "suspendUser", w.Technician, 1).UserError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenSelf", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := status(admin, "suspendUser", w.CompanyAdmin, nil).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := status(w.Token(t, w.OtherAdmin), "suspendUser", w.Technician, nil).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
}
