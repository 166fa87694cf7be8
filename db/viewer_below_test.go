package db_test

import (
	"context"
	"slices"
	"testing"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
)

// TestViewerBelowMatchesHierarchy: the subtrees LoadViewer reads with the
// grants (issue 17.1: one round trip per request instead of two) are the
// Hierarchy's own answer for every tenant where a grant reaches below,
// nested ones and leaves included; tenants of other grants, and grants no
// longer active, load none; and every scope the Authorizer computes from
// them equals the one computed from the Hierarchy.
func TestViewerBelowMatchesHierarchy(t *testing.T) {
	ctx := context.Background()
	d := dbtest.MustOpen(t)
	f := dbtest.NewFixture(t, d)
	root := f.Tenant("Holding", 0)
	a := f.Tenant("Sede A", root)
	a1 := f.Tenant("Sito A1", a)
	a1a := f.Tenant("Reparto A1a", a1)
	b := f.Tenant("Sede B", root)
	other := f.Tenant("Altra", 0)
	otherSite := f.Tenant("Altra sede", other)
	suspended := f.Tenant("Sospesa", 0)
	f.Tenant("Sospesa sede", suspended)

	v := f.User("viewer", root)
	f.Assign(v, root, "segmenti", "admin")
	f.Assign(v, root, "automazioni", "admin") // a second grant reaching below at the same tenant
	f.Assign(v, a1, "segmenti", "admin")      // inside the first subtree
	f.Assign(v, b, "clienti", "admin")        // a leaf
	f.Assign(v, other, "segmenti", "guest")   // does not reach below
	off := f.Assign(v, suspended, "segmenti", "admin")
	f.Exec("UPDATE role_assignments SET status = 'SUSPENDED' WHERE id = ?", off)
	plain := f.User("plain", other)
	f.Assign(plain, otherSite, "segmenti", "guest")

	users, tenants := db.NewUserService(d), db.NewTenantService(d)
	viewer, err := users.LoadViewer(ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]int64{}
	for _, id := range []int64{root, a1, b} {
		below, err := tenants.DescendantIDs(ctx, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		want[id] = below
	}
	if !slices.Contains(want[root], a1a) || len(want[b]) != 0 {
		t.Fatalf("fixture: %v", want)
	}
	if len(viewer.Below) != len(want) {
		t.Fatalf("Below has the subtrees of %d tenants, want %d (%v): %v", len(viewer.Below), len(want), want, viewer.Below)
	}
	for id, below := range want {
		got, ok := viewer.Below[id]
		if !ok || !slices.Equal(got, below) {
			t.Errorf("below tenant %d: %v (loaded %v), the hierarchy says %v", id, got, ok, below)
		}
	}
	if len(viewer.Grants) != 5 {
		t.Fatalf("%d active grants, want 5: %+v", len(viewer.Grants), viewer.Grants)
	}

	// Every scope from the loaded subtrees equals the one from the tree.
	authz := &domain.Authorizer{Hierarchy: tenants}
	fromTree := *viewer
	fromTree.Below = nil
	for name, scope := range map[string]func(context.Context, *domain.Viewer) (domain.Scope, error){
		"readable": authz.ReadableTenants, "directory": authz.UserDirectoryScope, "personal data": authz.PersonalDataScope,
	} {
		got, err := scope(ctx, viewer)
		if err != nil {
			t.Fatal(err)
		}
		wanted, err := scope(ctx, &fromTree)
		if err != nil {
			t.Fatal(err)
		}
		if got.All != wanted.All || !slices.Equal(got.TenantIDs, wanted.TenantIDs) {
			t.Errorf("%s scope: %v from Below, %v from the tree", name, got, wanted)
		}
	}

	// A person whose grants do not reach below loads no subtree.
	pv, err := users.LoadViewer(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Below == nil || len(pv.Below) != 0 || len(pv.Grants) != 1 {
		t.Fatalf("plain viewer: Below %v, grants %+v", pv.Below, pv.Grants)
	}
}
