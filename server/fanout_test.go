package main

import (
	"context"
	"encoding/json"
	"testing"

	"tenantadmin/domain"
)

// Issue 17.3: an event's bytes are executed once per key and shared by the
// subscribers with that key. These tests hold subscribers that share a
// document but must not share bytes.

// nextRaw returns the payload of the next `next` message, as sent.
func (ws *wsClient) nextRaw() json.RawMessage {
	ws.tb.Helper()
	msg := ws.next()
	if msg.Type != "next" {
		ws.tb.Fatalf("expected an event, got %s %s", msg.Type, msg.Payload)
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
	w := newWorld(t)
	op := w.f.User("operatore.uno", w.company)
	w.f.Assign(op, w.company, "segmenti", "user")
	w.f.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'admin'
		AND product_id = (SELECT id FROM products WHERE code = 'clienti')`)
	restricted := w.f.User("restricted.admin", w.company)
	w.f.Assign(restricted, w.company, "clienti", "admin")

	admin := w.m.MustLogin(t, w.companyAdmin)
	var clients []*wsClient
	for _, token := range []string{w.m.MustLogin(t, restricted), admin, w.m.MustLogin(t, w.holdingAdmin)} {
		ws := w.m.mustWS(t, token)
		ws.subscribe("1", changeDetailsSubscription, nil)
		clients = append(clients, ws)
	}
	cut, full, parent := clients[0], clients[1], clients[2]
	waitSubscribers(t, w.m, 3)

	var out struct {
		UpdateUserProfile struct{ UserErrors []userError }
	}
	w.m.gql(t, admin, updateProfileMutation, map[string]any{"input": map[string]any{
		"userId": globalIDFor("User", op), "expectedVersion": 1, "givenName": "Mario"}}).decode(t, &out)
	if len(out.UpdateUserProfile.UserErrors) > 0 {
		t.Fatalf("update: %v", out.UpdateUserProfile.UserErrors)
	}
	next := func(ws *wsClient) (json.RawMessage, detailedEvent) {
		t.Helper()
		for {
			raw := ws.nextRaw()
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
	w := newWorld(t)
	a := w.m.mustWS(t, w.m.MustLogin(t, w.companyAdmin))
	a.subscribe("1", changeDetailsSubscription, nil)
	b := w.m.mustWS(t, w.m.MustLogin(t, w.other_admin))
	b.subscribe("1", changeDetailsSubscription, nil)
	waitSubscribers(t, w.m, 2)

	inA := w.f.User("utente.a", w.company)
	inB := w.f.User("utente.b", w.other)
	recordChange(t, w.m, w.company, domain.EventUserCreated, "User", inA, map[string]any{"userId": inA, "username": "utente.a"})
	// A's event is executed before B's arrives.
	if ev := decodeDetailed(t, a.nextRaw()); ev.SubjectID == nil || *ev.SubjectID != globalIDFor("User", inA) {
		t.Fatalf("tenant A's subscriber got %+v", ev)
	}
	recordChange(t, w.m, w.other, domain.EventUserCreated, "User", inB, map[string]any{"userId": inB, "username": "utente.b"})
	raw := b.nextRaw()
	if ev := decodeDetailed(t, raw); ev.SubjectID == nil || *ev.SubjectID != globalIDFor("User", inB) {
		t.Fatalf("tenant B's subscriber got %s", raw)
	}
	recordChange(t, w.m, w.company, domain.EventUserDeleted, "User", inA, map[string]any{"userId": inA})
	recordChange(t, w.m, w.other, domain.EventUserDeleted, "User", inB, map[string]any{"userId": inB})
	if ev := decodeDetailed(t, b.nextRaw()); ev.Type != domain.EventUserDeleted || *ev.SubjectID != globalIDFor("User", inB) {
		t.Fatalf("tenant B's subscriber got %+v", ev)
	}
	if ev := decodeDetailed(t, a.nextRaw()); ev.Type != domain.EventUserDeleted || *ev.SubjectID != globalIDFor("User", inA) {
		t.Fatalf("tenant A's subscriber got %+v", ev)
	}
}

// TestSharedSubscriptionEndsWhenSessionRevoked: a subscription whose bytes
// are shared is still re-checked on its own: revoking its session ends it
// while another session's subscription with the same document goes on.
func TestSharedSubscriptionEndsWhenSessionRevoked(t *testing.T) {
	w := newWorld(t)
	m := MustRunReplica(t, w.m, nil, "-subscription-recheck", "100ms")
	revoked := m.mustWS(t, m.MustLogin(t, w.holdingAdmin))
	revoked.subscribe("1", changeDetailsSubscription, nil)
	kept := m.mustWS(t, m.MustLogin(t, w.companyAdmin))
	kept.subscribe("1", changeDetailsSubscription, nil)
	waitSubscribers(t, m, 2)
	recordChange(t, m, w.company, domain.EventUserCreated, "User", w.technician, map[string]any{"userId": w.technician})
	revoked.nextRaw()
	kept.nextRaw()
	if err := m.Sessions.RevokeAll(context.Background(), w.holdingAdmin); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := revoked.endError(); code != "UNAUTHENTICATED" {
		t.Fatalf("code %s", code)
	}
	waitSubscribers(t, m, 1)
	recordChange(t, m, w.company, domain.EventUserDeleted, "User", w.technician, map[string]any{"userId": w.technician})
	if ev := decodeDetailed(t, kept.nextRaw()); ev.Type != domain.EventUserDeleted {
		t.Fatalf("the other session's subscriber got %+v", ev)
	}
}

// TestSharedEventBytesViewerDependentSelection: a selection reaching beyond
// the event (its audit record, read with the viewer's audit scope) is not
// shared between viewers: two viewers who both may not read the event's
// personal data, one of whom may read the audit trail, get each their own
// answer.
func TestSharedEventBytesViewerDependentSelection(t *testing.T) {
	w := newWorld(t)
	w.f.Exec(`UPDATE roles SET personal_data_access = false WHERE code = 'admin'
		AND product_id = (SELECT id FROM products WHERE code = 'clienti')`)
	restricted := w.f.User("restricted.admin", w.company)
	w.f.Assign(restricted, w.company, "clienti", "admin")
	const doc = `subscription { changes { type auditEvent { action } } }`
	auditor := w.m.mustWS(t, w.m.MustLogin(t, restricted))
	auditor.subscribe("1", doc, nil)
	tech := w.m.mustWS(t, w.m.MustLogin(t, w.technician))
	tech.subscribe("1", doc, nil)
	waitSubscribers(t, w.m, 2)
	recordChange(t, w.m, w.company, domain.EventUserCreated, "User", w.companyAdmin, map[string]any{"userId": w.companyAdmin})
	if raw := auditor.nextRaw(); string(raw) != `{"data":{"changes":{"type":"USER_CREATED","auditEvent":{"action":"user.create"}}}}` {
		t.Fatalf("the administrator got %s", raw)
	}
	if raw := tech.nextRaw(); string(raw) != `{"data":{"changes":{"type":"USER_CREATED","auditEvent":null}}}` {
		t.Fatalf("the technician, who may not read the audit trail, got %s", raw)
	}
}
