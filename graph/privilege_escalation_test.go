package graph_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"tenantadmin/db/dbtest"
	"tenantadmin/graph"
	"tenantadmin/server/servertest"
)

// TestPrivilegeEscalation: every attempt to gain or use a power one does
// not hold fails with FORBIDDEN and changes nothing.
func TestPrivilegeEscalation(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	w.F.Assign(w.Operator, w.Site, "segmenti", "guest")
	admin, op, holding := w.Token(t, w.CompanyAdmin), w.Token(t, w.Operator), w.Token(t, w.HoldingAdmin)
	assign := func(userID, tenantID int64, product, role string) map[string]any {
		return map[string]any{"userId": servertest.GlobalID("User", userID), "tenantId": servertest.GlobalID("Tenant", tenantID), "roleId": w.Role(t, product, role)}
	}
	ra := func(userID, tenantID int64, product, role string) map[string]any {
		return map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", w.AssignmentID(t, userID, tenantID, product, role))}
	}
	for _, c := range []struct {
		name, token, field, inputType string
		input                         map[string]any
	}{
		{"AdminGrantsRoleOnProductNotAdministered", admin, "assignRole", "AssignRoleInput", assign(w.Operator, w.Company, "clienti", "guest")},
		{"AdminGrantsItselfAdminOnAnotherProduct", admin, "assignRole", "AssignRoleInput", assign(w.CompanyAdmin, w.Company, "clienti", "admin")},
		{"AdminGrantsItselfAdminInAChildSite", admin, "assignRole", "AssignRoleInput", assign(w.CompanyAdmin, w.Site, "segmenti", "admin")},
		{"OperatorAssignsAdminToItself", op, "assignRole", "AssignRoleInput", assign(w.Operator, w.Company, "segmenti", "admin")},
		{"OperatorAssignsAnotherRoleToItself", op, "assignRole", "AssignRoleInput", assign(w.Operator, w.Company, "segmenti", "guest")},
		{"OperatorAttachesItselfElsewhere", op, "attachUserToTenant", "AttachUserToTenantInput", map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "tenantId": servertest.GlobalID("Tenant", w.Holding),
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "admin")}},
		{"AdminAttachesItselfToAnotherOrganisation", admin, "attachUserToTenant", "AttachUserToTenantInput", map[string]any{
			"userId": servertest.GlobalID("User", w.CompanyAdmin), "tenantId": servertest.GlobalID("Tenant", w.Other),
			"productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "admin")}},
		{"EditUserHomedElsewhere", w.Token(t, w.SiteAdmin), "updateUserProfile", "UpdateUserProfileInput", map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "expectedVersion": 1, "givenName": "Hijacked"}},
		{"EditUserOfAnotherOrganisation", w.Token(t, w.OtherAdmin), "updateUserProfile", "UpdateUserProfileInput", map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "expectedVersion": 1, "familyName": "Hijacked"}},
		{"ParentAdminAssignsInChild", holding, "assignRole", "AssignRoleInput", assign(w.Operator, w.Company, "segmenti", "guest")},
		{"ParentAdminSuspendsInChild", holding, "suspendRoleAssignment", "RoleAssignmentInput", ra(w.Operator, w.Company, "segmenti", "user")},
		{"ParentAdminRemovesInChild", holding, "removeRoleAssignment", "RoleAssignmentInput", ra(w.Operator, w.Company, "segmenti", "user")},
		{"ParentAdminDetachesInChild", holding, "detachUserFromTenant", "DetachUserFromTenantInput", map[string]any{
			"membershipId": servertest.GlobalID("Membership", w.MembershipID(t, w.Operator, w.Company))}},
		{"ParentAdminSuspendsChildUser", holding, "suspendUser", "UserStatusInput", map[string]any{"userId": servertest.GlobalID("User", w.Operator)}},
		{"ParentAdminRenamesChild", holding, "updateTenant", "UpdateTenantInput", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "expectedVersion": 1, "name": "Taken over"}},
		{"ParentAdminCreatesUserInChild", holding, "createUser", "CreateUserInput", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "username": "planted", "taxCode": servertest.ValidCF(300), "givenName": "P",
			"familyName": "P", "email": "p@example.test", "productId": w.Product(t, "segmenti"), "roleId": w.Role(t, "segmenti", "admin")}},
		{"AdminSuspendsOwnRoleOfAColleagueElsewhere", admin, "suspendRoleAssignment", "RoleAssignmentInput", ra(w.SiteAdmin, w.Site, "segmenti", "admin")},
		{"AdminChangesTenantIdentity", admin, "updateTenant", "UpdateTenantInput", map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "expectedVersion": 1, "certifiedEmail": "attacker@example.test"}},
		{"AdminOnboardsAnOrganisation", admin, "createTenant", "CreateTenantInput", map[string]any{"name": "Shadow Spa"}},
		{"OperatorSetsWorkPhone", op, "updateMyPhone", "UpdateMyPhoneInput", map[string]any{"phone": "0612345678"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.Snapshot(t)
			p := w.Mutate(t, c.token, c.field, c.inputType, "__typename", c.input)
			if p.Code() != "FORBIDDEN" {
				t.Fatalf("code = %q, data %s", p.Code(), p.Res.Data)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("NoMutationChangesAnotherUsersEmail", func(t *testing.T) {
		// requestEmailChange only ever acts on the viewer: there is no
		// user argument to point at someone else.
		p := w.Mutate(t, admin, "requestEmailChange", "RequestEmailChangeInput", "user { id }",
			map[string]any{"email": "takeover@example.test", "userId": servertest.GlobalID("User", w.Operator)})
		if p.Code() == "" {
			t.Fatal("requestEmailChange accepted a user")
		}
	})
}

// TestPropertyTenantIsolation runs a few hundred random administrative
// actions as tenant A's administrator, aimed at A's and B's objects alike,
// and proves that nothing of tenant B changes and that no response carries
// B's identifiers or people. The seed is logged; ISOLATION_SEED replays it.
func TestPropertyTenantIsolation(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ISOLATION_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (replay with ISOLATION_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	w := servertest.AdminWorldOf(&servertest.World{})
	w.M = servertest.MustRunMain(t)
	w.F = dbtest.NewFixture(t, w.M.DB)
	f := w.F
	a, b := f.Tenant("Alpha Spa", 0), f.Tenant("Bravo Srl", 0)
	a1, b1 := f.Tenant("Alpha sede Roma", a), f.Tenant("Bravo sede Lille", b)
	aAdmin := f.User("alpha.admin", a)
	for _, p := range []string{"segmenti", "clienti", "automazioni"} {
		f.Assign(aAdmin, a, p, "admin")
	}
	f.Assign(aAdmin, a1, "segmenti", "admin")
	aOp := f.User("alpha.op1", a)
	f.Assign(aOp, a, "segmenti", "user")
	f.Assign(aOp, a1, "segmenti", "guest")
	aOp2 := f.User("alpha.op2", a)
	f.Assign(aOp2, a, "clienti", "guest")
	bAdmin := f.User("bravo.admin", b)
	f.Assign(bAdmin, b, "segmenti", "admin")
	f.Assign(bAdmin, b1, "segmenti", "admin")
	bOp := f.User("bravo.op1", b)
	f.Assign(bOp, b, "segmenti", "user")
	f.Assign(bOp, b1, "clienti", "guest")
	bOp2 := f.User("bravo.op2", b1)
	f.Assign(bOp2, b1, "segmenti", "power-user")
	for i, id := range []int64{aAdmin, aOp, aOp2, bAdmin, bOp, bOp2} {
		f.Exec("UPDATE users SET tax_code = ? WHERE id = ?", servertest.ValidCF(500+i), id)
	}
	f.Exec("INSERT INTO groups (tenant_id, product_id, name) SELECT ?, id, 'Bravo team' FROM products WHERE code = 'segmenti'", b)
	f.Exec("INSERT INTO group_members (group_id, user_id) SELECT id, ? FROM groups WHERE name = 'Bravo team'", bOp)
	f.Exec("INSERT INTO groups (tenant_id, product_id, name) SELECT ?, id, 'Alpha team' FROM products WHERE code = 'segmenti'", a)
	bTenants, bUsers := []int64{b, b1}, []int64{bAdmin, bOp, bOp2}
	aTaxCodes := []string{servertest.ValidCF(500), servertest.ValidCF(501), servertest.ValidCF(502)}

	snapshotB := func() string {
		var sb strings.Builder
		in := func(ids []int64) string {
			s := make([]string, len(ids))
			for i, id := range ids {
				s[i] = strconv.FormatInt(id, 10)
			}
			return "(" + strings.Join(s, ",") + ")"
		}
		T, U := in(bTenants), in(bUsers)
		for _, q := range []string{
			"SELECT * FROM tenants x WHERE id IN " + T + " OR parent_id IN " + T + " ORDER BY id",
			"SELECT * FROM users x WHERE id IN " + U + " ORDER BY id",
			"SELECT * FROM memberships x WHERE tenant_id IN " + T + " OR user_id IN " + U + " ORDER BY id",
			"SELECT mp.* FROM membership_products mp JOIN memberships m ON m.id = mp.membership_id WHERE m.tenant_id IN " + T + " OR m.user_id IN " + U + " ORDER BY 1, 2",
			"SELECT * FROM role_assignments x WHERE tenant_id IN " + T + " OR user_id IN " + U + " ORDER BY id",
			"SELECT * FROM groups x WHERE tenant_id IN " + T + " ORDER BY id",
			"SELECT gm.* FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE g.tenant_id IN " + T + " OR gm.user_id IN " + U + " ORDER BY 1, 2",
			"SELECT * FROM invitations x WHERE tenant_id IN " + T + " OR user_id IN " + U + " ORDER BY id",
			"SELECT id, to_address, template, language, data, tenant_id, user_id, created_at FROM email_outbox x WHERE tenant_id IN " + T + " OR user_id IN " + U + " ORDER BY id",
			"SELECT * FROM email_changes x WHERE user_id IN " + U + " ORDER BY id",
			"SELECT * FROM credentials x WHERE user_id IN " + U + " ORDER BY user_id",
			"SELECT * FROM audit_events x WHERE tenant_id IN " + T + " OR (target_type = 'User' AND target_id IN " + U + ") OR actor_id IN " + U + " ORDER BY id",
			"SELECT id, tenant_id, type, subject_type, subject_id, payload, created_at FROM events x WHERE tenant_id IN " + T + " ORDER BY id",
		} {
			var dump string
			w.Scalar(t, &dump, "SELECT coalesce(json_agg(row_to_json(q)), '[]')::text FROM ("+q+") q")
			sb.WriteString(dump + "\n")
		}
		return sb.String()
	}
	// B's identifiers and people, which no response may carry.
	forbiddenIDs := map[string]bool{}
	for _, typ := range []struct{ typ, query string }{
		{"Tenant", "SELECT id FROM tenants WHERE id IN (?, ?)"},
		{"User", "SELECT id FROM users WHERE home_tenant_id IN (?, ?)"},
		{"Membership", "SELECT id FROM memberships WHERE tenant_id IN (?, ?)"},
		{"RoleAssignment", "SELECT id FROM role_assignments WHERE tenant_id IN (?, ?)"},
		{"Group", "SELECT id FROM groups WHERE tenant_id IN (?, ?)"},
	} {
		var ids []int64
		w.Scalar(t, &ids, typ.query, b, b1)
		for _, id := range ids {
			forbiddenIDs[servertest.GlobalID(typ.typ, id)] = true
		}
	}
	var bTax []string
	w.Scalar(t, &bTax, "SELECT tax_code FROM users WHERE home_tenant_id IN (?, ?)", b, b1)
	leaks := func(body []byte) string {
		lower := strings.ToLower(string(body))
		if strings.Contains(lower, "bravo") {
			return "bravo"
		}
		for _, tc := range bTax {
			if strings.Contains(string(body), tc) {
				return tc
			}
		}
		var v any
		_ = json.Unmarshal(body, &v)
		var found string
		var walk func(any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				if forbiddenIDs[x] {
					found = x
				}
			case map[string]any:
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
		return found
	}

	before := snapshotB()
	fastQueries, fastBefore := 0, graph.HotPathServed()
	token := w.Token(t, aAdmin)
	pick := func(ids []int64) int64 {
		if len(ids) == 0 {
			return 1
		}
		return ids[rng.IntN(len(ids))]
	}
	ids := func(query string) []int64 {
		var out []int64
		w.Scalar(t, &out, query)
		return out
	}
	var roleIDs []int64
	w.Scalar(t, &roleIDs, "SELECT r.id FROM roles r JOIN products p ON p.id = r.product_id WHERE p.code IN ('segmenti', 'clienti', 'automazioni', 'send')")
	usernames := []string{"alpha.op1", "alpha.op2", "bravo.op1", "bravo.admin", "nobody.here"}
	stats := map[string]int{}
	const steps = 300
	for step := range steps {
		users := ids("SELECT id FROM users WHERE NOT platform_admin")
		tenants := ids("SELECT id FROM tenants")
		assignments := ids("SELECT id FROM role_assignments")
		memberships := ids("SELECT id FROM memberships")
		groups := ids("SELECT id FROM groups")
		version := func(table string, id int64) int {
			n := 1
			_ = w.M.DB.NewRaw("SELECT version FROM "+table+" WHERE id = ?", id).Scan(t.Context(), &n)
			if rng.IntN(5) == 0 {
				n-- // now and then a stale one
			}
			return n
		}
		role := func() string { return servertest.GlobalID("Role", pick(roleIDs)) }
		var productID int64
		roleID := pick(roleIDs)
		w.Scalar(t, &productID, "SELECT product_id FROM roles WHERE id = ?", roleID)
		user, tenant := pick(users), pick(tenants)
		uid, tid := servertest.GlobalID("User", user), servertest.GlobalID("Tenant", tenant)
		taxCode := servertest.ValidCF(600 + rng.IntN(300))
		if rng.IntN(3) == 0 {
			taxCode = aTaxCodes[rng.IntN(len(aTaxCodes))]
		}
		var field, inputType string
		var input map[string]any
		query := ""
		switch k := rng.IntN(24); k {
		case 0:
			field, inputType, input = "createUser", "CreateUserInput", map[string]any{"tenantId": tid, "username": fmt.Sprintf("alpha.rnd%d", step),
				"taxCode": taxCode, "givenName": "Rnd", "familyName": "User", "email": fmt.Sprintf("rnd%d@alpha.test", step),
				"productId": servertest.GlobalID("Product", productID), "roleId": servertest.GlobalID("Role", roleID)}
		case 1:
			field, inputType, input = "lookupUserCandidate", "LookupUserCandidateInput", map[string]any{"tenantId": tid,
				"username": usernames[rng.IntN(len(usernames))], "taxCode": taxCode}
		case 2, 3:
			field, inputType, input = "assignRole", "AssignRoleInput", map[string]any{"userId": uid, "tenantId": tid, "roleId": role()}
		case 4:
			field, inputType, input = "suspendRoleAssignment", "RoleAssignmentInput", map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", pick(assignments))}
		case 5:
			field, inputType, input = "reactivateRoleAssignment", "RoleAssignmentInput", map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", pick(assignments))}
		case 6:
			field, inputType, input = "removeRoleAssignment", "RoleAssignmentInput", map[string]any{"roleAssignmentId": servertest.GlobalID("RoleAssignment", pick(assignments))}
		case 7:
			field = []string{"suspendUser", "reactivateUser"}[rng.IntN(2)]
			inputType, input = "UserStatusInput", map[string]any{"userId": uid}
		case 8:
			field, inputType, input = "updateUserProfile", "UpdateUserProfileInput", map[string]any{"userId": uid,
				"expectedVersion": version("users", user), "givenName": fmt.Sprintf("Name%d", step)}
		case 9:
			field, inputType, input = "attachUserToTenant", "AttachUserToTenantInput", map[string]any{"userId": uid, "tenantId": tid,
				"productId": servertest.GlobalID("Product", productID), "roleId": servertest.GlobalID("Role", roleID)}
		case 10:
			field, inputType, input = "detachUserFromTenant", "DetachUserFromTenantInput", map[string]any{"membershipId": servertest.GlobalID("Membership", pick(memberships))}
		case 11:
			field, inputType, input = "createGroup", "CreateGroupInput", map[string]any{"tenantId": tid,
				"productId": servertest.GlobalID("Product", productID), "name": fmt.Sprintf("Group %d", step)}
		case 12:
			g := pick(groups)
			field, inputType, input = "updateGroup", "UpdateGroupInput", map[string]any{"groupId": servertest.GlobalID("Group", g),
				"expectedVersion": version("groups", g), "active": rng.IntN(2) == 0, "name": fmt.Sprintf("Renamed %d", step)}
		case 13:
			field, inputType, input = "deleteGroup", "DeleteGroupInput", map[string]any{"groupId": servertest.GlobalID("Group", pick(groups))}
		case 14:
			field = []string{"addUserToGroup", "removeUserFromGroup"}[rng.IntN(2)]
			inputType, input = "GroupMemberInput", map[string]any{"groupId": servertest.GlobalID("Group", pick(groups)), "userId": uid}
		case 15:
			field, inputType, input = "createTenant", "CreateTenantInput", map[string]any{"parentId": tid, "name": fmt.Sprintf("Alpha site %d", step)}
		case 16:
			field, inputType, input = "updateTenant", "UpdateTenantInput", map[string]any{"tenantId": tid,
				"expectedVersion": version("tenants", tenant), "name": fmt.Sprintf("Alpha renamed %d", step)}
		case 17:
			field, inputType, input = "attachExistingUser", "AttachExistingUserInput", map[string]any{"tenantId": tid,
				"username": usernames[rng.IntN(len(usernames))], "taxCode": taxCode,
				"productId": servertest.GlobalID("Product", productID), "roleId": servertest.GlobalID("Role", roleID)}
		case 18:
			query = `{ users(first: 100) { nodes { id username givenName email taxCode memberships { id tenant { id name }
				products { product { code } assignableGroups { id name } groups { id } roleAssignments { id } } } } }
				tenants(first: 100) { nodes { id name parent { id } } } }`
		case 19:
			any := []string{uid, tid, servertest.GlobalID("RoleAssignment", pick(assignments)), servertest.GlobalID("Membership", pick(memberships)), servertest.GlobalID("Group", pick(groups))}
			query = fmt.Sprintf(`{ node(id: %q) { id ... on User { username email memberships { id } }
				... on Tenant { name usersByProduct { users { nodes { username } } } groups { name } }
				... on Group { name members { nodes { username } } } ... on Membership { user { username } }
				... on RoleAssignment { status } } }`, any[rng.IntN(len(any))])
		case 20:
			query = fmt.Sprintf(`{ groups(tenantId: %q, includeInactive: true) { id name members { nodes { username } } } }`, tid)
		case 21:
			field, inputType, input = "updateMyPreferences", "UpdateMyPreferencesInput", map[string]any{"language": []string{"it", "fr", "en"}[rng.IntN(3)]}
		case 22:
			// The users page as the fast path (graph/hotpath.go) answers
			// it, filtered to one of A's or B's tenants (issue 17.1).
			query = fmt.Sprintf(`query UsersPage { users(first: 100, filter: {tenantId: %q}) { totalCount
				pageInfo { hasNextPage endCursor } edges { cursor node { id username givenName familyName email taxCode status
				homeTenant { id name } memberships { id tenant { id name parent { id } }
				roleAssignments { id status role { id name category } product { id code } } } } } } }`, tid)
			fastQueries++
		case 23:
			// A user's profile as the fast path answers it (node(id:) on
			// a user, A's or B's), issue 17.1.
			query = fmt.Sprintf(`query Profile { node(id: %q) { ... on User { id username givenName familyName email taxCode status
				homeTenant { id name } memberships { id tenant { id name parent { id } }
				roleAssignments { id status role { id name category } product { id code } } } } } }`, uid)
			fastQueries++
		}
		var res *servertest.Response
		var outcome string
		if query != "" {
			res = w.M.GQL(t, token, query, nil)
			field = "query"
			outcome = res.Code()
		} else {
			p := w.Mutate(t, token, field, inputType, "__typename", input)
			res = p.Res
			outcome = p.Code()
			if outcome == "" {
				errs, _ := p.Data["userErrors"].([]any)
				if len(errs) > 0 {
					outcome = "userError:" + errs[0].(map[string]any)["code"].(string)
				}
			}
		}
		if outcome == "" {
			outcome = "OK"
		}
		if outcome == "INTERNAL" || outcome == "UNAUTHENTICATED" {
			t.Fatalf("step %d %s %v: %s %+v (seed %d)", step, field, input, res.Data, res.Errors, seed)
		}
		raw, _ := json.Marshal(res)
		if leak := leaks(append(raw, res.Data...)); leak != "" {
			t.Fatalf("step %d %s %v leaks %q: %s %+v (seed %d)", step, field, input, leak, res.Data, res.Errors, seed)
		}
		stats[field+" "+outcome]++
	}
	if fastQueries > 0 && graph.HotPathServed() == fastBefore {
		t.Fatalf("none of the %d users pages and profiles went through the fast path", fastQueries)
	}
	if after := snapshotB(); after != before {
		t.Fatalf("tenant B changed (seed %d):\nbefore %s\nafter  %s", seed, servertest.DiffLine(before, after), servertest.DiffLine(after, before))
	}
	var keys []string
	ok, forbidden := 0, 0
	for k, n := range stats {
		keys = append(keys, fmt.Sprintf("%s=%d", k, n))
		if strings.HasSuffix(k, " OK") {
			ok += n
		}
		if strings.HasSuffix(k, " FORBIDDEN") {
			forbidden += n
		}
	}
	slices.Sort(keys)
	t.Logf("%d steps: %s", steps, strings.Join(keys, ", "))
	// Not vacuous: A's admin did change A, and was refused on B.
	if ok < steps/10 || forbidden < steps/10 {
		t.Fatalf("too few successes (%d) or refusals (%d) to prove anything", ok, forbidden)
	}
}
