package main

import (
	"strings"
	"testing"
)

// TestR11Groups: groups per (tenant, product); users join active groups
// only; "assign group" is offered only when an active group exists that the
// user is not in.
func TestR11Groups(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	groupSel := "group { id name active version product { code } tenant { id } }"
	create := func(token string, tenantID int64, product, name string) *payload {
		return w.mutate(t, token, "createGroup", "CreateGroupInput", groupSel, map[string]any{
			"tenantId": globalIDFor("Tenant", tenantID), "productId": w.product(t, product), "name": name})
	}
	update := func(token string, groupID int64, version int, fields map[string]any) *payload {
		in := map[string]any{"groupId": globalIDFor("Group", groupID), "expectedVersion": version}
		for k, v := range fields {
			in[k] = v
		}
		return w.mutate(t, token, "updateGroup", "UpdateGroupInput", groupSel, in)
	}
	member := func(token, field string, groupID, userID int64) *payload {
		return w.mutate(t, token, field, "GroupMemberInput", "group { id } user { username }", map[string]any{
			"groupId": globalIDFor("Group", groupID), "userId": globalIDFor("User", userID)})
	}
	cardQuery := `query($id: ID!) { node(id: $id) { ... on User { memberships { products { product { code }
		groups { name } assignableGroups { name } } } } } }`
	card := func(token string) (groups, assignable string) {
		d := w.query(t, token, cardQuery, map[string]any{"id": globalIDFor("User", w.operator)})
		for _, m := range dig(d, "node", "memberships").([]any) {
			for _, c := range dig(m, "products").([]any) {
				if dig(c, "product", "code") != "segmenti" {
					continue
				}
				var g, a []string
				for _, x := range dig(c, "groups").([]any) {
					g = append(g, dig(x, "name").(string))
				}
				for _, x := range dig(c, "assignableGroups").([]any) {
					a = append(a, dig(x, "name").(string))
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
		d := create(admin, w.company, "segmenti", " Alpha ").ok(t)
		if dig(d, "group", "name") != "Alpha" || dig(d, "group", "active") != true || dig(d, "group", "product", "code") != "segmenti" {
			t.Fatalf("got %v", d)
		}
		w.scalar(t, &alpha, "SELECT id FROM groups WHERE name = 'Alpha'")
		w.wantAudit(t, "group.create", alpha, w.companyAdmin, "GROUP_CREATED", w.company)
		create(admin, w.company, "segmenti", "Beta").ok(t)
		w.scalar(t, &beta, "SELECT id FROM groups WHERE name = 'Beta'")
	})
	t.Run("ErrGroupNameTaken", func(t *testing.T) {
		before := w.snapshot(t)
		if c := create(admin, w.company, "segmenti", "Alpha").userError(t); c != "GROUP_NAME_TAKEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		if c := create(admin, w.company, "segmenti", "  ").userError(t); c != "INVALID_NAME" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrCreateForbidden", func(t *testing.T) {
		before := w.snapshot(t)
		if c := create(w.token(t, w.other_admin), w.company, "segmenti", "Other").code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant: %q", c)
		}
		if c := create(admin, w.company, "clienti", "Not mine").code(); c != "FORBIDDEN" {
			t.Fatalf("product not administered: %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("AssignableGroupsOffered", func(t *testing.T) {
		if g, a := card(admin); g != "" || a != "Alpha,Beta" {
			t.Fatalf("groups %q assignable %q", g, a)
		}
		// Not offered to a viewer who does not manage the product.
		if _, a := card(w.token(t, w.holdingAdmin)); a != "" {
			t.Fatalf("parent admin is offered %q", a)
		}
	})
	t.Run("AddUserToGroup", func(t *testing.T) {
		d := member(admin, "addUserToGroup", alpha, w.operator).ok(t)
		if dig(d, "user", "username") != "operatore.uno" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "group.addMember", alpha, w.companyAdmin, "GROUP_MEMBER_ADDED", w.company)
		if g, a := card(admin); g != "Alpha" || a != "Beta" {
			t.Fatalf("groups %q assignable %q", g, a)
		}
	})
	t.Run("ErrAlreadyInGroup", func(t *testing.T) {
		if c := member(admin, "addUserToGroup", alpha, w.operator).userError(t); c != "ALREADY_IN_GROUP" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrNotOnProduct", func(t *testing.T) {
		before := w.snapshot(t)
		if c := member(admin, "addUserToGroup", alpha, w.technician).userError(t); c != "NOT_ON_PRODUCT" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("DeactivateGroup", func(t *testing.T) {
		d := update(admin, beta, 1, map[string]any{"active": false, "name": "Beta (old)"}).ok(t)
		if dig(d, "group", "active") != false || dig(d, "group", "version") != 2.0 || dig(d, "group", "name") != "Beta (old)" {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "group.update", beta, w.companyAdmin, "GROUP_UPDATED", w.company)
		// R11: "assign group" is no longer offered: no active group is left
		// that the user is not in.
		if g, a := card(admin); g != "Alpha" || a != "" {
			t.Fatalf("groups %q assignable %q", g, a)
		}
	})
	t.Run("ErrGroupInactive", func(t *testing.T) {
		before := w.snapshot(t)
		if c := member(admin, "addUserToGroup", beta, w.operator).userError(t); c != "GROUP_INACTIVE" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrUpdateConflict", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(admin, beta, 1, map[string]any{"active": true}).userError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrUpdateNameTaken", func(t *testing.T) {
		if c := update(admin, beta, 2, map[string]any{"name": "Alpha"}).userError(t); c != "GROUP_NAME_TAKEN" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("ErrUpdateForbidden", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(w.token(t, w.other_admin), beta, 2, map[string]any{"active": true}).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		if c := member(w.token(t, w.other_admin), "removeUserFromGroup", alpha, w.operator).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("GroupsQueryAndMembers", func(t *testing.T) {
		q := `query($t: ID!, $p: ID) { groups(tenantId: $t, productId: $p, includeInactive: true) { name active members(first: 10) { totalCount nodes { username } } } }`
		d := w.query(t, w.token(t, w.holdingAdmin), q, map[string]any{"t": globalIDFor("Tenant", w.company), "p": w.product(t, "segmenti")})
		gs := d["groups"].([]any)
		if len(gs) != 2 || dig(gs[0], "name") != "Alpha" || dig(gs[0], "members", "totalCount") != 1.0 {
			t.Fatalf("groups = %v", gs)
		}
		d = w.query(t, admin, `query($t: ID!) { groups(tenantId: $t) { name } }`, map[string]any{"t": globalIDFor("Tenant", w.company)})
		if len(d["groups"].([]any)) != 1 {
			t.Fatalf("active groups = %v", d["groups"])
		}
		res := w.m.gql(t, w.token(t, w.other_admin), `query($t: ID!) { groups(tenantId: $t) { name } }`, map[string]any{"t": globalIDFor("Tenant", w.company)})
		if res.code() != "FORBIDDEN" {
			t.Fatalf("other tenant lists groups: %s", res.Data)
		}
		res = w.m.gql(t, w.token(t, w.other_admin), `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": globalIDFor("Group", alpha)})
		if string(res.Data) != `{"node":null}` {
			t.Fatalf("other tenant sees the group node: %s", res.Data)
		}
	})
	t.Run("RemoveUserFromGroup", func(t *testing.T) {
		member(admin, "removeUserFromGroup", alpha, w.operator).ok(t)
		w.wantAudit(t, "group.removeMember", alpha, w.companyAdmin, "GROUP_MEMBER_REMOVED", w.company)
	})
	t.Run("ErrNotInGroup", func(t *testing.T) {
		if c := member(admin, "removeUserFromGroup", alpha, w.operator).userError(t); c != "NOT_IN_GROUP" {
			t.Fatalf("code = %q", c)
		}
	})
	t.Run("LosingTheProductLeavesItsGroups", func(t *testing.T) {
		w.f.Assign(w.operator, w.company, "segmenti", "guest")
		member(admin, "addUserToGroup", alpha, w.operator).ok(t)
		for _, code := range []string{"user", "guest"} {
			ra := w.assignmentID(t, w.operator, w.company, "segmenti", code)
			if code == "guest" {
				w.f.Assign(w.operator, w.company, "automazioni", "user") // keep the membership
				w.f.Assign(w.companyAdmin, w.company, "automazioni", "admin")
			}
			w.mutate(t, admin, "removeRoleAssignment", "RoleAssignmentInput", "userDeleted",
				map[string]any{"roleAssignmentId": globalIDFor("RoleAssignment", ra)}).ok(t)
		}
		if w.count(t, "SELECT count(*) FROM group_members WHERE user_id = ?", w.operator) != 0 {
			t.Fatal("R10/R11: the user stays in a group of a product they lost")
		}
	})
	t.Run("DeleteGroup", func(t *testing.T) {
		if c := w.mutate(t, admin, "deleteGroup", "DeleteGroupInput", "deletedGroupId",
			map[string]any{"groupId": globalIDFor("Group", beta), "expectedVersion": 1}).userError(t); c != "CONFLICT" {
			t.Fatalf("stale delete: %q", c)
		}
		if c := w.mutate(t, w.token(t, w.other_admin), "deleteGroup", "DeleteGroupInput", "deletedGroupId",
			map[string]any{"groupId": globalIDFor("Group", beta)}).code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant delete: %q", c)
		}
		d := w.mutate(t, admin, "deleteGroup", "DeleteGroupInput", "deletedGroupId",
			map[string]any{"groupId": globalIDFor("Group", beta), "expectedVersion": 2}).ok(t)
		if d["deletedGroupId"] != globalIDFor("Group", beta) || w.count(t, "SELECT count(*) FROM groups WHERE id = ?", beta) != 0 {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "group.delete", beta, w.companyAdmin, "GROUP_DELETED", w.company)
	})
}

// TestR12PersonalDataFieldLevel: a restricted role never sees other
// people's personal data, whatever path reaches them in the API.
func TestR12PersonalDataFieldLevel(t *testing.T) {
	w := newAdminWorld(t)
	// A restricted administrator role: manages people on amisgest, without
	// personal-data access (the technician's restriction, on an admin role
	// so that the API lets it reach other users at all).
	w.f.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'administration'
		AND product_id = (SELECT id FROM products WHERE code = 'amisgest')`)
	restricted := w.f.User("restricted.admin", w.site)
	w.f.Assign(restricted, w.site, "amisgest", "administration")
	w.f.Assign(w.operator, w.site, "amisgest", "educatrice")
	w.f.Exec("UPDATE users SET phone = '+390111234567' WHERE id = ?", w.operator)
	token := w.token(t, restricted)
	personal := []string{"Givenoperatore.uno", "Familyoperatore.uno", "operatore.uno@example.test", validCF(904), "+390111234567"}
	check := func(name string, res *gqlResponse) {
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
	check("users", w.m.gql(t, token, `{ users(first: 50) { nodes { `+fields+` } } }`, nil))
	check("node", w.m.gql(t, token, `query($id: ID!) { node(id: $id) { ... on User { `+fields+` } } }`,
		map[string]any{"id": globalIDFor("User", w.operator)}))
	check("usersByProduct", w.m.gql(t, token, `query($id: ID!) { node(id: $id) { ... on Tenant { usersByProduct { users { nodes { `+fields+` } } } } } }`,
		map[string]any{"id": globalIDFor("Tenant", w.site)}))
	check("search by personal data finds nothing the viewer cannot see", w.m.gql(t, token, `{ users(first: 5, filter: {search: "operatore.uno"}) { nodes { `+fields+` } } }`, nil))
	// Lookup of a member returns the member without personal data.
	p := w.mutate(t, token, "lookupUserCandidate", "LookupUserCandidateInput", "outcome user { "+fields+" }",
		map[string]any{"tenantId": globalIDFor("Tenant", w.site), "username": "operatore.uno", "taxCode": validCF(904)})
	check("lookupUserCandidate", p.res)
	// The technician (restricted operator) sees no other user at all, and
	// its own data in full.
	tech := w.token(t, w.technician)
	if res := w.m.gql(t, tech, `{ users(first: 5) { totalCount } }`, nil); !strings.Contains(string(res.Data), `"totalCount":0`) {
		t.Fatalf("technician lists users: %s", res.Data)
	}
	if res := w.m.gql(t, tech, `{ viewer { user { email } } }`, nil); !strings.Contains(string(res.Data), "tech.amisgest@example.test") {
		t.Fatalf("technician's own data hidden: %s", res.Data)
	}
}

// TestR21UsersByProduct: "all" grouped by product, one product, filters by
// category, role, status, and text search over name, email, username, tax
// code.
func TestR21UsersByProduct(t *testing.T) {
	w := newAdminWorld(t)
	w.f.Assign(w.operator, w.company, "clienti", "guest")
	w.f.Assign(w.technician, w.company, "segmenti", "guest")
	w.f.Exec("UPDATE users SET status = 'SUSPENDED' WHERE id = ?", w.technician)
	admin := w.token(t, w.companyAdmin)
	q := `query($id: ID!, $category: RoleCategory, $roleId: ID, $status: UserStatus, $search: String) { node(id: $id) { ... on Tenant {
		products { code }
		usersByProduct(category: $category, roleId: $roleId, status: $status, search: $search) {
			product { code } users(first: 20) { totalCount nodes { username } } } } } }`
	sections := func(vars map[string]any) map[string]string {
		vars["id"] = globalIDFor("Tenant", w.company)
		d := w.query(t, admin, q, vars)
		out := map[string]string{}
		for _, s := range dig(d, "node", "usersByProduct").([]any) {
			var names []string
			for _, n := range dig(s, "users", "nodes").([]any) {
				names = append(names, dig(n, "username").(string))
			}
			out[dig(s, "product", "code").(string)] = strings.Join(names, ",")
		}
		return out
	}
	t.Run("AllGroupedByProduct", func(t *testing.T) {
		d := w.query(t, admin, `query($id: ID!) { node(id: $id) { ... on Tenant { products { code } } } }`, map[string]any{"id": globalIDFor("Tenant", w.company)})
		var codes []string
		for _, p := range dig(d, "node", "products").([]any) {
			codes = append(codes, dig(p, "code").(string))
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
		got := sections(map[string]any{"roleId": w.role(t, "segmenti", "guest")})
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
		for _, s := range []string{"familyoperatore", "OPERATORE.UNO@example", "operatore.u", strings.ToLower(validCF(904))} {
			if got := sections(map[string]any{"search": s}); got["segmenti"] != "operatore.uno" || got["clienti"] != "operatore.uno" {
				t.Fatalf("search %q: %v", s, got)
			}
		}
	})
	t.Run("OneProduct", func(t *testing.T) {
		var out usersPage
		w.m.gql(t, admin, usersPageQuery, map[string]any{"first": 10, "filter": map[string]any{
			"tenantId": globalIDFor("Tenant", w.company), "productId": w.product(t, "clienti")}}).decode(t, &out)
		if out.Users.TotalCount != 1 || out.Users.Edges[0].Node.Username != "operatore.uno" {
			t.Fatalf("clienti tab: %+v", out.Users)
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		for _, tok := range []string{w.token(t, w.other_admin), w.token(t, w.operator)} {
			res := w.m.gql(t, tok, `query($id: ID!) { node(id: $id) { ... on Tenant { usersByProduct { product { code } } } } }`,
				map[string]any{"id": globalIDFor("Tenant", w.company)})
			if res.code() != "FORBIDDEN" && string(res.Data) != `{"node":null}` {
				t.Fatalf("got %s %+v", res.Data, res.Errors)
			}
		}
	})
}

// TestTenantsCreateAndUpdate: platform staff onboard tenants; a parent's
// admin adds sites below and administers them; updates take versions.
func TestTenantsCreateAndUpdate(t *testing.T) {
	w := newAdminWorld(t)
	admin := w.token(t, w.companyAdmin)
	staff := w.token(t, w.staff)
	sel := "tenant { id name country taxCode certifiedEmail version parent { id } viewerCan { update updateIdentity createSite manageableProducts { code } } }"
	create := func(token string, in map[string]any) *payload {
		return w.mutate(t, token, "createTenant", "CreateTenantInput", sel, in)
	}
	update := func(token string, id int64, version int, fields map[string]any) *payload {
		in := map[string]any{"tenantId": globalIDFor("Tenant", id), "expectedVersion": version}
		for k, v := range fields {
			in[k] = v
		}
		return w.mutate(t, token, "updateTenant", "UpdateTenantInput", sel, in)
	}
	var site2 int64
	t.Run("StaffOnboardsAnOrganisation", func(t *testing.T) {
		d := create(staff, map[string]any{"name": "Transports Martin", "country": "fr", "taxCode": "477 280 846", "certifiedEmail": "PEC@Martin.FR"}).ok(t)
		if dig(d, "tenant", "country") != "FR" || dig(d, "tenant", "taxCode") != "477280846" || dig(d, "tenant", "certifiedEmail") != "PEC@martin.fr" {
			t.Fatalf("got %v", d)
		}
		var id int64
		w.scalar(t, &id, "SELECT id FROM tenants WHERE name = 'Transports Martin'")
		w.wantAudit(t, "tenant.create", id, w.staff, "TENANT_CREATED", id)
	})
	t.Run("AdminAddsASiteAndAdministersIt", func(t *testing.T) {
		d := create(admin, map[string]any{"parentId": globalIDFor("Tenant", w.company), "name": "Sede Milano"}).ok(t)
		if dig(d, "tenant", "parent", "id") != globalIDFor("Tenant", w.company) {
			t.Fatalf("got %v", d)
		}
		w.scalar(t, &site2, "SELECT id FROM tenants WHERE name = 'Sede Milano'")
		// The creator administers the new site on the products it
		// administers in the parent (R6 would leave it read-only).
		caps := dig(d, "tenant", "viewerCan").(map[string]any)
		if caps["update"] != true || caps["updateIdentity"] != false || len(caps["manageableProducts"].([]any)) != 1 {
			t.Fatalf("capabilities = %v", caps)
		}
		w.mutate(t, admin, "createGroup", "CreateGroupInput", "group { id }", map[string]any{
			"tenantId": globalIDFor("Tenant", site2), "productId": w.product(t, "segmenti"), "name": "Milano"}).ok(t)
		if w.events(t, "TENANT_CREATED", w.company, site2) != 1 {
			t.Fatal("the parent's dashboards are not told")
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		before := w.snapshot(t)
		if c := create(admin, map[string]any{"name": "Rogue root"}).code(); c != "FORBIDDEN" {
			t.Fatalf("admin onboards a root: %q", c)
		}
		if c := create(w.token(t, w.holdingAdmin), map[string]any{"parentId": globalIDFor("Tenant", w.company), "name": "Below child"}).code(); c != "FORBIDDEN" {
			t.Fatalf("parent admin adds below a child: %q", c)
		}
		if c := create(w.token(t, w.other_admin), map[string]any{"parentId": globalIDFor("Tenant", w.company), "name": "Other's"}).code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant: %q", c)
		}
		if c := create(w.token(t, w.operator), map[string]any{"parentId": globalIDFor("Tenant", w.company), "name": "Operator's"}).code(); c != "FORBIDDEN" {
			t.Fatalf("operator: %q", c)
		}
		w.unchanged(t, before)
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
			before := w.snapshot(t)
			if got := create(staff, c.in).userError(t); got != c.code {
				t.Fatalf("code = %q, want %q", got, c.code)
			}
			w.unchanged(t, before)
		})
	}
	t.Run("Update", func(t *testing.T) {
		d := update(admin, site2, 1, map[string]any{"name": "Sede di Milano"}).ok(t)
		if dig(d, "tenant", "name") != "Sede di Milano" || dig(d, "tenant", "version") != 2.0 {
			t.Fatalf("got %v", d)
		}
		w.wantAudit(t, "tenant.update", site2, w.companyAdmin, "TENANT_UPDATED", site2)
	})
	t.Run("ErrUpdateConflict", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(admin, site2, 1, map[string]any{"name": "Lost update"}).userError(t); c != "CONFLICT" {
			t.Fatalf("code = %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("ErrUpdateIdentityForbidden", func(t *testing.T) {
		before := w.snapshot(t)
		if c := update(admin, site2, 2, map[string]any{"certifiedEmail": "mine@example.test"}).code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		if c := update(w.token(t, w.holdingAdmin), w.company, 1, map[string]any{"name": "Renamed by parent"}).code(); c != "FORBIDDEN" {
			t.Fatalf("parent admin renames child: %q", c)
		}
		if c := update(w.token(t, w.other_admin), w.company, 1, map[string]any{"name": "Renamed by other"}).code(); c != "FORBIDDEN" {
			t.Fatalf("other tenant renames: %q", c)
		}
		w.unchanged(t, before)
	})
	t.Run("StaffUpdatesIdentity", func(t *testing.T) {
		d := update(staff, site2, 2, map[string]any{"taxCode": "01234560017", "certifiedEmail": "milano@pec.example.it"}).ok(t)
		if dig(d, "tenant", "taxCode") != "01234560017" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("ErrUpdateInvalid", func(t *testing.T) {
		if c := update(staff, site2, 3, map[string]any{"taxCode": "01234560018"}).userError(t); c != "INVALID_TAX_CODE" {
			t.Fatalf("code = %q", c)
		}
	})
}
