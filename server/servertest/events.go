package servertest

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"tenantadmin/db"
	"tenantadmin/domain"
)

// RecordChange writes a change as a mutation does: its audit record and
// change event in one transaction (db.RecordChange), through the given
// server's database handle.
func RecordChange(t testing.TB, m *Main, tenant int64, typ, subjectType string, subjectID int64, payload map[string]any) {
	t.Helper()
	err := m.DB.InTx(context.Background(), func(ctx context.Context, tx bun.Tx) error {
		return db.RecordChange(ctx, tx, domain.AuditContext{ActorLabel: "test"},
			domain.AuditEvent{TenantID: &tenant, Action: auditActionOf(typ), TargetType: subjectType, TargetID: &subjectID},
			&db.Event{TenantID: &tenant, Type: typ, SubjectType: subjectType, SubjectID: &subjectID, Payload: payload})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// auditActionOf is the audit action a mutation records with a change
// event of this type (storage refuses unlisted actions).
func auditActionOf(typ string) string {
	switch typ {
	case domain.EventUserCreated:
		return "user.create"
	case domain.EventUserSuspended:
		return "user.suspend"
	case domain.EventUserDeleted:
		return "user.delete"
	case domain.EventMembershipCreated:
		return "membership.create"
	}
	return "user.update"
}

// WaitSubscribers waits until the server's hub holds n subscriptions.
func WaitSubscribers(t testing.TB, m *Main, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for m.Hub.Stats().Subscribers != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscriptions, want %d", m.Hub.Stats().Subscribers, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
