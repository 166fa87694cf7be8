package graph_test

import (
	"strings"
	"testing"

	"tenantadmin/server/servertest"
)

// TestR11Groups: groups per (tenant, product); users join active groups
// only; "assign group" is offered only when an active group exists that the
// user is not in.
func TestR11Groups(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	groupSel := "group { id name active version product { code } tenant { id } }"
	create := func(token string, tenantID int64, product, name string) *servertest.Payload {
		return w.Mutate(t, token, "createGroup", "CreateGroupInput", groupSel, map[string]any{
			"tenantId": servertest.GlobalID("Tenant", tenantID), "productId": w.Product(t, product), "name": name})
	}
	update := func(token string, groupID int64, version int, fields map[string]any) *servertest.Payload {
		in := map[string]any{"groupId": servertest.GlobalID("Group", groupID), "expectedVersion": version}
		for k, v := range fields {
			in[k] = v
		}
		return w.Mutate(t, token, "updateGroup", "UpdateGroupInput", groupSel, in)
	}
	member := func(token, field string, groupID, userID int64) *servertest.Payload {
		return w.Mutate(t, token, field, "GroupMemberInput", "group { id } user { username }", map[string]any{
			"groupId": servertest.GlobalID("Group", groupID), "userId": servertest.GlobalID("User", userID)})
	}
	cardQuery := `query($id: ID!) { node(id: $id) { ... on User { memberships { products { product { code }
		groups { name } assignableGroups { name } } } } } }`
	card := func(token string) (groups, assignable string) {
		d := w.Query(t, token, cardQuery, map[string]any{"id": servertest.GlobalID("User", w.Operator)})
		for _, m := range servertest.Dig(d, "node", "memberships").([]any) {
			for _, c := range servertest.Dig(m, "products").([]any) {
				if servertest.Dig(c, "product", "code") != "segmenti" {
					continue
				}
				var g, a []string
				for _, x := range servertest.Dig(c, "groups").([]any) {
					g = append(g, servertest.Dig(x, "name").(string))
				}
				for _, x := range servertest.Dig(c, "assignableGroups").([]any) {
					a = append(a, servertest.Dig(x, "name").(string))
				}
				return strings.Join(g, ","), strings.Join(a, ",")
			}
		}
		t.Fatal("no segmenti card")
		return
	}
	var alpha, beta int64
	t.Run("NoGroupNothingToAssign", func(t *testing.T) {
		if g, a := card(admin); g != "" || a != "" {
			t.Fatalf("groups %q assignable %q", g, a)
		}
	})
	t.Run("CreateGroup", func(t *testing.T) {
		d := create(admin, w.Company, "segmenti", " Alpha ").OK(t)
		if servertest.Dig(d, "group", "name") != "Alpha" || servertest.Dig(d, "group", "active") != true || servertest.Dig(d, "group", "product", "code") != "segmenti" {
			t.Fatalf("got %v", d)
		}
		w.Scalar(t, &alpha, "SELECT id FROM groups WHERE name = 'Alpha'")
		w.WantAudit(t, "group.create", alpha, w.CompanyAdmin, "GROUP_CREATED", w.Company)
		create(admin, w.Company, "segmenti", "Beta").OK(t)
		w.Scalar(t, &beta, "SELECT id FROM groups WHERE name = 'Beta'")
	})
	t.Run("ErrGroupNameTaken", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := create(admin, w.Company, "segmenti", "Alpha").UserError(t); c != "GROUP_NAME_TAKEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		if c := create(admin, w.Company, "segmenti", "  ").UserError(t); c != "INVALID_NAME" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrCreateForbidden", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := create(w.Token(t, w.OtherAdmin), w.Company, "segmenti", "Other").Code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant: %q", c)
		}
		if c := create(admin, w.Company, "clienti", "Not mine").Code(); c != "FORBIDDEN" {
			t.Fatalf("product not administered: %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("AssignableGroupsOffered", func(t *testing.T) {
		if g, a := card(admin); g != "" || a != "Alpha,Beta" {
			t.Fatalf("groups %q assignable %q", g, a)
		}
		// Not offered to a viewer who does not manage the product.
		if _, a := card(w.Token(t, w.HoldingAdmin)); a != "" {
			t.Fatalf("parent admin is offered %q", a)
		}
	})
	t.Run("AddUserToGroup", func(t *testing.T) {
		d := member(admin, "addUserToGroup", alpha, w.Operator).OK(t)
		if servertest.Dig(d, "user", "username") != "operatore.uno" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "group.addMember", alpha, w.CompanyAdmin, "GROUP_MEMBER_ADDED", w.Company)
		if g, a := card(admin); g != "Alpha" || a != "Beta" {
			t.Fatalf("groups %q assignable %q", g, a)
		}
	})
	t.Run("ErrAlreadyInGroup", func(t *testing.T) {
		if c := member(admin, "addUserToGroup", alpha, w.Operator).UserError(t); c != "ALREADY_IN_GROUP" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNotOnProduct", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := member(admin, "addUserToGroup", alpha, w.Technician).UserError(t); c != "NOT_ON_PRODUCT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("DeactivateGroup", func(t *testing.T) {
		d := update(admin, beta, 1, map[string]any{"active": false, "name": "Beta (old)"}).OK(t)
		if servertest.Dig(d, "group", "active") != false || servertest.Dig(d, "group", "version") != 2.0 || servertest.Dig(d, "group", "name") != "Beta (old)" {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "group.update", beta, w.CompanyAdmin, "GROUP_UPDATED", w.Company)
		// R11: "assign group" is no longer offered: no active group is left
		// that the user is not in.
		if g, a := card(admin); g != "Alpha" || a != "" {
			t.Fatalf("groups %q assignable %q", g, a)
		}
	})
	t.Run("ErrGroupInactive", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := member(admin, "addUserToGroup", beta, w.Operator).UserError(t); c != "GROUP_INACTIVE" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrUpdateConflict", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(admin, beta, 1, map[string]any{"active": true}).UserError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrUpdateNameTaken", func(t *testing.T) {
		if c := update(admin, beta, 2, map[string]any{"name": "Alpha"}).UserError(t); c != "GROUP_NAME_TAKEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUpdateForbidden", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(w.Token(t, w.OtherAdmin), beta, 2, map[string]any{"active": true}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		if c := member(w.Token(t, w.OtherAdmin), "removeUserFromGroup", alpha, w.Operator).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("GroupsQueryAndMembers", func(t *testing.T) {
		q := `query($t: ID!, $p: ID) { groups(tenantId: $t, productId: $p, includeInactive: true) { name active members(first: 10) { totalCount nodes { username } } } }`
		d := w.Query(t, w.Token(t, w.HoldingAdmin), q, map[string]any{"t": servertest.GlobalID("Tenant", w.Company), "p": w.Product(t, "segmenti")})
		gs := d["groups"].([]any)
		if len(gs) != 2 || servertest.Dig(gs[0], "name") != "Alpha" || servertest.Dig(gs[0], "members", "totalCount") != 1.0 {
			t.Fatalf("groups = %v", gs)
		}
		d = w.Query(t, admin, `query($t: ID!) { groups(tenantId: $t) { name } }`, map[string]any{"t": servertest.GlobalID("Tenant", w.Company)})
		if len(d["groups"].([]any)) != 1 {
			t.Fatalf("active groups = %v", d["groups"])
		}
		res := w.M.GQL(t, w.Token(t, w.OtherAdmin), `query($t: ID!) { groups(tenantId: $t) { name } }`, map[string]any{"t": servertest.GlobalID("Tenant", w.Company)})
		if res.Code() != "FORBIDDEN" {
			t.Fatalf("other tenant lists groups: %s", res.Data)
		}
		res = w.M.GQL(t, w.Token(t, w.OtherAdmin), `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": servertest.GlobalID("Group", alpha)})
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("other tenant sees the group node: %s", res.Data)
		}
	})
	t.Run("RemoveUserFromGroup", func(t *testing.T) {
		member(admin, "removeUserFromGroup", alpha, w.Operator).OK(t)
		w.WantAudit(t, "group.removeMember", alpha, w.CompanyAdmin, "GROUP_MEMBER_REMOVED", w.Company)
	})
	t.Run("ErrNotInGroup", func(t *testing.T) {
		if c := member(admin, "removeUserFromGroup", alpha, w.Operator).UserError(t); c != "NOT_IN_GROUP" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("LosingTheProductLeavesItsGroups", func(t *testing.T) {
		w.F.Assign(w.Operator, w.Company, "segmenti", "guest")
		member(admin, "addUserToGroup", alpha, w.Operator).OK(t)
		for _, code := range []string{"user", "guest"} {
			ra := w.AssignmentID(t, w.Operator, w.Company, "segmenti", code)
			if code == "guest" {
				w.F.Assign(w.Operator, w.Company, "automazioni", "user") // keep the membership
				w.F.Assign(w.CompanyAdmin, w.Company, "automazioni", "admin")
			}
			w.Mutate(t, admin, "removeRoleAssignment", "RoleAssignmentInput", "userDeleted",
				map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", ra)}).OK(t)
		}
		if w.Count(t, "SELECT count(*) FROM group_members WHERE user_id = ?", w.Operator) != 0 {
			t.Fatal("R10/R11: the user stays in a group of a product they lost")
		}
	})
	t.Run("DeleteGroup", func(t *testing.T) {
		if c := w.Mutate(t, admin, "deleteGroup", "DeleteGroupInput", "deletedGroupId",
			map[string]any{"groupId": servertest.GlobalID("Group", beta), "expectedVersion": 1}).UserError(t); c != "CONFLICT" {
			t.Fatalf("stale delete: %q", c)
		}
		if c := w.Mutate(t, w.Token(t, w.OtherAdmin), "deleteGroup", "DeleteGroupInput", "deletedGroupId",
			map[string]any{"groupId": servertest.GlobalID("Group", beta)}).Code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant delete: %q", c)
		}
		d := w.Mutate(t, admin, "deleteGroup", "DeleteGroupInput", "deletedGroupId",
			map[string]any{"groupId": servertest.GlobalID("Group", beta), "expectedVersion": 2}).OK(t)
		if d["deletedGroupId"] != servertest.GlobalID("Group", beta) || w.Count(t, "SELECT count(*) FROM groups WHERE id = ?", beta) != 0 {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "group.delete", beta, w.CompanyAdmin, "GROUP_DELETED", w.Company)
	})
}
