package graph_test

import (
	"context"
	"testing"

	"tenantadmin/domain"
	"tenantadmin/server/servertest"
)

// TestBatchedRecheckEndsOnlyRevokedSession: the periodic re-checks of
// sessions share one Redis look-up per batch (recheck_batch.go); revoking
// one session still ends every subscription of that session, and only
// those: the same person's other session and another person's session keep
// receiving events. No event concerns the revoked person: only the
// periodic re-check can notice.
func TestBatchedRecheckEndsOnlyRevokedSession(t *testing.T) {
	w := servertest.NewWorld(t)
	m := servertest.MustRunReplica(t, w.M, nil, "-subscription-recheck", "100ms")
	ctx := context.Background()
	revokedToken, revoked, err := m.Sessions.Create(ctx, w.HoldingAdmin, "bearer", "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	// Two subscriptions of the revoked session, on two connections.
	gone := []*servertest.WSClient{m.MustWS(t, revokedToken), m.MustWS(t, revokedToken)}
	// The same person's other session, and another person's.
	kept := []*servertest.WSClient{m.MustWS(t, m.MustLogin(t, w.HoldingAdmin)), m.MustWS(t, m.MustLogin(t, w.CompanyAdmin))}
	for _, ws := range append(append([]*servertest.WSClient{}, gone...), kept...) {
		ws.Subscribe("1", servertest.ChangesSubscription, nil)
	}
	servertest.WaitSubscribers(t, m, 4)

	if err := m.Sessions.Revoke(ctx, w.HoldingAdmin, revoked.ID); err != nil {
		t.Fatal(err)
	}
	for i, ws := range gone {
		if code, _, _ := ws.EndError(); code != "UNAUTHENTICATED" {
			t.Fatalf("subscription %d of the revoked session: code %s", i, code)
		}
	}
	servertest.WaitSubscribers(t, m, 2)
	servertest.RecordChange(t, m, w.Company, domain.EventUserCreated, "User", w.Technician, map[string]any{"userId": w.Technician})
	for i, ws := range kept {
		if ev := ws.NextEvent(); ev.Type != domain.EventUserCreated {
			t.Fatalf("kept subscription %d got %+v", i, ev)
		}
	}
}
