package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tenantadmin/domain"
	"tenantadmin/server/servertest"
)

// Issue 15.4: events and the audit trail speak the API's language.

const changeDetailsSubscription = `subscription($tenantIds: [ID!]) {
  changes(tenantIds: $tenantIds) {
    type subjectType subjectId payload
    details {
      __typename
      ... on UserChange { user { id username displayName } status version changes { field personal hidden oldValue newValue } }
      ... on MembershipChange { membershipId user { id username displayName } }
      ... on RoleAssignmentChange { roleAssignmentId user { id username displayName } productId roleId previousRoleId status }
      ... on GroupChange { groupId productId user { id username displayName } active version changes { field personal hidden oldValue newValue } }
      ... on TenantChange { tenantId parentId version changes { field personal hidden oldValue newValue } }
      ... on ServiceAccountChange { serviceAccountId username tokenId expiresAt }
      ... on NominationChange { nominationId user { id username displayName } productId roleId roleAssignmentId status }
    }
  }
}`

type detailedEvent struct {
	Type, SubjectType string
	SubjectID         *string
	Payload           map[string]any
	Details           map[string]any
}

// nextDetailed reads the next event of a changeDetailsSubscription.
func nextDetailed(ws *servertest.WSClient) detailedEvent {
	ws.TB.Helper()
	msg := ws.Next()
	if msg.Type != "next" {
		ws.TB.Fatalf("expected an event, got %s %s", msg.Type, msg.Payload)
	}
	var res struct {
		Data   struct{ Changes detailedEvent }
		Errors []any
	}
	if err := json.Unmarshal(msg.Payload, &res); err != nil || len(res.Errors) > 0 {
		ws.TB.Fatalf("event %s: %v", msg.Payload, err)
	}
	return res.Data.Changes
}

// idValues collects, at any depth, the values of the keys that name
// identifiers ("id" or "...Id"), with their paths.
func idValues(path string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if k == "id" || strings.HasSuffix(k, "Id") {
				if sub != nil {
					out[path+"."+k] = sub
				}
				continue
			}
			idValues(path+"."+k, sub, out)
		}
	case []any:
		for _, sub := range x {
			idValues(path+"[]", sub, out)
		}
	}
}

// TestChangeEventIDsResolve emits every change event kind, with the
// payload its mutation writes, and refetches every identifier of the
// event (subjectId, details, the deprecated payload) with node(id:).
func TestChangeEventIDsResolve(t *testing.T) {
	w := servertest.NewNominationWorld(t)
	admin := w.M.MustLogin(t, w.CompanyAdmin)
	platform := w.M.MustLogin(t, w.F.PlatformAdmin("event.auditor"))

	op := w.F.User("operatore.uno", w.Company)
	ra := w.F.Assign(op, w.Company, "segmenti", "user")
	membership := w.Int64(t, "SELECT membership_id FROM role_assignments WHERE id = ?", ra)
	product := w.Int64(t, "SELECT product_id FROM role_assignments WHERE id = ?", ra)
	role := w.Int64(t, "SELECT role_id FROM role_assignments WHERE id = ?", ra)
	otherRole := w.Int64(t, "SELECT id FROM roles WHERE product_id = ? AND id <> ? ORDER BY id LIMIT 1", product, role)
	w.F.Exec("INSERT INTO groups (tenant_id, product_id, name) VALUES (?, ?, 'Team')", w.Company, product)
	group := w.Int64(t, "SELECT id FROM groups WHERE tenant_id = ? AND name = 'Team'", w.Company)
	sa, errs := w.CreateSA(t, admin, map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "sync-bot"})
	if len(errs) > 0 {
		t.Fatalf("service account: %v", errs)
	}
	if _, _, errs := w.CreateToken(t, admin, map[string]any{"serviceAccountId": sa.ID, "name": "t1"}); len(errs) > 0 {
		t.Fatalf("token: %v", errs)
	}
	saID := w.Int64(t, "SELECT user_id FROM service_accounts WHERE tenant_id = ?", w.Company)
	tokenID := w.Int64(t, "SELECT id FROM service_account_tokens WHERE service_account_id = ?", saID)
	if n := w.Start(t, w.CobAdmin, w.Input(w.Nominee, w.Master, servertest.Mario(), false)); n.StartNomination.Nomination == nil {
		t.Fatalf("nomination: %+v", n)
	}
	nomination := w.Int64(t, "SELECT id FROM nominations WHERE user_id = ?", w.Nominee)

	ws := w.M.MustWS(t, platform)
	ws.Subscribe("1", changeDetailsSubscription, map[string]any{"tenantIds": []string{servertest.GlobalID("Tenant", w.Company)}})
	servertest.WaitSubscribers(t, w.M, 1)

	user := map[string]any{"userId": op, "status": "ACTIVE", "version": 2}
	assignment := map[string]any{"userId": op, "roleAssignmentId": ra, "productId": product, "roleId": role, "status": "ACTIVE"}
	groupP := map[string]any{"groupId": group, "productId": product, "active": true, "version": 1}
	nom := map[string]any{"userId": w.Nominee, "productId": w.Cob, "roleId": w.Master, "status": "PENDING"}
	token := map[string]any{"tokenId": tokenID, "serviceAccountId": saID, "userId": saID, "expiresAt": time.Now().Add(time.Hour)}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{k: v}
		for kk, vv := range m {
			out[kk] = vv
		}
		return out
	}
	kinds := []struct {
		typ, subjectType string
		subject          int64
		payload          map[string]any
	}{
		{domain.EventUserCreated, "User", op, map[string]any{"userId": op}},
		{domain.EventUserUpdated, "User", op, with(user, "after", map[string]any{"userId": op, "homeTenantId": w.Company, "status": "ACTIVE"})},
		{domain.EventUserSuspended, "User", op, user},
		{domain.EventUserReactivated, "User", op, user},
		{domain.EventUserLocked, "User", op, user},
		{domain.EventUserUnlocked, "User", op, user},
		{domain.EventUserDeleted, "User", op, map[string]any{"userId": op}},
		{domain.EventMembershipCreated, "Membership", membership, map[string]any{"userId": op, "membershipId": membership}},
		{domain.EventMembershipDeleted, "Membership", membership, map[string]any{"userId": op, "membershipId": membership}},
		{domain.EventRoleAssignmentCreated, "RoleAssignment", ra, assignment},
		{domain.EventRoleAssignmentSuspended, "RoleAssignment", ra, assignment},
		{domain.EventRoleAssignmentReactivated, "RoleAssignment", ra, assignment},
		{domain.EventRoleAssignmentDeleted, "RoleAssignment", ra, assignment},
		{domain.EventRoleAssignmentLevelChanged, "RoleAssignment", ra, with(assignment, "previousRoleId", otherRole)},
		{domain.EventGroupCreated, "Group", group, groupP},
		{domain.EventGroupUpdated, "Group", group, groupP},
		{domain.EventGroupDeleted, "Group", group, groupP},
		{domain.EventGroupMemberAdded, "Group", group, map[string]any{"groupId": group, "userId": op}},
		{domain.EventGroupMemberRemoved, "Group", group, map[string]any{"groupId": group, "userId": op}},
		{domain.EventTenantCreated, "Tenant", w.Site, map[string]any{"tenantId": w.Site, "parentId": w.Company}},
		{domain.EventTenantUpdated, "Tenant", w.Company, map[string]any{"tenantId": w.Company, "version": 2, "fields": []string{"name"}}},
		{domain.EventServiceAccountCreated, "ServiceAccount", saID, map[string]any{"userId": saID, "username": "sync-bot", "kind": "SERVICE", "status": "ACTIVE"}},
		{domain.EventServiceAccountTokenCreated, "ServiceAccount", saID, token},
		{domain.EventServiceAccountTokenRevoked, "ServiceAccount", saID, token},
		{domain.EventNominationCreated, "Nomination", nomination, nom},
		{domain.EventNominationApproved, "Nomination", nomination, with(nom, "roleAssignmentId", ra)},
		{domain.EventNominationRejected, "Nomination", nomination, nom},
		{domain.EventNominationCancelled, "Nomination", nomination, nom},
		{domain.EventNominationExpired, "Nomination", nomination, nom},
	}
	if len(kinds) != len(domain.EventTypes) {
		t.Fatalf("%d kinds tested, %d exist: test every kind", len(kinds), len(domain.EventTypes))
	}
	for _, k := range kinds {
		servertest.RecordChange(t, w.M, w.Company, k.typ, k.subjectType, k.subject, k.payload)
	}
	wantDetails := map[string]string{"User": "UserChange", "Membership": "MembershipChange", "RoleAssignment": "RoleAssignmentChange",
		"Group": "GroupChange", "Tenant": "TenantChange", "ServiceAccount": "ServiceAccountChange", "Nomination": "NominationChange"}
	ev := nextDetailed(ws)
	// Changes made while the subscription started (the set-up's) may
	// still arrive first.
	for ev.Type != kinds[0].typ || ev.SubjectID == nil || *ev.SubjectID != servertest.GlobalID("User", op) {
		ev = nextDetailed(ws)
	}
	for i, k := range kinds {
		if i > 0 {
			ev = nextDetailed(ws)
		}
		if ev.Type != k.typ {
			t.Fatalf("got %s, want %s", ev.Type, k.typ)
		}
		if ev.Details["__typename"] != wantDetails[k.subjectType] {
			t.Errorf("%s: details %v", k.typ, ev.Details["__typename"])
		}
		ids := map[string]any{}
		idValues("details", ev.Details, ids)
		idValues("payload", ev.Payload, ids)
		if ev.SubjectID != nil {
			ids["subjectId"] = *ev.SubjectID
		}
		// Every identifier of the payload is there, as in the details.
		for key := range k.payload {
			if strings.HasSuffix(key, "Id") {
				if _, ok := ids["payload."+key]; !ok {
					t.Errorf("%s: payload.%s missing: %v", k.typ, key, ev.Payload)
				}
			}
		}
		for path, id := range ids {
			s, ok := id.(string)
			if !ok {
				t.Errorf("%s: %s = %v is not a global ID", k.typ, path, id)
				continue
			}
			res := w.M.GQL(t, platform, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": s})
			var out struct{ Node *struct{ ID string } }
			if res.Code() != "" {
				t.Errorf("%s: %s = %s: %s", k.typ, path, s, res.Code())
				continue
			}
			res.Decode(t, &out)
			if out.Node == nil || out.Node.ID != s {
				t.Errorf("%s: %s = %s does not resolve with node(id:)", k.typ, path, s)
			}
		}
	}
}

const updateProfileMutation = `mutation($input: UpdateUserProfileInput!) {
  updateUserProfile(input: $input) { user { id version } userErrors { field code message } }
}`

const auditChangesQuery = `query($filter: AuditEventFilter) {
  auditEvents(filter: $filter, first: 5) {
    nodes { action before after changes { field personal hidden oldValue newValue } }
  }
}`

// fieldChange is a FieldChange as the API answers it.
type fieldChange struct {
	Field              string
	Personal, Hidden   bool
	OldValue, NewValue *string
}

func changeOf(t *testing.T, raw any, field string) *fieldChange {
	t.Helper()
	b, _ := json.Marshal(raw)
	var list []fieldChange
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatalf("changes %s: %v", b, err)
	}
	for i := range list {
		if list[i].Field == field {
			return &list[i]
		}
	}
	return nil
}

// TestUserUpdatedNamesChangedFields: a real profile update reaches
// subscribers as USER_UPDATED naming the changed fields, with values and
// the user's display name only for a viewer who may read the personal data
// (R12); the audit record's before/after and changes follow the same rule,
// with global IDs.
func TestUserUpdatedNamesChangedFields(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	restricted := w.RestrictedAdmin(t) // no personal-data access (R12)

	admin := w.M.MustLogin(t, w.CompanyAdmin)
	full := w.M.MustWS(t, admin)
	full.Subscribe("1", changeDetailsSubscription, nil)
	cut := w.M.MustWS(t, w.M.MustLogin(t, restricted))
	cut.Subscribe("1", changeDetailsSubscription, nil)
	servertest.WaitSubscribers(t, w.M, 2)

	var out struct {
		UpdateUserProfile struct{ UserErrors []servertest.UserError }
	}
	w.M.GQL(t, admin, updateProfileMutation, map[string]any{"input": map[string]any{
		"userId": servertest.GlobalID("User", op), "expectedVersion": 1, "givenName": "Mario", "language": "en"}}).Decode(t, &out)
	if len(out.UpdateUserProfile.UserErrors) > 0 {
		t.Fatalf("update: %v", out.UpdateUserProfile.UserErrors)
	}

	next := func(ws *servertest.WSClient) detailedEvent {
		t.Helper()
		for {
			ev := nextDetailed(ws)
			if ev.Type == domain.EventUserUpdated {
				return ev
			}
		}
	}
	opID := servertest.GlobalID("User", op)
	t.Run("ViewerWithRights", func(t *testing.T) {
		ev := next(full)
		u, _ := ev.Details["user"].(map[string]any)
		if u["id"] != opID || u["username"] != "operatore.uno" || u["displayName"] != "Mario Familyoperatore.uno" {
			t.Fatalf("user = %v", ev.Details)
		}
		g := changeOf(t, ev.Details["changes"], "givenName")
		if g == nil || !g.Personal || g.Hidden || g.OldValue == nil || *g.OldValue != "Givenoperatore.uno" || g.NewValue == nil || *g.NewValue != "Mario" {
			t.Fatalf("givenName change = %+v in %v", g, ev.Details["changes"])
		}
		if c := changeOf(t, ev.Details["changes"], "familyName"); c != nil {
			t.Fatalf("an unchanged field is listed: %+v", c)
		}
		if p := ev.Payload["userId"]; p != opID {
			t.Fatalf("payload.userId = %v", p)
		}
	})
	t.Run("ViewerWithoutRights", func(t *testing.T) {
		ev := next(cut)
		u, _ := ev.Details["user"].(map[string]any)
		if u["id"] != opID || u["username"] != "operatore.uno" || u["displayName"] != nil {
			t.Fatalf("user = %v", ev.Details)
		}
		g := changeOf(t, ev.Details["changes"], "givenName")
		if g == nil || !g.Hidden || g.OldValue != nil || g.NewValue != nil {
			t.Fatalf("givenName change = %+v", g)
		}
		b, _ := json.Marshal(ev)
		if strings.Contains(string(b), "Mario") || strings.Contains(string(b), "Givenoperatore") {
			t.Fatalf("personal data reaches a viewer without rights: %s", b)
		}
	})

	audit := func(t *testing.T, viewer int64) (before, after map[string]any, changes any) {
		t.Helper()
		var p struct {
			AuditEvents struct {
				Nodes []struct {
					Action        string
					Before, After map[string]any
					Changes       any
				}
			}
		}
		w.M.GQL(t, w.M.MustLogin(t, viewer), auditChangesQuery, map[string]any{"filter": map[string]any{"action": "user.update", "targetId": opID}}).Decode(t, &p)
		if len(p.AuditEvents.Nodes) != 1 {
			t.Fatalf("audit: %+v", p)
		}
		n := p.AuditEvents.Nodes[0]
		return n.Before, n.After, n.Changes
	}
	t.Run("AuditWithRights", func(t *testing.T) {
		before, after, changes := audit(t, w.CompanyAdmin)
		if before["userId"] != opID || after["userId"] != opID || after["givenName"] != "Mario" {
			t.Fatalf("before %v after %v", before, after)
		}
		if g := changeOf(t, changes, "givenName"); g == nil || g.Hidden || g.NewValue == nil || *g.NewValue != "Mario" {
			t.Fatalf("changes %v", changes)
		}
	})
	t.Run("AuditWithoutRights", func(t *testing.T) {
		before, after, changes := audit(t, restricted)
		if _, ok := after["givenName"]; ok || before["userId"] != opID {
			t.Fatalf("before %v after %v", before, after)
		}
		g := changeOf(t, changes, "givenName")
		if g == nil || !g.Hidden || g.NewValue != nil || g.OldValue != nil {
			t.Fatalf("changes %v", changes)
		}
		if l := changeOf(t, changes, "language"); l == nil {
			t.Fatalf("language change missing: %v", changes)
		}
	})
}
