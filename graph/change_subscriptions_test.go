package graph_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/uptrace/bun"

	"tenantadmin/db"
	"tenantadmin/db/dbtest"
	"tenantadmin/domain"
	"tenantadmin/events"
	"tenantadmin/graph"
	"tenantadmin/server/servertest"
)

// TestChangesAcrossReplicas: two server processes share PostgreSQL and
// Redis; changes made through one reach, in order, a subscription held on
// the other.
func TestChangesAcrossReplicas(t *testing.T) {
	w := servertest.NewWorld(t)
	b := servertest.MustRunReplica(t, w.M, nil)
	ws := b.MustWS(t, b.MustLogin(t, w.CompanyAdmin))
	ws.Subscribe("1", servertest.ChangesSubscription, nil)
	servertest.WaitSubscribers(t, b, 1)

	token := w.M.MustLogin(t, w.CompanyAdmin)
	var want []string
	for i := range 3 {
		var out struct {
			CreateServiceAccount struct {
				ServiceAccount struct{ ID string }
				UserErrors     []any
			}
		}
		w.M.GQL(t, token, servertest.CreateServiceAccountMutation, map[string]any{"input": map[string]any{
			"tenantId": servertest.GlobalID("Tenant", w.Company), "username": fmt.Sprintf("integration-%d", i)}}).Decode(t, &out)
		if len(out.CreateServiceAccount.UserErrors) > 0 {
			t.Fatalf("userErrors %v", out.CreateServiceAccount.UserErrors)
		}
		want = append(want, "SERVICE_ACCOUNT_CREATED")
		servertest.RecordChange(t, w.M, w.Site, "USER_UPDATED", "User", w.Technician, map[string]any{"status": "ACTIVE"})
		want = append(want, "USER_UPDATED")
	}
	got := ws.Events(len(want))
	if servertest.EventTypes(got) != strings.Join(want, ",") {
		t.Fatalf("got %s, want %s", servertest.EventTypes(got), strings.Join(want, ","))
	}
	var cursors []string
	for i, e := range got {
		cursors = append(cursors, e.Cursor)
		if i > 0 && !cursorLess(t, got[i-1].Cursor, e.Cursor) {
			t.Fatalf("events out of order: %s after %s", e.Cursor, got[i-1].Cursor)
		}
	}
	first := got[0]
	if first.Tenant == nil || first.Tenant.ID != servertest.GlobalID("Tenant", w.Company) || first.SubjectType != "ServiceAccount" ||
		first.Payload["username"] != "integration-0" || first.AuditEvent == nil || first.AuditEvent.Action != "serviceAccount.create" ||
		first.AuditEvent.ActorLabel != "company.admin" {
		t.Fatalf("first event = %+v", first)
	}
	if len(slices.Compact(cursors)) != len(got) {
		t.Fatal("duplicate cursors")
	}

	t.Run("ReplicaStops", func(t *testing.T) {
		// A replica shutting down ends its subscriptions with a reason, so
		// that dashboards resubscribe elsewhere with their last cursor.
		b.Close()
		if code, reason, _ := ws.EndError(); code != "UNAVAILABLE" || reason != "SHUTTING_DOWN" {
			t.Fatalf("code %s reason %s", code, reason)
		}
	})
}

// cursorLess compares two change cursors by the event order they encode.
func cursorLess(t testing.TB, a, b string) bool {
	t.Helper()
	return cursorID(t, a) < cursorID(t, b)
}

// cursorID opens a change cursor with the development key (the tests'
// servers run without CURSOR_SECRET) and reads its event id.
func cursorID(t testing.TB, c string) int64 {
	t.Helper()
	dev, err := graph.NewCursors("")
	if err != nil {
		t.Fatal(err)
	}
	plain, ok := dev.Open(c)
	if !ok {
		t.Fatalf("cursor %q does not open with the development key", c)
	}
	b, err := base64.RawURLEncoding.DecodeString(plain)
	if err != nil {
		t.Fatalf("cursor %q: %v", c, err)
	}
	raw := string(b)
	var id int64
	if _, err := fmt.Sscanf(raw, "ev:%d", &id); err != nil {
		t.Fatalf("cursor %q: %v", c, err)
	}
	return id
}

// TestChangesSurviveRelayCrash: the replica running the relay dies between
// the commit of a change and its publication; after a new replica starts,
// the subscription held on another replica still receives it.
func TestChangesSurviveRelayCrash(t *testing.T) {
	reached := make(chan struct{}, 1)
	_, prefix := dbtest.MustRedis(t)
	// A replica whose relay hangs after reading a batch, before publishing.
	a := servertest.MustRunMainConfigured(t, dbtest.NewDatabaseURL(t), prefix, func(m *servertest.Main) {
		m.RelayOptions.BeforePublish = func(ctx context.Context, prev, to int64) {
			select {
			case reached <- struct{}{}:
			default:
			}
			<-ctx.Done() // stuck until the process dies
		}
	})
	w := servertest.NewWorldOn(t, a)
	b := servertest.MustRunReplica(t, a, nil, "-event-relay=false")
	ws := b.MustWS(t, b.MustLogin(t, w.CompanyAdmin))
	ws.Subscribe("1", servertest.ChangesSubscription, nil)
	servertest.WaitSubscribers(t, b, 1)

	servertest.RecordChange(t, a, w.Company, "USER_SUSPENDED", "User", w.Technician, map[string]any{"status": "SUSPENDED"})
	<-reached // committed, read by the relay, not published
	if published, _, _ := db.NewEventStore(a.DB).RelayState(context.Background()); published != 0 {
		t.Fatalf("published through %d before the crash", published)
	}
	a.Close()

	servertest.MustRunReplica(t, b, nil) // a new replica with a relay
	if got := ws.Events(1); got[0].Type != "USER_SUSPENDED" || *got[0].SubjectID != servertest.GlobalID("User", w.Technician) {
		t.Fatalf("got %+v", got)
	}
}

// TestChangesResumeFromCursor: a dashboard reconnecting with the last cursor
// it saw gets every later event, then live ones, with no gap and no
// duplicate.
func TestChangesResumeFromCursor(t *testing.T) {
	w := servertest.NewWorld(t)
	token := w.M.MustLogin(t, w.CompanyAdmin)
	ws := w.M.MustWS(t, token)
	ws.Subscribe("1", servertest.ChangesSubscription, nil)
	servertest.WaitSubscribers(t, w.M, 1)
	for i := range 3 {
		servertest.RecordChange(t, w.M, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"n": i})
	}
	seen := ws.Events(3)
	last := seen[2].Cursor
	ws.Conn.CloseNow()
	servertest.WaitSubscribers(t, w.M, 0)

	for i := 3; i < 8; i++ { // while the dashboard is away
		servertest.RecordChange(t, w.M, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"n": i})
	}
	ws = w.M.MustWS(t, token)
	ws.Subscribe("1", servertest.ChangesSubscription, map[string]any{"after": last})
	go func() {
		for i := 8; i < 12; i++ { // while it catches up
			servertest.RecordChange(t, w.M, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"n": i})
		}
	}()
	var ns []int
	prev := cursorID(t, last)
	for _, e := range ws.Events(9) {
		if id := cursorID(t, e.Cursor); id <= prev {
			t.Fatalf("cursor %d after %d", id, prev)
		} else {
			prev = id
		}
		ns = append(ns, int(e.Payload["n"].(float64)))
	}
	if !slices.Equal(ns, []int{3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Fatalf("resumed with %v", ns)
	}
	t.Run("ErrInvalidCursor", func(t *testing.T) {
		ws := w.M.MustWS(t, token)
		ws.Subscribe("1", servertest.ChangesSubscription, map[string]any{"after": "not-a-cursor"})
		if code, reason, _ := ws.EndError(); code != "BAD_USER_INPUT" || reason != "INVALID_CURSOR" {
			t.Fatalf("code %s reason %s", code, reason)
		}
	})
	t.Run("ErrCursorExpired", func(t *testing.T) {
		ctx := context.Background()
		if _, err := w.M.DB.ExecContext(ctx, "UPDATE events SET created_at = now() - interval '30 days'"); err != nil {
			t.Fatal(err)
		}
		store := db.NewEventStore(w.M.DB)
		// Only published events are pruned; a subscriber may see the last one
		// before the relay records it as published.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var newest int64
			if err := w.M.DB.QueryRowContext(ctx, "SELECT max(id) FROM events").Scan(&newest); err != nil {
				t.Fatal(err)
			}
			if published, _, err := store.RelayState(ctx); err != nil || published >= newest {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("published through %d of %d", published, newest)
			}
		}
		r := &events.Retention{Store: store, Events: 7 * 24 * time.Hour, Logger: w.M.Logger}
		if _, n, err := r.RunOnce(ctx); err != nil || n != 12 {
			t.Fatalf("pruned %d: %v", n, err)
		}
		ws := w.M.MustWS(t, token)
		ws.Subscribe("1", servertest.ChangesSubscription, map[string]any{"after": last})
		if code, reason, _ := ws.EndError(); code != "BAD_USER_INPUT" || reason != "CURSOR_EXPIRED" {
			t.Fatalf("code %s reason %s", code, reason)
		}
	})
}

// TestChangesTenantIsolation: a subscriber receives only the events of
// tenants it may see; personal data only within its personal-data scope.
func TestChangesTenantIsolation(t *testing.T) {
	w := servertest.NewWorld(t)
	company := w.M.MustWS(t, w.M.MustLogin(t, w.CompanyAdmin))
	company.Subscribe("1", servertest.ChangesSubscription, nil)
	other := w.M.MustWS(t, w.M.MustLogin(t, w.OtherAdmin))
	other.Subscribe("1", servertest.ChangesSubscription, nil)
	tech := w.M.MustWS(t, w.M.MustLogin(t, w.Technician))
	tech.Subscribe("1", servertest.ChangesSubscription, nil)
	siteOnly := w.M.MustWS(t, w.M.MustLogin(t, w.HoldingAdmin))
	siteOnly.Subscribe("1", servertest.ChangesSubscription, map[string]any{"tenantIds": []string{servertest.GlobalID("Tenant", w.Site)}})
	servertest.WaitSubscribers(t, w.M, 4)

	personal := map[string]any{"userId": float64(w.CompanyAdmin), "username": "company.admin", "email": "new@example.test", "givenName": "Nuovo"}
	servertest.RecordChange(t, w.M, w.Company, "USER_UPDATED", "User", w.CompanyAdmin, personal)
	servertest.RecordChange(t, w.M, w.Other, "USER_CREATED", "User", w.OtherAdmin, map[string]any{"username": "x"})
	servertest.RecordChange(t, w.M, w.Site, "MEMBERSHIP_CREATED", "Membership", 1, map[string]any{"userId": float64(w.Technician)})

	if got := company.Events(2); servertest.EventTypes(got) != "USER_UPDATED,MEMBERSHIP_CREATED" || got[0].Payload["email"] != "new@example.test" {
		t.Fatalf("company admin got %s %v", servertest.EventTypes(got), got[0].Payload)
	}
	if got := other.Events(1); servertest.EventTypes(got) != "USER_CREATED" {
		t.Fatalf("other tenant's admin got %s", servertest.EventTypes(got))
	}
	got := tech.Events(1)
	if servertest.EventTypes(got) != "USER_UPDATED" {
		t.Fatalf("technician got %s", servertest.EventTypes(got))
	}
	if _, ok := got[0].Payload["email"]; ok || got[0].Payload["username"] != "company.admin" {
		t.Fatalf("restricted role sees personal data: %v", got[0].Payload)
	}
	if got := siteOnly.Events(1); servertest.EventTypes(got) != "MEMBERSHIP_CREATED" {
		t.Fatalf("site-only subscriber got %s", servertest.EventTypes(got))
	}
	// Nothing else arrives: the next event each sees is its own.
	servertest.RecordChange(t, w.M, w.Other, "USER_DELETED", "User", w.OtherAdmin, nil)
	servertest.RecordChange(t, w.M, w.Company, "USER_DELETED", "User", w.Technician, nil)
	if got := other.Events(1); servertest.EventTypes(got) != "USER_DELETED" || *got[0].SubjectID != servertest.GlobalID("User", w.OtherAdmin) {
		t.Fatalf("other tenant's admin got %+v", got)
	}
	if got := company.Events(1); *got[0].SubjectID != servertest.GlobalID("User", w.Technician) {
		t.Fatalf("company admin got %+v", got)
	}

	t.Run("ErrForbiddenTenant", func(t *testing.T) {
		ws := w.M.MustWS(t, w.M.MustLogin(t, w.OtherAdmin))
		ws.Subscribe("1", servertest.ChangesSubscription, map[string]any{"tenantIds": []string{servertest.GlobalID("Tenant", w.Company)}})
		if code, _, _ := ws.EndError(); code != "FORBIDDEN" {
			t.Fatalf("code %s", code)
		}
	})
	t.Run("ErrUnauthenticated", func(t *testing.T) {
		c, err := w.M.DialWS("")
		if err != nil {
			t.Fatal(err)
		}
		ws := &servertest.WSClient{TB: t, Conn: c}
		defer c.CloseNow()
		if msg := ws.Next(); msg.Type != "connection_ack" {
			t.Fatalf("%s", msg.Type)
		}
		ws.Subscribe("1", servertest.ChangesSubscription, nil)
		if code, _, _ := ws.EndError(); code != "UNAUTHENTICATED" {
			t.Fatalf("code %s", code)
		}
	})
	t.Run("ErrForgedToken", func(t *testing.T) {
		c, err := w.M.DialWS("forged")
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, b, err := c.Read(ctx)
		if err == nil {
			t.Fatalf("a forged token was accepted: %s", b)
		}
		if websocket.CloseStatus(err) != 4403 {
			t.Fatalf("closed with %v, want 4403", err)
		}
	})
}

// TestChangesEndWhenAccessEnds: a subscription ends with an error when the
// subscriber is suspended, loses its role, or its session is revoked.
func TestChangesEndWhenAccessEnds(t *testing.T) {
	w := servertest.NewWorld(t)
	t.Run("Suspended", func(t *testing.T) {
		admin := w.F.User("suspended.admin", w.Company)
		w.F.Assign(admin, w.Company, "segmenti", "admin")
		ws := w.M.MustWS(t, w.M.MustLogin(t, admin))
		ws.Subscribe("1", servertest.ChangesSubscription, nil)
		servertest.WaitSubscribers(t, w.M, 1)
		// What suspendUser does: the change and its event in one transaction.
		err := w.M.DB.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "UPDATE users SET status = 'SUSPENDED' WHERE id = ?", admin); err != nil {
				return err
			}
			return db.RecordChange(ctx, tx, domain.AuditContext{}, domain.AuditEvent{Action: "user.suspend"},
				&db.Event{TenantID: &w.Company, Type: domain.EventUserSuspended, SubjectType: "User", SubjectID: &admin})
		})
		if err != nil {
			t.Fatal(err)
		}
		if code, _, _ := ws.EndError(); code != "UNAUTHENTICATED" {
			t.Fatalf("code %s", code)
		}
		servertest.WaitSubscribers(t, w.M, 0)
	})
	t.Run("RoleRemovedElsewhere", func(t *testing.T) {
		// The event is in a tenant the subscriber does not watch; it still
		// triggers the re-check.
		admin := w.F.User("former.admin", w.Company)
		ra := w.F.Assign(admin, w.Company, "segmenti", "admin")
		ws := w.M.MustWS(t, w.M.MustLogin(t, admin))
		ws.Subscribe("1", servertest.ChangesSubscription, map[string]any{"tenantIds": []string{servertest.GlobalID("Tenant", w.Site)}})
		servertest.WaitSubscribers(t, w.M, 1)
		err := w.M.DB.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.ExecContext(ctx, "DELETE FROM role_assignments WHERE id = ?", ra); err != nil {
				return err
			}
			return db.RecordChange(ctx, tx, domain.AuditContext{}, domain.AuditEvent{Action: "roleAssignment.delete"},
				&db.Event{TenantID: &w.Company, Type: domain.EventRoleAssignmentDeleted, SubjectType: "RoleAssignment", SubjectID: &ra,
					Payload: map[string]any{"userId": admin}})
		})
		if err != nil {
			t.Fatal(err)
		}
		if code, _, _ := ws.EndError(); code != "FORBIDDEN" {
			t.Fatalf("code %s", code)
		}
		servertest.WaitSubscribers(t, w.M, 0)
	})
	t.Run("SessionRevoked", func(t *testing.T) {
		m := servertest.MustRunReplica(t, w.M, nil, "-subscription-recheck", "100ms")
		ws := m.MustWS(t, m.MustLogin(t, w.HoldingAdmin))
		ws.Subscribe("1", servertest.ChangesSubscription, nil)
		servertest.WaitSubscribers(t, m, 1)
		if err := m.Sessions.RevokeAll(context.Background(), w.HoldingAdmin); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := ws.EndError(); code != "UNAUTHENTICATED" {
			t.Fatalf("code %s", code)
		}
	})
}

// TestSlowSubscriberDropped: a dashboard that stops reading is dropped with
// SLOW_CONSUMER; another keeps receiving everything, in order.
func TestSlowSubscriberDropped(t *testing.T) {
	w := servertest.NewWorld(t)
	m := servertest.MustRunReplica(t, w.M, nil, "-subscription-buffer", "2", "-event-relay=false")
	fast := m.MustWS(t, m.MustLogin(t, w.CompanyAdmin))
	fast.Subscribe("1", `subscription { changes { cursor payload } }`, nil)
	slow := m.MustWS(t, m.MustLogin(t, w.CompanyAdmin), servertest.WSOptions{ReceiveBuffer: 4096})
	slow.Subscribe("1", `subscription { changes { cursor payload } }`, nil)
	servertest.WaitSubscribers(t, m, 2)

	// Large events, committed one at a time so that each is its own batch:
	// the slow client's socket fills up, then its buffer of batches.
	note := strings.Repeat("x", 64<<10)
	const n = 200
	prev := int64(0)
	// Stop a few events after the drop: the slow client answers no ping
	// while it reads nothing, and after a ping interval (15 s) the server
	// closes its socket, notice and all (under -race 200 events took 28 s).
	afterDrop := 0
	for i := 0; i < n && afterDrop < 10; i++ {
		servertest.RecordChange(t, w.M, w.Company, "USER_UPDATED", "User", w.Technician, map[string]any{"note": note, "n": i})
		e := fast.NextEvent()
		if id := cursorID(t, e.Cursor); id <= prev || int(e.Payload["n"].(float64)) != i {
			t.Fatalf("fast subscriber got %v after %d", e.Payload["n"], prev)
		} else {
			prev = id
		}
		if m.Hub.Stats().Dropped > 0 {
			afterDrop++
		}
	}
	code, reason, received := slow.EndError()
	if code != "UNAVAILABLE" || reason != "SLOW_CONSUMER" || received >= n {
		t.Fatalf("slow subscriber: code %s reason %s after %d events", code, reason, received)
	}
	if m.Hub.Stats().Dropped != 1 {
		t.Fatalf("dropped = %d", m.Hub.Stats().Dropped)
	}
}
