package graph_test

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"tenantadmin/server/servertest"
)

// TestModuleLevelsAsSeed003WritesThem (issue 16.2): the marketing
// platform's modules carry the levels the guide lists, module by module,
// and are single-level.
func TestModuleLevelsAsSeed003WritesThem(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	var out struct {
		Products []struct {
			Code        string
			SingleLevel bool
			Roles       []struct {
				Name         string
				Category     string
				RequiresSite bool
			}
		}
	}
	w.M.GQL(t, w.Token(t, w.CompanyAdmin), `{ products { code singleLevel roles { name category requiresSite } } }`, nil).Decode(t, &out)
	want := map[string]string{
		"segmenti":    "ADMIN/ADMIN GUEST/OPERATOR POWER USER/OPERATOR USER/OPERATOR",
		"automazioni": "ADMIN/ADMIN GUEST/OPERATOR USER/OPERATOR",
		"clienti":     "ADMIN/ADMIN GUEST/OPERATOR/site USER/OPERATOR/site",
		"send":        "DEFAULT/ADMIN NESSUNA COMUNICAZIONE/OPERATOR SOLO STATISTICHE/OPERATOR",
	}
	seen := 0
	for _, p := range out.Products {
		levels, isModule := want[p.Code]
		if p.SingleLevel != isModule {
			t.Errorf("%s: singleLevel = %v", p.Code, p.SingleLevel)
		}
		if !isModule {
			continue
		}
		seen++
		var got []string
		for _, r := range p.Roles {
			s := r.Name + "/" + r.Category
			if r.RequiresSite {
				s += "/site"
			}
			got = append(got, s)
		}
		sort.Strings(got)
		if strings.Join(got, " ") != levels {
			t.Errorf("%s levels: %s, want %s", p.Code, strings.Join(got, " "), levels)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d modules", seen, len(want))
	}
}

// TestOneLevelPerModule (issue 16.2): on a single-level module a member
// holds one level; setModuleLevel changes it atomically, never two at once.
func TestOneLevelPerModule(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	admin, staff := w.Token(t, w.CompanyAdmin), w.Token(t, w.Staff)
	const sel = `roleAssignment { id status role { code } } previousRole { code }`
	setLevel := func(token string, userID, tenantID int64, product, role string) *servertest.Payload {
		return w.Mutate(t, token, "setModuleLevel", "SetModuleLevelInput", sel, map[string]any{
			"userId": servertest.GlobalID("User", userID), "tenantId": servertest.GlobalID("Tenant", tenantID), "roleId": w.Role(t, product, role)})
	}
	levels := func(userID, tenantID int64, product string) []string {
		var codes string
		w.Scalar(t, &codes, `SELECT coalesce(string_agg(r.code, ',' ORDER BY r.code), '') FROM role_assignments ra
			JOIN roles r ON r.id = ra.role_id JOIN products p ON p.id = ra.product_id
			WHERE ra.user_id = ? AND ra.tenant_id = ? AND p.code = ?`, userID, tenantID, product)
		if codes == "" {
			return nil
		}
		return strings.Split(codes, ",")
	}
	refusedWith := func(t *testing.T, p *servertest.Payload, want string) {
		t.Helper()
		if c := p.UserError(t); c != want {
			t.Fatalf("code = %q, want %q", c, want)
		}
	}

	t.Run("ErrAssignRoleAddsASecondLevel", func(t *testing.T) {
		before := w.Snapshot(t)
		p := w.Mutate(t, admin, "assignRole", "AssignRoleInput", assignSel, map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "tenantId": servertest.GlobalID("Tenant", w.Company), "roleId": w.Role(t, "segmenti", "power-user")})
		refusedWith(t, p, "ONE_LEVEL_PER_MODULE")
		w.Unchanged(t, before)
	})
	t.Run("AssignAnotherRoleIsNotOffered", func(t *testing.T) {
		q := `query($id: ID!) { node(id: $id) { ... on User { memberships { products { product { code }
			assignableRoles { code } assignableLevels { code } } } } } }`
		d := w.Query(t, admin, q, map[string]any{"id": servertest.GlobalID("User", w.Operator)})
		cards := servertest.Dig(d, "node", "memberships").([]any)[0].(map[string]any)["products"].([]any)
		card := cards[0].(map[string]any)
		if len(card["assignableRoles"].([]any)) != 0 {
			t.Errorf("assign another role offered on a module: %v", card["assignableRoles"])
		}
		var got []string
		for _, r := range card["assignableLevels"].([]any) {
			got = append(got, r.(map[string]any)["code"].(string))
		}
		sort.Strings(got)
		if strings.Join(got, ",") != "admin,guest,power-user" {
			t.Errorf("levels offered: %v", got)
		}
	})
	t.Run("SameCategoryKeepsTheAssignmentAndItsState", func(t *testing.T) {
		ra := w.AssignmentID(t, w.Operator, w.Company, "segmenti", "user")
		w.F.Exec("UPDATE role_assignments SET status = 'SUSPENDED' WHERE id = ?", ra)
		d := setLevel(admin, w.Operator, w.Company, "segmenti", "guest").OK(t)
		if servertest.Dig(d, "roleAssignment", "id") != servertest.GlobalID("RoleAssignment", ra) || servertest.Dig(d, "roleAssignment", "status") != "SUSPENDED" ||
			servertest.Dig(d, "roleAssignment", "role", "code") != "guest" || servertest.Dig(d, "previousRole", "code") != "user" {
			t.Fatalf("payload %v", d)
		}
		if got := levels(w.Operator, w.Company, "segmenti"); !slices.Equal(got, []string{"guest"}) {
			t.Fatalf("levels held: %v", got)
		}
		w.WantAudit(t, "roleAssignment.setLevel", ra, w.CompanyAdmin, "ROLE_ASSIGNMENT_LEVEL_CHANGED", w.Company)
		var before, after string
		w.Scalar(t, &before, "SELECT before->>'roleId' FROM audit_events WHERE action = 'roleAssignment.setLevel' AND target_id = ?", ra)
		w.Scalar(t, &after, "SELECT after->>'roleId' FROM audit_events WHERE action = 'roleAssignment.setLevel' AND target_id = ?", ra)
		if before != strconv.FormatInt(w.RoleID(t, "segmenti", "user"), 10) || after != strconv.FormatInt(w.RoleID(t, "segmenti", "guest"), 10) {
			t.Errorf("audit before/after roleId: %s → %s", before, after)
		}
		w.F.Exec("UPDATE role_assignments SET status = 'ACTIVE' WHERE id = ?", ra)
	})
	t.Run("AcrossCategories", func(t *testing.T) {
		d := setLevel(admin, w.Operator, w.Company, "segmenti", "admin").OK(t)
		if servertest.Dig(d, "roleAssignment", "role", "code") != "admin" || servertest.Dig(d, "previousRole", "code") != "guest" {
			t.Fatalf("payload %v", d)
		}
		if got := levels(w.Operator, w.Company, "segmenti"); !slices.Equal(got, []string{"admin"}) {
			t.Fatalf("levels held: %v", got)
		}
		var category string
		w.Scalar(t, &category, `SELECT mp.category FROM membership_products mp JOIN memberships m ON m.id = mp.membership_id
			WHERE m.user_id = ? AND m.tenant_id = ? AND mp.product_id = ?`, w.Operator, w.Company, w.ProductID(t, "segmenti"))
		if category != "ADMIN" {
			t.Fatalf("the product's category stayed %s", category)
		}
		ra := w.AssignmentID(t, w.Operator, w.Company, "segmenti", "admin")
		w.WantAudit(t, "roleAssignment.setLevel", ra, w.CompanyAdmin, "ROLE_ASSIGNMENT_LEVEL_CHANGED", w.Company)
		setLevel(admin, w.Operator, w.Company, "segmenti", "user").OK(t)
	})
	t.Run("FirstLevel", func(t *testing.T) {
		d := setLevel(staff, w.Operator, w.Company, "automazioni", "guest").OK(t)
		if servertest.Dig(d, "previousRole") != nil || servertest.Dig(d, "roleAssignment", "role", "code") != "guest" {
			t.Fatalf("payload %v", d)
		}
		ra := w.AssignmentID(t, w.Operator, w.Company, "automazioni", "guest")
		w.WantAudit(t, "roleAssignment.create", ra, w.Staff, "ROLE_ASSIGNMENT_CREATED", w.Company)
	})
	for _, c := range []struct {
		name, product, role, want string
		tenant                    func() int64
	}{
		{"ErrSameLevel", "segmenti", "user", "ROLE_ALREADY_ASSIGNED", func() int64 { return w.Company }},
		{"ErrNotALevel", "io-platform", "operatore-api", "NOT_A_LEVEL", func() int64 { return w.Company }},
		{"ErrNotAMember", "segmenti", "guest", "NOT_A_MEMBER", func() int64 { return w.Other }},
		{"ErrSiteRequired", "clienti", "user", "SITE_REQUIRED", func() int64 { return w.Holding }},
		{"ErrSiteRequiredOnChange", "clienti", "guest", "SITE_REQUIRED", func() int64 { return w.Holding }},
		{"ErrNominationRequired", "cob", "master", "NOMINATION_REQUIRED", func() int64 { return w.Company }},
	} {
		t.Run(c.name, func(t *testing.T) {
			switch c.name {
			case "ErrSiteRequired": // a first level
				w.F.Assign(w.Operator, w.Holding, "segmenti", "guest")
			case "ErrSiteRequiredOnChange": // replacing the level held
				w.F.Assign(w.Operator, w.Holding, "clienti", "admin")
			}
			before := w.Snapshot(t)
			refusedWith(t, setLevel(staff, w.Operator, c.tenant(), c.product, c.role), c.want)
			w.Unchanged(t, before)
		})
	}
	t.Run("ErrUnknownRole", func(t *testing.T) {
		before := w.Snapshot(t)
		p := w.Mutate(t, staff, "setModuleLevel", "SetModuleLevelInput", sel, map[string]any{
			"userId": servertest.GlobalID("User", w.Operator), "tenantId": servertest.GlobalID("Tenant", w.Company), "roleId": servertest.GlobalID("Role", 999999)})
		refusedWith(t, p, "UNKNOWN_ROLE")
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenOtherTenant", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := setLevel(w.Token(t, w.OtherAdmin), w.Operator, w.Company, "segmenti", "guest").Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ErrForbiddenParentAdmin", func(t *testing.T) {
		before := w.Snapshot(t)
		if c := setLevel(w.Token(t, w.HoldingAdmin), w.Operator, w.Company, "segmenti", "guest").Code(); c != "FORBIDDEN" {
			t.Fatalf("code = %q", c)
		}
		w.Unchanged(t, before)
	})
	t.Run("ConcurrentChangesLeaveOneLevel", func(t *testing.T) {
		// Changes of one member's level race: whatever wins, one level.
		member := w.F.User("racing.member", w.Company)
		w.F.Assign(member, w.Company, "segmenti", "guest")
		var wg sync.WaitGroup
		for i, role := range []string{"admin", "user", "guest", "admin", "user", "guest"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					setLevel(staff, member, w.Company, "send", map[string]string{"admin": "default", "user": "nessuna-comunicazione", "guest": "solo-statistiche"}[role])
				} else {
					w.Mutate(t, staff, "assignRole", "AssignRoleInput", assignSel, map[string]any{"userId": servertest.GlobalID("User", member),
						"tenantId": servertest.GlobalID("Tenant", w.Company), "roleId": w.Role(t, "send", "solo-statistiche")})
				}
			}()
		}
		wg.Wait()
		if got := levels(member, w.Company, "send"); len(got) != 1 {
			t.Fatalf("levels held after racing changes: %v", got)
		}
	})
}

// TestRolesThatNeedASite (issue 16.3, R12): the external technician of
// seed 004 and Clienti's USER and GUEST of seed 003 work only on a site (a
// tenant with a parent); elsewhere every way of giving them is refused with
// SITE_REQUIRED and nothing changes.
func TestRolesThatNeedASite(t *testing.T) {
	w := servertest.NewAdminWorld(t)
	staff := w.Token(t, w.Staff)
	member := w.F.User("holding.member", w.Holding)
	w.F.Assign(member, w.Holding, "segmenti", "guest")
	holding, site := servertest.GlobalID("Tenant", w.Holding), servertest.GlobalID("Tenant", w.Site)
	cases := []struct {
		name, field, inputType string
		input                  map[string]any
	}{
		{"CreateUser", "createUser", "CreateUserInput", map[string]any{"tenantId": holding, "username": "new.tech", "taxCode": servertest.ValidCF(40),
			"givenName": "Nuovo", "familyName": "Tecnico", "email": "new.tech@example.test",
			"productId": w.Product(t, "amisgest"), "roleId": w.Role(t, "amisgest", "external-technician")}},
		{"AssignRole", "assignRole", "AssignRoleInput", map[string]any{"userId": servertest.GlobalID("User", member), "tenantId": holding,
			"roleId": w.Role(t, "clienti", "guest")}},
		{"AttachExistingUser", "attachExistingUser", "AttachExistingUserInput", map[string]any{"tenantId": holding,
			"username": "operatore.uno", "taxCode": servertest.ValidCF(904), "productId": w.Product(t, "clienti"), "roleId": w.Role(t, "clienti", "user")}},
		{"AttachUserToTenant", "attachUserToTenant", "AttachUserToTenantInput", map[string]any{"userId": servertest.GlobalID("User", w.Technician),
			"tenantId": holding, "productId": w.Product(t, "amisgest"), "roleId": w.Role(t, "amisgest", "external-technician")}},
	}
	for _, c := range cases {
		t.Run("Err"+c.name, func(t *testing.T) {
			before := w.Snapshot(t)
			p := w.Mutate(t, staff, c.field, c.inputType, "__typename", c.input)
			if got := p.UserError(t); got != "SITE_REQUIRED" {
				t.Fatalf("code = %q, want SITE_REQUIRED; errors %v", got, p.Data["userErrors"])
			}
			if field := servertest.Dig(p.Data["userErrors"].([]any)[0], "field"); !strings.Contains(strings.Join(anyStrings(field), "."), "roleId") {
				t.Errorf("field = %v, want roleId", field)
			}
			w.Unchanged(t, before)
		})
	}
	t.Run("OnASite", func(t *testing.T) {
		in := map[string]any{"tenantId": site, "username": "tech.torino", "taxCode": servertest.ValidCF(41),
			"givenName": "Tecnico", "familyName": "Torino", "email": "tech.torino@example.test",
			"productId": w.Product(t, "amisgest"), "roleId": w.Role(t, "amisgest", "external-technician")}
		w.Mutate(t, staff, "createUser", "CreateUserInput", "user { id }", in).OK(t)
	})
	t.Run("NotOfferedOffASite", func(t *testing.T) {
		// A Clienti ADMIN's card on the holding offers no level that needs a site.
		w.F.Assign(member, w.Other, "clienti", "admin")
		w.F.Assign(member, w.Site, "clienti", "admin")
		q := `query($id: ID!) { node(id: $id) { ... on User { memberships { tenant { id } products { product { code } assignableLevels { code } } } } } }`
		d := w.Query(t, staff, q, map[string]any{"id": servertest.GlobalID("User", member)})
		offered := map[string][]string{}
		for _, m := range servertest.Dig(d, "node", "memberships").([]any) {
			for _, card := range m.(map[string]any)["products"].([]any) {
				if servertest.Dig(card, "product", "code") != "clienti" {
					continue
				}
				var codes []string
				for _, r := range card.(map[string]any)["assignableLevels"].([]any) {
					codes = append(codes, r.(map[string]any)["code"].(string))
				}
				sort.Strings(codes)
				offered[servertest.Dig(m, "tenant", "id").(string)] = codes
			}
		}
		if got := offered[servertest.GlobalID("Tenant", w.Other)]; len(got) != 0 {
			t.Errorf("levels offered off a site: %v", got)
		}
		if got := offered[site]; strings.Join(got, ",") != "guest,user" {
			t.Errorf("levels offered on the site: %v", got)
		}
	})
}

func anyStrings(v any) []string {
	var out []string
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
