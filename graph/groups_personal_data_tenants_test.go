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

// TestR12PersonalDataFieldLevel: a restricted role never sees other
// people's personal data, whatever path reaches them in the API.
func TestR12PersonalDataFieldLevel(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	// A restricted administrator role: manages people on amisgest, without
	// personal-data access (the technician's restriction, on an admin role
	// so that the API lets it reach other users at all).
	w.F.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'administration'
		AND product_id = (SELECT id FROM products WHERE code = 'amisgest')`)
	restricted := w.F.User("restricted.admin", w.Site)
	w.F.Assign(restricted, w.Site, "amisgest", "administration")
	w.F.Assign(w.Operator, w.Site, "amisgest", "educatrice")
	w.F.Exec("UPDATE users SET phone = '+390111234567' WHERE id = ?", w.Operator)
	token := w.Token(t, restricted)
	personal := []string{"Givenoperatore.uno", "Familyoperatore.uno", "operatore.uno@example.test", servertest.ValidCF(904), "+390111234567"}
	check := func(name string, res *servertest.Response) {
		t.Helper()
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %+v", name, res.Errors)
		}
		if !strings.Contains(string(res.Data), "operatore.uno") {
			t.Fatalf("%s: the user is not listed at all: %s", name, res.Data)
		}
		for _, p := range personal {
			if strings.Contains(string(res.Data), p) {
				t.Fatalf("R12 %s: a restricted role sees %q: %s", name, p, res.Data)
			}
		}
	}
	fields := `username givenName familyName email phone taxCode pendingEmail`
	check("users", w.M.GQL(t, token, `{ users(first: 50) { nodes { `+fields+` } } }`, nil))
	check("node", w.M.GQL(t, token, `query($id: ID!) { node(id: $id) { ... on User { `+fields+` } } }`,
		map[string]any{"id": servertest.GlobalID("User", w.Operator)}))
	check("usersByProduct", w.M.GQL(t, token, `query($id: ID!) { node(id: $id) { ... on Tenant { usersByProduct { users { nodes { `+fields+` } } } } } }`,
		map[string]any{"id": servertest.GlobalID("Tenant", w.Site)}))
	check("search by personal data finds nothing the viewer cannot see", w.M.GQL(t, token, `{ users(first: 5, filter: {search: "operatore.uno"}) { nodes { `+fields+` } } }`, nil))
	// Lookup of a member returns the member without personal data.
	p := w.Mutate(t, token, "lookupUserCandidate", "LookupUserCandidateInput", "outcome user { "+fields+" }",
		map[string]any{"tenantId": servertest.GlobalID("Tenant", w.Site), "username": "operatore.uno", "taxCode": servertest.ValidCF(904)})
	check("lookupUserCandidate", p.Res)
	// The technician (restricted operator) sees no other user at all, and
	// its own data in full.
	tech := w.Token(t, w.Technician)
	if res := w.M.GQL(t, tech, `{ users(first: 5) { totalCount } }`, nil); !strings.Contains(string(res.Data), `"totalCount":0`) {
		t.Fatalf("technician lists users: %s", res.Data)
	}
	if res := w.M.GQL(t, tech, `{ viewer { user { email } } }`, nil); !strings.Contains(string(res.Data), "tech.amisgest@example.test") {
		t.Fatalf("technician's own data hidden: %s", res.Data)
	}
}

// TestR21UsersByProduct: "all" grouped by product, one product, filters by
// category, role, status, and text search over name, email, username, tax
// code.
func TestR21UsersByProduct(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.F.Assign(w.Operator, w.Company, "clienti", "guest")
	w.F.Assign(w.Technician, w.Company, "segmenti", "guest")
	w.F.Exec("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", w.Technician)
	admin := w.Token(t, w.CompanyAdmin)
	q := `query($id: ID!, $category: RoleCategory, $roleId: ID, $status: UserStatus, $search: String) { node(id: $id) { ... on Tenant {
		products { code }
		usersByProduct(category: $category, roleId: $roleId, status: $status, search: $search) {
			product { code } users(first: 20) { totalCount nodes { username } } } } } }`
	sections := func(vars map[string]any) map[string]string {
		vars["id"] = servertest.GlobalID("Tenant", w.Company)
		d := w.Query(t, admin, q, vars)
		out := map[string]string{}
		for _, s := range servertest.Dig(d, "node", "usersByProduct").([]any) {
			var names []string
			for _, n := range servertest.Dig(s, "users", "nodes").([]any) {
				names = append(names, servertest.Dig(n, "username").(string))
			}
			out[servertest.Dig(s, "product", "code").(string)] = strings.Join(names, ",")
		}
		return out
	}
	t.Run("AllGroupedByProduct", func(t *testing.T) {
		d := w.Query(t, admin, `query($id: ID!) { node(id: $id) { ... on Tenant { products { code } } } }`, map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
		var codes []string
		for _, p := range servertest.Dig(d, "node", "products").([]any) {
			codes = append(codes, servertest.Dig(p, "code").(string))
		}
		if got := strings.Join(codes, ","); got != "amisgest,clienti,segmenti" {
			t.Fatalf("products = %s", got)
		}
		got := sections(map[string]any{})
		if got["segmenti"] != "company.admin,operatore.uno,tech.amisgest" || got["clienti"] != "operatore.uno" || got["amisgest"] != "tech.amisgest" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("FilterByCategory", func(t *testing.T) {
		got := sections(map[string]any{"category": "ADMIN"})
		if got["segmenti"] != "company.admin" || got["clienti"] != "" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("FilterByRole", func(t *testing.T) {
		got := sections(map[string]any{"roleId": w.Role(t, "segmenti", "guest")})
		if got["segmenti"] != "tech.amisgest" || got["clienti"] != "" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("FilterByStatus", func(t *testing.T) {
		got := sections(map[string]any{"status": "SUSPENDED"})
		if got["segmenti"] != "tech.amisgest" || got["amisgest"] != "tech.amisgest" || got["clienti"] != "" {
			t.Fatalf("sections = %v", got)
		}
	})
	t.Run("SearchNameEmailUsernameTaxCode", func(t *testing.T) {
		for _, s := range []string{"familyoperatore", "OPERATORE.UNO@example", "operatore.u", strings.ToLower(servertest.ValidCF(904))} {
			if got := sections(map[string]any{"search": s}); got["segmenti"] != "operatore.uno" || got["clienti"] != "operatore.uno" {
				t.Fatalf("search %q: %v", s, got)
			}
		}
	})
	t.Run("OneProduct", func(t *testing.T) {
		var out servertest.UsersPage
		w.M.GQL(t, admin, servertest.UsersPageQuery, map[string]any{"first": 10, "filter": map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "productId": w.Product(t, "clienti")}}).Decode(t, &out)
		if out.Users.TotalCount != 1 || out.Users.Edges[0].Node.Username != "operatore.uno" {
			t.Fatalf("clienti tab: %+v", out.Users)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		for _, tok := range []string{w.Token(t, w.OtherAdmin), w.Token(t, w.Operator)} {
			res := w.M.GQL(t, tok, `query($id: ID!) { node(id: $id) { ... on Tenant { usersByProduct { product { code } } } } }`,
				map[string]any{"id": servertest.GlobalID("Tenant", w.Company)})
			if res.Code() != "FORBIDDEN" && string(res.Data) != `{"node":null}` {
				t.Fatalf("got %s %+v", res.Data, res.Errors)
			}
		}
	})
}

// TestTenantsCreateAndUpdate: platform staff onboard tenants; a parent's
// admin adds sites below and administers them; updates take versions.
func TestTenantsCreateAndUpdate(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin := w.Token(t, w.CompanyAdmin)
	staff := w.Token(t, w.Staff)
	sel := "tenant { id name country taxCode certifiedEmail version parent { id } viewerCan { update updateIdentity createSite manageableProducts { code } } }"
	create := func(token string, in map[string]any) *servertest.Payload {
		return w.Mutate(t, token, "createTenant", "CreateTenantInput", sel, in)
	}
	update := func(token string, id int64, version int, fields map[string]any) *servertest.Payload {
		in := map[string]any{"tenantId": servertest.GlobalID("Tenant", id), "expectedVersion": version}
		for k, v := range fields {
			in[k] = v
		}
		return w.Mutate(t, token, "updateTenant", "UpdateTenantInput", sel, in)
	}
	var site2 int64
	t.Run("StaffOnboardsAnOrganisation", func(t *testing.T) {
		d := create(staff, map[string]any{"name": "Transports Martin", "country": "fr", "taxCode": "477 280 846", "certifiedEmail": "PEC@Martin.FR"}).OK(t)
		if servertest.Dig(d, "tenant", "country") != "FR" || servertest.Dig(d, "tenant", "taxCode") != "477280846" || servertest.Dig(d, "tenant", "certifiedEmail") != "PEC@martin.fr" {
			t.Fatalf("got %v", d)
		}
		var id int64
		w.Scalar(t, &id, "SELECT id FROM tenants WHERE name = 'Transports Martin'")
		w.WantAudit(t, "tenant.create", id, w.Staff, "TENANT_CREATED", id)
	})
	t.Run("AdminAddsASiteAndAdministersIt", func(t *testing.T) {
		d := create(admin, map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Sede Milano"}).OK(t)
		if servertest.Dig(d, "tenant", "parent", "id") != servertest.GlobalID("Tenant", w.Company) {
			t.Fatalf("got %v", d)
		}
		w.Scalar(t, &site2, "SELECT id FROM tenants WHERE name = 'Sede Milano'")
		// The creator administers the new site on the products it
		// administers in the parent (R6 would leave it read-only).
		caps := servertest.Dig(d, "tenant", "viewerCan").(map[string]any)
		if caps["update"] != true || caps["updateIdentity"] != false || len(caps["manageableProducts"].([]any)) != 1 {
			t.Fatalf("capabilities = %v", caps)
		}
		w.Mutate(t, admin, "createGroup", "CreateGroupInput", "group { id }", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", site2), "productId": w.Product(t, "segmenti"), "name": "Milano"}).OK(t)
		if w.Events(t, "TENANT_CREATED", w.Company, site2) != 1 {
			t.Fatal("the parent's dashboards are not told")
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := create(admin, map[string]any{"name": "Rogue root"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("admin onboards a root: %q", c)
		}
		if c := create(w.Token(t, w.HoldingAdmin), map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Below child"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("parent admin adds below a child: %q", c)
		}
		if c := create(w.Token(t, w.OtherAdmin), map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Other's"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant: %q", c)
		}
		if c := create(w.Token(t, w.Operator), map[string]any{"parentId": servertest.GlobalID("Tenant", w.Company), "name": "Operator's"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("operator: %q", c)
		}
		w.Unchanged(t, before)
	})
	for _, c := range []struct {
		name, code string
		in         map[string]any
	}{
		{"ErrInvalidName", "INVALID_NAME", map[string]any{"name": " "}},
		{"ErrInvalidCountry", "INVALID_COUNTRY", map[string]any{"name": "X", "country": "France"}},
		{"ErrInvalidTaxCode", "INVALID_TAX_CODE", map[string]any{"name": "X", "country": "FR", "taxCode": "477280847"}},
		{"ErrInvalidEmail", "INVALID_EMAIL", map[string]any{"name": "X", "certifiedEmail": "pec"}},
		{"ErrTenantTaxCodeTaken", "TENANT_TAX_CODE_TAKEN", map[string]any{"name": "Copy", "country": "FR", "taxCode": "477280846"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.Snapshot(t)
			if got := create(staff, c.in).UserError(t); got != c.code {
				t.Fatalf("code = %q, want %q", got, c.code)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("Update", func(t *testing.T) {
		d := update(admin, site2, 1, map[string]any{"name": "Sede di Milano"}).OK(t)
		if servertest.Dig(d, "tenant", "name") != "Sede di Milano" || servertest.Dig(d, "tenant", "version") != 2.0 {
			t.Fatalf("got %v", d)
		}
		w.WantAudit(t, "tenant.update", site2, w.CompanyAdmin, "TENANT_UPDATED", site2)
	})
	t.Run("ErrUpdateConflict", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(admin, site2, 1, map[string]any{"name": "Lost update"}).UserError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrUpdateIdentityForbidden", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := update(admin, site2, 2, map[string]any{"certifiedEmail": "mine@example.test"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		if c := update(w.Token(t, w.HoldingAdmin), w.Company, 1, map[string]any{"name": "Renamed by parent"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("parent admin renames child: %q", c)
		}
		if c := update(w.Token(t, w.OtherAdmin), w.Company, 1, map[string]any{"name": "Renamed by other"}).Code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant renames: %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("StaffUpdatesIdentity", func(t *testing.T) {
		d := update(staff, site2, 2, map[string]any{"taxCode": "01234560017", "certifiedEmail": "milano@pec.example.it"}).OK(t)
		if servertest.Dig(d, "tenant", "taxCode") != "01234560017" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("ErrUpdateInvalid", func(t *testing.T) {
		if c := update(staff, site2, 3, map[string]any{"taxCode": "01234560018"}).UserError(t); c != "INVALID_TAX_CODE" {
			t.Fatalf("code = %q", c)
		}
	})
}
