package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tenantadmin/domain"
	mailpkg "tenantadmin/mail"
	"tenantadmin/server/servertest"
)

const lookupSel = `outcome existingUsername user { id username givenName }`

func TestValidCFHelper(t *testing.T) {
	for _, n := range []int{0, 1, 562, 900, 999} {
		if _, err := domain.ValidatePersonTaxCode("IT", servertest.ValidCF(n)); err != nil {
			t.Fatalf("validCF(%d) = %s: %v", n, servertest.ValidCF(n), err)
		}
	}
}

// TestR1LookupUserCandidate: the four outcomes an admin must see distinctly.
func TestR1LookupUserCandidate(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	lookup := func(token, tenant, username, taxCode string) *servertest.Payload {
		return w.Mutate(t, token, "lookupUserCandidate", "LookupUserCandidateInput", lookupSel,
			map[string]any{"tenantId": servertest.GlobalID("Tenant", tenant2id(w, tenant)), "username": username, "taxCode": taxCode})
	}
	var operatorTax string
	w.Scalar(t, &operatorTax, "SELECT tax_code FROM users WHERE id = ?", w.Operator)
	var otherTax string
	w.Scalar(t, &otherTax, "SELECT tax_code FROM users WHERE id = ?", w.OtherAdmin)

	t.Run("NewPerson", func(t *testing.T) {
		d := lookup(admin, "company", "nuovo.utente", servertest.ValidCF(1)).OK(t)
		if d["outcome"] != "NEW_PERSON" || d["user"] != nil || d["existingUsername"] != nil {
			t.Fatalf("got %v", d)
		}
		if w.Count(t, "SELECT count(*) FROM audit_events WHERE action = 'user.lookup' AND after->>'outcome' = 'NEW_PERSON'") != 1 {
			t.Fatal("the lookup is not audited")
		}
	})
	t.Run("AlreadyMember", func(t *testing.T) {
		d := lookup(admin, "company", "Operatore.Uno", strings.ToLower(operatorTax)).OK(t)
		if d["outcome"] != "ALREADY_MEMBER" || servertest.Dig(d, "user", "username") != "operatore.uno" || servertest.Dig(d, "user", "givenName") != "Givenoperatore.uno" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("AlreadyMemberUnderAnotherUsername", func(t *testing.T) {
		d := lookup(admin, "company", "someone.else", operatorTax).OK(t)
		if d["outcome"] != "ALREADY_MEMBER" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("UsernameTaken", func(t *testing.T) {
		// The username belongs to another organisation's admin: nothing
		// about that account is returned.
		p := lookup(admin, "company", "other.admin", servertest.ValidCF(2))
		d := p.OK(t)
		if d["outcome"] != "USERNAME_TAKEN" || d["user"] != nil || d["existingUsername"] != nil {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("TaxCodeHasAccount", func(t *testing.T) {
		p := lookup(admin, "company", "new.name", otherTax)
		d := p.OK(t)
		if d["outcome"] != "TAX_CODE_HAS_ACCOUNT" || d["existingUsername"] != "other.admin" || d["user"] != nil {
			t.Fatalf("got %v", d)
		}
		// Only the username: no names, email or ids of a user outside the scope.
		for _, leak := range []string{"Givenother.admin", "Familyother.admin", "other.admin@example.test", servertest.GlobalID("User", w.OtherAdmin)} {
			if strings.Contains(string(p.Res.Data), leak) {
				t.Fatalf("lookup leaks %q: %s", leak, p.Res.Data)
			}
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := lookup(w.Token(t, w.OtherAdmin), "company", "x.y", servertest.ValidCF(3)).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		if c := lookup(w.Token(t, w.Operator), "company", "x.y", servertest.ValidCF(3)).Code(); c != "FORBIDDEN" {
			t.Fatalf("operator: code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrInvalidUsername", func(t *testing.T) {
		if c := lookup(admin, "company", "mario rossi", servertest.ValidCF(3)).UserError(t); c != "USERNAME_INVALID_CHARACTER" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidTaxCode", func(t *testing.T) {
		if c := lookup(admin, "company", "mario.rossi", "RSSMRA85T10A562X").UserError(t); c != "INVALID_TAX_CODE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrInvalidCountry", func(t *testing.T) {
		p := w.Mutate(t, admin, "lookupUserCandidate", "LookupUserCandidateInput", lookupSel, map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "mario.rossi", "taxCode": "X1234", "taxCountry": "Italia"})
		if c := p.UserError(t); c != "INVALID_COUNTRY" {
			t.Fatalf("code = %q", c)
		}
	})
}

func tenant2id(w *servertest.AdminWorld, name string) int64 {
	switch name {
	case "holding":
		return w.Holding
	case "company":
		return w.Company
	case "site":
		return w.Site
	}
	return w.Other
}

const createUserSel = `user { id username status givenName email language timeZone homeTenant { id } }
	membership { id tenant { id } roleAssignments { status role { code } product { code } } }`

// TestR1CreateUser covers createUser with R2's username rule and the
// invitation of R14.
func TestR1CreateUser(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	input := func(change func(map[string]any)) map[string]any {
		in := map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "Giulia.Verdi", "taxCode": servertest.ValidCF(10),
			"givenName": "Giulia", "familyName": "Verdi", "email": "giulia.verdi@example.test", "language": "fr",
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "user")}
		if change != nil {
			change(in)
		}
		return in
	}
	create := func(token string, in map[string]any) *servertest.Payload {
		return w.Mutate(t, token, "createUser", "CreateUserInput", createUserSel, in)
	}
	t.Run("OK", func(t *testing.T) {
		d := create(admin, input(nil)).OK(t)
		u := d["user"].(map[string]any)
		if u["username"] != "giulia.verdi" || u["status"] != "INVITED" || u["language"] != "fr" || u["timeZone"] != "Europe/Rome" ||
			servertest.Dig(u, "homeTenant", "id") != servertest.GlobalID("Tenant", w.Company) {
			t.Fatalf("user = %v", u)
		}
		ras := servertest.Dig(d, "membership", "roleAssignments").([]any)
		if len(ras) != 1 || servertest.Dig(ras[0], "role", "code") != "user" || servertest.Dig(ras[0], "status") != "ACTIVE" {
			t.Fatalf("membership = %v", d["membership"])
		}
		var id int64
		w.Scalar(t, &id, "SELECT id FROM users WHERE username = 'giulia.verdi'")
		if w.Count(t, "SELECT count(*) FROM invitations WHERE user_id = ? AND used_at IS NULL AND expires_at > now() + interval '71 hours'", id) != 1 {
			t.Fatal("no 72-hour invitation")
		}
		var mail struct {
			To       string `bun:"to_address"`
			Template string `bun:"template"`
			Language string `bun:"language"`
			Link     string `bun:"link"`
			Tenant   string `bun:"tenant"`
			By       string `bun:"by"`
			Username string `bun:"username"`
		}
		w.Scalar(t, &mail, `SELECT to_address, template, language, data->>'link' AS link, data->>'tenantName' AS tenant,
			data->>'invitedBy' AS by, data->>'username' AS username FROM email_outbox WHERE user_id = ?`, id)
		if mail.To != "giulia.verdi@example.test" || mail.Template != "invitation" || mail.Language != "fr" ||
			!strings.HasPrefix(mail.Link, w.M.URL()+"/invitation#token=") || mail.Tenant != "Filiale Srl" ||
			mail.By != "Givencompany.admin Familycompany.admin" || mail.Username != "giulia.verdi" {
			t.Fatalf("invitation mail = %+v", mail)
		}
		var raw string
		w.Scalar(t, &raw, "SELECT data::text FROM email_outbox WHERE user_id = ?", id)
		var data map[string]any
		if err := json.Unmarshal([]byte(raw), &data); err != nil {
			t.Fatal(err)
		}
		if msg, err := mailpkg.Render("invitation", "fr", data); err != nil || !strings.Contains(msg.Text, "valable 72 heures") {
			t.Fatalf("rendered invitation lacks its validity: %v\n%s", err, msg.Text)
		}
		w.WantAudit(t, "user.create", id, w.CompanyAdmin, "USER_CREATED", w.Company)
		ra := w.AssignmentID(t, id, w.Company, "segmenti", "user")
		w.WantAudit(t, "roleAssignment.create", ra, w.CompanyAdmin, "ROLE_ASSIGNMENT_CREATED", w.Company)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := create(w.Token(t, w.OtherAdmin), input(func(in map[string]any) { in["username"] = "x.one" })).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenParentAdmin", func(t *testing.T) {
		// R6: the holding's admin reads the company's users, never writes.
		before := w.Snapshot(t)
		if c := create(w.Token(t, w.HoldingAdmin), input(func(in map[string]any) { in["username"] = "x.two" })).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenProductNotAdministered", func(t *testing.T) {
		before := w.Snapshot(t)
		p := create(admin, input(func(in map[string]any) {
			in["username"], in["productId"], in["roleId"] = "x.three", w.Product(t, "clienti"), w.Role(t, "clienti", "guest")
		}))
		if c := p.Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	w.F.Assign(w.CompanyAdmin, w.Company, "cob", "master")
	for _, c := range []struct {
		name, code string
		change     func(map[string]any)
	}{
		{"ErrUsernameTaken", "USERNAME_TAKEN", func(in map[string]any) { in["username"], in["taxCode"] = "Operatore.Uno", servertest.ValidCF(12) }},
		{"ErrTaxCodeHasAccount", "TAX_CODE_HAS_ACCOUNT", func(in map[string]any) { in["username"], in["taxCode"] = "fresh.name", servertest.ValidCF(10) }},
		{"ErrUsernameInvalidCharacter", "USERNAME_INVALID_CHARACTER", func(in map[string]any) { in["username"] = "giulia verdi" }},
		{"ErrUsernameTooShort", "USERNAME_TOO_SHORT", func(in map[string]any) { in["username"] = "gv" }},
		{"ErrInvalidTaxCode", "INVALID_TAX_CODE", func(in map[string]any) { in["username"], in["taxCode"] = "g.v2", "RSSMRA85T10A562X" }},
		{"ErrInvalidCountry", "INVALID_COUNTRY", func(in map[string]any) { in["username"], in["taxCountry"] = "g.v3", "ITA" }},
		{"ErrInvalidName", "INVALID_NAME", func(in map[string]any) { in["username"], in["familyName"] = "g.v4", " " }},
		{"ErrInvalidEmail", "INVALID_EMAIL", func(in map[string]any) { in["username"], in["email"] = "g.v5", "Giulia <g@example.test>" }},
		{"ErrInvalidLanguage", "INVALID_LANGUAGE", func(in map[string]any) { in["username"], in["language"] = "g.v6", "de" }},
		{"ErrInvalidTimeZone", "INVALID_TIME_ZONE", func(in map[string]any) { in["username"], in["timeZone"] = "g.v7", "Europe/Atlantis" }},
		{"ErrRoleNotOfProduct", "ROLE_NOT_OF_PRODUCT", func(in map[string]any) { in["username"], in["roleId"] = "g.v8", w.Role(t, "clienti", "guest") }},
		{"ErrUnknownRole", "UNKNOWN_ROLE", func(in map[string]any) { in["username"], in["roleId"] = "g.v9", servertest.GlobalID("Role", 999999) }},
		{"ErrNominationRequired", "NOMINATION_REQUIRED", func(in map[string]any) {
			in["username"], in["productId"], in["roleId"] = "g.v10", w.Product(t, "cob"), w.Role(t, "cob", "master")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.Snapshot(t)
			if got := create(admin, input(c.change)).UserError(t); got != c.code {
				t.Fatalf("code = %q, want %q", got, c.code)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("ErrStaffGrantNominatedRole", func(t *testing.T) {
		// R20 holds for platform staff too: a first administrator is
		// created with another role, then onboarded (onboardTenantAdministrator).
		in := input(func(in map[string]any) {
			in["username"], in["taxCode"], in["productId"], in["roleId"] = "first.master", servertest.ValidCF(11), w.Product(t, "cob"), w.Role(t, "cob", "master")
		})
		before := w.Snapshot(t)
		if got := create(w.Token(t, w.Staff), in).UserError(t); got != "NOMINATION_REQUIRED" {
			t.Fatalf("code = %q, want NOMINATION_REQUIRED", got)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		if c := create("", input(func(in map[string]any) { in["username"] = "anon.user" })).Code(); c != "UNAUTHENTICATED" {
			t.Fatalf("code = %q", c)
		}
	})
}

// TestR1AttachExistingUser is R1's "attach that account instead".
// TestCreateUserReportsEveryBadField (issue 15.2): one userError per bad
// field, all in one answer, each at its field with its code, and nothing
// stored.
func TestCreateUserReportsEveryBadField(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	in := map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "user"),
		"username": "gv", "taxCode": "RSSMRA85T10A562X", "givenName": " ", "familyName": "", "email": "not-an-email",
		"language": "de", "timeZone": "Europe/Atlantis", "phone": "call me", "birthDate": "1800-01-01", "initialPassword": "short"}
	want := map[string]string{
		"input.username": "USERNAME_TOO_SHORT", "input.taxCode": "INVALID_TAX_CODE", "input.givenName": "INVALID_NAME",
		"input.familyName": "INVALID_NAME", "input.email": "INVALID_EMAIL", "input.language": "INVALID_LANGUAGE",
		"input.timeZone": "INVALID_TIME_ZONE", "input.phone": "INVALID_PHONE", "input.birthDate": "INVALID_BIRTH_DATE",
		"input.initialPassword": "PASSWORD_TOO_SHORT",
	}
	before := w.Snapshot(t)
	p := w.Mutate(t, admin, "createUser", "CreateUserInput", createUserSel, in)
	if len(p.Res.Errors) > 0 {
		t.Fatalf("unexpected errors %+v", p.Res.Errors)
	}
	if p.Data["user"] != nil {
		t.Fatalf("user created: %v", p.Data["user"])
	}
	got := map[string]string{}
	for _, e := range p.Data["userErrors"].([]any) {
		m := e.(map[string]any)
		var path []string
		for _, f := range m["field"].([]any) {
			path = append(path, f.(string))
		}
		field := strings.Join(path, ".")
		if _, dup := got[field]; dup {
			t.Errorf("field %s reported twice", field)
		}
		got[field] = m["code"].(string)
	}
	for field, code := range want {
		if got[field] != code {
			t.Errorf("%s: code %q, want %q", field, got[field], code)
		}
	}
	if len(got) != len(want) {
		t.Errorf("userErrors = %v, want one per field of %v", got, want)
	}
	w.Unchanged(t, before)
}

func TestR1AttachExistingUser(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	var otherTax string
	w.Scalar(t, &otherTax, "SELECT tax_code FROM users WHERE id = ?", w.OtherAdmin)
	attach := func(token, username, taxCode, product, role string) *servertest.Payload {
		return w.Mutate(t, token, "attachExistingUser", "AttachExistingUserInput", "user { id username givenName } membership { id tenant { id } }",
			map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": username, "taxCode": taxCode,
				"productId": w.Product(t, product), "roleId": w.Role(t, product, role)})
	}
	t.Run("OK", func(t *testing.T) {
		d := attach(admin, "other.admin", otherTax, "segmenti", "guest").OK(t)
		if servertest.Dig(d, "user", "username") != "other.admin" || servertest.Dig(d, "membership", "tenant", "id") != servertest.GlobalID("Tenant", w.Company) {
			t.Fatalf("got %v", d)
		}
		// Now a member: the company admin sees the person's data.
		if servertest.Dig(d, "user", "givenName") != "Givenother.admin" {
			t.Fatalf("member's data hidden: %v", d)
		}
		m := w.MembershipID(t, w.OtherAdmin, w.Company)
		w.WantAudit(t, "membership.create", m, w.CompanyAdmin, "MEMBERSHIP_CREATED", w.Company)
		// The home tenant is unchanged: identity stays with the other organisation (R7).
		if w.Count(t, "SELECT home_tenant_id FROM users WHERE id = ?", w.OtherAdmin) != int(w.Other) {
			t.Fatal("attaching changed the home tenant")
		}
	})
	t.Run("ErrAlreadyMember", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := attach(admin, "other.admin", otherTax, "segmenti", "guest").UserError(t); c != "ALREADY_MEMBER" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNoMatchingAccount", func(t *testing.T) {
		before := w.Snapshot(t)
		// The username of one account with the tax code of another.
		if c := attach(admin, "holding.admin", otherTax, "segmenti", "guest").UserError(t); c != "NO_MATCHING_ACCOUNT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrRoleNotOfProduct", func(t *testing.T) {
		p := w.Mutate(t, admin, "attachExistingUser", "AttachExistingUserInput", "user { id }",
			map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "holding.admin", "taxCode": servertest.ValidCF(900),
				"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "clienti", "guest")})
		if c := p.UserError(t); c != "ROLE_NOT_OF_PRODUCT" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := attach(w.Token(t, w.OtherAdmin), "holding.admin", servertest.ValidCF(900), "segmenti", "guest").Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
}

// TestR2UsernameNeverChanges: usernames are stored lower-case and no
// mutation takes one to change.
func TestR2UsernameNeverChanges(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	p := w.Mutate(t, w.Token(t, w.CompanyAdmin), "updateUserProfile", "UpdateUserProfileInput", "user { username }",
		map[string]any{"userId": servertest.GlobalID("User", w.Operator), "expectedVersion": 1, "username": "renamed"})
	if p.Code() == "" {
		t.Fatal("updateUserProfile accepted a username")
	}
	if w.Count(t, "SELECT count(*) FROM users WHERE username = 'operatore.uno'") != 1 {
		t.Fatal("username changed")
	}
}
