package domain_test

import (
	"context"
	"testing"

	"tenantadmin/domain"
)

func TestDecideCandidate(t *testing.T) {
	member := &domain.AccountMatch{UserID: 1, Username: "anna", MemberOfTenant: true}
	elsewhere := &domain.AccountMatch{UserID: 2, Username: "bruno"}
	for _, c := range []struct {
		name                  string
		byUsername, byTaxCode *domain.AccountMatch
		want                  domain.CandidateOutcome
		existing              string
	}{
		{"R1 new person", nil, nil, domain.CandidateNewPerson, ""},
		{"R1 already member", member, member, domain.CandidateAlreadyMember, ""},
		{"R1 already member under another username", nil, member, domain.CandidateAlreadyMember, ""},
		{"R1 username taken", elsewhere, nil, domain.CandidateUsernameTaken, ""},
		{"R1 username of a member, other tax code", member, nil, domain.CandidateUsernameTaken, ""},
		{"R1 tax code has account", nil, elsewhere, domain.CandidateTaxCodeHasAccount, "bruno"},
		{"R1 tax code has account, username of someone else", member, elsewhere, domain.CandidateTaxCodeHasAccount, "bruno"},
		{"R1 same account by both", elsewhere, elsewhere, domain.CandidateTaxCodeHasAccount, "bruno"},
	} {
		got := domain.DecideCandidate(c.byUsername, c.byTaxCode)
		if got.Outcome != c.want || got.ExistingUsername != c.existing {
			t.Errorf("%s: %+v", c.name, got)
		}
	}
}

func TestNewUserNormalize(t *testing.T) {
	ok := func() domain.NewUser {
		return domain.NewUser{Username: "Mario.Rossi", TaxCode: "rssmra85t10a562s", TaxCountry: "it",
			GivenName: " Mario ", FamilyName: "Rossi", Email: "Mario@Example.COM"}
	}
	u := ok()
	if err := u.Normalize(); err != nil {
		t.Fatal(err)
	}
	if u.Username != "mario.rossi" || u.TaxCode != "RSSMRA85T10A562S" || u.TaxCountry != "IT" || u.GivenName != "Mario" ||
		u.Email != "Mario@example.com" || u.Language != "it" || u.TimeZone != "Europe/Rome" {
		t.Fatalf("normalized = %+v", u)
	}
	for _, c := range []struct {
		name   string
		change func(*domain.NewUser)
		field  string
		reason string
	}{
		{"R2 username with space", func(u *domain.NewUser) { u.Username = "mario rossi" }, "username", domain.ReasonUsernameInvalidCharacter},
		{"R2 bad check character", func(u *domain.NewUser) { u.TaxCode = "RSSMRA85T10A562T" }, "taxCode", domain.ReasonInvalidTaxCode},
		{"bad country", func(u *domain.NewUser) { u.TaxCountry = "ITA" }, "taxCountry", domain.ReasonInvalidCountry},
		{"empty name", func(u *domain.NewUser) { u.GivenName = "  " }, "givenName", domain.ReasonInvalidName},
		{"control character", func(u *domain.NewUser) { u.FamilyName = "Ros\u0000si" }, "familyName", domain.ReasonInvalidName},
		{"bad email", func(u *domain.NewUser) { u.Email = "mario" }, "email", domain.ReasonInvalidEmail},
		{"R4 language", func(u *domain.NewUser) { u.Language = "de" }, "language", domain.ReasonInvalidLanguage},
		{"R4 time zone", func(u *domain.NewUser) { u.TimeZone = "Mars/Olympus" }, "timeZone", domain.ReasonInvalidTimeZone},
	} {
		u := ok()
		c.change(&u)
		e := domain.AsError(u.Normalize())
		if e == nil || e.Field != c.field || e.Reason != c.reason {
			t.Errorf("%s: %+v", c.name, e)
		}
	}
}

func TestApplyProfileUpdate(t *testing.T) {
	s := func(v string) *string { return &v }
	u := domain.User{GivenName: "Anna", FamilyName: "Bianchi", TaxCode: "BNCNNA80A41H501Z", TaxCountry: "IT", Language: "it", TimeZone: "Europe/Rome"}
	got, err := domain.ApplyProfileUpdate(u, domain.ProfileUpdate{GivenName: s(" Annalisa "), Language: s("FR"), TimeZone: s("Europe/Paris")})
	if err != nil || got.GivenName != "Annalisa" || got.FamilyName != "Bianchi" || got.Language != "fr" || got.TimeZone != "Europe/Paris" {
		t.Fatalf("R3 update: %+v %v", got, err)
	}
	check := func(name string, u domain.User, upd domain.ProfileUpdate, field, reason string) {
		t.Helper()
		_, err := domain.ApplyProfileUpdate(u, upd)
		if e := domain.AsError(err); e == nil || e.Field != field || e.Reason != reason {
			t.Errorf("%s: %v", name, err)
		}
	}
	verified := u
	verified.NameVerified = true
	check("R3 verified names locked", verified, domain.ProfileUpdate{FamilyName: s("Rossi")}, "familyName", domain.ReasonNameVerified)
	check("R2 tax code immutable", u, domain.ProfileUpdate{TaxCode: s("RSSMRA85T10A562S")}, "taxCode", domain.ReasonTaxCodeImmutable)
	check("R2 tax country alone", u, domain.ProfileUpdate{TaxCountry: s("FR")}, "taxCountry", domain.ReasonTaxCodeImmutable)
	noTax := u
	noTax.TaxCode, noTax.TaxCountry = "", ""
	if got, err := domain.ApplyProfileUpdate(noTax, domain.ProfileUpdate{TaxCode: s("rssmra85t10a562s")}); err != nil || got.TaxCode != "RSSMRA85T10A562S" || got.TaxCountry != "IT" {
		t.Errorf("R2 tax code set once: %+v %v", got, err)
	}
	check("R2 invalid tax code", noTax, domain.ProfileUpdate{TaxCode: s("RSSMRA85T10A562X")}, "taxCode", domain.ReasonInvalidTaxCode)
	check("R4 language", u, domain.ProfileUpdate{Language: s("xx")}, "language", domain.ReasonInvalidLanguage)
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"+39 011 123-4567": "+390111234567", "(06) 1234.5678": "0612345678"} {
		if got, err := domain.NormalizePhone(in); err != nil || got != want {
			t.Errorf("%q → %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"12345", "+39 011 123 456 789 012", "call me", "39+011234567"} {
		if _, err := domain.NormalizePhone(in); domain.AsError(err) == nil || domain.AsError(err).Reason != domain.ReasonInvalidPhone {
			t.Errorf("%q accepted (%v)", in, err)
		}
	}
}

// TestRoleCategoryRules is R9.
func TestRoleCategoryRules(t *testing.T) {
	admin := &domain.Role{ID: 1, ProductID: productA, Category: domain.CategoryAdmin}
	api := &domain.Role{ID: 2, ProductID: productA, Category: domain.CategoryOperator}
	security := &domain.Role{ID: 3, ProductID: productA, Category: domain.CategoryOperator}
	roles := []*domain.Role{admin, api, security}
	held := []*domain.RoleAssignment{{RoleID: 2, ProductID: productA, Category: domain.CategoryOperator}}

	if got := domain.AssignableRoles(roles, nil); len(got) != 3 {
		t.Errorf("R9 no role yet: %d assignable", len(got))
	}
	if got := domain.AssignableRoles(roles, held); len(got) != 1 || got[0] != security {
		t.Errorf("R9 another role of the same category: %v", got)
	}
	both := append(held, &domain.RoleAssignment{RoleID: 3, ProductID: productA, Category: domain.CategoryOperator})
	if got := domain.AssignableRoles(roles, both); len(got) != 0 {
		t.Errorf("R9 all operator roles held: %v", got)
	}
	if e := domain.AsError(domain.CheckAssignRole(admin, held)); e == nil || e.Reason != domain.ReasonCategoryConflict {
		t.Errorf("R9 ADMIN beside OPERATOR: %v", e)
	}
	if e := domain.AsError(domain.CheckAssignRole(api, held)); e == nil || e.Reason != domain.ReasonRoleAlreadyHeld {
		t.Errorf("R9 same role twice: %v", e)
	}
	if e := domain.AsError(domain.CheckRoleOfProduct(admin, productB)); e == nil || e.Reason != domain.ReasonRoleNotOfProduct {
		t.Errorf("role of another product: %v", e)
	}
	nominated := &domain.Role{ID: 4, ProductID: productA, Category: domain.CategoryAdmin, RequiresNomination: true}
	if e := domain.AsError(domain.CheckNomination(nominated)); e == nil || e.Reason != domain.ReasonNominationRequired {
		t.Errorf("nomination: %v", e)
	}
	if err := domain.CheckNomination(admin); err != nil {
		t.Errorf("a role without nomination refused: %v", err)
	}
}

// TestR20CannotBeBypassed: nomination-only roles are granted by a
// nomination, or once per tenant and product by platform staff's
// onboarding; site creation never hands them out.
func TestR20CannotBeBypassed(t *testing.T) {
	nominated := &domain.Role{ID: 4, ProductID: 1, Category: domain.CategoryAdmin, RequiresNomination: true}
	plain := &domain.Role{ID: 5, ProductID: 1, Category: domain.CategoryAdmin}
	operator := &domain.Role{ID: 6, ProductID: 1, Category: domain.CategoryOperator}
	staff := &domain.Viewer{UserID: 1, Status: domain.UserActive, PlatformAdmin: true}
	tenantAdmin := &domain.Viewer{UserID: 2, Status: domain.UserActive, Grants: []domain.Grant{{TenantID: 10, ProductID: 1, RoleID: 4, Category: domain.CategoryAdmin}}}
	if e := domain.AsError(domain.CheckNomination(nominated)); e == nil || e.Reason != domain.ReasonNominationRequired {
		t.Errorf("platform staff's assignRole of a nomination-only role: %v", e)
	}
	if err := domain.CheckOnboardAdministrator(staff, nominated, 0); err != nil {
		t.Errorf("staff onboarding the first administrator: %v", err)
	}
	if e := domain.AsError(domain.CheckOnboardAdministrator(staff, nominated, 1)); e == nil || e.Reason != domain.ReasonAlreadyOnboarded {
		t.Errorf("onboarding a second administrator: %v", e)
	}
	if e := domain.AsError(domain.CheckOnboardAdministrator(staff, plain, 0)); e == nil || e.Reason != domain.ReasonNoNominationNeeded {
		t.Errorf("onboarding with a role that needs no nomination: %v", e)
	}
	if e := domain.AsError(domain.CheckOnboardAdministrator(tenantAdmin, nominated, 0)); e == nil || e.Code != domain.EFORBIDDEN {
		t.Errorf("a tenant administrator onboarding: %v", e)
	}
	got := domain.SiteCreatorRoles([]*domain.Role{nominated, plain, operator})
	if len(got) != 1 || got[0] != plain {
		t.Errorf("site creator gets %v, want only the ADMIN role without nomination", got)
	}
}

// TestOneLevelPerModule is seed 003's "livello di permessi per ogni
// modulo" (issue 16.2): on a single-level module a member holds one level;
// assignRole gives only the first, PlanLevelChange replaces it.
func TestOneLevelPerModule(t *testing.T) {
	admin := &domain.Role{ID: 1, ProductID: 7, Category: domain.CategoryAdmin, SingleLevel: true}
	user := &domain.Role{ID: 2, ProductID: 7, Category: domain.CategoryOperator, SingleLevel: true}
	guest := &domain.Role{ID: 3, ProductID: 7, Category: domain.CategoryOperator, SingleLevel: true}
	retired := &domain.Role{ID: 4, ProductID: 7, Category: domain.CategoryOperator, SingleLevel: true, Retired: true}
	plain := &domain.Role{ID: 5, ProductID: 8, Category: domain.CategoryOperator}
	holds := func(r *domain.Role) *domain.RoleAssignment {
		return &domain.RoleAssignment{ID: 100 + r.ID, ProductID: r.ProductID, RoleID: r.ID, Category: r.Category}
	}
	reason := func(err error) string {
		if e := domain.AsError(err); e != nil {
			return e.Reason
		}
		return ""
	}
	if r := reason(domain.CheckAssignRole(guest, []*domain.RoleAssignment{holds(user)})); r != domain.ReasonOneLevelPerModule {
		t.Errorf("a second level of the same category: %q", r)
	}
	if r := reason(domain.CheckAssignRole(guest, nil)); r != "" {
		t.Errorf("a first level: %q", r)
	}
	if got := domain.AssignableRoles([]*domain.Role{admin, user, guest}, []*domain.RoleAssignment{holds(user)}); len(got) != 0 {
		t.Errorf("\"assign another role\" offered on a single-level module: %v", got)
	}
	if r := reason(domain.CheckAssignRole(retired, nil)); r != domain.ReasonRoleRetired {
		t.Errorf("a retired role: %q", r)
	}
	for _, c := range []struct {
		name         string
		role         *domain.Role
		held         []*domain.RoleAssignment
		wantReplaced int64
		wantReason   string
	}{
		{"FirstLevel", guest, nil, 0, ""},
		{"SameCategory", guest, []*domain.RoleAssignment{holds(user)}, 102, ""},
		{"OtherCategory", admin, []*domain.RoleAssignment{holds(guest)}, 103, ""},
		{"OtherProductsIgnored", guest, []*domain.RoleAssignment{holds(plain)}, 0, ""},
		{"ErrSameLevel", user, []*domain.RoleAssignment{holds(user)}, 0, domain.ReasonRoleAlreadyHeld},
		{"ErrNotALevel", plain, nil, 0, domain.ReasonNotALevel},
		{"ErrRetired", retired, []*domain.RoleAssignment{holds(user)}, 0, domain.ReasonRoleRetired},
		{"ErrTwoLevelsFromOldData", admin, []*domain.RoleAssignment{holds(user), holds(guest)}, 0, domain.ReasonOneLevelPerModule},
	} {
		t.Run(c.name, func(t *testing.T) {
			replaced, err := domain.PlanLevelChange(c.role, c.held)
			if r := reason(err); r != c.wantReason {
				t.Fatalf("reason %q, want %q (%v)", r, c.wantReason, err)
			}
			var got int64
			if replaced != nil {
				got = replaced.ID
			}
			if got != c.wantReplaced {
				t.Fatalf("replaces %d, want %d", got, c.wantReplaced)
			}
		})
	}
}

// TestRolesThatNeedASite is R12's "some roles need an attachment to a
// site" (issue 16.3): refused on a tenant without a parent.
func TestRolesThatNeedASite(t *testing.T) {
	parent := int64(1)
	company, site := &domain.Tenant{ID: 1}, &domain.Tenant{ID: 2, ParentID: &parent}
	technician := &domain.Role{ID: 1, RequiresSite: true}
	anywhere := &domain.Role{ID: 2}
	if e := domain.AsError(domain.CheckRoleFitsTenant(technician, company)); e == nil || e.Reason != domain.ReasonSiteRequired || e.Field != "roleId" {
		t.Errorf("a site role on a company: %v", e)
	}
	for _, c := range []struct {
		role   *domain.Role
		tenant *domain.Tenant
	}{{technician, site}, {anywhere, company}, {anywhere, site}} {
		if err := domain.CheckRoleFitsTenant(c.role, c.tenant); err != nil {
			t.Errorf("role %d on tenant %d: %v", c.role.ID, c.tenant.ID, err)
		}
	}
}

// TestRemovalCascade is R10 (and R8's "detaching from every tenant ends
// all access").
func TestRemovalCascade(t *testing.T) {
	for _, c := range []struct {
		name                    string
		onProduct, inMembership int
		otherMemberships        int
		platformAdmin           bool
		want                    domain.RemovalEffect
	}{
		{"R10 another role on the product", 1, 2, 0, false, domain.RemovalEffect{}},
		{"R10 last role of a product, others left", 0, 1, 0, false, domain.RemovalEffect{ProductRemoved: true}},
		{"R10 last role in the tenant, member elsewhere", 0, 0, 1, false, domain.RemovalEffect{ProductRemoved: true, MembershipRemoved: true}},
		{"R10 last role anywhere", 0, 0, 0, false, domain.RemovalEffect{ProductRemoved: true, MembershipRemoved: true, UserDeleted: true}},
		{"R10 platform staff keep their account", 0, 0, 0, true, domain.RemovalEffect{ProductRemoved: true, MembershipRemoved: true}},
	} {
		if got := domain.PlanRoleRemoval(c.onProduct, c.inMembership, c.otherMemberships, c.platformAdmin); got != c.want {
			t.Errorf("%s: %+v", c.name, got)
		}
	}
	if got := domain.PlanDetach(0, false); !got.UserDeleted {
		t.Errorf("R8 detach from the last tenant: %+v", got)
	}
	if got := domain.PlanDetach(1, false); got.UserDeleted || !got.MembershipRemoved {
		t.Errorf("R8 detach with another tenant left: %+v", got)
	}
	if got := domain.Pseudonym("0f8e2c1a-1111-2222-3333-444455556666"); got != "deleted-user-0f8e2c1a" {
		t.Errorf("pseudonym = %q", got)
	}
}

// TestGroupRules is R11.
func TestGroupRules(t *testing.T) {
	active := &domain.Group{ID: 1, Active: true}
	inactive := &domain.Group{ID: 2}
	joined := &domain.Group{ID: 3, Active: true}
	if e := domain.AsError(domain.CheckAddToGroup(inactive, true)); e == nil || e.Reason != domain.ReasonGroupInactive {
		t.Errorf("R11 inactive group: %v", e)
	}
	if e := domain.AsError(domain.CheckAddToGroup(active, false)); e == nil || e.Reason != domain.ReasonNotOnProduct {
		t.Errorf("R11 user without the product: %v", e)
	}
	in := func(id int64) bool { return id == 3 }
	if got := domain.AssignableGroups([]*domain.Group{active, inactive, joined}, in); len(got) != 1 || got[0] != active {
		t.Errorf("R11 assignable = %v", got)
	}
	if got := domain.AssignableGroups([]*domain.Group{inactive, joined}, in); len(got) != 0 {
		t.Errorf("R11 nothing assignable = %v", got)
	}
}

func TestTenantRules(t *testing.T) {
	nt := domain.NewTenant{Name: " Sede di Lille ", Country: "fr", TaxCode: "477 280 846 00197", CertifiedEmail: "pec@Example.FR"}
	if err := nt.Normalize(); err != nil || nt.Name != "Sede di Lille" || nt.Country != "FR" || nt.TaxCode != "47728084600197" || nt.CertifiedEmail != "pec@example.fr" {
		t.Fatalf("%+v %v", nt, err)
	}
	bad := domain.NewTenant{Name: "x", Country: "FR", TaxCode: "47728084600198"}
	if e := domain.AsError(bad.Normalize()); e == nil || e.Reason != domain.ReasonInvalidTaxCode {
		t.Errorf("SIRET Luhn: %v", e)
	}
	bad = domain.NewTenant{Name: "x", CertifiedEmail: "nope"}
	if e := domain.AsError(bad.Normalize()); e == nil || e.Field != "certifiedEmail" {
		t.Errorf("certified email: %v", e)
	}
	name := "Nuovo nome"
	got, err := domain.ApplyTenantUpdate(domain.Tenant{Name: "Vecchio", Country: "IT"}, domain.TenantUpdate{Name: &name})
	if err != nil || got.Name != name {
		t.Errorf("rename: %+v %v", got, err)
	}
	if (domain.TenantUpdate{Name: &name}).Identity() || !(domain.TenantUpdate{TaxCode: &name}).Identity() {
		t.Error("Identity()")
	}
	ok, err := domain.SameOrganisation(context.Background(), tree, site, holding)
	if err != nil || !ok {
		t.Errorf("R8 site and holding: %v %v", ok, err)
	}
	if ok, _ := domain.SameOrganisation(context.Background(), tree, site, other); ok {
		t.Error("R8 different organisations reported the same")
	}
}

// TestReactivatedStatus (issue 13, item 8): a service account has no
// password and returns to ACTIVE; a person without one stays INVITED.
func TestReactivatedStatus(t *testing.T) {
	for _, c := range []struct {
		kind        domain.UserKind
		hasPassword bool
		want        domain.UserStatus
	}{
		{domain.KindService, false, domain.UserActive},
		{domain.KindService, true, domain.UserActive},
		{domain.KindHuman, true, domain.UserActive},
		{domain.KindHuman, false, domain.UserInvited},
	} {
		if got := domain.ReactivatedStatus(c.kind, c.hasPassword); got != c.want {
			t.Errorf("%s password=%v: %s, want %s", c.kind, c.hasPassword, got, c.want)
		}
	}
}
