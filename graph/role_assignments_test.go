package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

const assignSel = `roleAssignment { id status role { code } } membership { id products { product { code } category } }`

// TestR6DelegatedAdministration: an admin manages a tenant's users only on
// the products where it holds an ADMIN role there; a parent's admin reads
// the children's users and writes nothing there; the child's own admins
// manage them.
func TestR6DelegatedAdministration(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.F.Assign(w.Operator, w.Company, "clienti", "guest")
	assign := func(token string, userID, tenantID int64, product, role string) *servertest.Payload {
		return w.Mutate(t, token, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": servertest.GlobalID("User", userID), "tenantId": servertest.GlobalID("Tenant", tenantID), "roleId": w.Role(t, product, role)})
	}
	t.Run("ParentAdminReadsChildren", func(t *testing.T) {
		var out servertest.UsersPage
		w.M.GQL(t, w.Token(t, w.HoldingAdmin), servertest.UsersPageQuery, map[string]any{"first": 50,
			"filter": map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Site)}}).Decode(t, &out)
		if out.Users.TotalCount != 1 || out.Users.Edges[0].Node.Username != "site.admin" {
			t.Fatalf("holding admin lists the site: %+v", out.Users)
		}
	})
	t.Run("ErrParentAdminWritesNothingInChild", func(t *testing.T) {
		before := w.Snapshot(t)
		holding := w.Token(t, w.HoldingAdmin)
		if c := assign(holding, w.Operator, w.Company, "segmenti", "guest").Code(); c != "FORBIDDEN" {
			t.Fatalf("assignRole: %q", c)
		}
		ra := w.AssignmentID(t, w.Operator, w.Company, "segmenti", "user")
		p := w.Mutate(t, holding, "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { id }",
			map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", ra)})
		if p.Code() != "FORBIDDEN" {
			t.Fatalf("suspendRoleAssignment: %q", p.Code())
		}
		p = w.Mutate(t, holding, "createGroup", "CreateGroupInput", "group { id }",
			map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "productId": w.Product(t, "segmenti"), "name": "Parent's"})
		if p.Code() != "FORBIDDEN" {
			t.Fatalf("createGroup: %q", p.Code())
		}
		w.Unchanged(t, before)
	})
	t.Run("OnlyOnProductsAdministered", func(t *testing.T) {
		admin := w.Token(t, w.CompanyAdmin)
		before := w.Snapshot(t)
		ra := w.AssignmentID(t, w.Operator, w.Company, "clienti", "guest")
		p := w.Mutate(t, admin, "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { id }",
			map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", ra)})
		if p.Code() != "FORBIDDEN" {
			t.Fatalf("suspend a clienti role: %q", p.Code())
		}
		w.Unchanged(t, before)
		// The product cards say so.
		q := `query($id: ID!) { node(id: $id) { ... on User { memberships { products { product { code } viewerCanManage
			roleAssignments { viewerCanManage } } viewerCanDetach } } } }`
		d := w.Query(t, admin, q, map[string]any{"id": servertest.GlobalID("User", w.Operator)})
		ms := servertest.Dig(d, "node", "memberships").([]any)
		cards := servertest.Dig(ms[0], "products").([]any)
		got := map[string]bool{}
		for _, c := range cards {
			got[servertest.Dig(c, "product", "code").(string)] = servertest.Dig(c, "viewerCanManage").(bool)
			ras := servertest.Dig(c, "roleAssignments").([]any)
			if servertest.Dig(ras[0], "viewerCanManage") != servertest.Dig(c, "viewerCanManage") {
				t.Fatalf("card and assignment disagree: %v", c)
			}
		}
		if !got["segmenti"] || got["clienti"] || servertest.Dig(ms[0], "viewerCanDetach") != false {
			t.Fatalf("cards = %v, detach %v", got, servertest.Dig(ms[0], "viewerCanDetach"))
		}
	})
	t.Run("ChildAdminManagesChild", func(t *testing.T) {
		w.F.Assign(w.Operator, w.Site, "segmenti", "guest")
		ra := w.AssignmentID(t, w.Operator, w.Site, "segmenti", "guest")
		w.Mutate(t, w.Token(t, w.SiteAdmin), "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { id }",
			map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", ra)}).OK(t)
	})
	t.Run("SuspendedAdminRoleGrantsNothing", func(t *testing.T) {
		// A suspended ADMIN assignment is no grant: only ACTIVE roles count.
		w.F.Exec("UPDATE role_assignments SET status = 'SUSPENDED' WHERE user_id = ? AND tenant_id = ?", w.SiteAdmin, w.Site)
		before := w.Snapshot(t)
		if c := assign(w.Token(t, w.SiteAdmin), w.Operator, w.Site, "segmenti", "user").Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
}

// TestR9AssignRole: a role on a product the user has none on; "assign
// another role" within the same category; never ADMIN and OPERATOR on one
// product in one tenant.
func TestR9AssignRole(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	w.F.Assign(w.CompanyAdmin, w.Company, "io-platform", "amministratore")
	assign := func(token string, userID, tenantID int64, product, role string) *servertest.Payload {
		return w.Mutate(t, token, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": servertest.GlobalID("User", userID), "tenantId": servertest.GlobalID("Tenant", tenantID), "roleId": w.Role(t, product, role)})
	}
	cardsQuery := `query($id: ID!) { node(id: $id) { ... on User { memberships { tenant { id } assignableProducts { code }
		products { product { code } category assignableRoles { code } } } } } }`
	cards := func() (map[string][]string, []string) {
		d := w.Query(t, admin, cardsQuery, map[string]any{"id": servertest.GlobalID("User", w.Operator)})
		roles := map[string][]string{}
		var products []string
		for _, m := range servertest.Dig(d, "node", "memberships").([]any) {
			if servertest.Dig(m, "tenant", "id") != servertest.GlobalID("Tenant", w.Company) {
				continue
			}
			for _, p := range servertest.Dig(m, "assignableProducts").([]any) {
				products = append(products, servertest.Dig(p, "code").(string))
			}
			for _, c := range servertest.Dig(m, "products").([]any) {
				code := servertest.Dig(c, "product", "code").(string)
				roles[code] = []string{}
				for _, r := range servertest.Dig(c, "assignableRoles").([]any) {
					roles[code] = append(roles[code], servertest.Dig(r, "code").(string))
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
		d := assign(admin, w.Operator, w.Company, "io-platform", "operatore-api").OK(t)
		if servertest.Dig(d, "roleAssignment", "role", "code") != "operatore-api" || servertest.Dig(d, "roleAssignment", "status") != "ACTIVE" {
			t.Fatalf("got %v", d)
		}
		ra := w.AssignmentID(t, w.Operator, w.Company, "io-platform", "operatore-api")
		w.WantAudit(t, "roleAssignment.create", ra, w.CompanyAdmin, "ROLE_ASSIGNMENT_CREATED", w.Company)
	})
	t.Run("AssignAnotherRoleOfTheSameCategory", func(t *testing.T) {
		roles, products := cards()
		if len(products) != 0 {
			t.Fatalf("assignable products = %v", products)
		}
		if got := strings.Join(roles["io-platform"], ","); got != "gestore-notifiche,operatore-sicurezza" {
			t.Fatalf("assignable io-platform roles = %s", got)
		}
		assign(admin, w.Operator, w.Company, "io-platform", "operatore-sicurezza").OK(t)
		assign(admin, w.Operator, w.Company, "io-platform", "gestore-notifiche").OK(t)
		roles, _ = cards()
		if len(roles["io-platform"]) != 0 {
			t.Fatalf("\"assign another role\" offered with no role left: %v", roles["io-platform"])
		}
	})
	t.Run("ErrCategoryConflict", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := assign(admin, w.Operator, w.Company, "segmenti", "admin").UserError(t); c != "CATEGORY_CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrRoleAlreadyAssigned", func(t *testing.T) {
		if c := assign(admin, w.Operator, w.Company, "segmenti", "user").UserError(t); c != "ROLE_ALREADY_ASSIGNED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNotAMember", func(t *testing.T) {
		w.F.Assign(w.CompanyAdmin, w.Site, "segmenti", "admin")
		before := w.Snapshot(t)
		if c := assign(admin, w.Operator, w.Site, "segmenti", "user").UserError(t); c != "NOT_A_MEMBER" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNominationRequired", func(t *testing.T) {
		if c := assign(admin, w.Technician, w.Company, "io-platform", "amministratore").UserError(t); c != "NOMINATION_REQUIRED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUnknownRole", func(t *testing.T) {
		p := w.Mutate(t, admin, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "tenantId": servertest.GlobalID("Tenant", w.Company), "roleId": servertest.GlobalID("Role", 424242)})
		if c := p.UserError(t); c != "UNKNOWN_ROLE" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := assign(w.Token(t, w.OtherAdmin), w.Operator, w.Company, "segmenti", "guest").Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
}

// TestR10RoleAssignmentLifecycle: suspend, reactivate, remove; removing the
// last role of the last product removes the user from the tenant; a user
// with no membership anywhere is deleted, personal data erased, the audit
// trail kept under a pseudonym.
func TestR10RoleAssignmentLifecycle(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	act := func(token, field string, raID int64) *servertest.Payload {
		sel := "roleAssignment { id status viewerCanManage }"
		if field == "removeRoleAssignment" {
			sel = "removedRoleAssignmentId membershipRemoved userDeleted"
		}
		return w.Mutate(t, token, field, "RoleAssignmentInput", sel, map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", raID)})
	}
	w.F.Assign(w.Operator, w.Company, "segmenti", "guest")
	user := w.AssignmentID(t, w.Operator, w.Company, "segmenti", "user")
	guest := w.AssignmentID(t, w.Operator, w.Company, "segmenti", "guest")

	t.Run("Suspend", func(t *testing.T) {
		d := act(admin, "suspendRoleAssignment", user).OK(t)
		if servertest.Dig(d, "roleAssignment", "status") != "SUSPENDED" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "roleAssignment.suspend", user, w.CompanyAdmin, "ROLE_ASSIGNMENT_SUSPENDED", w.Company)
	})
	t.Run("ErrAlreadySuspended", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := act(admin, "suspendRoleAssignment", user).UserError(t); c != "ALREADY_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("SuspendedRoleGrantsNothing", func(t *testing.T) {
		// The suspended assignment no longer counts for the user's own
		// access: an admin whose ADMIN role is suspended cannot manage.
		adminRA := w.AssignmentID(t, w.SiteAdmin, w.Site, "segmenti", "admin")
		w.F.Assign(w.CompanyAdmin, w.Site, "segmenti", "admin")
		act(admin, "suspendRoleAssignment", adminRA).OK(t)
		p := w.Mutate(t, w.Token(t, w.SiteAdmin), "createGroup", "CreateGroupInput", "group { id }",
			map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Site), "productId": w.Product(t, "segmenti"), "name": "G"})
		if p.Code() != "FORBIDDEN" {
			t.Fatalf("a suspended admin acted: %q", p.Code())
		}
		act(admin, "reactivateRoleAssignment", adminRA).OK(t)
	})
	t.Run("Reactivate", func(t *testing.T) {
		d := act(admin, "reactivateRoleAssignment", user).OK(t)
		if servertest.Dig(d, "roleAssignment", "status") != "ACTIVE" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "roleAssignment.reactivate", user, w.CompanyAdmin, "ROLE_ASSIGNMENT_REACTIVATED", w.Company)
	})
	t.Run("ErrNotSuspended", func(t *testing.T) {
		if c := act(admin, "reactivateRoleAssignment", user).UserError(t); c != "NOT_SUSPENDED" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrForbiddenOwnRole", func(t *testing.T) {
		own := w.AssignmentID(t, w.CompanyAdmin, w.Company, "segmenti", "admin")
		before := w.Snapshot(t)
		for _, f := range []string{"suspendRoleAssignment", "removeRoleAssignment"} {
			if c := act(admin, f, own).Code(); c != "FORBIDDEN" {
				t.Fatalf("%s own: %q", f, c)
			}
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		for _, f := range []string{"suspendRoleAssignment", "reactivateRoleAssignment", "removeRoleAssignment"} {
			if c := act(w.Token(t, w.OtherAdmin), f, guest).Code(); c != "FORBIDDEN" {
				t.Fatalf("%s: %q", f, c)
			}
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if c := act(admin, "removeRoleAssignment", 999999).Code(); c != "NOT_FOUND" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("RemoveNotLast", func(t *testing.T) {
		d := act(admin, "removeRoleAssignment", guest).OK(t)
		if d["membershipRemoved"] != false || d["userDeleted"] != false {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "roleAssignment.delete", guest, w.CompanyAdmin, "ROLE_ASSIGNMENT_DELETED", w.Company)
	})
	t.Run("RemoveLastInTenantKeepsOtherMemberships", func(t *testing.T) {
		w.F.Assign(w.Operator, w.Site, "segmenti", "guest")
		m := w.MembershipID(t, w.Operator, w.Company)
		d := act(admin, "removeRoleAssignment", user).OK(t)
		if d["membershipRemoved"] != true || d["userDeleted"] != false {
			t.Fatalf("got %v", d)
		}
		if w.Count(t, "SELECT count(*) FROM memberships WHERE id = ?", m) != 0 {
			t.Fatal("membership kept")
		}
		w.WantAudit(t, "membership.delete", m, w.CompanyAdmin, "MEMBERSHIP_DELETED", w.Company)
	})
	t.Run("RemoveLastAnywhereDeletesTheUser", func(t *testing.T) {
		var uid string
		w.Scalar(t, &uid, "SELECT uid::text FROM users WHERE id = ?", w.Operator)
		opToken := w.Token(t, w.Operator)
		// The user acted once: the trail names them as actor too.
		w.Mutate(t, opToken, "updateMyPreferences", "UpdateMyPreferencesInput", "user { id }", map[string]any{"language": "en"}).OK(t)
		// A lookup of their username is in the trail too.
		w.Mutate(t, admin, "lookupUserCandidate", "LookupUserCandidateInput", "outcome", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "operatore.uno", "taxCode": servertest.ValidCF(77)}).OK(t)
		last := w.AssignmentID(t, w.Operator, w.Site, "segmenti", "guest")
		d := act(w.Token(t, w.SiteAdmin), "removeRoleAssignment", last).OK(t)
		if d["membershipRemoved"] != true || d["userDeleted"] != true {
			t.Fatalf("got %v", d)
		}
		if w.Count(t, "SELECT count(*) FROM users WHERE id = ?", w.Operator) != 0 {
			t.Fatal("user kept")
		}
		// Personal data erased from the audit trail; the trail is kept.
		pseudonym := "deleted-user-" + uid[:8]
		var trail string
		w.Scalar(t, &trail, `SELECT string_agg(concat_ws(' ', actor_label, before::text, after::text), E'\n' ORDER BY id) FROM audit_events
			WHERE target_id = ? OR actor_id = ? OR before->>'userId' = ?::text OR after->>'userId' = ?::text`, w.Operator, w.Operator, w.Operator, w.Operator)
		for _, leak := range []string{"operatore.uno", "Givenoperatore", "Familyoperatore", servertest.ValidCF(904)} {
			if strings.Contains(trail, leak) {
				t.Fatalf("the audit trail still holds %q:\n%s", leak, trail)
			}
		}
		if !strings.Contains(trail, pseudonym) || w.Audits(t, "roleAssignment.delete", last) != 1 || w.Audits(t, "user.delete", w.Operator) != 1 {
			t.Fatalf("trail not kept under the pseudonym %s:\n%s", pseudonym, trail)
		}
		// …and from the change events still retained, whose payloads name
		// the user (issue 15.4).
		var evs string
		w.Scalar(t, &evs, `SELECT coalesce(string_agg(payload::text, E'\n' ORDER BY id), '') FROM events
			WHERE (subject_type = 'User' AND subject_id = ?) OR payload->>'userId' = ?::text`, w.Operator, w.Operator)
		for _, leak := range []string{"operatore.uno", "Givenoperatore", "Familyoperatore"} {
			if strings.Contains(evs, leak) {
				t.Fatalf("the change events still hold %q:\n%s", leak, evs)
			}
		}
		if evs == "" {
			t.Fatal("no change events about the user")
		}
		if w.Count(t, "SELECT count(*) FROM audit_events WHERE actor_id = ? AND actor_label = ?", w.Operator, pseudonym) == 0 {
			t.Fatal("actor label not pseudonymised")
		}
		if w.Count(t, "SELECT count(*) FROM email_outbox WHERE to_address LIKE '%operatore%'") != 0 {
			t.Fatal("mail outbox keeps the address")
		}
		if w.Events(t, "USER_DELETED", w.Site, w.Operator) != 1 {
			t.Fatal("no USER_DELETED event")
		}
		if res := w.M.GQL(t, opToken, `{ viewer { platformAdmin } }`, nil); string(res.Data) != `{"viewer":null}` {
			t.Fatalf("deleted user's session works: %s", res.Data)
		}
	})
}

// TestR8AttachAndDetach: attach a user to sites of the same organisation,
// detach; detaching from every tenant ends all access.
func TestR8AttachAndDetach(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.F.Assign(w.CompanyAdmin, w.Site, "segmenti", "admin")
	admin := w.Token(t, w.CompanyAdmin)
	attach := func(token string, userID, tenantID int64, product, role string) *servertest.Payload {
		return w.Mutate(t, token, "attachUserToTenant", "AttachUserToTenantInput", "membership { id tenant { id } roleAssignments { role { code } } }",
			map[string]any{"userId": servertest.GlobalID("User", userID), "tenantId": servertest.GlobalID("Tenant", tenantID),
				"productId": w.Product(t, product), "roleId": w.Role(t, product, role)})
	}
	detach := func(token string, membershipID int64) *servertest.Payload {
		return w.Mutate(t, token, "detachUserFromTenant", "DetachUserFromTenantInput", "detachedMembershipId userDeleted",
			map[string]any{"membershipId": servertest.GlobalID("Membership", membershipID)})
	}
	t.Run("Attach", func(t *testing.T) {
		d := attach(admin, w.Operator, w.Site, "segmenti", "guest").OK(t)
		if servertest.Dig(d, "membership", "tenant", "id") != servertest.GlobalID("Tenant", w.Site) {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "membership.create", w.MembershipID(t, w.Operator, w.Site), w.CompanyAdmin, "MEMBERSHIP_CREATED", w.Site)
	})
	t.Run("ErrAlreadyMember", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := attach(admin, w.Operator, w.Site, "segmenti", "user").UserError(t); c != "ALREADY_MEMBER" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrOtherOrganisation", func(t *testing.T) {
		// Platform staff may attach anywhere, but not across organisations:
		// that is R1's attach, with username and tax code.
		before := w.Snapshot(t)
		if c := attach(w.Token(t, w.Staff), w.OtherAdmin, w.Site, "segmenti", "guest").UserError(t); c != "OTHER_ORGANISATION" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenUserNotListed", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := attach(admin, w.OtherAdmin, w.Site, "segmenti", "guest").Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := attach(w.Token(t, w.OtherAdmin), w.Technician, w.Site, "segmenti", "guest").Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("Detach", func(t *testing.T) {
		m := w.MembershipID(t, w.Operator, w.Site)
		d := detach(admin, m).OK(t)
		if d["userDeleted"] != false || d["detachedMembershipId"] != servertest.GlobalID("Membership", m) {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "membership.delete", m, w.CompanyAdmin, "MEMBERSHIP_DELETED", w.Site)
	})
	t.Run("ErrForbiddenDetachWithProductsNotAdministered", func(t *testing.T) {
		w.F.Assign(w.Operator, w.Company, "clienti", "guest")
		before := w.Snapshot(t)
		if c := detach(admin, w.MembershipID(t, w.Operator, w.Company)).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenDetachOther", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := detach(w.Token(t, w.OtherAdmin), w.MembershipID(t, w.Technician, w.Company)).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("DetachFromEveryTenantEndsAllAccess", func(t *testing.T) {
		w.F.Assign(w.CompanyAdmin, w.Company, "amisgest", "administration")
		d := detach(admin, w.MembershipID(t, w.Technician, w.Company)).OK(t)
		if d["userDeleted"] != true || w.Count(t, "SELECT count(*) FROM users WHERE id = ?", w.Technician) != 0 {
			t.Fatalf("got %v", d)
		}
	})
}
