package graph

import (
	"context"
	"testing"

	"tenantadmin/domain"
)

// Mutation resolvers decode their IDs before calling app; a signed-out
// caller is still told UNAUTHENTICATED first, as when the use cases
// decoded them after checking the viewer.
func TestIDsAnswerUnauthenticatedFirst(t *testing.T) {
	decode := func(ctx context.Context) error {
		var d ids
		d.id("Tenant", globalID("Tenant", 1), "tenantId")
		d.id("Role", "not an ID", "roleId")
		d.id("User", "nor this", "userId")
		return d.check(ctx)
	}
	if err := decode(context.Background()); domain.ErrorCode(err) != domain.EUNAUTHENTICATED {
		t.Fatalf("signed out: %v, want UNAUTHENTICATED", err)
	}
	ctx := WithViewer(context.Background(), &domain.Viewer{UserID: 1, Username: "anna", Status: domain.UserActive, Kind: domain.KindHuman})
	e := domain.AsError(decode(ctx))
	if e == nil || e.Reason != "INVALID_ID" || e.Field != "roleId" {
		t.Fatalf("signed in: %v, want INVALID_ID on roleId (the first bad one)", e)
	}
	var d ids
	if id := d.id("Tenant", globalID("Tenant", 7), "tenantId"); id != 7 || d.check(ctx) != nil {
		t.Fatalf("a good ID: %d, %v", id, d.check(ctx))
	}
	if p := d.optional("Tenant", nil, "parentId"); p != nil || d.check(ctx) != nil {
		t.Fatalf("an absent optional ID: %v", p)
	}
}
