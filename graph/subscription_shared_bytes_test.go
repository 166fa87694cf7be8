package graph_test

import (
	"context"
	"encoding/json"
	"testing"

	"tenantadmin/domain"
	"tenantadmin/server/servertest"
)

// Issue 17.3: an event's bytes are executed once per key and shared by the
// subscribers with that key. These tests hold subscribers that share a
// document but must not share bytes.

// nextRaw returns the payload of the next `next` message, as sent.
func nextRaw(ws *servertest.WSClient) json.RawMessage {
	ws.TB.Helper()
	msg := ws.Next()
	if msg.Type != "next" {
		ws.TB.Fatalf("expected an event, got %s %s", msg.Type, msg.Payload)
	}
	return msg.Payload
}

func decodeDetailed(t *testing.T, raw json.RawMessage) detailedEvent {
	t.Helper()
	var res struct {
		Data   struct{ Changes detailedEvent }
		Errors []any
	}
	if err := json.Unmarshal(raw, &res); err != nil || len(res.Errors) > 0 {
		t.Fatalf("event %s: %v", raw, err)
	}
	return res.Data.Changes
}

// TestSharedEventBytesKeepPersonalDataVariant: three administrators
// subscribe with the same document; the two who may read the operator's
// personal data get the same bytes, with the new given name; the one whose
// role has no personal-data access gets the redacted bytes, whichever of
// them was served first.
func TestSharedEventBytesKeepPersonalDataVariant(t *testing.T) {
	w := servertest.NewWorld(t)
	op := w.F.User("operatore.uno", w.Company)
	w.F.Assign(op, w.Company, "segmenti", "user")
	restricted := w.RestrictedAdmin(t) // no personal-data access (R12)

	admin := w.M.MustLogin(t, w.CompanyAdmin)
	var clients []*servertest.WSClient
	for _, token := range []string{w.M.MustLogin(t, restricted), admin, w.M.MustLogin(t, w.HoldingAdmin)} {
		ws := w.M.MustWS(t, token)
		ws.Subscribe("1", changeDetailsSubscription, nil)
		clients = append(clients, ws)
	}
	cut, full, parent := clients[0], clients[1], clients[2]
	servertest.WaitSubscribers(t, w.M, 3)

	var out struct {
		UpdateUserProfile struct{ UserErrors []servertest.UserError }
	}
	w.M.GQL(t, admin, updateProfileMutation, map[string]any{"input": map[string]any{
		"userId": servertest.GlobalID("User", op), "expectedVersion": 1, "givenName": "Mario"}}).Decode(t, &out)
	if len(out.UpdateUserProfile.UserErrors) > 0 {
		t.Fatalf("update: %v", out.UpdateUserProfile.UserErrors)
	}
	next := func(ws *servertest.WSClient) (json.RawMessage, detailedEvent) {
		t.Helper()
		for {
			raw := nextRaw(ws)
			if ev := decodeDetailed(t, raw); ev.Type == domain.EventUserUpdated {
				return raw, ev
			}
		}
	}
	fullRaw, fullEv := next(full)
	parentRaw, _ := next(parent)
	cutRaw, cutEv := next(cut)

	if u, _ := fullEv.Details["user"].(map[string]any); u["displayName"] != "Mario Familyoperatore.uno" {
		t.Fatalf("viewer with personal-data rights got %s", fullRaw)
	}
	if g := changeOf(t, fullEv.Details["changes"], "givenName"); g == nil || g.Hidden || g.NewValue == nil || *g.NewValue != "Mario" {
		t.Fatalf("viewer with personal-data rights got %s", fullRaw)
	}
	if string(parentRaw) != string(fullRaw) {
		t.Fatalf("two viewers with the same rights got different bytes:\n%s\n%s", fullRaw, parentRaw)
	}
	if u, _ := cutEv.Details["user"].(map[string]any); u == nil || u["displayName"] != nil {
		t.Fatalf("viewer without personal-data rights got %s", cutRaw)
	}
	if g := changeOf(t, cutEv.Details["changes"], "givenName"); g == nil || !g.Hidden || g.NewValue != nil || g.OldValue != nil {
		t.Fatalf("viewer without personal-data rights got %s", cutRaw)
	}
	if _, ok := cutEv.Payload["givenName"]; ok {
		t.Fatalf("viewer without personal-data rights got %s", cutRaw)
	}
}

// TestSharedEventBytesTenantIsolation: administrators of two tenants
// subscribe with the same document; each receives its own tenant's events
// only, the other tenant's having been executed just before.
func TestSharedEventBytesTenantIsolation(t *testing.T) {
	w := servertest.NewWorld(t)
	a := w.M.MustWS(t, w.M.MustLogin(t, w.CompanyAdmin))
	a.Subscribe("1", changeDetailsSubscription, nil)
	b := w.M.MustWS(t, w.M.MustLogin(t, w.OtherAdmin))
	b.Subscribe("1", changeDetailsSubscription, nil)
	servertest.WaitSubscribers(t, w.M, 2)

	inA := w.F.User("utente.a", w.Company)
	inB := w.F.User("utente.b", w.Other)
	servertest.RecordChange(t, w.M, w.Company, domain.EventUserCreated, "User", inA, map[string]any{"userId": inA, "username": "utente.a"})
	// A's event is executed before B's arrives.
	if ev := decodeDetailed(t, nextRaw(a)); ev.SubjectID == nil || *ev.SubjectID != servertest.GlobalID("User", inA) {
		t.Fatalf("tenant A's subscriber got %+v", ev)
	}
	servertest.RecordChange(t, w.M, w.Other, domain.EventUserCreated, "User", inB, map[string]any{"userId": inB, "username": "utente.b"})
	raw := nextRaw(b)
	if ev := decodeDetailed(t, raw); ev.SubjectID == nil || *ev.SubjectID != servertest.GlobalID("User", inB) {
		t.Fatalf("tenant B's subscriber got %s", raw)
	}
	servertest.RecordChange(t, w.M, w.Company, domain.EventUserDeleted, "User", inA, map[string]any{"userId": inA})
	servertest.RecordChange(t, w.M, w.Other, domain.EventUserDeleted, "User", inB, map[string]any{"userId": inB})
	if ev := decodeDetailed(t, nextRaw(b)); ev.Type != domain.EventUserDeleted || *ev.SubjectID != servertest.GlobalID("User", inB) {
		t.Fatalf("tenant B's subscriber got %+v", ev)
	}
	if ev := decodeDetailed(t, nextRaw(a)); ev.Type != domain.EventUserDeleted || *ev.SubjectID != servertest.GlobalID("User", inA) {
		t.Fatalf("tenant A's subscriber got %+v", ev)
	}
}

// TestSharedSubscriptionEndsWhenSessionRevoked: a subscription whose bytes
// are shared is still re-checked on its own: revoking its session ends it
// while another session's subscription with the same document goes on.
func TestSharedSubscriptionEndsWhenSessionRevoked(t *testing.T) {
	w := servertest.NewWorld(t)
	m := servertest.MustRunReplica(t, w.M, nil, "-subscription-recheck", "100ms")
	revoked := m.MustWS(t, m.MustLogin(t, w.HoldingAdmin))
	revoked.Subscribe("1", changeDetailsSubscription, nil)
	kept := m.MustWS(t, m.MustLogin(t, w.CompanyAdmin))
	kept.Subscribe("1", changeDetailsSubscription, nil)
	servertest.WaitSubscribers(t, m, 2)
	servertest.RecordChange(t, m, w.Company, domain.EventUserCreated, "User", w.Technician, map[string]any{"userId": w.Technician})
	nextRaw(revoked)
	nextRaw(kept)
	if err := m.Sessions.RevokeAll(context.Background(), w.HoldingAdmin); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := revoked.EndError(); code != "UNAUTHENTICATED" {
		t.Fatalf("code %s", code)
	}
	servertest.WaitSubscribers(t, m, 1)
	servertest.RecordChange(t, m, w.Company, domain.EventUserDeleted, "User", w.Technician, map[string]any{"userId": w.Technician})
	if ev := decodeDetailed(t, nextRaw(kept)); ev.Type != domain.EventUserDeleted {
		t.Fatalf("the other session's subscriber got %+v", ev)
	}
}

// TestSharedEventBytesViewerDependentSelection: a selection reaching beyond
// the event (its audit record, read with the viewer's audit scope) is not
// shared between viewers: two viewers who both may not read the event's
// personal data, one of whom may read the audit trail, get each their own
// answer.
func TestSharedEventBytesViewerDependentSelection(t *testing.T) {
	w := servertest.NewWorld(t)
	restricted := w.RestrictedAdmin(t) // no personal-data access (R12)
	const doc = `subscription { changes { type auditEvent { action } } }`
	auditor := w.M.MustWS(t, w.M.MustLogin(t, restricted))
	auditor.Subscribe("1", doc, nil)
	tech := w.M.MustWS(t, w.M.MustLogin(t, w.Technician))
	tech.Subscribe("1", doc, nil)
	servertest.WaitSubscribers(t, w.M, 2)
	servertest.RecordChange(t, w.M, w.Company, domain.EventUserCreated, "User", w.CompanyAdmin, map[string]any{"userId": w.CompanyAdmin})
	if raw := nextRaw(auditor); string(raw) != `{"data":{"changes":{"type":"USER_CREATED","auditEvent":{"action":"user.create"}}}}` {
		t.Fatalf("the administrator got %s", raw)
	}
	if raw := nextRaw(tech); string(raw) != `{"data":{"changes":{"type":"USER_CREATED","auditEvent":null}}}` {
		t.Fatalf("the technician, who may not read the audit trail, got %s", raw)
	}
}
