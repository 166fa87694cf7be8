package main

import (
	"strings"
	"testing"
)

const assignSel = `roleAssignment { id status role { code } } membership { id products { product { code } category } }`

// TestR6DelegatedAdministration: an admin manages a tenant's users only on
// the products where it holds an ADMIN role there; a parent's admin reads
// the children's users and writes nothing there; the child's own admins
// manage them.
func TestR6DelegatedAdministration(t *testing.T) {
	w := newAdminWorld(t)
	w.f.Assign(w.operator, w.company, "clienti", "guest")
	assign := func(token string, userID, tenantID int64, product, role string) *payload {
		return w.mutate(t, token, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": globalIDFor("User", userID), "tenantId": globalIDFor("Tenant", tenantID), "roleId": w.role(t, product, role)})
	}
	t.Run("ParentAdminReadsChildren", func(t *testing.T) {
		var out usersPage
		w.m.gql(t, w.token(t, w.holdingAdmin), usersPageQuery, map[string]any{"first": 50,
			"filter": map[string]any{"tenantId": globalIDFor("Tenant", w.site)}}).decode(t, &out)
		if out.Users.TotalCount != 1 || out.Users.Edges[0].Node.Username != "site.admin" {
			t.Fatalf("holding admin lists the site: %+v", out.Users)
		}
	})
	t.Run("ErrParentAdminWritesNothingInChild", func(t *testing.T) {
		before := w.snapshot(t)
		holding := w.token(t, w.holdingAdmin)
		if c := assign(holding, w.operator, w.company, "segmenti", "guest").code(); c != "FORBIDDEN" {
			t.Fatalf("assignRole: %q", c)
		}
		ra := w.assignmentID(t, w.operator, w.company, "segmenti", "user")
		p := w.mutate(t, holding, "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { id }",
			map[string]any{"roleAssignmentId": globalIDFor("RoleAssignment", ra)})
		if p.code() != "FORBIDDEN" {
			t.Fatalf("suspendRoleAssignment: %q", p.code())
		}
		p = w.mutate(t, holding, "createGroup", "CreateGroupInput", "group { id }",
			map[string]any{"tenantId": globalIDFor("Tenant", w.company), "productId": w.product(t, "segmenti"), "name": "Parent's"})
		if p.code() != "FORBIDDEN" {
			t.Fatalf("createGroup: %q", p.code())
		}
		w.unchanged(t, before)
	})
	t.Run("OnlyOnProductsAdministered", func(t *testing.T) {
		admin := w.token(t, w.companyAdmin)
		before := w.snapshot(t)
		ra := w.assignmentID(t, w.operator, w.company, "clienti", "guest")
		p := w.mutate(t, admin, "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { id }",
			map[string]any{"roleAssignmentId": globalIDFor("RoleAssignment", ra)})
		if p.code() != "FORBIDDEN" {
			t.Fatalf("suspend a clienti role: %q", p.code())
		}
		w.unchanged(t, before)
		// The product cards say so.
		q := `query($id: ID!) { node(id: $id) { ... on User { memberships { products { product { code } viewerCanManage
			roleAssignments { viewerCanManage } } viewerCanDetach } } } }`
		d := w.query(t, admin, q, map[string]any{"id": globalIDFor("User", w.operator)})
		ms := dig(d, "node", "memberships").([]any)
		cards := dig(ms[0], "products").([]any)
		got := map[string]bool{}
		for _, c := range cards {
			got[dig(c, "product", "code").(string)] = dig(c, "viewerCanManage").(bool)
			ras := dig(c, "roleAssignments").([]any)
			if dig(ras[0], "viewerCanManage") != dig(c, "viewerCanManage") {
				t.Fatalf("card and assignment disagree: %v", c)
			}
		}
		if !got["segmenti"] || got["clienti"] || dig(ms[0], "viewerCanDetach") != false {
			t.Fatalf("cards = %v, detach %v", got, dig(ms[0], "viewerCanDetach"))
		}
	})
	t.Run("ChildAdminManagesChild", func(t *testing.T) {
		w.f.Assign(w.operator, w.site, "segmenti", "guest")
		ra := w.assignmentID(t, w.operator, w.site, "segmenti", "guest")
		w.mutate(t, w.token(t, w.siteAdmin), "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { id }",
			map[string]any{"roleAssignmentId": globalIDFor("RoleAssignment", ra)}).ok(t)
	})
	t.Run("SuspendedAdminRoleGrantsNothing", func(t *testing.T) {
		// A suspended ADMIN assignment is no grant: only ACTIVE roles count.
		w.f.Exec("UPDATE role_assignments SET status = 'SUSPENDED' WHERE user_id = ? AND tenant_id = ?", w.siteAdmin, w.site)
		before := w.snapshot(t)
		if c := assign(w.token(t, w.siteAdmin), w.operator, w.site, "segmenti", "user").code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
}

// TestR9AssignRole: a role on a product the user has none on; "assign
// another role" within the same category; never ADMIN and OPERATOR on one
// product in one tenant.
func TestR9AssignRole(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	w.f.Assign(w.companyAdmin, w.company, "io-platform", "amministratore")
	assign := func(token string, userID, tenantID int64, product, role string) *payload {
		return w.mutate(t, token, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": globalIDFor("User", userID), "tenantId": globalIDFor("Tenant", tenantID), "roleId": w.role(t, product, role)})
	}
	cardsQuery := `query($id: ID!) { node(id: $id) { ... on User { memberships { tenant { id } assignableProducts { code }
		products { product { code } category assignableRoles { code } } } } } }`
	cards := func() (map[string][]string, []string) {
		d := w.query(t, admin, cardsQuery, map[string]any{"id": globalIDFor("User", w.operator)})
		roles := map[string][]string{}
		var products []string
		for _, m := range dig(d, "node", "memberships").([]any) {
			if dig(m, "tenant", "id") != globalIDFor("Tenant", w.company) {
				continue
			}
			for _, p := range dig(m, "assignableProducts").([]any) {
				products = append(products, dig(p, "code").(string))
			}
			for _, c := range dig(m, "products").([]any) {
				code := dig(c, "product", "code").(string)
				roles[code] = []string{}
				for _, r := range dig(c, "assignableRoles").([]any) {
					roles[code] = append(roles[code], dig(r, "code").(string))
				}
			}
		}
		return roles, products
	}
	t.Run("AssignRoleOnNewProduct", func(t *testing.T) {
		_, products := cards()
		if strings.Join(products, ",") != "io-platform" {
			t.Fatalf("assignable products = %v", products)
		}
		d := assign(admin, w.operator, w.company, "io-platform", "operatore-api").ok(t)
		if dig(d, "roleAssignment", "role", "code") != "operatore-api" || dig(d, "roleAssignment", "status") != "ACTIVE" {
			t.Fatalf("got %v", d)
		}
		ra := w.assignmentID(t, w.operator, w.company, "io-platform", "operatore-api")
		w.wantAudit(t, "roleAssignment.create", ra, w.companyAdmin, "ROLE_ASSIGNMENT_CREATED", w.company)
	})
	t.Run("AssignAnotherRoleOfTheSameCategory", func(t *testing.T) {
		roles, products := cards()
		if len(products) != 0 {
			t.Fatalf("assignable products = %v", products)
		}
		if got := strings.Join(roles["io-platform"], ","); got != "gestore-notifiche,operatore-sicurezza" {
			t.Fatalf("assignable io-platform roles = %s", got)
		}
		assign(admin, w.operator, w.company, "io-platform", "operatore-sicurezza").ok(t)
		assign(admin, w.operator, w.company, "io-platform", "gestore-notifiche").ok(t)
		roles, _ = cards()
		if len(roles["io-platform"]) != 0 {
			t.Fatalf("\"assign another role\" offered with no role left: %v", roles["io-platform"])
		}
	})
	t.Run("ErrCategoryConflict", func(t *testing.T) {
		before := w.snapshot(t)
		if c := assign(admin, w.operator, w.company, "segmenti", "admin").userError(t); c != "CATEGORY_CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrRoleAlreadyAssigned", func(t *testing.T) {
		if c := assign(admin, w.operator, w.company, "segmenti", "user").userError(t); c != "ROLE_ALREADY_ASSIGNED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNotAMember", func(t *testing.T) {
		w.f.Assign(w.companyAdmin, w.site, "segmenti", "admin")
		before := w.snapshot(t)
		if c := assign(admin, w.operator, w.site, "segmenti", "user").userError(t); c != "NOT_A_MEMBER" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrNominationRequired", func(t *testing.T) {
		if c := assign(admin, w.technician, w.company, "io-platform", "amministratore").userError(t); c != "NOMINATION_REQUIRED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnknownRole", func(t *testing.T) {
		p := w.mutate(t, admin, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": globalIDFor("User", w.operator), "tenantId": globalIDFor("Tenant", w.company), "roleId": globalIDFor("Role", 424242)})
		if c := p.userError(t); c != "UNKNOWN_ROLE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.snapshot(t)
		if c := assign(w.token(t, w.other_admin), w.operator, w.company, "segmenti", "guest").code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
}

// TestR10RoleAssignmentLifecycle: suspend, reactivate, remove; removing the
// last role of the last product removes the user from the tenant; a user
// with no membership anywhere is deleted, personal data erased, the audit
// trail kept under a pseudonym.
func TestR10RoleAssignmentLifecycle(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	act := func(token, field string, raID int64) *payload {
		sel := "roleAssignment { id status viewerCanManage }"
		if field == "removeRoleAssignment" {
			sel = "removedRoleAssignmentId membershipRemoved userDeleted"
		}
		return w.mutate(t, token, field, "RoleAssignmentInput", sel, map[string]any{"roleAssignmentId": globalIDFor("RoleAssignment", raID)})
	}
	w.f.Assign(w.operator, w.company, "segmenti", "guest")
	user := w.assignmentID(t, w.operator, w.company, "segmenti", "user")
	guest := w.assignmentID(t, w.operator, w.company, "segmenti", "guest")

	t.Run("Suspend", func(t *testing.T) {
		d := act(admin, "suspendRoleAssignment", user).ok(t)
		if dig(d, "roleAssignment", "status") != "SUSPENDED" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "roleAssignment.suspend", user, w.companyAdmin, "ROLE_ASSIGNMENT_SUSPENDED", w.company)
	})
	t.Run("ErrAlreadySuspended", func(t *testing.T) {
		before := w.snapshot(t)
		if c := act(admin, "suspendRoleAssignment", user).userError(t); c != "ALREADY_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("SuspendedRoleGrantsNothing", func(t *testing.T) {
		// The suspended assignment no longer counts for the user's own
		// access: an admin whose ADMIN role is suspended cannot manage.
		adminRA := w.assignmentID(t, w.siteAdmin, w.site, "segmenti", "admin")
		w.f.Assign(w.companyAdmin, w.site, "segmenti", "admin")
		act(admin, "suspendRoleAssignment", adminRA).ok(t)
		p := w.mutate(t, w.token(t, w.siteAdmin), "createGroup", "CreateGroupInput", "group { id }",
			map[string]any{"tenantId": globalIDFor("Tenant", w.site), "productId": w.product(t, "segmenti"), "name": "G"})
		if p.code() != "FORBIDDEN" {
			t.Fatalf("a suspended admin acted: %q", p.code())
		}
		act(admin, "reactivateRoleAssignment", adminRA).ok(t)
	})
	t.Run("Reactivate", func(t *testing.T) {
		d := act(admin, "reactivateRoleAssignment", user).ok(t)
		if dig(d, "roleAssignment", "status") != "ACTIVE" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "roleAssignment.reactivate", user, w.companyAdmin, "ROLE_ASSIGNMENT_REACTIVATED", w.company)
	})
	t.Run("ErrNotSuspended", func(t *testing.T) {
		if c := act(admin, "reactivateRoleAssignment", user).userError(t); c != "NOT_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOwnRole", func(t *testing.T) {
		own := w.assignmentID(t, w.companyAdmin, w.company, "segmenti", "admin")
		before := w.snapshot(t)
		for _, f := range []string{"suspendRoleAssignment", "removeRoleAssignment"} {
			if c := act(admin, f, own).code(); c != "FORBIDDEN" {
				t.Fatalf("%s own: %q", f, c)
			}
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.snapshot(t)
		for _, f := range []string{"suspendRoleAssignment", "reactivateRoleAssignment", "removeRoleAssignment"} {
			if c := act(w.token(t, w.other_admin), f, guest).code(); c != "FORBIDDEN" {
				t.Fatalf("%s: %q", f, c)
			}
		}
		w.unchanged(t, before)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if c := act(admin, "removeRoleAssignment", 999999).code(); c != "NOT_FOUND" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("RemoveNotLast", func(t *testing.T) {
		d := act(admin, "removeRoleAssignment", guest).ok(t)
		if d["membershipRemoved"] != false || d["userDeleted"] != false {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "roleAssignment.delete", guest, w.companyAdmin, "ROLE_ASSIGNMENT_DELETED", w.company)
	})
	t.Run("RemoveLastInTenantKeepsOtherMemberships", func(t *testing.T) {
		w.f.Assign(w.operator, w.site, "segmenti", "guest")
		m := w.membershipID(t, w.operator, w.company)
		d := act(admin, "removeRoleAssignment", user).ok(t)
		if d["membershipRemoved"] != true || d["userDeleted"] != false {
			t.Fatalf("got %v", d)
		}
		if w.count(t, "SELECT count(*) FROM memberships WHERE id = ?", m) != 0 {
			t.Fatal("membership kept")
		}
		w.wantAudit(t, "membership.delete", m, w.companyAdmin, "MEMBERSHIP_DELETED", w.company)
	})
	t.Run("RemoveLastAnywhereDeletesTheUser", func(t *testing.T) {
		var uid string
		w.scalar(t, &uid, "SELECT uid::text FROM users WHERE id = ?", w.operator)
		opToken := w.token(t, w.operator)
		// The user acted once: the trail names them as actor too.
		w.mutate(t, opToken, "updateMyPreferences", "UpdateMyPreferencesInput", "user { id }", map[string]any{"language": "en"}).ok(t)
		// A lookup of their username is in the trail too.
		w.mutate(t, admin, "lookupUserCandidate", "LookupUserCandidateInput", "outcome", map[string]any{
			"tenantId": globalIDFor("Tenant", w.company), "username": "operatore.uno", "taxCode": validCF(77)}).ok(t)
		last := w.assignmentID(t, w.operator, w.site, "segmenti", "guest")
		d := act(w.token(t, w.siteAdmin), "removeRoleAssignment", last).ok(t)
		if d["membershipRemoved"] != true || d["userDeleted"] != true {
			t.Fatalf("got %v", d)
		}
		if w.count(t, "SELECT count(*) FROM users WHERE id = ?", w.operator) != 0 {
			t.Fatal("user kept")
		}
		// Personal data erased from the audit trail; the trail is kept.
		pseudonym := "deleted-user-" + uid[:8]
		var trail string
		w.scalar(t, &trail, `SELECT string_agg(concat_ws(' ', actor_label, before::text, after::text), E'\n' ORDER BY id) FROM audit_events
			WHERE target_id = ? OR actor_id = ? OR before->>'userId' = ?::text OR after->>'userId' = ?::text`, w.operator, w.operator, w.operator, w.operator)
		for _, leak := range []string{"operatore.uno", "Givenoperatore", "Familyoperatore", validCF(904)} {
			if strings.Contains(trail, leak) {
				t.Fatalf("the audit trail still holds %q:\n%s", leak, trail)
			}
		}
		if !strings.Contains(trail, pseudonym) || w.audits(t, "roleAssignment.delete", last) != 1 || w.audits(t, "user.delete", w.operator) != 1 {
			t.Fatalf("trail not kept under the pseudonym %s:\n%s", pseudonym, trail)
		}
		// …and from the change events still retained, whose payloads name
		// the user (issue 15.4).
		var evs string
		w.scalar(t, &evs, `SELECT coalesce(string_agg(payload::text, E'\n' ORDER BY id), '') FROM events
			WHERE (subject_type = 'User' AND subject_id = ?) OR payload->>'userId' = ?::text`, w.operator, w.operator)
		for _, leak := range []string{"operatore.uno", "Givenoperatore", "Familyoperatore"} {
			if strings.Contains(evs, leak) {
				t.Fatalf("the change events still hold %q:\n%s", leak, evs)
			}
		}
		if evs == "" {
			t.Fatal("no change events about the user")
		}
		if w.count(t, "SELECT count(*) FROM audit_events WHERE actor_id = ? AND actor_label = ?", w.operator, pseudonym) == 0 {
			t.Fatal("actor label not pseudonymised")
		}
		if w.count(t, "SELECT count(*) FROM email_outbox WHERE to_address LIKE '%operatore%'") != 0 {
			t.Fatal("mail outbox keeps the address")
		}
		if w.events(t, "USER_DELETED", w.site, w.operator) != 1 {
			t.Fatal("no USER_DELETED event")
		}
		if res := w.m.gql(t, opToken, `{ viewer { platformAdmin } }`, nil); string(res.Data) != `{"viewer":null}` {
			t.Fatalf("deleted user's session works: %s", res.Data)
		}
	})
}

// TestR8AttachAndDetach: attach a user to sites of the same organisation,
// detach; detaching from every tenant ends all access.
func TestR8AttachAndDetach(t *testing.T) {
	w := newAdminWorld(t)
	w.f.Assign(w.companyAdmin, w.site, "segmenti", "admin")
	admin := w.token(t, w.companyAdmin)
	attach := func(token string, userID, tenantID int64, product, role string) *payload {
		return w.mutate(t, token, "attachUserToTenant", "AttachUserToTenantInput", "membership { id tenant { id } roleAssignments { role { code } } }",
			map[string]any{"userId": globalIDFor("User", userID), "tenantId": globalIDFor("Tenant", tenantID),
				"productId": w.product(t, product), "roleId": w.role(t, product, role)})
	}
	detach := func(token string, membershipID int64) *payload {
		return w.mutate(t, token, "detachUserFromTenant", "DetachUserFromTenantInput", "detachedMembershipId userDeleted",
			map[string]any{"membershipId": globalIDFor("Membership", membershipID)})
	}
	t.Run("Attach", func(t *testing.T) {
		d := attach(admin, w.operator, w.site, "segmenti", "guest").ok(t)
		if dig(d, "membership", "tenant", "id") != globalIDFor("Tenant", w.site) {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "membership.create", w.membershipID(t, w.operator, w.site), w.companyAdmin, "MEMBERSHIP_CREATED", w.site)
	})
	t.Run("ErrAlreadyMember", func(t *testing.T) {
		before := w.snapshot(t)
		if c := attach(admin, w.operator, w.site, "segmenti", "user").userError(t); c != "ALREADY_MEMBER" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrOtherOrganisation", func(t *testing.T) {
		// Platform staff may attach anywhere, but not across organisations:
		// that is R1's attach, with username and tax code.
		before := w.snapshot(t)
		if c := attach(w.token(t, w.staff), w.other_admin, w.site, "segmenti", "guest").userError(t); c != "OTHER_ORGANISATION" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenUserNotListed", func(t *testing.T) {
		before := w.snapshot(t)
		if c := attach(admin, w.other_admin, w.site, "segmenti", "guest").code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.snapshot(t)
		if c := attach(w.token(t, w.other_admin), w.technician, w.site, "segmenti", "guest").code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("Detach", func(t *testing.T) {
		m := w.membershipID(t, w.operator, w.site)
		d := detach(admin, m).ok(t)
		if d["userDeleted"] != false || d["detachedMembershipId"] != globalIDFor("Membership", m) {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "membership.delete", m, w.companyAdmin, "MEMBERSHIP_DELETED", w.site)
	})
	t.Run("ErrForbiddenDetachWithProductsNotAdministered", func(t *testing.T) {
		w.f.Assign(w.operator, w.company, "clienti", "guest")
		before := w.snapshot(t)
		if c := detach(admin, w.membershipID(t, w.operator, w.company)).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrForbiddenDetachOther", func(t *testing.T) {
		before := w.snapshot(t)
		if c := detach(w.token(t, w.other_admin), w.membershipID(t, w.technician, w.company)).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("DetachFromEveryTenantEndsAllAccess", func(t *testing.T) {
		w.f.Assign(w.companyAdmin, w.company, "amisgest", "administration")
		d := detach(admin, w.membershipID(t, w.technician, w.company)).ok(t)
		if d["userDeleted"] != true || w.count(t, "SELECT count(*) FROM users WHERE id = ?", w.technician) != 0 {
			t.Fatalf("got %v", d)
		}
	})
}
