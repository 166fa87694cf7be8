package graph_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

const historyQuery = `query($filter: AuditEventFilter) {
  auditEvents(filter: $filter, first: 100) {
    totalCount
    nodes { action actorName actorLabel subjectLabel objectLabel subjectUser { id } targetType }
  }
}`

type historyPage struct {
	AuditEvents struct {
		TotalCount int
		Nodes      []struct {
			Action, ActorName, ActorLabel, TargetType string
			SubjectLabel, ObjectLabel                 *string
			SubjectUser                               *struct{ ID string }
		}
	}
}

func (p historyPage) actionSet() []string {
	var out []string
	for _, n := range p.AuditEvents.Nodes {
		if !slices.Contains(out, n.Action) {
			out = append(out, n.Action)
		}
	}
	sort.Strings(out)
	return out
}

// A user's history (issue 19.6) lists every change about them, not only
// those whose target is the user: role assignments, memberships, group
// memberships and nominations too; labels name people as R12 allows.
func TestAuditUserHistory(t *testing.T) {
	nw := servertest.NewNominationWorld(t)
	w := servertest.AdminWorldOf(nw.World)
	w.F.Assign(w.CompanyAdmin, w.Company, "clienti", "admin")
	admin := w.Token(t, w.CompanyAdmin)

	created := w.Mutate(t, admin, "createUser", "CreateUserInput", "user { id }", map[string]any{
		"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "luca.rossi", "taxCode": servertest.ValidCF(700), "givenName": "Luca",
		"familyName": "Rossi", "email": "luca.rossi@example.test", "productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "user")}).OK(t)
	userGID := servertest.Dig(created, "user", "id").(string)
	var user int64
	w.Scalar(t, &user, "SELECT id FROM users WHERE username = 'luca.rossi'")
	w.F.Exec("UPDATE users SET status = 'ACTIVE' WHERE id = ?", user)
	servertest.SetPassword(t, w.M, user)
	byID := map[string]any{"userId": userGID}

	w.Mutate(t, admin, "updateUserProfile", "UpdateUserProfileInput", "user { id }", map[string]any{"userId": userGID, "expectedVersion": w.Version(t, "users", user), "givenName": "Lucio"}).OK(t)
	w.Mutate(t, admin, "assignRole", "AssignRoleInput", "roleAssignment { id }", map[string]any{
		"userId": userGID, "tenantId": servertest.GlobalID("Tenant", w.Company), "roleId": w.Role(t, "clienti", "guest")}).OK(t)
	w.F.Assign(w.CompanyAdmin, w.Site, "segmenti", "admin")
	w.Mutate(t, admin, "attachUserToTenant", "AttachUserToTenantInput", "membership { id }", map[string]any{
		"userId": userGID, "tenantId": servertest.GlobalID("Tenant", w.Site), "productId": w.Product(t, "segmenti"),
		"roleId": w.Role(t, "segmenti", "user")}).OK(t)
	w.Mutate(t, admin, "suspendRoleAssignment", "RoleAssignmentInput", "roleAssignment { id }", map[string]any{
		"roleAssignmentId": servertest.GlobalID("RoleAssignment", w.AssignmentID(t, user, w.Company, "clienti", "guest"))}).OK(t)
	w.Mutate(t, admin, "suspendUser", "UserStatusInput", "user { id }", byID).OK(t)
	w.Mutate(t, admin, "reactivateUser", "UserStatusInput", "user { id }", byID).OK(t)
	group := w.Mutate(t, admin, "createGroup", "CreateGroupInput", "group { id }", map[string]any{
		"tenantId": servertest.GlobalID("Tenant", w.Company), "productId": w.Product(t, "segmenti"), "name": "Magazzino"}).OK(t)
	w.Mutate(t, admin, "addUserToGroup", "GroupMemberInput", "group { id }", map[string]any{
		"groupId": servertest.Dig(group, "group", "id"), "userId": userGID}).OK(t)
	w.Mutate(t, admin, "adminResetPassword", "AdminResetPasswordInput", "user { id }", byID).OK(t)
	if s := nw.Start(t, nw.CobAdmin, nw.Input(user, nw.Master, servertest.Mario(), false)); s.StartNomination.Nomination == nil {
		t.Fatalf("nomination: %+v", s.StartNomination)
	}
	var rej servertest.Rejected
	w.M.GQL(t, "", servertest.RejectNominationMutation, map[string]any{"input": map[string]any{"token": nw.LinkToken(t), "reason": "No"}}).Decode(t, &rej)
	// Noise: a change about someone else must not show.
	w.Mutate(t, admin, "suspendUser", "UserStatusInput", "user { id }", map[string]any{"userId": servertest.GlobalID("User", nw.Nominee)}).OK(t)

	query := func(t *testing.T, token string, filter map[string]any) historyPage {
		t.Helper()
		var p historyPage
		w.M.GQL(t, token, historyQuery, map[string]any{"filter": filter}).Decode(t, &p)
		return p
	}
	want := []string{"group.addMember", "membership.create", "nomination.reject", "nomination.start", "roleAssignment.create",
		"roleAssignment.suspend", "user.create", "user.password_reset", "user.reactivate", "user.suspend", "user.update"}

	t.Run("TargetOnlyMissesMost", func(t *testing.T) {
		// What the profile's link showed before: only the user's own rows.
		p := query(t, admin, map[string]any{"targetId": userGID})
		got := p.actionSet()
		all := query(t, admin, map[string]any{"aboutUserId": userGID})
		t.Logf("targetId: %d events %v; aboutUserId: %d events %v", p.AuditEvents.TotalCount, got, all.AuditEvents.TotalCount, all.actionSet())
		if slices.Contains(got, "roleAssignment.create") || slices.Contains(got, "group.addMember") {
			t.Fatalf("targetId now matches related rows: %v", got)
		}
	})
	t.Run("EveryKindOfEvent", func(t *testing.T) {
		p := query(t, w.Token(t, w.HoldingAdmin), map[string]any{"aboutUserId": userGID})
		if got := p.actionSet(); !slices.Equal(got, want) {
			t.Fatalf("history = %v\nwant      %v", got, want)
		}
		for _, n := range p.AuditEvents.Nodes {
			if n.SubjectUser == nil || n.SubjectUser.ID != userGID {
				t.Errorf("%s: subjectUser %+v", n.Action, n.SubjectUser)
			}
			if n.SubjectLabel == nil || *n.SubjectLabel != "Lucio Rossi" {
				t.Errorf("%s: subjectLabel %v", n.Action, n.SubjectLabel)
			}
		}
	})
	t.Run("Labels", func(t *testing.T) {
		p := query(t, admin, map[string]any{"aboutUserId": userGID, "action": "roleAssignment.suspend"})
		if len(p.AuditEvents.Nodes) != 1 {
			t.Fatalf("nodes = %+v", p.AuditEvents.Nodes)
		}
		n := p.AuditEvents.Nodes[0]
		if n.ActorName != "Givencompany.admin Familycompany.admin" || n.ActorLabel != "company.admin" ||
			n.ObjectLabel == nil || !strings.Contains(*n.ObjectLabel, ": ") {
			t.Fatalf("node = %+v %v", n, n.ObjectLabel)
		}
		g := query(t, admin, map[string]any{"aboutUserId": userGID, "action": "group.addMember"}).AuditEvents.Nodes
		if len(g) != 1 || g[0].ObjectLabel == nil || *g[0].ObjectLabel != "Magazzino" {
			t.Fatalf("group event = %+v", g)
		}
	})
	t.Run("PersonalDataHiddenShowsUsername", func(t *testing.T) {
		restricted := w.RestrictedAdmin(t) // no personal-data access (R12)
		p := query(t, w.M.MustLogin(t, restricted), map[string]any{"aboutUserId": userGID})
		if len(p.AuditEvents.Nodes) == 0 {
			t.Fatal("restricted admin reads no history")
		}
		for _, n := range p.AuditEvents.Nodes {
			if n.SubjectLabel == nil || *n.SubjectLabel != "luca.rossi" || strings.Contains(n.ActorName, "Given") {
				t.Fatalf("%s: subjectLabel %v actorName %q", n.Action, n.SubjectLabel, n.ActorName)
			}
		}
	})
	t.Run("ScopedByTenant", func(t *testing.T) {
		if p := query(t, w.Token(t, w.OtherAdmin), map[string]any{"aboutUserId": userGID}); p.AuditEvents.TotalCount != 0 {
			t.Fatalf("another tenant's admin reads %v", p.actionSet())
		}
	})
	t.Run("AuditActionsListed", func(t *testing.T) {
		var out struct{ AuditActions []string }
		w.M.GQL(t, admin, `{ auditActions }`, nil).Decode(t, &out)
		for _, a := range want {
			if !slices.Contains(out.AuditActions, a) {
				t.Errorf("auditActions misses %s", a)
			}
		}
	})
}
