package graph_test

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"tenantadmin/db"
	"tenantadmin/server/servertest"
)

// TestMembershipReadsAreScopedByTenant (issue 14.5): a tenant administrator's
// pages read memberships and role assignments of their own tenants only,
// scoped in SQL, not read whole and filtered afterwards. The one exception
// is the authorization input (every tenant and role of a person, never
// shown), marked with db.AuthorizationInputComment.
func TestMembershipReadsAreScopedByTenant(t *testing.T) {
	w := servertest.NewWorldOn(t, servertest.MustRunMainWith(t, "-mail-poll-interval", "1h", "-event-relay=false"))
	// People of the company who also belong to the unrelated organisation.
	var shared []int64
	for i := range 3 {
		u := w.F.User(fmt.Sprintf("doppio%02d", i), w.Company)
		w.F.Assign(u, w.Company, "segmenti", "user")
		w.F.Assign(u, w.Other, "clienti", "guest")
		shared = append(shared, u)
	}
	token := w.M.MustLogin(t, w.CompanyAdmin)

	reads := regexp.MustCompile(`(?i)FROM "?(memberships|role_assignments)"?`)
	scopeParameter := regexp.MustCompile(`tenant_id = ANY\(\$\d`)
	var mu sync.Mutex
	var unscoped []string
	stop := w.M.DB.ObserveQueries(func(q string) {
		if !reads.MatchString(q) || strings.Contains(q, db.AuthorizationInputComment) {
			return
		}
		// tenant_id IN (…) or = ANY('{…}') (db.oneOf), = ANY($n) in the
		// prepared statements (the scope passed as an array:
		// TestPageRelationsMatchSeparateReads checks what they answer), or
		// the user list's walk over its tenants.
		if !strings.Contains(q, `tenant_id IN (`) && !strings.Contains(q, `tenant_id = ANY('{`) &&
			!scopeParameter.MatchString(q) && !strings.Contains(q, `m.tenant_id = s.tenant_id`) {
			mu.Lock()
			unscoped = append(unscoped, q)
			mu.Unlock()
		}
	})
	var page servertest.UsersPage
	w.M.GQL(t, token, servertest.UsersPageQuery, map[string]any{"first": 50}).Decode(t, &page)
	var profile struct {
		Node struct {
			Memberships []struct {
				Tenant          struct{ Name string }
				ViewerCanDetach bool
				RoleAssignments []struct{ Status string }
			}
			ViewerCan struct{ ChangeStatus bool }
		}
	}
	gid := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "User:%d", shared[0]))
	w.M.GQL(t, token, `query($id: ID!) { node(id: $id) { ... on User {
		memberships { tenant { name } viewerCanDetach roleAssignments { status } }
		viewerCan { changeStatus } } } }`, map[string]any{"id": gid}).Decode(t, &profile)
	stop()

	for _, q := range unscoped {
		t.Errorf("membership read not scoped by tenant: %s", q)
	}
	if len(profile.Node.Memberships) != 1 || profile.Node.Memberships[0].Tenant.Name != "Filiale Srl" {
		t.Errorf("profile shows memberships %+v, want only Filiale Srl", profile.Node.Memberships)
	}
	for _, e := range page.Users.Edges {
		for _, m := range e.Node.Memberships {
			if m.Tenant.Name == "Altra Azienda" {
				t.Errorf("%s: membership of another organisation shown", e.Node.Username)
			}
		}
	}
}

// TestProfileOutsideTheDirectory: node(id:) of a person the viewer's user
// directory does not hold is null, whether the document selects their
// memberships (the profile's one-round-trip read, db.PageRelations with
// Person, which reads before the person is known to be visible) or not;
// a person inside it is answered either way.
func TestProfileOutsideTheDirectory(t *testing.T) {
	w := servertest.NewWorldOn(t, servertest.MustRunMainWith(t, "-mail-poll-interval", "1h", "-event-relay=false"))
	outside := w.F.User("altrove01", w.Other)
	w.F.Assign(outside, w.Other, "clienti", "guest")
	inside := w.F.User("interno01", w.Company)
	w.F.Assign(inside, w.Company, "segmenti", "user")
	token := w.M.MustLogin(t, w.CompanyAdmin)
	for _, doc := range []string{
		`query($id: ID!) { node(id: $id) { ... on User { username homeTenant { name } memberships { tenant { name } roleAssignments { status } } } } }`,
		`query($id: ID!) { node(id: $id) { ... on User { username } } }`,
	} {
		for person, visible := range map[int64]bool{outside: false, inside: true} {
			var got struct{ Node *struct{ Username string } }
			gid := base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "User:%d", person))
			w.M.GQL(t, token, doc, map[string]any{"id": gid}).Decode(t, &got)
			if visible != (got.Node != nil) {
				t.Errorf("%s\nperson %d (in the directory: %v) answered %+v", doc, person, visible, got.Node)
			}
		}
	}
}
